/**
 * `RMSNorm`: root-mean-square normalization over the last `normalizedShape.length` axes, PyTorch's
 * `nn.RMSNorm`: `y = x / √(mean(x²) + eps) · weight`.
 *
 * - input `[..., ...normalizedShape]`; output: the same shape
 * - `weight: normalizedShape` (shape `[0]` when `elementwiseAffine: false`); no bias, as in PyTorch
 * - default init, PyTorch's: weight 1; `eps` default `null` = PyTorch's `None`, float32's machine
 *   epsilon `2⁻²³ ≈ 1.19e-7`
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { ones } from '../init/constant.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { configObject, FiniteNumber, PositiveInt } from './configCodecs.js';
import { checkTrailingShape } from './inputCheck.js';
import { checkEps, toShape } from './normalizationArguments.js';
import { optionalParam } from './optionalParam.js';

type Tensor = tf.Tensor;

/** float32's machine epsilon, `torch.finfo(torch.float32).eps`: RMSNorm's default. */
const FLOAT32_EPS = 2 ** -23;

const fields = {
  weight: param(),
  normalizedShape: constant<ReadonlyArray<number>>(),
  /** `null`: float32's machine epsilon. */
  eps: constant<number | null>(),
  elementwiseAffine: constant<boolean>(),
};

/**
 * The fp-ts URI of `RMSNorm` modules (also `RMSNorm.URI`).
 * @example
 * nn.RMSNorm.URI // 'parallax-ts/nn/RMSNorm'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/RMSNorm';
/** @since 0.1.0 */
export type URI = typeof URI;
/** An `RMSNorm` layer whose leaves are `A`. @since 0.1.0 */
export type RMSNorm<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: RMSNorm<A>;
  }
}

const forward = (m: RMSNorm<Tensor>, x: Tensor): Tensor => {
  checkTrailingShape(x, m.normalizedShape);
  return tf.tidy(() => {
    const axes = m.normalizedShape.map((_, i) => x.rank - m.normalizedShape.length + i);
    const ms = tf.mean(tf.square(x), axes, true);
    const normed = tf.mul(x, tf.rsqrt(tf.add(ms, m.eps ?? FLOAT32_EPS)));
    return m.elementwiseAffine ? tf.mul(normed, m.weight) : normed;
  });
};

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
  name: 'RMSNorm',
  fields,
  extraRepr: (m) =>
    `(${m.normalizedShape.join(', ')}${m.normalizedShape.length === 1 ? ',' : ''}), eps=${m.eps ?? 'None'}, elementwise_affine=${m.elementwiseAffine}`,
  forward,
});

/** Options of {@link RMSNorm.create} (PyTorch's defaults). @since 0.1.0 */
export interface RMSNormOptions {
  /** Default `null`: float32's machine epsilon. */
  readonly eps?: number | null;
  /** Default `true`: a learnable `weight`. */
  readonly elementwiseAffine?: boolean;
}

/**
 * The JSON-able constructor arguments of an `RMSNorm`.
 * @example
 * nn.RMSNorm.fromConfig({ normalizedShape: 16, eps: null }) // eps: the dtype's machine epsilon
 * @since 0.1.0
 */
export const RMSNormConfig = configObject(
  'RMSNorm config',
  { normalizedShape: t.union([PositiveInt, t.readonlyArray(PositiveInt)]) },
  { eps: t.union([FiniteNumber, t.null]), elementwiseAffine: t.boolean },
);
/** @since 0.1.0 */
export type RMSNormConfig = t.TypeOf<typeof RMSNormConfig>;

/**
 * `RMSNorm`: the module definition plus `create`, and its config.
 * @since 0.1.0
 */
export interface RMSNormDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new, uninitialized layer: `weight` of shape `normalizedShape`. */
  readonly create: (normalizedShape: number | ReadonlyArray<number>, options?: RMSNormOptions) => RMSNorm<ParamInit<Tensor>>;
  /** The io-ts codec of the constructor arguments. */
  readonly configCodec: typeof RMSNormConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: RMSNorm<unknown>) => RMSNormConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: RMSNormConfig) => RMSNorm<ParamInit<Tensor>>;
}

const create: RMSNormDef['create'] = (normalizedShape, options = {}) => {
  const fn = 'RMSNorm.create';
  const shape = toShape(fn, normalizedShape);
  const eps = options.eps === undefined || options.eps === null ? null : checkEps(fn, options.eps);
  const elementwiseAffine = options.elementwiseAffine ?? true;
  return def.make({
    weight: optionalParam(elementwiseAffine, shape, ones),
    normalizedShape: shape,
    eps,
    elementwiseAffine,
  });
};

/**
 * The `RMSNorm` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link RMSNormDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const norm = initialize(nn.RMSNorm.create(16))(random.key(0))
 * nn.RMSNorm.forward(norm, tf.ones([2, 16])).shape // [2, 16]
 * @since 0.1.0
 */
export const RMSNorm: RMSNormDef = {
  ...def,
  create,
  configCodec: RMSNormConfig,
  toConfig: (m) => ({ normalizedShape: m.normalizedShape, eps: m.eps, elementwiseAffine: m.elementwiseAffine }),
  fromConfig: (c) => create(c.normalizedShape, c),
};
