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
import { configObject } from './configCodecs.js';
import { poolInput, poolWindowArguments } from './poolWindow.js';
import { formatPair, type IntOrPair, NonNegativeIntOrPair, type Pair, PositiveIntOrPair } from './spatial.js';

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
  const { unbatched, shape, extra, emptyOutputShape } = poolInput(m, x);
  // A reshape of the empty input keeps the result on the gradient tape.
  if (emptyOutputShape !== undefined) return tf.reshape(x, emptyOutputShape);
  const [kh, kw] = m.kernelSize;
  const [ph, pw] = m.padding;
  const [eh, ew] = extra;
  return tf.tidy(() => {
    const x4 = tf.reshape(x, [...shape]);
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

const create = <A = never>(kernelSize: IntOrPair, options: MaxPool2dOptions = {}): MaxPool2d<A> =>
  def.make<A>({ ...poolWindowArguments('MaxPool2d.create', kernelSize, options), ceilMode: options.ceilMode ?? false });

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
