/**
 * `GroupNorm`: splits the channels into `numGroups` groups and normalizes each group of each sample
 * over its channels and spatial positions, then scales and shifts per channel; PyTorch's
 * `nn.GroupNorm` (biased variance).
 *
 * - input `[N, C, *]` (any number of spatial axes, none included); output: the same shape
 * - `weight: [C]`, `bias: [C]` (shape `[0]` when `affine: false`)
 * - default init, PyTorch's: weight 1, bias 0; `eps` 1e-5
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { configObject, FiniteNumber, PositiveInt } from './configCodecs.js';
import { configurable } from './configurable.js';
import { checkTensor } from './inputCheck.js';
import { checkEps, scaleShift, scaleShiftChannels } from './normalizationArguments.js';
import { checkPositiveInt } from './spatial.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link GroupNorm.create} (PyTorch's defaults).
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.GroupNormOptions = { eps: 1e-6, affine: false }
 * const gn = nn.GroupNorm.create(4, 16, options)
 * @category model
 * @since 0.1.0
 */
export interface GroupNormOptions {
  /** Default 1e-5. */
  readonly eps?: number;
  /** Default `true`: learnable per-channel `weight` and `bias`. */
  readonly affine?: boolean;
}

/**
 * `GroupNorm`'s constructor arguments as JSON: `{ numGroups, numChannels, eps?, affine? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const gn = nn.GroupNorm.fromConfig({ numGroups: 4, numChannels: 16, eps: 1e-6 })
 * @category config
 * @since 0.1.0
 */
export const GroupNormConfig = configObject(
  'GroupNorm config',
  { numGroups: PositiveInt, numChannels: PositiveInt },
  { eps: FiniteNumber, affine: t.boolean },
);
/**
 * The decoded form of {@link GroupNormConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.GroupNormConfig = { numGroups: 4, numChannels: 16 }
 * @category config
 * @since 0.1.0
 */
export type GroupNormConfig = t.TypeOf<typeof GroupNormConfig>;

const GroupNormDef = defineModule('parallax-ts/nn/GroupNorm', {
  name: 'GroupNorm',
  fields: {
    weight: param(),
    bias: param(),
    numGroups: constant<number>(),
    numChannels: constant<number>(),
    eps: constant<number>(),
    affine: constant<boolean>(),
  },
  create: (numGroups: number, numChannels: number, options: GroupNormOptions = {}) => {
    const fn = 'GroupNorm.create';
    checkLayerOptions(fn, options, { eps: 'value', affine: 'flag' });
    checkPositiveInt(fn, 'numGroups', numGroups);
    checkPositiveInt(fn, 'numChannels', numChannels);
    if (numChannels % numGroups !== 0)
      throw new ArgumentError(`${fn}: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    const eps = checkEps(fn, options.eps ?? 1e-5);
    const affine = options.affine ?? true;
    return { ...scaleShift([numChannels], { weight: affine, bias: affine }), numGroups, numChannels, eps, affine };
  },
  forward: (m, x: Tensor) => {
    const x0 = checkTensor(x);
    if (x0.rank < 2 || x0.shape[1] !== m.numChannels) {
      throw new ModuleError(`expected input of shape [N, ${m.numChannels}, *], got ${formatShape(x0.shape)}`);
    }
    return tf.tidy(() => {
      const n = x.shape[0]!;
      // explicit group size rather than -1, which tfjs cannot infer for an empty batch (N = 0)
      const groupSize = x.shape.slice(1).reduce((a, b) => a * b, 1) / m.numGroups;
      const grouped = tf.reshape(x, [n, m.numGroups, groupSize]);
      const { mean, variance } = tf.moments(grouped, [2], true);
      const normed = tf.reshape(tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, m.eps))), x.shape);
      return m.affine ? scaleShiftChannels(normed, m.weight, m.bias) : normed;
    });
  },
  extraRepr: (m) => `${m.numGroups}, ${m.numChannels}, eps=${m.eps}, affine=${m.affine}`,
});

/**
 * The `GroupNorm` layer: `create(numGroups, numChannels, options?)` builds one (uninitialized;
 * `weight`, `bias` of shape `[numChannels]`), `forward` / `apply` run it, `toConfig` / `fromConfig`
 * convert its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const gn = initialize(nn.GroupNorm.create(4, 16))(random.key(0))
 * nn.GroupNorm.forward(gn, tf.ones([2, 16, 8, 8])).shape // [2, 16, 8, 8]
 * @category layers
 * @since 0.1.0
 */
export const GroupNorm = configurable(GroupNormDef, GroupNormConfig, {
  toConfig: (m) => ({ numGroups: m.numGroups, numChannels: m.numChannels, eps: m.eps, affine: m.affine }),
  fromConfig: ({ numGroups, numChannels, ...options }) => GroupNormDef.create(numGroups, numChannels, options),
});
/**
 * A `GroupNorm` layer whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const gn: nn.GroupNorm<tf.Tensor> = initialize(nn.GroupNorm.create(4, 16))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type GroupNorm<A> = ModuleType<typeof GroupNorm, A>;
