/**
 * `MaxPool2d`: the maximum over each window, PyTorch's `nn.MaxPool2d`, over `NCHW` images.
 *
 * - input `[N, C, H, W]` or unbatched `[C, H, W]`; output `[N, C, H', W']` with
 *   `H' = floor((H + 2 * padH - kH) / strideH) + 1` (`ceil` instead with `ceilMode`, PyTorch's rule
 *   that a last window must start inside the input or the left padding)
 * - no parameters; `stride` defaults to `kernelSize`; `padding` (implicit -∞) at most half the kernel
 * - layout: `NCHW` at the API; tfjs's `maxPool` runs on `NHWC`
 * - not supported: `dilation` and `return_indices` (tfjs's `maxPool` has neither)
 * - NaN differs from PyTorch, which propagates a NaN in a window to that output: tfjs's cpu kernel
 *   skips NaN (the max of the other values), its wasm kernel (XNNPACK) may give `−∞` instead
 *
 * @since 0.1.0
 */
import type * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant } from '../tree/Field.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import { configObject } from './configCodecs.js';
import { configurable } from './configurable.js';
import {
  POOL_WINDOW_OPTIONS,
  poolInput,
  poolWindowArguments,
  poolWindowConfigProps,
  type PoolWindowOptions,
  poolWindowRepr,
} from './poolWindow.js';
import { type IntOrPair, type Pair, PositiveIntOrPair } from './spatial.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link MaxPool2d.create}: `stride` (default `kernelSize`), `padding` (default 0, at
 * most half the kernel), `ceilMode` (default `false`).
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.MaxPool2dOptions = { stride: 2, padding: 1, ceilMode: true }
 * const pool = nn.MaxPool2d.create(3, options)
 * @category model
 * @since 0.1.0
 */
export interface MaxPool2dOptions extends PoolWindowOptions {}

/**
 * `MaxPool2d`'s constructor arguments as JSON: `{ kernelSize, stride?, padding?, ceilMode? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const pool = nn.MaxPool2d.fromConfig({ kernelSize: 2, ceilMode: true })
 * @category config
 * @since 0.1.0
 */
export const MaxPool2dConfig = configObject('MaxPool2d config', { kernelSize: PositiveIntOrPair }, poolWindowConfigProps);
/**
 * The constructor arguments of a `MaxPool2d`, as decoded by `MaxPool2dConfig`.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.MaxPool2dConfig = { kernelSize: 3, stride: 2, padding: 1 }
 * @category config
 * @since 0.1.0
 */
export type MaxPool2dConfig = t.TypeOf<typeof MaxPool2dConfig>;

const MaxPool2dDef = defineModule('parallax-ts/nn/MaxPool2d', {
  name: 'MaxPool2d',
  fields: { kernelSize: constant<Pair>(), stride: constant<Pair>(), padding: constant<Pair>(), ceilMode: constant<boolean>() },
  create: (kernelSize: IntOrPair, options: MaxPool2dOptions = {}) => {
    checkLayerOptions('MaxPool2d.create', options, POOL_WINDOW_OPTIONS);
    return poolWindowArguments('MaxPool2d.create', kernelSize, options);
  },
  forward: (m, x: Tensor) => {
    const { unbatched, shape, extra, emptyOutputShape } = poolInput(m, x);
    // A reshape of the empty input keeps the result on the gradient tape.
    if (emptyOutputShape !== undefined) return tf.reshape(x, emptyOutputShape);
    const [kh, kw] = m.kernelSize;
    const [ph, pw] = m.padding;
    const [eh, ew] = extra;
    return tf.tidy(() => {
      const x4 = tf.reshape(x, [...shape]);
      const xh = tf.transpose(x4, [0, 2, 3, 1]);
      const padded =
        ph + pw + eh + ew > 0
          ? tf.pad(
              xh,
              [
                [0, 0],
                [ph, ph + eh],
                [pw, pw + ew],
                [0, 0],
              ],
              -Infinity,
            )
          : xh;
      const y = tf.transpose(tf.maxPool(padded as tf.Tensor4D, [kh, kw], [m.stride[0], m.stride[1]], 'valid'), [0, 3, 1, 2]);
      return unbatched ? tf.squeeze(y, [0]) : y;
    });
  },
  extraRepr: poolWindowRepr,
});

/**
 * The `MaxPool2d` layer: `create` builds one (it has no leaves), `forward` / `apply` run it,
 * `toConfig` / `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const pool = nn.MaxPool2d.create(2)
 * nn.MaxPool2d.forward(pool, tf.ones([1, 3, 8, 8])).shape // [1, 3, 4, 4]
 * nn.MaxPool2d.toConfig(pool) // { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], ceilMode: false }
 * @category layers
 * @since 0.1.0
 */
export const MaxPool2d = configurable(MaxPool2dDef, MaxPool2dConfig, {
  toConfig: (m) => ({ kernelSize: m.kernelSize, stride: m.stride, padding: m.padding, ceilMode: m.ceilMode }),
  fromConfig: ({ kernelSize, ...options }) => MaxPool2dDef.create(kernelSize, options),
});
/**
 * A `MaxPool2d` layer (it has no leaves; `A` is the leaf type of the tree it sits in).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const pool: nn.MaxPool2d<tf.Tensor> = nn.MaxPool2d.create(2)
 * @category model
 * @since 0.1.0
 */
export type MaxPool2d<A> = ModuleType<typeof MaxPool2d, A>;
