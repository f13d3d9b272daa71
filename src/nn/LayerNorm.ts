/**
 * `LayerNorm`: normalizes over the last `normalizedShape.length` axes, then scales and shifts
 * elementwise, PyTorch's `nn.LayerNorm`: `y = (x − mean) / √(var + eps) · weight + bias`, with the
 * biased variance.
 *
 * - input `[..., ...normalizedShape]` (any leading axes, none included); output: the same shape
 * - `weight: normalizedShape`, `bias: normalizedShape` (shape `[0]` when `elementwiseAffine: false`
 *   or `bias: false`)
 * - default init, PyTorch's: weight 1, bias 0; `eps` 1e-5
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { ones, zeros } from '../init/constant.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { configObject, FiniteNumber, PositiveInt } from './configCodecs.js';
import { checkTrailingShape } from './inputCheck.js';
import { checkEps, toShape } from './normalizationArguments.js';
import { optionalParam } from './optionalParam.js';

type Tensor = tf.Tensor;

const fields = {
  weight: param(),
  bias: param(),
  normalizedShape: constant<ReadonlyArray<number>>(),
  eps: constant<number>(),
  elementwiseAffine: constant<boolean>(),
  useBias: constant<boolean>(),
};

/**
 * The fp-ts URI of `LayerNorm` modules (also `LayerNorm.URI`).
 * @example
 * nn.LayerNorm.URI // 'parallax-ts/nn/LayerNorm'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/LayerNorm';
/** @since 0.1.0 */
export type URI = typeof URI;
/** A `LayerNorm` layer whose leaves are `A`. @since 0.1.0 */
export type LayerNorm<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: LayerNorm<A>;
  }
}

const forward = (m: LayerNorm<Tensor>, x: Tensor): Tensor => {
  checkTrailingShape(x, m.normalizedShape);
  return tf.tidy(() => {
    const axes = m.normalizedShape.map((_, i) => x.rank - m.normalizedShape.length + i);
    const { mean, variance } = tf.moments(x, axes, true);
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, m.eps)));
    const scaled = m.elementwiseAffine ? tf.mul(normed, m.weight) : normed;
    return m.elementwiseAffine && m.useBias ? tf.add(scaled, m.bias) : scaled;
  });
};

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
  name: 'LayerNorm',
  fields,
  extraRepr: (m) =>
    `(${m.normalizedShape.join(', ')}${m.normalizedShape.length === 1 ? ',' : ''}), eps=${m.eps}, elementwise_affine=${m.elementwiseAffine}` +
    (m.useBias ? '' : ', bias=false'),
  forward,
});

/** Options of {@link LayerNorm.create} (PyTorch's defaults). @since 0.1.0 */
export interface LayerNormOptions {
  /** Default 1e-5. */
  readonly eps?: number;
  /** Default `true`: learnable `weight` (and `bias`). */
  readonly elementwiseAffine?: boolean;
  /** Default `true`. */
  readonly bias?: boolean;
}

/**
 * The JSON-able constructor arguments of a `LayerNorm`.
 * @example
 * nn.LayerNorm.fromConfig({ normalizedShape: [5, 16], elementwiseAffine: false })
 * @since 0.1.0
 */
export const LayerNormConfig = configObject(
  'LayerNorm config',
  { normalizedShape: t.union([PositiveInt, t.readonlyArray(PositiveInt)]) },
  { eps: FiniteNumber, elementwiseAffine: t.boolean, bias: t.boolean },
);
/** @since 0.1.0 */
export type LayerNormConfig = t.TypeOf<typeof LayerNormConfig>;

/**
 * `LayerNorm`: the module definition plus `create`, and its config.
 * @since 0.1.0
 */
export interface LayerNormDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new, uninitialized layer: `weight`, `bias` of shape `normalizedShape`. */
  readonly create: (normalizedShape: number | ReadonlyArray<number>, options?: LayerNormOptions) => LayerNorm<ParamInit<Tensor>>;
  /** The io-ts codec of the constructor arguments. */
  readonly configCodec: typeof LayerNormConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: LayerNorm<unknown>) => LayerNormConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: LayerNormConfig) => LayerNorm<ParamInit<Tensor>>;
}

const create: LayerNormDef['create'] = (normalizedShape, options = {}) => {
  const fn = 'LayerNorm.create';
  const shape = toShape(fn, normalizedShape);
  const eps = checkEps(fn, options.eps ?? 1e-5);
  const elementwiseAffine = options.elementwiseAffine ?? true;
  const useBias = options.bias ?? true;
  return def.make({
    weight: optionalParam(elementwiseAffine, shape, ones),
    bias: optionalParam(elementwiseAffine && useBias, shape, zeros),
    normalizedShape: shape,
    eps,
    elementwiseAffine,
    useBias,
  });
};

/**
 * The `LayerNorm` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link LayerNormDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const ln = initialize(nn.LayerNorm.create(16))(random.key(0))
 * nn.LayerNorm.forward(ln, tf.ones([2, 5, 16])).shape // [2, 5, 16]
 * @since 0.1.0
 */
export const LayerNorm: LayerNormDef = {
  ...def,
  create,
  configCodec: LayerNormConfig,
  toConfig: (m) => ({ normalizedShape: m.normalizedShape, eps: m.eps, elementwiseAffine: m.elementwiseAffine, bias: m.useBias }),
  fromConfig: (c) => create(c.normalizedShape, c),
};
