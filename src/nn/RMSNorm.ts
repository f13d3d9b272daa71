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
import { defineModule, type ModuleType } from '../tree/Module.js';
import { configObject, FiniteNumber } from './configCodecs.js';
import { configurable } from './configurable.js';
import { checkEps, normalizedAxes, NormalizedShape, normalizedShapeRepr, toShape } from './normalizationArguments.js';
import { optionalParam } from './optionalParam.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/** float32's machine epsilon, `torch.finfo(torch.float32).eps`: RMSNorm's default. */
const FLOAT32_EPS = 2 ** -23;

/**
 * Options of {@link RMSNorm.create} (PyTorch's defaults).
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.RMSNormOptions = { eps: 1e-6, elementwiseAffine: false }
 * const norm = nn.RMSNorm.create(16, options)
 * @category model
 * @since 0.1.0
 */
export interface RMSNormOptions {
  /** Default `null`: float32's machine epsilon. */
  readonly eps?: number | null;
  /** Default `true`: a learnable `weight`. */
  readonly elementwiseAffine?: boolean;
}

/**
 * `RMSNorm`'s constructor arguments as JSON: `{ normalizedShape, eps?, elementwiseAffine? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const norm = nn.RMSNorm.fromConfig({ normalizedShape: 16, eps: null }) // eps: float32's machine epsilon
 * @category config
 * @since 0.1.0
 */
export const RMSNormConfig = configObject(
  'RMSNorm config',
  { normalizedShape: NormalizedShape },
  { eps: t.union([FiniteNumber, t.null]), elementwiseAffine: t.boolean },
);
/**
 * The decoded form of {@link RMSNormConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.RMSNormConfig = { normalizedShape: [4, 16], eps: null }
 * @category config
 * @since 0.1.0
 */
export type RMSNormConfig = t.TypeOf<typeof RMSNormConfig>;

const RMSNormDef = defineModule('parallax-ts/nn/RMSNorm', {
  name: 'RMSNorm',
  fields: {
    weight: param(),
    normalizedShape: constant<ReadonlyArray<number>>(),
    /** `null`: float32's machine epsilon. */
    eps: constant<number | null>(),
    elementwiseAffine: constant<boolean>(),
  },
  create: (normalizedShape: number | ReadonlyArray<number>, options: RMSNormOptions = {}) => {
    const fn = 'RMSNorm.create';
    checkLayerOptions(fn, options, { eps: 'value', elementwiseAffine: 'flag' });
    const shape = toShape(fn, normalizedShape);
    const eps = options.eps === undefined || options.eps === null ? null : checkEps(fn, options.eps);
    const elementwiseAffine = options.elementwiseAffine ?? true;
    return { weight: optionalParam(elementwiseAffine, shape, ones), normalizedShape: shape, eps, elementwiseAffine };
  },
  forward: (m, x: Tensor) => {
    const axes = normalizedAxes(x, m.normalizedShape);
    return tf.tidy(() => {
      const ms = tf.mean(tf.square(x), axes, true);
      const normed = tf.mul(x, tf.rsqrt(tf.add(ms, m.eps ?? FLOAT32_EPS)));
      return m.elementwiseAffine ? tf.mul(normed, m.weight) : normed;
    });
  },
  extraRepr: (m) => `${normalizedShapeRepr(m.normalizedShape)}, eps=${m.eps ?? 'None'}, elementwise_affine=${m.elementwiseAffine}`,
});

/**
 * The `RMSNorm` layer: `create(normalizedShape, options?)` builds one (uninitialized; `weight` of
 * shape `normalizedShape`), `forward` / `apply` run it, `toConfig` / `fromConfig` convert its
 * architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const norm = initialize(nn.RMSNorm.create(16))(random.key(0))
 * nn.RMSNorm.forward(norm, tf.ones([2, 16])).shape // [2, 16]
 * @category layers
 * @since 0.1.0
 */
export const RMSNorm = configurable(RMSNormDef, RMSNormConfig, {
  toConfig: (m) => ({ normalizedShape: m.normalizedShape, eps: m.eps, elementwiseAffine: m.elementwiseAffine }),
  fromConfig: ({ normalizedShape, ...options }) => RMSNormDef.create(normalizedShape, options),
});
/**
 * An `RMSNorm` layer whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const norm: nn.RMSNorm<tf.Tensor> = initialize(nn.RMSNorm.create(16))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type RMSNorm<A> = ModuleType<typeof RMSNorm, A>;
