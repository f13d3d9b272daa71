/**
 * `split`: one key into `n` independent keys, as `jax.random.split`.
 *
 * @since 0.1.0
 */
import { noteDerivedKeys } from '../engine/trace.js';
import { assertPRNGKey, makeKey, type PRNGKey } from './PRNGKey.js';
import { RandomError } from './RandomError.js';
import { describeData } from '../tree/describeData.js';
import { threefry2x32Blocks, threefryIotaHalves } from './threefry.js';

/**
 * The most keys one `split` makes, 2^22 (4,194,304). Each key is a small frozen object (about 136
 * bytes), so the limit is about 570 MB of keys; `split(key, 1e8)` would need 13.6 GB and end the
 * process, so it is refused before anything is allocated. For more streams than that, derive each
 * key when it is needed: `foldIn(key, i)` is `split(key, n)[i]` in the partitionable scheme.
 * @example
 * import { key, MAX_SPLIT, split } from 'parallax-ts/random'
 * MAX_SPLIT // 4194304
 * split(key(0), 1e8) // throws RandomError: split: n must be an integer in [0, 4194304], got 100000000 ...
 * @category keys
 * @since 0.2.0
 */
export const MAX_SPLIT = 2 ** 22;

/**
 * `jax.random.split(key, n)`: `n` new keys, each in the parent's scheme; `n` at most
 * {@link MAX_SPLIT} (2^22).
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
    throw new RandomError(
      'split',
      'n',
      `n must be an integer in [0, ${MAX_SPLIT}], got ${describeData(n)}` +
        (typeof n === 'number' && n > MAX_SPLIT ? ' (more keys than fit in memory: derive each one when needed with foldIn(key, i))' : ''),
      n,
    );
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
  const out = Object.freeze(keys);
  noteDerivedKeys(k, out, (parent) => split(parent, n));
  return out;
};
