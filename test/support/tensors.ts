/** Small tensor helpers for tests. */
import { tf } from '../../src/engine/backend.js';

export const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

/** Asserts |a - b| <= atol + rtol * |b| elementwise, with a message naming the first bad index. */
export const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6, what = ''): void => {
  if (actual.length !== expected.length) throw new Error(`${what} length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
      throw new Error(`${what}[${i}]: ${a} vs expected ${b} (rtol ${rtol}, atol ${atol})`);
    }
  }
};
