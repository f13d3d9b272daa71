/**
 * Digit images as typed arrays, and batches of them as tensors: what the MNIST models, the training
 * loop and the browser demo (demo/) share. Platform-neutral: the loader of the `mnist` package,
 * which reads its JSON files, is in data.ts.
 *
 * @since 0.2.0
 */
import { tf } from '../../src/engine/backend.js';

/** Side of a digit image, in pixels. @since 0.1.0 */
export const IMAGE_SIZE = 28;
/** Pixels per image. @since 0.1.0 */
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
/** Number of classes (digits 0–9). @since 0.1.0 */
export const CLASSES = 10;

/** A set of digits: `images` holds `count` rows of {@link PIXELS} floats in `[0, 1]`; `labels` the digits. @since 0.1.0 */
export interface Digits {
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

/**
 * The first `n` digits of a set in a seeded random order — a small, class-balanced-in-expectation
 * subset for quick runs and tests (sets are stored ordered by class, so a plain prefix would not do).
 * @example
 * const small = subset(loadMnist().train, 200, 0)
 * @since 0.1.0
 */
export const subset = (d: Digits, n: number, seed: number): Digits => {
  const order = shuffledIndices(d.count, seed).slice(0, Math.min(n, d.count));
  const images = new Float32Array(order.length * PIXELS);
  const labels = new Uint8Array(order.length);
  order.forEach((src, row) => {
    images.set(d.images.subarray(src * PIXELS, (src + 1) * PIXELS), row * PIXELS);
    labels[row] = d.labels[src]!;
  });
  return { images, labels, count: order.length };
};

/**
 * `0 .. n-1` in a random order drawn from `seed` (Fisher–Yates on a 32-bit mulberry generator: the
 * epoch order is plain bookkeeping, so it needs no tensors or PRNG keys).
 * @example
 * shuffledIndices(5, 0) // a permutation of [0, 1, 2, 3, 4]
 * @since 0.1.0
 */
export const shuffledIndices = (n: number, seed: number): Int32Array => {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
};

/** One batch: images `[B, 1, 28, 28]` float32 (NCHW) and labels `[B]` int32. @since 0.1.0 */
export interface Batch {
  readonly x: tf.Tensor4D;
  readonly y: tf.Tensor1D;
}

/**
 * The digits at `indices` as new tensors (owned by the caller: dispose them).
 * @example
 * const { x, y } = batchOf(train, [0, 1, 2]) // x: [3, 1, 28, 28], y: [3]
 * @since 0.1.0
 */
export const batchOf = (d: Digits, indices: ArrayLike<number>): Batch => {
  const n = indices.length;
  const images = new Float32Array(n * PIXELS);
  const labels = new Int32Array(n);
  for (let row = 0; row < n; row++) {
    const src = indices[row]!;
    images.set(d.images.subarray(src * PIXELS, (src + 1) * PIXELS), row * PIXELS);
    labels[row] = d.labels[src]!;
  }
  return { x: tf.tensor4d(images, [n, 1, IMAGE_SIZE, IMAGE_SIZE]), y: tf.tensor1d(labels, 'int32') };
};
