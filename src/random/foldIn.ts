/**
 * `foldIn`: a key derived from a key and a 32-bit integer, as `jax.random.fold_in`.
 *
 * @since 0.1.0
 */
import { noteDerivedKeys } from '../engine/trace.js';
import { assertPRNGKey, makeKey, type PRNGKey } from './PRNGKey.js';
import { describeData } from '../tree/describeData.js';
import { threefry2x32Blocks } from './threefry.js';
import { RandomError } from './RandomError.js';

/**
 * `jax.random.fold_in(key, data)`: `threefry2x32(key, [0, data])`, the same in both schemes
 * (the result keeps the key's scheme). Use it to name streams: a layer index, a step number,
 * a hash of a parameter path.
 *
 * @example
 * import { key, foldIn, keyData } from 'parallax-ts/random'
 * keyData(foldIn(key(42), 7)) // [2547012911, 1371500959]
 * @category keys
 * @since 0.1.0
 */
export const foldIn = (k: PRNGKey, data: number): PRNGKey => {
  assertPRNGKey('foldIn', 'key', k);
  if (typeof data !== 'number' || !Number.isInteger(data) || data < 0 || data > 0xffffffff) {
    throw new RandomError('foldIn', 'data', `data must be an integer in [0, 2^32 - 1] (a uint32), got ${describeData(data)}`, data);
  }
  const hi = new Uint32Array(1);
  const lo = new Uint32Array([data]);
  threefry2x32Blocks(k.data[0], k.data[1], hi, lo, hi, lo);
  const out = makeKey(hi[0]!, lo[0]!, k.partitionable);
  noteDerivedKeys(k, [out], (parent) => [foldIn(parent, data)]);
  return out;
};
