/**
 * `PRNGKey`: a JAX threefry key as an immutable value. Keys are never hidden state; `split` and
 * `foldIn` are the only ways to derive new ones, and every key carries the bit-generation scheme
 * it was made with, so everything derived from it reproduces the same JAX configuration.
 *
 * @since 0.1.0
 */
import type { Eq as EqT } from 'fp-ts/lib/Eq.js';
import type { Show as ShowT } from 'fp-ts/lib/Show.js';
import { RandomError } from './RandomError.js';
import { describeData } from '../tree/describeData.js';

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
  /**
   * JAX's `jax_enable_x64`, for how `key(seed)` turns a seed into words (JAX's `threefry_seed`).
   * `true`: the seed is an int64, the words its two's-complement halves `[seed >> 32, seed & 0xFFFFFFFF]`.
   * `false` (JAX's default setting): the seed is an int32 and the words `[0, seed mod 2^32]`.
   * Absent: only seeds both settings read alike, `[0, 2^32 - 1]` (see {@link key}).
   */
  readonly x64?: boolean;
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
    throw new RandomError(fn, argName, `${argName} must be a PRNGKey (made by key, split or foldIn), got ${describeData(u)}`, u);
  }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const optionsOf = (fn: string, options: KeyOptions | undefined): { readonly partitionable: boolean; readonly x64: boolean | undefined } => {
  if (options === undefined) return { partitionable: true, x64: undefined };
  if (typeof options !== 'object' || options === null) {
    throw new RandomError(fn, 'options', `options must be an object like { partitionable: true }, got ${describeData(options)}`, options);
  }
  const { partitionable: p, x64 } = options;
  if (p !== undefined && typeof p !== 'boolean') {
    throw new RandomError(fn, 'options.partitionable', `options.partitionable must be a boolean, got ${describeData(p)}`, p);
  }
  if (x64 !== undefined && typeof x64 !== 'boolean') {
    throw new RandomError(fn, 'options.x64', `options.x64 must be a boolean, got ${describeData(x64)}`, x64);
  }
  return { partitionable: p ?? true, x64 };
};

const partitionableOf = (fn: string, options: KeyOptions | undefined): boolean => optionsOf(fn, options).partitionable;

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
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const UINT32_MAX = 2n ** 32n - 1n;

/** The seed as an exact integer: a safe-integer number or a BigInt; anything else is refused. */
const exactSeed = (seed: unknown): bigint => {
  if (typeof seed === 'bigint') return seed;
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) return BigInt(seed);
  if (typeof seed === 'number' && Number.isInteger(seed)) {
    // 2 ** 60 + 1 is already 2 ** 60 as a number: refuse rather than seed with a neighbour.
    if (seed < -(2 ** 63) || seed >= 2 ** 63) {
      throw new RandomError('key', 'seed', `seed must fit in int64 [-2^63, 2^63 - 1] as in JAX, got ${seed}`, seed);
    }
    throw new RandomError(
      'key',
      'seed',
      `seed ${seed} is beyond Number.MAX_SAFE_INTEGER, where numbers are not exact integers (neighbouring seeds are the same number); pass it as a BigInt`,
      seed,
    );
  }
  throw new RandomError('key', 'seed', `seed must be an integer (number or bigint), got ${describeData(seed)}`, seed);
};

/** JAX's `threefry_seed` on an int64: the two's-complement halves. */
const x64Words = (seed: bigint): readonly [number, number] => {
  const u = BigInt.asUintN(64, seed);
  return [Number(u >> 32n), Number(u & 0xffffffffn)];
};

