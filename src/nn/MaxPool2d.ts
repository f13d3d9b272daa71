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
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { ModuleError } from '../tree/ModuleError.js';
import { configObject } from './configCodecs.js';
import { checkChannelsFirst, checkNonEmptyFeatures } from './inputCheck.js';
import { ceilModeExtra, checkPoolPadding, poolOutputSize, formatPair, type IntOrPair, NonNegativeIntOrPair, type Pair, PositiveIntOrPair, toPair } from './spatial.js';

type Tensor = tf.Tensor;

const fields = {
  kernelSize: constant<Pair>(),
  stride: constant<Pair>(),
  padding: constant<Pair>(),
  ceilMode: constant<boolean>(),
};

/**
 * The fp-ts URI of `MaxPool2d` modules (also `MaxPool2d.URI`).
 * @example
 * nn.MaxPool2d.URI // 'parallax-ts/nn/MaxPool2d'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/MaxPool2d';
/** @since 0.1.0 */
export type URI = typeof URI;
/** A `MaxPool2d` layer (no leaves). @since 0.1.0 */
export type MaxPool2d<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: MaxPool2d<A>;
  }
}

const forward = (m: MaxPool2d<unknown>, x: Tensor): Tensor => {
  const { unbatched, shape } = checkChannelsFirst(x, null, 2, true);
  checkNonEmptyFeatures(x, shape);
  const [, , h, w] = shape as [number, number, number, number];
  const [kh, kw] = m.kernelSize;
  const [ph, pw] = m.padding;
  const eh = ceilModeExtra(h, kh, m.stride[0], ph, m.ceilMode);
  const ew = ceilModeExtra(w, kw, m.stride[1], pw, m.ceilMode);
  if (h + 2 * ph < kh || w + 2 * pw < kw) {
    throw new ModuleError(`input of spatial size [${h}, ${w}] is smaller than the kernel ${JSON.stringify(m.kernelSize)} (padding ${JSON.stringify(m.padding)})`);
  }
  if (shape[0] === 0) {
    // An empty batch (PyTorch allows one): tfjs-backend-wasm's pooling kernels divide by zero on it.
    // A reshape of the empty input keeps the result on the gradient tape.
    const out = [0, shape[1]!, poolOutputSize(h, kh, m.stride[0], ph, m.ceilMode), poolOutputSize(w, kw, m.stride[1], pw, m.ceilMode)];
    return tf.reshape(x, out);
  }
  return tf.tidy(() => {
    const x4 = tf.reshape(x, shape);
    const xh = tf.transpose(x4, [0, 2, 3, 1]);
    const padded = ph + pw + eh + ew > 0 ? tf.pad(xh, [[0, 0], [ph, ph + eh], [pw, pw + ew], [0, 0]], -Infinity) : xh;
    const y = tf.transpose(tf.maxPool(padded as tf.Tensor4D, [kh, kw], [m.stride[0], m.stride[1]], 'valid'), [0, 3, 1, 2]);
    return unbatched ? tf.squeeze(y, [0]) : y;
  });
};

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
  name: 'MaxPool2d',
  fields,
  extraRepr: (m) =>
    `kernel_size=${formatPair(m.kernelSize)}, stride=${formatPair(m.stride)}, padding=${formatPair(m.padding)}` + (m.ceilMode ? ', ceil_mode=true' : ''),
  forward,
});

/** Options of {@link MaxPool2d.create}. @since 0.1.0 */
export interface MaxPool2dOptions {
  /** Default: `kernelSize`. */
  readonly stride?: IntOrPair;
  /** Default 0; at most half the kernel. */
  readonly padding?: IntOrPair;
  /** Default `false`. */
  readonly ceilMode?: boolean;
}

/**
 * The JSON-able constructor arguments of a `MaxPool2d`.
 * @example
 * nn.MaxPool2d.fromConfig({ kernelSize: 2, ceilMode: true })
 * @since 0.1.0
 */
export const MaxPool2dConfig = configObject(
  'MaxPool2d config',
  { kernelSize: PositiveIntOrPair },
  { stride: PositiveIntOrPair, padding: NonNegativeIntOrPair, ceilMode: t.boolean },
);
/** @since 0.1.0 */
export type MaxPool2dConfig = t.TypeOf<typeof MaxPool2dConfig>;

/**
 * `MaxPool2d`: the module definition plus `create`, and its config (`configCodec`, `toConfig`, `fromConfig`).
 * @since 0.1.0
 */
export interface MaxPool2dDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new layer (it has no leaves, so any leaf type). */
  readonly create: <A = never>(kernelSize: IntOrPair, options?: MaxPool2dOptions) => MaxPool2d<A>;
  /** The io-ts codec of the constructor arguments. */
  readonly configCodec: typeof MaxPool2dConfig;
  /** The constructor arguments of a layer (every option spelled out). */
  readonly toConfig: (m: MaxPool2d<unknown>) => MaxPool2dConfig;
  /** A new layer from its constructor arguments. */
  readonly fromConfig: <A = never>(config: MaxPool2dConfig) => MaxPool2d<A>;
}

const create = <A = never>(kernelSize: IntOrPair, options: MaxPool2dOptions = {}): MaxPool2d<A> => {
  const fn = 'MaxPool2d.create';
  const kernel = toPair(fn, 'kernelSize', kernelSize);
  const stride = toPair(fn, 'stride', options.stride ?? kernel);
  const padding = toPair(fn, 'padding', options.padding ?? 0, 0);
  checkPoolPadding(fn, kernel, padding);
  return def.make<A>({ kernelSize: kernel, stride, padding, ceilMode: options.ceilMode ?? false });
};

/**
 * The `MaxPool2d` layer: `create` builds one, `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link MaxPool2dDef}.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.MaxPool2d.forward(nn.MaxPool2d.create(2), tf.ones([1, 3, 8, 8])).shape // [1, 3, 4, 4]
 * @since 0.1.0
 */
export const MaxPool2d: MaxPool2dDef = {
  ...def,
  create,
  configCodec: MaxPool2dConfig,
  toConfig: (m) => ({ kernelSize: m.kernelSize, stride: m.stride, padding: m.padding, ceilMode: m.ceilMode }),
  fromConfig: (c) => create(c.kernelSize, c),
};
