/**
 * Training and evaluation batches: windows of `length + 1` consecutive characters, the first
 * `length` as the input and the last `length` (shifted by one) as the targets, so every position
 * of a window is a next-character prediction.
 *
 * Training windows start at random offsets drawn with `random.randint` from a per-step key (a pure
 * function of the key: the same key, the same batch); held-out windows are evenly spaced over the
 * text and fixed, so every evaluation scores the same characters.
 *
 * @since 0.2.0
 */
import { tf } from '../../src/engine/index.js';
import * as random from '../../src/random/index.js';

/** Inputs `x` and targets `y`, both int32 `[B, length]`; `y[b, t]` is the character after `x[b, t]`. @since 0.2.0 */
export interface Batch {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor2D;
}

/**
 * The windows of `tokens` starting at `offsets`, as new tensors (owned by the caller).
 * @example
 * const { x, y } = windowsAt(Uint8Array.of(5, 6, 7, 8), [0, 1], 2) // x [[5, 6], [6, 7]], y [[6, 7], [7, 8]]
 * @since 0.2.0
 */
export const windowsAt = (tokens: ArrayLike<number>, offsets: ArrayLike<number>, length: number): Batch => {
  const B = offsets.length;
  const x = new Int32Array(B * length);
  const y = new Int32Array(B * length);
  for (let b = 0; b < B; b++) {
    const start = offsets[b]!;
    if (!(start >= 0 && start + length < tokens.length)) {
      throw new Error(`windowsAt: a window of ${length + 1} characters at offset ${start} does not fit ${tokens.length} characters`);
    }
    for (let t = 0; t < length; t++) {
      x[b * length + t] = tokens[start + t]!;
      y[b * length + t] = tokens[start + t + 1]!;
    }
  }
  return { x: tf.tensor2d(x, [B, length], 'int32'), y: tf.tensor2d(y, [B, length], 'int32') };
};

/**
 * `batchSize` windows at offsets drawn uniformly with `key` (`random.randint` over every offset
 * where a whole window fits).
 * @example
 * const batch = randomBatch(trainTokens, random.foldIn(dataKey, step), 32, 64)
 * @since 0.2.0
 */
export const randomBatch = (tokens: ArrayLike<number>, key: random.PRNGKey, batchSize: number, length: number): Batch => {
  const draws = random.randint(key, [batchSize], 0, tokens.length - length);
  const offsets = draws.dataSync();
  draws.dispose();
  return windowsAt(tokens, offsets, length);
};

/**
 * `count` window offsets spread evenly over `n` characters, first at 0, last as far as a whole
 * window fits (windows overlap only if `count · (length + 1) > n`).
 * @example
 * evenlySpacedOffsets(100, 3, 9) // Int32Array [0, 45, 90]
 * @since 0.2.0
 */
export const evenlySpacedOffsets = (n: number, count: number, length: number): Int32Array => {
  const last = n - length - 1;
  if (last < 0) throw new Error(`evenlySpacedOffsets: ${n} characters hold no window of ${length + 1}`);
  return Int32Array.from({ length: count }, (_, i) => (count === 1 ? 0 : Math.floor((i * last) / (count - 1))));
};
