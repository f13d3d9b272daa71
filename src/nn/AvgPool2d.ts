/**
 * `AvgPool2d`: the mean over each window, PyTorch's `nn.AvgPool2d`, over `NCHW` images.
 *
 * - input `[N, C, H, W]` or unbatched `[C, H, W]`; output `[N, C, H', W']` with
 *   `H' = floor((H + 2 * padH - kH) / strideH) + 1` (`ceil` with `ceilMode`, PyTorch's rule)
 * - no parameters; `stride` defaults to `kernelSize`; zero `padding`, at most half the kernel
 * - the divisor, as PyTorch: with `countIncludePad` (default `true`) the window's size clipped to the
 *   padded input; without, the number of real input elements in the window; `divisorOverride`
 *   replaces both. (Computed as `avgPool(padded x) / avgPool(padded mask)`, so ceil-mode windows that
 *   hang off the edge get PyTorch's divisor too.)
 * - layout: `NCHW` at the API; tfjs's `avgPool` runs on `NHWC`
 * - NaN differs from PyTorch on the wasm backend: its `avgPool` kernel (XNNPACK) gives `−∞` for a
 *   window holding a NaN, where PyTorch (and the cpu backend) give NaN
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant } from '../tree/Field.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { configurable } from './configurable.js';
import {
  POOL_WINDOW_OPTIONS,
  poolInput,
  poolWindowArguments,
  poolWindowConfigProps,
  type PoolWindowOptions,
  poolWindowRepr,
} from './poolWindow.js';
import { checkPositiveInt, type IntOrPair, type Pair, PositiveIntOrPair } from './spatial.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link AvgPool2d.create} (PyTorch's defaults): the window's `stride` (default
 * `kernelSize`), `padding` (default 0, at most half the kernel) and `ceilMode` (default `false`),
 * and the divisor's `countIncludePad` and `divisorOverride`.
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.AvgPool2dOptions = { stride: 2, padding: 1, countIncludePad: false }
 * const pool = nn.AvgPool2d.create(3, options)
 * @category model
 * @since 0.1.0
 */
export interface AvgPool2dOptions extends PoolWindowOptions {
  /** Default `true`. */
  readonly countIncludePad?: boolean;
  /** Default `null` (none). */
  readonly divisorOverride?: number | null;
}

/**
 * `AvgPool2d`'s constructor arguments as JSON: `{ kernelSize, stride?, padding?, ceilMode?,
 * countIncludePad?, divisorOverride? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const pool = nn.AvgPool2d.fromConfig({ kernelSize: 3, stride: 2, padding: 1 })
 * @category config
 * @since 0.1.0
 */
export const AvgPool2dConfig = configObject(
  'AvgPool2d config',
  { kernelSize: PositiveIntOrPair },
  { ...poolWindowConfigProps, countIncludePad: t.boolean, divisorOverride: t.union([PositiveInt, t.null]) },
);
/**
 * The constructor arguments of an `AvgPool2d`, as decoded by `AvgPool2dConfig`.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.AvgPool2dConfig = { kernelSize: 2, divisorOverride: null }
 * @category config
 * @since 0.1.0
 */
export type AvgPool2dConfig = t.TypeOf<typeof AvgPool2dConfig>;

const AvgPool2dDef = defineModule('parallax-ts/nn/AvgPool2d', {
  name: 'AvgPool2d',
  fields: {
    kernelSize: constant<Pair>(),
    stride: constant<Pair>(),
    padding: constant<Pair>(),
    ceilMode: constant<boolean>(),
    countIncludePad: constant<boolean>(),
    /** `null`: PyTorch's `None`. */
    divisorOverride: constant<number | null>(),
  },
  create: (kernelSize: IntOrPair, options: AvgPool2dOptions = {}) => {
    const fn = 'AvgPool2d.create';
    checkLayerOptions(fn, options, { ...POOL_WINDOW_OPTIONS, countIncludePad: 'flag', divisorOverride: 'value' });
    const window = poolWindowArguments(fn, kernelSize, options);
    const divisorOverride = options.divisorOverride ?? null;
    if (divisorOverride !== null) checkPositiveInt(fn, 'divisorOverride', divisorOverride);
    return { ...window, countIncludePad: options.countIncludePad ?? true, divisorOverride };
  },
  forward: (m, x: Tensor) => {
    const { unbatched, shape, extra, emptyOutputShape } = poolInput(m, x);
    // A reshape of the empty input keeps the result on the gradient tape.
    if (emptyOutputShape !== undefined) return tf.reshape(x, emptyOutputShape);
    const [, , h, w] = shape;
    const [kh, kw] = m.kernelSize;
    const [ph, pw] = m.padding;
    const [eh, ew] = extra;
    const stride: [number, number] = [m.stride[0], m.stride[1]];
    return tf.tidy(() => {
      const x4 = tf.reshape(x, [...shape]);
      const pool = (t4: Tensor): Tensor => tf.avgPool(t4 as tf.Tensor4D, [kh, kw], stride, 'valid');
      const xh = tf.pad(tf.transpose(x4, [0, 2, 3, 1]), [
        [0, 0],
        [ph, ph + eh],
        [pw, pw + ew],
        [0, 0],
      ]);
      const mean = pool(xh); // sum / (kH·kW)
      let y: Tensor;
      if (m.divisorOverride !== null) {
        y = tf.mul(mean, (kh * kw) / m.divisorOverride);
      } else if (eh + ew === 0 && (m.countIncludePad || ph + pw === 0)) {
        y = mean;
      } else {
        // the fraction of each window that PyTorch counts in its divisor
        const counted = m.countIncludePad
          ? tf.pad(tf.ones([1, h + 2 * ph, w + 2 * pw, 1]), [
              [0, 0],
              [0, eh],
              [0, ew],
              [0, 0],
            ])
          : tf.pad(tf.ones([1, h, w, 1]), [
              [0, 0],
              [ph, ph + eh],
              [pw, pw + ew],
              [0, 0],
            ]);
        y = tf.div(mean, pool(counted));
      }
      const out = tf.transpose(y, [0, 3, 1, 2]);
      return unbatched ? tf.squeeze(out, [0]) : out;
    });
  },
  extraRepr: (m) =>
    poolWindowRepr(m) +
    (m.countIncludePad ? '' : ', count_include_pad=false') +
    (m.divisorOverride === null ? '' : `, divisor_override=${m.divisorOverride}`),
});

/**
 * The `AvgPool2d` layer: `create` builds one (it has no leaves), `forward` / `apply` run it,
 * `toConfig` / `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const pool = nn.AvgPool2d.create(2)
 * nn.AvgPool2d.forward(pool, tf.ones([1, 3, 8, 8])).shape // [1, 3, 4, 4]
 * @category layers
 * @since 0.1.0
 */
export const AvgPool2d = configurable(AvgPool2dDef, AvgPool2dConfig, {
  toConfig: (m) => ({
    kernelSize: m.kernelSize,
    stride: m.stride,
    padding: m.padding,
    ceilMode: m.ceilMode,
    countIncludePad: m.countIncludePad,
    divisorOverride: m.divisorOverride,
  }),
  fromConfig: ({ kernelSize, ...options }) => AvgPool2dDef.create(kernelSize, options),
});
/**
 * An `AvgPool2d` layer (it has no leaves; `A` is the leaf type of the tree it sits in).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const pool: nn.AvgPool2d<tf.Tensor> = nn.AvgPool2d.create(2)
 * @category model
 * @since 0.1.0
 */
export type AvgPool2d<A> = ModuleType<typeof AvgPool2d, A>;
