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
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { poolInput, poolWindowArguments } from './poolWindow.js';
import { formatPair, type IntOrPair, NonNegativeIntOrPair, type Pair, PositiveIntOrPair, checkPositiveInt } from './spatial.js';

type Tensor = tf.Tensor;

const fields = {
  kernelSize: constant<Pair>(),
  stride: constant<Pair>(),
  padding: constant<Pair>(),
  ceilMode: constant<boolean>(),
  countIncludePad: constant<boolean>(),
  /** `null`: PyTorch's `None`. */
  divisorOverride: constant<number | null>(),
};

/**
 * The fp-ts URI of `AvgPool2d` modules (also `AvgPool2d.URI`).
 * @example
 * nn.AvgPool2d.URI // 'parallax-ts/nn/AvgPool2d'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/AvgPool2d';
/** @since 0.1.0 */
export type URI = typeof URI;
/** An `AvgPool2d` layer (no leaves). @since 0.1.0 */
export type AvgPool2d<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: AvgPool2d<A>;
  }
}

const forward = (m: AvgPool2d<unknown>, x: Tensor): Tensor => {
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
    const xh = tf.pad(tf.transpose(x4, [0, 2, 3, 1]), [[0, 0], [ph, ph + eh], [pw, pw + ew], [0, 0]]);
    const mean = pool(xh); // sum / (kH·kW)
    let y: Tensor;
    if (m.divisorOverride !== null) {
      y = tf.mul(mean, (kh * kw) / m.divisorOverride);
    } else if (eh + ew === 0 && (m.countIncludePad || ph + pw === 0)) {
      y = mean;
    } else {
      // the fraction of each window that PyTorch counts in its divisor
      const counted = m.countIncludePad
        ? tf.pad(tf.ones([1, h + 2 * ph, w + 2 * pw, 1]), [[0, 0], [0, eh], [0, ew], [0, 0]])
        : tf.pad(tf.ones([1, h, w, 1]), [[0, 0], [ph, ph + eh], [pw, pw + ew], [0, 0]]);
      y = tf.div(mean, pool(counted));
    }
    const out = tf.transpose(y, [0, 3, 1, 2]);
    return unbatched ? tf.squeeze(out, [0]) : out;
  });
};

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
  name: 'AvgPool2d',
  fields,
  extraRepr: (m) =>
    `kernel_size=${formatPair(m.kernelSize)}, stride=${formatPair(m.stride)}, padding=${formatPair(m.padding)}` +
    (m.ceilMode ? ', ceil_mode=true' : '') +
    (m.countIncludePad ? '' : ', count_include_pad=false') +
    (m.divisorOverride === null ? '' : `, divisor_override=${m.divisorOverride}`),
  forward,
});

/** Options of {@link AvgPool2d.create} (PyTorch's defaults). @since 0.1.0 */
export interface AvgPool2dOptions {
  /** Default: `kernelSize`. */
  readonly stride?: IntOrPair;
  /** Default 0; at most half the kernel. */
  readonly padding?: IntOrPair;
  /** Default `false`. */
  readonly ceilMode?: boolean;
  /** Default `true`. */
  readonly countIncludePad?: boolean;
  /** Default `null` (none). */
  readonly divisorOverride?: number | null;
}

/**
 * The JSON-able constructor arguments of an `AvgPool2d`.
 * @example
 * nn.AvgPool2d.fromConfig({ kernelSize: 3, stride: 2, padding: 1 })
 * @since 0.1.0
 */
export const AvgPool2dConfig = configObject(
  'AvgPool2d config',
  { kernelSize: PositiveIntOrPair },
  {
    stride: PositiveIntOrPair,
    padding: NonNegativeIntOrPair,
    ceilMode: t.boolean,
    countIncludePad: t.boolean,
    divisorOverride: t.union([PositiveInt, t.null]),
  },
);
/** @since 0.1.0 */
export type AvgPool2dConfig = t.TypeOf<typeof AvgPool2dConfig>;

/**
 * `AvgPool2d`: the module definition plus `create`, and its config (`configCodec`, `toConfig`, `fromConfig`).
 * @since 0.1.0
 */
export interface AvgPool2dDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new layer (it has no leaves, so any leaf type). */
  readonly create: <A = never>(kernelSize: IntOrPair, options?: AvgPool2dOptions) => AvgPool2d<A>;
  /** The io-ts codec of the constructor arguments. */
  readonly configCodec: typeof AvgPool2dConfig;
  /** The constructor arguments of a layer (every option spelled out). */
  readonly toConfig: (m: AvgPool2d<unknown>) => AvgPool2dConfig;
  /** A new layer from its constructor arguments. */
  readonly fromConfig: <A = never>(config: AvgPool2dConfig) => AvgPool2d<A>;
}

const create = <A = never>(kernelSize: IntOrPair, options: AvgPool2dOptions = {}): AvgPool2d<A> => {
  const fn = 'AvgPool2d.create';
  const window = poolWindowArguments(fn, kernelSize, options);
  const divisorOverride = options.divisorOverride ?? null;
  if (divisorOverride !== null) checkPositiveInt(fn, 'divisorOverride', divisorOverride);
  return def.make<A>({
    ...window,
    ceilMode: options.ceilMode ?? false,
    countIncludePad: options.countIncludePad ?? true,
    divisorOverride,
  });
};

/**
 * The `AvgPool2d` layer: `create` builds one, `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link AvgPool2dDef}.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.AvgPool2d.forward(nn.AvgPool2d.create(2), tf.ones([1, 3, 8, 8])).shape // [1, 3, 4, 4]
 * @since 0.1.0
 */
export const AvgPool2d: AvgPool2dDef = {
  ...def,
  create,
  configCodec: AvgPool2dConfig,
  toConfig: (m) => ({
    kernelSize: m.kernelSize,
    stride: m.stride,
    padding: m.padding,
    ceilMode: m.ceilMode,
    countIncludePad: m.countIncludePad,
    divisorOverride: m.divisorOverride,
  }),
  fromConfig: (c) => create(c.kernelSize, c),
};
