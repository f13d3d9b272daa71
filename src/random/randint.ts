/**
 * `randint`: uniform int32 draws in `[minval, maxval)`, as `jax.random.randint`.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { sampledTensor } from '../engine/trace.js';
import { bitsOfSize } from './bits.js';
import { assertPRNGKey, type PRNGKey } from './PRNGKey.js';
import { describeData } from '../tree/describeData.js';
import { shapeSize, type Shape } from './Shape.js';
import { split } from './split.js';
import { RandomError } from './RandomError.js';

const isInt32 = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= -(2 ** 31) && x <= 2 ** 31 - 1;

/**
 * `n` draws of `randint(key, [n], minval, maxval)`, bounds already checked. JAX's algorithm, in
 * its uint32 wrap-around arithmetic: split the key, draw 32 high and 32 low bits per element, and
 * reduce the 64-bit number modulo `span = maxval - minval` (bias below 2^-32 for any span).
 *
 * @example
 * import { key, randint } from 'parallax-ts/random'
 * const dice = randint(key(0), [5], 0, 6)
 * dice.dataSync() // Int32Array [1, 0, 2, 1, 5], randintValues(key(0), 5, 0, 6)
 * dice.dispose()
 * @category sampling
 * @since 0.1.0
 * @internal
 */
export const randintValues = (k: PRNGKey, n: number, minval: number, maxval: number): Int32Array => {
  const [k1, k2] = split(k, 2) as [PRNGKey, PRNGKey];
  const higher = bitsOfSize(k1, n);
  const lower = bitsOfSize(k2, n);
  const span = (maxval - minval) >>> 0;
  // 2^32 mod span as JAX computes it: ((2^16 mod span)^2 mod span), the square wrapping in uint32
  const half = 0x10000 % span;
  const multiplier = (Math.imul(half, half) >>> 0) % span;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const offset = (((Math.imul(higher[i]! % span, multiplier) >>> 0) + (lower[i]! % span)) >>> 0) % span;
    out[i] = (minval + offset) | 0;
  }
  return out;
};

/**
 * `jax.random.randint(key, shape, minval, maxval)`: a new int32 tensor of draws in
 * `[minval, maxval)`, both int32 and `minval < maxval`. Equal to JAX's. The caller owns (and
 * disposes) the tensor.
 *
 * @example
 * import { key, randint } from 'parallax-ts/random'
 * const dice = randint(key(42), [8], 0, 10) // 4 4 1 9 9 9 7 7
 * dice.dispose()
 * @category sampling
 * @since 0.1.0
 */
export const randint = (k: PRNGKey, shape: Shape, minval: number, maxval: number): tf.Tensor => {
  assertPRNGKey('randint', 'key', k);
  const n = shapeSize('randint', shape);
  if (!isInt32(minval)) throw new RandomError('randint', 'minval', `minval must be an int32 integer, got ${describeData(minval)}`, minval);
  if (!isInt32(maxval)) throw new RandomError('randint', 'maxval', `maxval must be an int32 integer, got ${describeData(maxval)}`, maxval);
  if (!(minval < maxval)) {
    throw new RandomError('randint', 'minval', `minval must be less than maxval, got minval=${minval}, maxval=${maxval}`, minval);
  }
  return sampledTensor(
    k,
    (key) => randintValues(key, n, minval, maxval),
    (v) => tf.tensor(v, [...shape], 'int32'),
  );
};
