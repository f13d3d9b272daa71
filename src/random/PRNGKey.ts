/**
 * `PRNGKey`: a JAX threefry key as an immutable value. Keys are never hidden state; `split` and
 * `foldIn` are the only ways to derive new ones, and every key carries the bit-generation scheme
 * it was made with, so everything derived from it reproduces the same JAX configuration.
 *
 * @since 0.1.0
 */
import type { Eq as EqT } from 'fp-ts/lib/Eq.js';
import type { Show as ShowT } from 'fp-ts/lib/Show.js';
import { describe } from './Shape.js';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A threefry2x32 key: two uint32 words (`jax.random.key_data`) plus the scheme.
 *
 * `partitionable: true` is JAX >= 0.5's default (`jax_threefry_partitionable=True`);
 * `false` reproduces the legacy layout. The two schemes agree on `key` and `foldIn` and differ on
 * `split` and on every random bit.
 *
 * @example
 * import { type PRNGKey, key, split } from 'parallax-ts/random'
 * const root: PRNGKey = key(0)
 * const [params, dropout]: ReadonlyArray<PRNGKey> = split(root)
 * root.data          // [0, 0]
 * root.partitionable // true
 * @category model
 * @since 0.1.0
 */
export interface PRNGKey {
  readonly _tag: 'PRNGKey';
  readonly data: readonly [number, number];
  readonly partitionable: boolean;
}

/**
 * Options of the key constructors.
 *
 * @example
 * import { type KeyOptions, key, Show } from 'parallax-ts/random'
 * const legacy: KeyOptions = { partitionable: false }
 * Show.show(key(42, legacy)) // 'PRNGKey([0, 42], legacy)'
 * @category model
 * @since 0.1.0
 */
export interface KeyOptions {
  /** JAX's `jax_threefry_partitionable`; default `true` (JAX >= 0.5). */
  readonly partitionable?: boolean;
}

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

const isUint32 = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;

/**
 * Whether `u` is a well-formed `PRNGKey`.
 *
 * @example
 * import { isPRNGKey, key } from 'parallax-ts/random'
 * isPRNGKey(key(0)) // true
 * isPRNGKey([0, 0]) // false
 * @category guards
 * @since 0.1.0
 */
export const isPRNGKey = (u: unknown): u is PRNGKey => {
  if (typeof u !== 'object' || u === null) return false;
  const k = u as Record<string, unknown>;
  const d = k.data;
  return (
    k._tag === 'PRNGKey' && typeof k.partitionable === 'boolean' && Array.isArray(d) && d.length === 2 && isUint32(d[0]) && isUint32(d[1])
  );
};

/**
 * Throws unless `u` is a `PRNGKey`; the message names the function and the argument.
 *
 * @example
 * import { assertPRNGKey, keyData } from 'parallax-ts/random'
 * const saved: unknown = JSON.parse('{"_tag":"PRNGKey","data":[0,42],"partitionable":true}')
 * assertPRNGKey('load', 'key', saved) // `saved` is a PRNGKey from here on
 * keyData(saved) // [0, 42]
 * assertPRNGKey('split', 'key', 42) // throws Error: split: key must be a PRNGKey (made by key, split or foldIn), got 42
 * @category guards
 * @since 0.1.0
 */
