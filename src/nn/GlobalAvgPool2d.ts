/**
 * `GlobalAvgPool2d`: the mean over all spatial positions, `[N, C, H, W] -> [N, C]` (Keras's
 * `GlobalAveragePooling2D`; in PyTorch, `AdaptiveAvgPool2d(1)` followed by `Flatten()`).
 *
 * - input `[N, C, H, W]` or unbatched `[C, H, W]`; output `[N, C]` (or `[C]`)
 * - no parameters; layout `NCHW`
 * - also a plain function, {@link globalAvgPool2d}, for `pipe`
 *
 * @since 0.1.0
 */
import type * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import { configObject } from './configCodecs.js';
import { configurable } from './configurable.js';
import { checkChannelsFirst, checkNonEmptyFeatures } from './inputCheck.js';

type Tensor = tf.Tensor;

/**
 * The mean over the last two axes of an `NCHW` (or `CHW`) tensor. Returns a new tensor owned by the caller.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { nn, tf } from 'parallax-ts'
 * pipe(tf.ones([2, 3, 4, 4]), nn.globalAvgPool2d).shape // [2, 3]
 * @category operations
 * @since 0.1.0
 */
export const globalAvgPool2d = (x: Tensor): Tensor => {
  checkNonEmptyFeatures(x, checkChannelsFirst(x, null, 2, true).shape);
  return tf.mean(x, [x.rank - 2, x.rank - 1]);
};

/**
 * `GlobalAvgPool2d`'s constructor arguments as JSON: none, `{}`.
 * @example
 * import { nn } from 'parallax-ts'
 * const pool = nn.GlobalAvgPool2d.fromConfig({})
 * @category config
 * @since 0.1.0
 */
export const GlobalAvgPool2dConfig = configObject('GlobalAvgPool2d config', {});
/**
 * The constructor arguments of a `GlobalAvgPool2d`, as decoded by `GlobalAvgPool2dConfig`.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.GlobalAvgPool2dConfig = {}
 * @category config
 * @since 0.1.0
 */
export type GlobalAvgPool2dConfig = t.TypeOf<typeof GlobalAvgPool2dConfig>;

const GlobalAvgPool2dDef = defineModule('parallax-ts/nn/GlobalAvgPool2d', {
  name: 'GlobalAvgPool2d',
  fields: {},
  create: () => ({}),
  forward: (_m, x: Tensor) => globalAvgPool2d(x),
});

/**
 * The `GlobalAvgPool2d` layer: `create()` builds one (it has no leaves), `forward` / `apply` run it,
 * `toConfig` / `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.GlobalAvgPool2d.forward(nn.GlobalAvgPool2d.create(), tf.ones([2, 3, 4, 4])).shape // [2, 3]
 * @category layers
 * @since 0.1.0
 */
export const GlobalAvgPool2d = configurable(GlobalAvgPool2dDef, GlobalAvgPool2dConfig, {
  toConfig: () => ({}),
  fromConfig: () => GlobalAvgPool2dDef.create(),
});
/**
 * A `GlobalAvgPool2d` layer (it has no leaves; `A` is the leaf type of the tree it sits in).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const pool: nn.GlobalAvgPool2d<tf.Tensor> = nn.GlobalAvgPool2d.create()
 * @category model
 * @since 0.1.0
 */
export type GlobalAvgPool2d<A> = ModuleType<typeof GlobalAvgPool2d, A>;
