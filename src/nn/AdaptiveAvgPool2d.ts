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
import { defineModule, type ModuleType } from '../tree/Module.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { configurable } from './configurable.js';
import { checkChannelsFirst, checkNonEmptyFeatures } from './inputCheck.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';

type Tensor = tf.Tensor;

/**
 * An output size: an int, or `[outH, outW]` with `null` meaning "keep the input's size".
 * @example
 * import { nn } from 'parallax-ts'
 * const keepWidth: nn.AdaptiveOutputSize = [1, null]
 * const pool = nn.AdaptiveAvgPool2d.create(keepWidth)
 * @category model
 * @since 0.1.0
 */
export type AdaptiveOutputSize = number | readonly [number | null, number | null];

/**
 * The `[out, size]` matrix whose row `i` averages PyTorch's adaptive bin `i` of an axis of `size`.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.adaptiveAverageMatrix(3, 2).arraySync() // [[0.5, 0.5, 0], [0, 0.5, 0.5]]
 * @category operations
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

const SizeOrNull = t.union([PositiveInt, t.null]);

/**
 * `AdaptiveAvgPool2d`'s constructor arguments as JSON: `{ outputSize }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const pool = nn.AdaptiveAvgPool2d.fromConfig({ outputSize: [1, null] }) // keeps the width
 * @category config
 * @since 0.1.0
 */
export const AdaptiveAvgPool2dConfig = configObject('AdaptiveAvgPool2d config', {
  outputSize: t.union([PositiveInt, t.readonly(t.tuple([SizeOrNull, SizeOrNull]))]),
});
/**
 * The constructor arguments of an `AdaptiveAvgPool2d`, as decoded by `AdaptiveAvgPool2dConfig`.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.AdaptiveAvgPool2dConfig = { outputSize: [7, 7] }
 * @category config
 * @since 0.1.0
 */
export type AdaptiveAvgPool2dConfig = t.TypeOf<typeof AdaptiveAvgPool2dConfig>;

const AdaptiveAvgPool2dDef = defineModule('parallax-ts/nn/AdaptiveAvgPool2d', {
  name: 'AdaptiveAvgPool2d',
  fields: { outputSize: constant<readonly [number | null, number | null]>() },
  create: (outputSize: AdaptiveOutputSize) => {
    const pair = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((d) => d === null || (Number.isInteger(d) && (d as number) >= 1))) {
      throw new ArgumentError(
        `AdaptiveAvgPool2d.create: outputSize must be a positive integer or a pair of them (or null), got ${describeData(outputSize)}`,
      );
    }
    return { outputSize: [pair[0] as number | null, pair[1] as number | null] as const };
  },
  forward: (m, x: Tensor) => {
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
  },
  extraRepr: (m) => `output_size=(${m.outputSize.map((d) => (d === null ? 'None' : String(d))).join(', ')})`,
});

/**
 * The `AdaptiveAvgPool2d` layer: `create` builds one (it has no leaves), `forward` / `apply` run it,
 * `toConfig` / `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const pool = nn.AdaptiveAvgPool2d.create([2, 3])
 * nn.AdaptiveAvgPool2d.forward(pool, tf.ones([1, 4, 7, 9])).shape // [1, 4, 2, 3]
 * @category layers
 * @since 0.1.0
 */
export const AdaptiveAvgPool2d = configurable(AdaptiveAvgPool2dDef, AdaptiveAvgPool2dConfig, {
  toConfig: (m) => ({ outputSize: m.outputSize }),
  fromConfig: (c) => AdaptiveAvgPool2dDef.create(c.outputSize),
});
/**
 * An `AdaptiveAvgPool2d` layer (it has no leaves; `A` is the leaf type of the tree it sits in).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const pool: nn.AdaptiveAvgPool2d<tf.Tensor> = nn.AdaptiveAvgPool2d.create(1)
 * @category model
 * @since 0.1.0
 */
export type AdaptiveAvgPool2d<A> = ModuleType<typeof AdaptiveAvgPool2d, A>;
