/**
 * `AdaptiveAvgPool2d`: average pooling to a fixed output size, PyTorch's `nn.AdaptiveAvgPool2d`.
 *
 * - input `[N, C, H, W]` or unbatched `[C, H, W]`; output `[N, C, outH, outW]`
 * - output cell `i` averages rows `floor(i * H / outH)` to `ceil((i + 1) * H / outH)` (exclusive),
 *   PyTorch's bins (they overlap when `H` is not a multiple of `outH`); likewise columns
 * - `outputSize`: an int, or `[outH, outW]` where `null` keeps that input size (PyTorch's `None`)
 * - no parameters. Computed as two matrix products with constant averaging matrices
 *   (`A_h · X · A_wᵀ`), so any sizes work and gradients are exact.
 * - `AdaptiveAvgPool2d.create(1)` is global average pooling keeping `[N, C, 1, 1]`; see
 *   `GlobalAvgPool2d` for `[N, C]`.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { checkChannelsFirst, checkNonEmptyFeatures } from './inputCheck.js';

type Tensor = tf.Tensor;

/** An output size: an int, or `[outH, outW]` with `null` meaning "keep the input's size". @since 0.1.0 */
export type AdaptiveOutputSize = number | readonly [number | null, number | null];

const fields = { outputSize: constant<readonly [number | null, number | null]>() };

/**
 * The fp-ts URI of `AdaptiveAvgPool2d` modules (also `AdaptiveAvgPool2d.URI`).
 * @example
 * nn.AdaptiveAvgPool2d.URI // 'parallax-ts/nn/AdaptiveAvgPool2d'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/AdaptiveAvgPool2d';
/** @since 0.1.0 */
export type URI = typeof URI;
/** An `AdaptiveAvgPool2d` layer (no leaves). @since 0.1.0 */
export type AdaptiveAvgPool2d<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: AdaptiveAvgPool2d<A>;
  }
}

/**
 * The `[out, size]` matrix whose row `i` averages PyTorch's adaptive bin `i` of an axis of `size`.
 * @example
 * adaptiveAverageMatrix(3, 2) // [[0.5, 0.5, 0], [0, 0.5, 0.5]]
 * @since 0.1.0
 */
export const adaptiveAverageMatrix = (size: number, out: number): tf.Tensor2D => {
  const values = new Float32Array(out * size);
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    for (let j = start; j < end; j++) values[i * size + j] = 1 / (end - start);
  }
  return tf.tensor2d(values, [out, size]);
};

const forward = (m: AdaptiveAvgPool2d<unknown>, x: Tensor): Tensor => {
  const { unbatched, shape } = checkChannelsFirst(x, null, 2, true);
  checkNonEmptyFeatures(x, shape);
  const [n, c, h, w] = shape as [number, number, number, number];
  const oh = m.outputSize[0] ?? h;
  const ow = m.outputSize[1] ?? w;
  return tf.tidy(() => {
    const x4 = tf.reshape(x, shape);
    const rows = tf.reshape(x4, [n * c * h, w]);
    const byCols = tf.matMul(rows, adaptiveAverageMatrix(w, ow), false, true); // [n c h, ow]
    const hLast = tf.reshape(tf.transpose(tf.reshape(byCols, [n * c, h, ow]), [0, 2, 1]), [n * c * ow, h]);
    const both = tf.matMul(hLast, adaptiveAverageMatrix(h, oh), false, true); // [n c ow, oh]
    const y = tf.transpose(tf.reshape(both, [n, c, ow, oh]), [0, 1, 3, 2]);
    return unbatched ? tf.squeeze(y, [0]) : y;
  });
};

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
  name: 'AdaptiveAvgPool2d',
  fields,
  extraRepr: (m) => `output_size=(${m.outputSize.map((d) => (d === null ? 'None' : String(d))).join(', ')})`,
  forward,
});

const SizeOrNull = t.union([PositiveInt, t.null]);

/**
 * The JSON-able constructor arguments of an `AdaptiveAvgPool2d`.
 * @example
 * nn.AdaptiveAvgPool2d.fromConfig({ outputSize: [1, null] }) // keeps the width
 * @since 0.1.0
 */
export const AdaptiveAvgPool2dConfig = configObject('AdaptiveAvgPool2d config', {
  outputSize: t.union([PositiveInt, t.readonly(t.tuple([SizeOrNull, SizeOrNull]))]),
});
/** @since 0.1.0 */
export type AdaptiveAvgPool2dConfig = t.TypeOf<typeof AdaptiveAvgPool2dConfig>;

/**
 * `AdaptiveAvgPool2d`: the module definition plus `create`, and its config.
 * @since 0.1.0
 */
export interface AdaptiveAvgPool2dDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new layer (no leaves). */
  readonly create: <A = never>(outputSize: AdaptiveOutputSize) => AdaptiveAvgPool2d<A>;
  /** The io-ts codec of the constructor arguments. */
  readonly configCodec: typeof AdaptiveAvgPool2dConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: AdaptiveAvgPool2d<unknown>) => AdaptiveAvgPool2dConfig;
  /** A new layer from its constructor arguments. */
  readonly fromConfig: <A = never>(config: AdaptiveAvgPool2dConfig) => AdaptiveAvgPool2d<A>;
}

const create = <A = never>(outputSize: AdaptiveOutputSize): AdaptiveAvgPool2d<A> => {
  const pair = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((d) => d === null || (Number.isInteger(d) && (d as number) >= 1))) {
    throw new Error(`AdaptiveAvgPool2d.create: outputSize must be a positive integer or a pair of them (or null), got ${JSON.stringify(outputSize)}`);
  }
  return def.make<A>({ outputSize: [pair[0] as number | null, pair[1] as number | null] });
};

/**
 * The `AdaptiveAvgPool2d` layer: `create` builds one, `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link AdaptiveAvgPool2dDef}.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.AdaptiveAvgPool2d.forward(nn.AdaptiveAvgPool2d.create([2, 3]), tf.ones([1, 4, 7, 9])).shape // [1, 4, 2, 3]
 * @since 0.1.0
 */
export const AdaptiveAvgPool2d: AdaptiveAvgPool2dDef = {
  ...def,
  create,
  configCodec: AdaptiveAvgPool2dConfig,
  toConfig: (m) => ({ outputSize: m.outputSize }),
  fromConfig: (c) => create(c.outputSize),
};
