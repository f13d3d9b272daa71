/**
 * `permutation`: a uniformly random permutation of `0 .. n-1`, as `jax.random.permutation(key, n)`.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { sampledTensor } from '../engine/trace.js';
import { bitsOfSize } from './bits.js';
import { assertPRNGKey, type PRNGKey } from './PRNGKey.js';
import { describeData } from '../tree/describeData.js';
import { split } from './split.js';
import { RandomError } from './RandomError.js';

/** Indices below 2^21 pack with a uint32 sort key into one exact double (< 2^53). */
const PACK = 2 ** 21;

/** The stable order of `keys` (indices sorted by key, ties by index). */
const stableArgsort = (keys: Uint32Array): Uint32Array => {
  const n = keys.length;
  const order = new Uint32Array(n);
  if (n <= PACK) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = keys[i]! * PACK + i;
    packed.sort();
    for (let i = 0; i < n; i++) order[i] = packed[i]! % PACK;
  } else {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => keys[a]! - keys[b]! || a - b);
    for (let i = 0; i < n; i++) order[i] = idx[i]!;
  }
  return order;
};

/**
 * The permutation of `0 .. n-1` JAX's `_shuffle` makes: `ceil(3 ln n / ln(2^32 - 1))` rounds
 * (one round up to n = 1625), each splitting the key and stably sorting by fresh uint32 bits.
 *
 * @example
 * import { key, permutation } from 'parallax-ts/random'
 * const order = permutation(key(0), 5)
 * order.dataSync() // Int32Array [0, 1, 4, 3, 2], permutationValues(key(0), 5)
 * order.dispose()
 * @category sampling
 * @since 0.1.0
 * @internal
 */
export const permutationValues = (k: PRNGKey, n: number): Int32Array => {
  let perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const rounds = Math.ceil((3 * Math.log(Math.max(1, n))) / Math.log(0xffffffff));
  let current = k;
  for (let r = 0; r < rounds; r++) {
    const [next, sub] = split(current, 2) as [PRNGKey, PRNGKey];
    current = next;
    const order = stableArgsort(bitsOfSize(sub, n));
    const shuffled = new Int32Array(n);
    for (let i = 0; i < n; i++) shuffled[i] = perm[order[i]!]!;
    perm = shuffled;
  }
  return perm;
};

/**
 * `jax.random.permutation(key, n)`: a new int32 tensor holding `0 .. n-1` in random order, equal
 * to JAX's. The caller owns (and disposes) the tensor. (To shuffle data, gather with it.)
 *
 * @example
 * import { key, permutation } from 'parallax-ts/random'
 * const order = permutation(key(42), 10) // 7 4 2 5 3 6 8 9 0 1
 * order.dispose()
 * @category sampling
 * @since 0.1.0
 */
export const permutation = (k: PRNGKey, n: number): tf.Tensor => {
  assertPRNGKey('permutation', 'key', k);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) {
    throw new RandomError('permutation', 'n', `n must be an integer in [0, 2^31 - 1], got ${describeData(n)}`, n);
  }
  return sampledTensor(
    k,
    (key) => permutationValues(key, n),
    (v) => tf.tensor(v, [n], 'int32'),
  );
};
