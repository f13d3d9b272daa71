/**
 * `split`: one key into `n` independent keys, as `jax.random.split`.
 *
 * @since 0.1.0
 */
import { assertPRNGKey, makeKey, type PRNGKey } from './PRNGKey.js';
import { describe } from './Shape.js';
import { threefry2x32Blocks, threefryIotaHalves } from './threefry.js';

/** JAX's legacy split counts 2n uint32 counters; keep n well inside that. */
const MAX_SPLIT = 0x7fffffff;

/**
 * `jax.random.split(key, n)`: `n` new keys, each in the parent's scheme.
 *
 * - partitionable: key `i` is `threefry2x32(key, [0, i])`, so `split(k, n)[i]` is `foldIn(k, i)`
 *   and does not depend on `n`;
 * - legacy: the words of `threefry_2x32(key, iota(2n))` taken in pairs, so every key depends on `n`.
 *
 * @example
 * import { key, split, keyData } from 'parallax-ts/random'
 * const [params, dropout] = split(key(42))
 * keyData(params) // [1832780943, 270669613]
 * @category keys
 * @since 0.1.0
 */
export const split = (k: PRNGKey, n = 2): ReadonlyArray<PRNGKey> => {
  assertPRNGKey('split', 'key', k);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_SPLIT) {
    throw new Error(`split: n must be an integer in [0, ${MAX_SPLIT}], got ${describe(n)}`);
  }
  const [k0, k1] = k.data;
  const keys = new Array<PRNGKey>(n);
  if (k.partitionable) {
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    for (let i = 0; i < n; i++) lo[i] = i;
    threefry2x32Blocks(k0, k1, hi, lo, hi, lo);
    for (let i = 0; i < n; i++) keys[i] = makeKey(hi[i]!, lo[i]!, true);
  } else {
    const words = new Uint32Array(2 * n);
    threefryIotaHalves(k0, k1, words);
    for (let i = 0; i < n; i++) keys[i] = makeKey(words[2 * i]!, words[2 * i + 1]!, false);
  }
  return Object.freeze(keys);
};