export function assertPRNGKey(fn: string, argName: string, u: unknown): asserts u is PRNGKey {
  if (!isPRNGKey(u)) {
    throw new Error(`${fn}: ${argName} must be a PRNGKey (made by key, split or foldIn), got ${describe(u)}`);
  }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const partitionableOf = (fn: string, options: KeyOptions | undefined): boolean => {
  if (options === undefined) return true;
  if (typeof options !== 'object' || options === null) {
    throw new Error(`${fn}: options must be an object like { partitionable: true }, got ${describe(options)}`);
  }
  const p = options.partitionable;
  if (p === undefined) return true;
  if (typeof p !== 'boolean') {
    throw new Error(`${fn}: options.partitionable must be a boolean, got ${describe(p)}`);
  }
  return p;
};

/**
 * Builds a frozen key from words already known to be uint32: what `wrapKeyData` returns once it
 * has checked its words.
 *
 * @example
 * import { keyData, wrapKeyData } from 'parallax-ts/random'
 * const k = wrapKeyData([1, 2], { partitionable: false }) // makeKey(1, 2, false)
 * Object.isFrozen(k) // true
 * keyData(k) // [1, 2]
 * @category constructors
 * @since 0.1.0
 * @internal
 */
export const makeKey = (hi: number, lo: number, partitionable: boolean): PRNGKey =>
  Object.freeze({
    _tag: 'PRNGKey' as const,
    data: Object.freeze([hi >>> 0, lo >>> 0] as const),
    partitionable,
  });

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * `jax.random.PRNGKey(seed)` (equivalently `key_data(jax.random.key(seed))`) with JAX's default
 * `jax_enable_x64=False`: the seed is an int64, its low 32 bits become the second word and the
 * first word is 0. So `key(-1)` is `[0, 4294967295]` and `key(2 ** 32 + 5)` is `[0, 5]`.
 *
 * @example
 * import { key, keyData } from 'parallax-ts/random'
 * keyData(key(42)) // [0, 42]
 * key(42, { partitionable: false }) // JAX's legacy jax_threefry_partitionable=False scheme
 * @category constructors
 * @since 0.1.0
 */
export const key = (seed: number | bigint, options?: KeyOptions): PRNGKey => {
  const partitionable = partitionableOf('key', options);
  let big: bigint;
  if (typeof seed === 'bigint') {
    big = seed;
  } else if (typeof seed === 'number' && Number.isInteger(seed)) {
    big = BigInt(seed);
  } else {
    throw new Error(`key: seed must be an integer (number or bigint), got ${describe(seed)}`);
  }
  if (big < INT64_MIN || big > INT64_MAX) {
    throw new Error(`key: seed must fit in int64 [-2^63, 2^63 - 1] as in JAX, got ${big}`);
  }
  return makeKey(0, Number(BigInt.asUintN(32, big)), partitionable);
};

/**
 * A key from its two uint32 words, as `jax.random.wrap_key_data` (e.g. to continue from a key
 * saved by JAX).
 *
 * @example
 * import { wrapKeyData, key, Eq } from 'parallax-ts/random'
 * Eq.equals(wrapKeyData([0, 42]), key(42)) // true
 * @category constructors
 * @since 0.1.0
 */
export const wrapKeyData = (data: readonly [number, number], options?: KeyOptions): PRNGKey => {
  const partitionable = partitionableOf('wrapKeyData', options);
  if (!Array.isArray(data) || data.length !== 2 || !isUint32(data[0]) || !isUint32(data[1])) {
    throw new Error(`wrapKeyData: data must be two uint32 integers [hi, lo], got ${describe(data)}`);
  }
  return makeKey(data[0], data[1], partitionable);
};

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * The key's two uint32 words, `jax.random.key_data(key)`.
 *
 * @example
 * import { key, keyData } from 'parallax-ts/random'
 * keyData(key(-1)) // [0, 4294967295]
 * @category destructors
 * @since 0.1.0
 */
export const keyData = (k: PRNGKey): readonly [number, number] => {
  assertPRNGKey('keyData', 'key', k);
  return k.data;
};

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * Keys are equal when their words and their scheme are.
 *
 * @example
 * import { Eq, key } from 'parallax-ts/random'
 * Eq.equals(key(1), key(1)) // true
 * Eq.equals(key(1), key(1, { partitionable: false })) // false
 * @category instances
 * @since 0.1.0
 */
export const Eq: EqT<PRNGKey> = {
  equals: (a, b) => a.data[0] === b.data[0] && a.data[1] === b.data[1] && a.partitionable === b.partitionable,
};

/**
 * Renders a key as its two words, marking keys of the legacy scheme.
 *
 * @example
 * import { Show, key } from 'parallax-ts/random'
 * Show.show(key(42)) // 'PRNGKey([0, 42])'
 * Show.show(key(42, { partitionable: false })) // 'PRNGKey([0, 42], legacy)'
 * @category instances
 * @since 0.1.0
 */
export const Show: ShowT<PRNGKey> = {
  show: (k) => `PRNGKey([${k.data[0]}, ${k.data[1]}]${k.partitionable ? '' : ', legacy'})`,
};
