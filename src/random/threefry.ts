/**
 * The threefry2x32 block function (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
 * SC 2011), 20 rounds, exactly as JAX's `threefry2x32_p`: every key, split and random bit in
 * `parallax-ts/random` comes from it.
 *
 * Arithmetic is 32-bit two's complement in plain numbers (`| 0`, `>>> 0`), so the hot loops never
 * allocate and never touch BigInt; outputs are written to `Uint32Array`s, which wraps negative
 * int32 values to their uint32 bit pattern for free.
 *
 * @since 0.1.0
 */
import { RandomError } from './RandomError.js';
import { describeData } from '../tree/describeData.js';

/** The key-schedule parity constant of Threefish/threefry (`0x1BD11BDA`). */
const PARITY = 0x1bd11bda;

const isUint32 = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;

const checkPair = (fn: string, name: string, pair: ReadonlyArray<number>): void => {
  if (!Array.isArray(pair) || pair.length !== 2 || !isUint32(pair[0]) || !isUint32(pair[1])) {
    throw new RandomError(fn, name, `${name} must be a pair of uint32 integers [hi, lo], got ${describeData(pair)}`, pair);
  }
};

/**
 * Applies threefry2x32 with key words `(k0, k1)` to the counter pairs `(x0[i], x1[i])`,
 * `i < n`, writing the two output words to `out0[i]` and `out1[i]` (out arrays may alias the
 * input arrays). This is the vectorised form JAX uses; the loops of `bits` and `split` call
 * specialised copies of the same rounds. (They are copies on purpose: one shared block function
 * returning its two words through a scratch array ran 2.2–2.4× slower — V8 does not inline a body
 * this long — and these loops are the fallback when WebAssembly SIMD is missing.)
 *
 * @example
 * import { threefry2x32Blocks } from 'parallax-ts/random'
 * const x0 = new Uint32Array([0]), x1 = new Uint32Array([0])
 * threefry2x32Blocks(0, 0, x0, x1, x0, x1)
 * // x0[0] === 0x6b200159, x1[0] === 0x99ba4efe (the Random123 known answer)
 * @category threefry
 * @since 0.1.0
 */
export const threefry2x32Blocks = (
  k0: number,
  k1: number,
  x0: Uint32Array,
  x1: Uint32Array,
  out0: Uint32Array,
  out1: Uint32Array,
): void => {
  const fn = 'threefry2x32Blocks';
  for (const [name, k] of [
    ['k0', k0],
    ['k1', k1],
  ] as const) {
    if (!isUint32(k)) throw new RandomError(fn, name, `${name} must be a uint32 integer, got ${describeData(k)}`, k);
  }
  for (const [name, a] of [
    ['x0', x0],
    ['x1', x1],
    ['out0', out0],
    ['out1', out1],
  ] as const) {
    if (!(a instanceof Uint32Array)) throw new RandomError(fn, name, `${name} must be a Uint32Array, got ${describeData(a)}`, a);
  }
  const n = x0.length;
  if (x1.length !== n || out0.length < n || out1.length < n) {
    throw new RandomError(
      fn,
      'x0',
      `counter arrays must have equal length and outputs at least that length, got x0=${n}, x1=${x1.length}, out0=${out0.length}, out1=${out1.length}`,
    );
  }
  const ks0 = k0 | 0;
  const ks1 = k1 | 0;
  const ks2 = (ks0 ^ ks1 ^ PARITY) | 0;
  for (let i = 0; i < n; i++) {
    let a = (x0[i]! + ks0) | 0;
    let b = (x1[i]! + ks1) | 0;
    // group 1: rotations 13 15 26 6
    a = (a + b) | 0;
    b = (b << 13) | (b >>> 19);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 15) | (b >>> 17);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 26) | (b >>> 6);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 6) | (b >>> 26);
    b ^= a;
    a = (a + ks1) | 0;
    b = (b + ks2 + 1) | 0;
    // group 2: rotations 17 29 16 24
    a = (a + b) | 0;
    b = (b << 17) | (b >>> 15);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 29) | (b >>> 3);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 16) | (b >>> 16);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 24) | (b >>> 8);
    b ^= a;
    a = (a + ks2) | 0;
    b = (b + ks0 + 2) | 0;
    // group 3
    a = (a + b) | 0;
    b = (b << 13) | (b >>> 19);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 15) | (b >>> 17);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 26) | (b >>> 6);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 6) | (b >>> 26);
    b ^= a;
    a = (a + ks0) | 0;
    b = (b + ks1 + 3) | 0;
    // group 4
    a = (a + b) | 0;
    b = (b << 17) | (b >>> 15);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 29) | (b >>> 3);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 16) | (b >>> 16);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 24) | (b >>> 8);
    b ^= a;
    a = (a + ks1) | 0;
    b = (b + ks2 + 4) | 0;
    // group 5
    a = (a + b) | 0;
    b = (b << 13) | (b >>> 19);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 15) | (b >>> 17);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 26) | (b >>> 6);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 6) | (b >>> 26);
    b ^= a;
    a = (a + ks2) | 0;
    b = (b + ks0 + 5) | 0;
    out0[i] = a;
    out1[i] = b;
  }
};

/**
 * Bits for counters `(0, start + i)`, `i < count` (default: fill `out`), written to `out[i]`, in
 * JAX's partitionable layout: each output word is the XOR of the block's two output words. Used
 * for arrays smaller than 2^32 elements (the high counter word is then always 0).
 *
 * @example
 * import { bits, key, threefry2x32 } from 'parallax-ts/random'
 * // bits of a partitionable key: word i is the XOR of the block for counter (0, i)
 * const [a, b] = threefry2x32([0, 42], [0, 1])
 * const word1 = (a ^ b) >>> 0 // 2919706841
 * bits(key(42), [4])[1] === word1 // true
 * @category threefry
 * @since 0.1.0
 * @internal
 */