/**
 * `jax.random.PRNGKey(seed)` (equivalently `key_data(jax.random.key(seed))`): JAX's `threefry_seed`,
 * which makes the key's two uint32 words from an integer seed. JAX reads a seed one of two ways,
 * by its `jax_enable_x64` setting; here `options.x64` chooses, and no seed ever silently shares
 * its key with another:
 *
 * | seed                                  | `key(seed)`       | `{ x64: true }` (64-bit types)  | `{ x64: false }` (JAX's default) |
 * | ------------------------------------- | ----------------- | ------------------------------- | -------------------------------- |
 * | `0 ≤ seed < 2^31`                     | `[0, seed]`       | `[0, seed]`                     | `[0, seed]`                      |
 * | `2^31 ≤ seed < 2^32`                  | `[0, seed]`       | `[0, seed]`                     | `RandomError` (not an int32)     |
 * | `-2^31 ≤ seed < 0`                    | `RandomError`     | `[2^32 - 1, seed + 2^32]`       | `[0, seed + 2^32]`               |
 * | other int64 seeds                     | `RandomError`     | `[seed >> 32, seed & 0xFFFFFFFF]` | `RandomError` (not an int32)   |
 * | beyond int64, not an integer          | `RandomError`     | `RandomError`                   | `RandomError`                    |
 *
 * - With `x64: true` every int64 is its own key, as JAX with `jax_enable_x64=True`.
 * - With `x64: false` the seed must be an int32, as JAX requires under `jit` with 64-bit types off;
 *   outside `jit` JAX wraps larger seeds to 32 bits (so `PRNGKey(2**32)` is `PRNGKey(0)` there):
 *   that silent collision is refused here — pass `seed mod 2^32` yourself if you mean it.
 * - Without `x64`, only the seeds on which both settings agree are taken, so a negative or 64-bit
 *   seed is a `RandomError` that shows both keys and asks you to choose.
 *
 * A seed may be a number (a safe integer: beyond 2^53 a number is not exact, so pass a BigInt) or a
 * BigInt, read exactly.
 *
 * @example
 * import { key, keyData } from 'parallax-ts/random'
 * keyData(key(42)) // [0, 42]
 * keyData(key(-1, { x64: false })) // [0, 4294967295], JAX's default
 * keyData(key(-1, { x64: true })) // [4294967295, 4294967295], jax_enable_x64
 * keyData(key(2n ** 40n + 7n, { x64: true })) // [256, 7]
 * key(42, { partitionable: false }) // JAX's legacy jax_threefry_partitionable=False scheme
 * @category constructors
 * @since 0.1.0
 */
export const key = (seed: number | bigint, options?: KeyOptions): PRNGKey => {
  const { partitionable, x64 } = optionsOf('key', options);
  const s = exactSeed(seed);
  if (s < INT64_MIN || s > INT64_MAX) {
    throw new RandomError('key', 'seed', `seed must fit in int64 [-2^63, 2^63 - 1] as in JAX, got ${s}`, seed);
  }
  if (x64 === true) {
    const [hi, lo] = x64Words(s);
    return makeKey(hi, lo, partitionable);
  }
  const low = Number(BigInt.asUintN(32, s));
  if (x64 === false) {
    if (s < INT32_MIN || s > INT32_MAX) {
      throw new RandomError(
        'key',
        'seed',
        `with { x64: false } the seed must be an int32 [-2^31, 2^31 - 1], as JAX requires under jit with jax_enable_x64=False, got ${s}` +
          ` (outside jit JAX wraps it to 32 bits, sharing the key of ${low}: pass ${low} if that is what you mean, or { x64: true } for a 64-bit seed)`,
        seed,
      );
    }
    return makeKey(0, low, partitionable);
  }
  if (s >= 0n && s <= UINT32_MAX) return makeKey(0, low, partitionable);
  const [hi, lo] = x64Words(s);
  const x32 =
    s >= INT32_MIN
      ? `key(seed, { x64: false }) is JAX's default key [0, ${low}]`
      : `JAX's default (x64 off) refuses it under jit and wraps it to 32 bits outside, sharing the key of ${low}`;
  throw new RandomError(
    'key',
    'seed',
    `seed ${s} is outside [0, 2^32 - 1], where JAX's two settings make different keys; choose one: ` +
      `key(seed, { x64: true }) is jax_enable_x64's key [${hi}, ${lo}]; ${x32}`,
    seed,
  );
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
    throw new RandomError('wrapKeyData', 'data', `data must be two uint32 integers [hi, lo], got ${describeData(data)}`, data);
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
