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
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import { configObject, FiniteNumber } from './configCodecs.js';
import { configurable } from './configurable.js';
import { checkEps, normalizedAxes, NormalizedShape, normalizedShapeRepr, scaleShift, toShape } from './normalizationArguments.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link LayerNorm.create} (PyTorch's defaults).
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.LayerNormOptions = { eps: 1e-6, bias: false }
 * const ln = nn.LayerNorm.create(16, options)
 * @category model
 * @since 0.1.0
 */
export interface LayerNormOptions {
  /** Default 1e-5. */
  readonly eps?: number;
  /** Default `true`: learnable `weight` (and `bias`). */
  readonly elementwiseAffine?: boolean;
  /** Default `true`. */
  readonly bias?: boolean;
}

/**
 * `LayerNorm`'s constructor arguments as JSON: `{ normalizedShape, eps?, elementwiseAffine?, bias? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const ln = nn.LayerNorm.fromConfig({ normalizedShape: [5, 16], elementwiseAffine: false })
 * @category config
 * @since 0.1.0
 */
export const LayerNormConfig = configObject(
  'LayerNorm config',
  { normalizedShape: NormalizedShape },
  { eps: FiniteNumber, elementwiseAffine: t.boolean, bias: t.boolean },
);
/**
 * The decoded form of {@link LayerNormConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.LayerNormConfig = { normalizedShape: 16, eps: 1e-6 }
 * @category config
 * @since 0.1.0
 */
export type LayerNormConfig = t.TypeOf<typeof LayerNormConfig>;

const LayerNormDef = defineModule('parallax-ts/nn/LayerNorm', {
  name: 'LayerNorm',
  fields: {
    weight: param(),
    bias: param(),
    normalizedShape: constant<ReadonlyArray<number>>(),
    eps: constant<number>(),
    elementwiseAffine: constant<boolean>(),
    useBias: constant<boolean>(),
  },
  create: (normalizedShape: number | ReadonlyArray<number>, options: LayerNormOptions = {}) => {
    const fn = 'LayerNorm.create';
    checkLayerOptions(fn, options, { eps: 'value', elementwiseAffine: 'flag', bias: 'flag' });
    const shape = toShape(fn, normalizedShape);
    const eps = checkEps(fn, options.eps ?? 1e-5);
    const elementwiseAffine = options.elementwiseAffine ?? true;
    const useBias = options.bias ?? true;
    return {
      ...scaleShift(shape, { weight: elementwiseAffine, bias: elementwiseAffine && useBias }),
      normalizedShape: shape,
      eps,
      elementwiseAffine,
      useBias,
    };
  },
  forward: (m, x: Tensor) => {
    const axes = normalizedAxes(x, m.normalizedShape);
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, axes, true);
      const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, m.eps)));
      const scaled = m.elementwiseAffine ? tf.mul(normed, m.weight) : normed;
      return m.elementwiseAffine && m.useBias ? tf.add(scaled, m.bias) : scaled;
    });
  },
  extraRepr: (m) =>
    `${normalizedShapeRepr(m.normalizedShape)}, eps=${m.eps}, elementwise_affine=${m.elementwiseAffine}` +
    (m.useBias ? '' : ', bias=false'),
});

/**
 * The `LayerNorm` layer: `create(normalizedShape, options?)` builds one (uninitialized; `weight`,
 * `bias` of shape `normalizedShape`), `forward` / `apply` run it, `toConfig` / `fromConfig` convert
 * its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const ln = initialize(nn.LayerNorm.create(16))(random.key(0))
 * nn.LayerNorm.forward(ln, tf.ones([2, 5, 16])).shape // [2, 5, 16]
 * @category layers
 * @since 0.1.0
 */
export const LayerNorm = configurable(LayerNormDef, LayerNormConfig, {
  toConfig: (m) => ({ normalizedShape: m.normalizedShape, eps: m.eps, elementwiseAffine: m.elementwiseAffine, bias: m.useBias }),
  fromConfig: ({ normalizedShape, ...options }) => LayerNormDef.create(normalizedShape, options),
});
/**
 * A `LayerNorm` layer whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const ln: nn.LayerNorm<tf.Tensor> = initialize(nn.LayerNorm.create(16))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type LayerNorm<A> = ModuleType<typeof LayerNorm, A>;