export const threefryXorCounters = (k0: number, k1: number, out: Uint32Array, start = 0, count = out.length): void => {
  const ks0 = k0 | 0;
  const ks1 = k1 | 0;
  const ks2 = (ks0 ^ ks1 ^ PARITY) | 0;
  for (let i = 0; i < count; i++) {
    let a = ks0;
    let b = (start + i + ks1) | 0;
    a = (a + b) | 0;
    b = (b << 13) | (b >>> 19);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 15) | (b >>> 17);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 26) | (b >>> 6);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 6) | (b >>> 26);
    b ^= a;
    a = (a + ks1) | 0;
    b = (b + ks2 + 1) | 0;
    a = (a + b) | 0;
    b = (b << 17) | (b >>> 15);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 29) | (b >>> 3);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 16) | (b >>> 16);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 24) | (b >>> 8);
    b ^= a;
    a = (a + ks2) | 0;
    b = (b + ks0 + 2) | 0;
    a = (a + b) | 0;
    b = (b << 13) | (b >>> 19);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 15) | (b >>> 17);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 26) | (b >>> 6);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 6) | (b >>> 26);
    b ^= a;
    a = (a + ks0) | 0;
    b = (b + ks1 + 3) | 0;
    a = (a + b) | 0;
    b = (b << 17) | (b >>> 15);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 29) | (b >>> 3);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 16) | (b >>> 16);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 24) | (b >>> 8);
    b ^= a;
    a = (a + ks1) | 0;
    b = (b + ks2 + 4) | 0;
    a = (a + b) | 0;
    b = (b << 13) | (b >>> 19);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 15) | (b >>> 17);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 26) | (b >>> 6);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 6) | (b >>> 26);
    b ^= a;
    a = (a + ks2) | 0;
    b = (b + ks0 + 5) | 0;
    out[i] = a ^ b;
  }
};

/**
 * Counters `0 .. 2m-1` split in halves, JAX's legacy layout (`threefry_2x32(key, iota(n))`):
 * block `i < m` takes counters `(i, m + i)` and writes its words to `out[i]` and `out[m + i]`.
 * When `n` is odd the last block's second counter is the zero JAX pads with, and its second word
 * is dropped. `out.length` is `n`.
 *
 * @example
 * import { bits, key, threefry2x32 } from 'parallax-ts/random'
 * // legacy bits of 4 words: block 0 takes counters (0, 2), block 1 takes (1, 3)
 * const [w0, w2] = threefry2x32([0, 42], [0, 2])
 * const legacy = bits(key(42, { partitionable: false }), [4])
 * legacy[0] === w0 && legacy[2] === w2 // true
 * @category threefry
 * @since 0.1.0
 * @internal
 */
export const threefryIotaHalves = (k0: number, k1: number, out: Uint32Array): void => {
  const n = out.length;
  const m = (n + 1) >>> 1;
  const ks0 = k0 | 0;
  const ks1 = k1 | 0;
  const ks2 = (ks0 ^ ks1 ^ PARITY) | 0;
  for (let i = 0; i < m; i++) {
    const j = m + i;
    let a = (i + ks0) | 0;
    let b = ((j < n ? j : 0) + ks1) | 0;
    a = (a + b) | 0;
    b = (b << 13) | (b >>> 19);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 15) | (b >>> 17);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 26) | (b >>> 6);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 6) | (b >>> 26);
    b ^= a;
    a = (a + ks1) | 0;
    b = (b + ks2 + 1) | 0;
    a = (a + b) | 0;
    b = (b << 17) | (b >>> 15);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 29) | (b >>> 3);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 16) | (b >>> 16);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 24) | (b >>> 8);
    b ^= a;
    a = (a + ks2) | 0;
    b = (b + ks0 + 2) | 0;
    a = (a + b) | 0;
    b = (b << 13) | (b >>> 19);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 15) | (b >>> 17);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 26) | (b >>> 6);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 6) | (b >>> 26);
    b ^= a;
    a = (a + ks0) | 0;
    b = (b + ks1 + 3) | 0;
    a = (a + b) | 0;
    b = (b << 17) | (b >>> 15);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 29) | (b >>> 3);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 16) | (b >>> 16);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 24) | (b >>> 8);
    b ^= a;
    a = (a + ks1) | 0;
    b = (b + ks2 + 4) | 0;
    a = (a + b) | 0;
    b = (b << 13) | (b >>> 19);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 15) | (b >>> 17);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 26) | (b >>> 6);
    b ^= a;
    a = (a + b) | 0;
    b = (b << 6) | (b >>> 26);
    b ^= a;
    a = (a + ks2) | 0;
    b = (b + ks0 + 5) | 0;
    out[i] = a;
    if (j < n) out[j] = b;
  }
};

/**
 * One threefry2x32 block: key `[k0, k1]`, counter `[x0, x1]`, all uint32, returns the two output
 * words. This is Random123's `threefry2x32_20` and JAX's `threefry2x32_p` on one element.
 *
 * @example
 * import { threefry2x32 } from 'parallax-ts/random'
 * threefry2x32([0, 0], [0, 0]) // [1797259609, 2579123966]
 * @category threefry
 * @since 0.1.0
 */
export const threefry2x32 = (key: readonly [number, number], count: readonly [number, number]): [number, number] => {
  checkPair('threefry2x32', 'key', key);
  checkPair('threefry2x32', 'count', count);
  const x0 = new Uint32Array([count[0]]);
  const x1 = new Uint32Array([count[1]]);
  threefry2x32Blocks(key[0], key[1], x0, x1, x0, x1);
  return [x0[0]!, x1[0]!];
};
