/**
 * What the normalization layers (`LayerNorm`, `RMSNorm`, `GroupNorm`, `BatchNorm1d/2d`) share: the
 * checks and codec of their constructor arguments (`normalizedShape`, `eps`), their optional scale
 * and shift parameters, and the axis bookkeeping of their forward passes. Internal to `nn` (not
 * re-exported); the examples show each helper through a layer that uses it.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { ones, zeros } from '../init/constant.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { PositiveInt } from './configCodecs.js';
import { checkTrailingShape } from './inputCheck.js';
import { optionalParam } from './optionalParam.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';

type Tensor = tf.Tensor;

/**
 * Normalizes a `normalizedShape` argument (LayerNorm, RMSNorm): an int or a non-empty list of
 * positive ints, as a list; throws naming `fn` otherwise.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.LayerNorm.create(16).normalizedShape // [16]
 * nn.LayerNorm.create([]) // throws: LayerNorm.create: normalizedShape must be a positive integer or a non-empty list of them, got []
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const toShape = (fn: string, v: unknown): ReadonlyArray<number> => {
  const s = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(s) || s.length === 0 || !s.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ArgumentError(`${fn}: normalizedShape must be a positive integer or a non-empty list of them, got ${describeData(v)}`);
  }
  return [...(s as number[])];
};

/**
 * Checks an `eps` argument: a finite number ≥ 0; throws naming `fn` otherwise.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.GroupNorm.create(2, 4, { eps: 1e-6 }).eps // 1e-6
 * nn.GroupNorm.create(2, 4, { eps: -1 }) // throws: GroupNorm.create: eps must be a finite number ≥ 0, got -1
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const checkEps = (fn: string, eps: unknown): number => {
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps))
    throw new ArgumentError(`${fn}: eps must be a finite number ≥ 0, got ${describeData(eps)}`);
  return eps;
};

/**
 * The codec of a `normalizedShape` in a config (LayerNorm, RMSNorm): a positive int or a list of them.
 * @example
 * import { nn } from 'parallax-ts'
 * const ln = nn.LayerNorm.fromConfig({ normalizedShape: [5, 16] })
 * const rms = nn.RMSNorm.fromConfig({ normalizedShape: 16 })
 * @internal
 * @category config
 * @since 0.2.0
 */
export const NormalizedShape = t.union([PositiveInt, t.readonlyArray(PositiveInt)]);

/**
 * A `normalizedShape` as PyTorch prints it, a Python tuple: `(16,)`, `(5, 16)`.
 * @example
 * import { nn, show } from 'parallax-ts'
 * show(nn.LayerNorm.create(16)) // starts 'LayerNorm((16,), eps=0.00001, elementwise_affine=true) { weight: …'
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const normalizedShapeRepr = (shape: ReadonlyArray<number>): string => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

/**
 * Checks that `x` is a float32 tensor ending in `normalizedShape` and returns the axes to normalize
 * over, its last `normalizedShape.length` ones (LayerNorm, RMSNorm).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const ln = initialize(nn.LayerNorm.create([5, 16]))(random.key(0))
 * nn.LayerNorm.forward(ln, tf.ones([2, 5, 16])) // normalized over axes [1, 2]
 * nn.LayerNorm.forward(ln, tf.ones([2, 16])) // throws: LayerNorm at the root module: expected input of shape [..., 5, 16], got [2, 16]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const normalizedAxes = (x: unknown, normalizedShape: ReadonlyArray<number>): number[] => {
  const rank = checkTrailingShape(x, normalizedShape).rank;
  return normalizedShape.map((_, i) => rank - normalizedShape.length + i);
};

/**
 * The scale and shift parameters of a normalization layer, `weight` (init 1) and `bias` (init 0),
 * each of `shape`, or absent (a zero-size `[0]` leaf) when its flag is `false`.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.LayerNorm.create(16, { bias: false }).bias.shape // [0]
 * nn.BatchNorm2d.create(8).weight.shape // [8]
 * @internal
 * @category constructors
 * @since 0.2.0
 */
export const scaleShift = (
  shape: ReadonlyArray<number>,
  present: { readonly weight: boolean; readonly bias: boolean },
): { readonly weight: ParamInit<Tensor>; readonly bias: ParamInit<Tensor> } => ({
  weight: optionalParam(present.weight, shape, ones),
  bias: optionalParam(present.bias, shape, zeros),
});

/**
 * `y · weight + bias` per channel, axis 1 of a channels-first `y` `[N, C, *]` (GroupNorm, BatchNorm).
 * Call inside a `tf.tidy`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const gn = initialize(nn.GroupNorm.create(2, 4))(random.key(0))
 * nn.GroupNorm.forward(gn, tf.randomNormal([3, 4, 5])) // normalized, then scaled and shifted per channel
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const scaleShiftChannels = (y: Tensor, weight: Tensor, bias: Tensor): Tensor => {
  const perChannel = y.shape.map((d, i) => (i === 1 ? d : 1));
  return tf.add(tf.mul(y, tf.reshape(weight, perChannel)), tf.reshape(bias, perChannel));
};
