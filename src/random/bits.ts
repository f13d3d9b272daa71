/**
 * `bits`: raw uint32 draws, `jax.random.bits(key, shape, dtype=uint32)`. Every sampler starts here.
 *
 * @since 0.1.0
 */
import { assertPRNGKey, type PRNGKey } from './PRNGKey.js';
import { shapeSize, type Shape } from './Shape.js';
import { threefryIotaHalves, threefryXorCounters } from './threefry.js';
import { threefryWasm, WASM_CHUNK } from './threefryWasm.js';

/**
 * Partitionable bits for counters `start .. start + count - 1` into `out[0 .. count)`: the
 * WebAssembly SIMD kernel a cache-sized chunk at a time where available (~3× faster), else the
 * JavaScript loop. Same words either way.
 *
 * @example
 * import { bits, key } from 'parallax-ts/random'
 * // a partitionable key's bits are fillXorBits(k0, k1, out) on a new array: counters 0, 1, ...
 * bits(key(42), [4]) // Uint32Array [2098992034, 2919706841, 2646866425, 2409546199]
 * bits(key(42), [2]) // Uint32Array [2098992034, 2919706841], a prefix
 * @category sampling
 * @since 0.1.0
 * @internal
 */
export const fillXorBits = (k0: number, k1: number, out: Uint32Array, start = 0, count = out.length): void => {
  const kernel = threefryWasm();
  if (kernel === null) {
    threefryXorCounters(k0, k1, out, start, count);
    return;
  }
  const words = kernel.words;
  for (let done = 0; done < count; done += WASM_CHUNK) {
    const c = Math.min(WASM_CHUNK, count - done);
    kernel.bits(k0, k1, start + done, c);
    out.set(c === WASM_CHUNK ? words : words.subarray(0, c), done);
  }
};

/**
 * `n` uint32 draws from an already checked key, in the key's scheme:
 * - partitionable: element `i` (row-major) is the XOR of the two words of
 *   `threefry2x32(key, [hi(i), lo(i)])`, so a prefix of a draw does not depend on the total size;
 * - legacy: `threefry_2x32(key, iota(n))`: counters split in halves, words concatenated.
 *
 * @example
 * import { bits, key } from 'parallax-ts/random'
 * // bits(k, shape) is bitsOfSize(k, size), once the key and the shape are checked
 * bits(key(42), [2, 3]).length // 6
 * bits(key(42, { partitionable: false }), [4]) // Uint32Array [2465931498, 3679230171, 255383827, 267815257]
 * @category sampling
 * @since 0.1.0
 * @internal
 */
export const bitsOfSize = (k: PRNGKey, n: number): Uint32Array => {
  const out = new Uint32Array(n);
  if (k.partitionable) fillXorBits(k.data[0], k.data[1], out);
  else threefryIotaHalves(k.data[0], k.data[1], out);
  return out;
};

/**
 * `jax.random.bits(key, shape)`: uint32 draws, flattened row-major. The array is new and yours.
 *
 * @example
 * import { key, bits } from 'parallax-ts/random'
 * bits(key(42), [2, 3]) // Uint32Array [2098992034, 2919706841, 2646866425, 2409546199, 1935504149, 2516274904]
 * @category sampling
 * @since 0.1.0
 */
export const bits = (k: PRNGKey, shape: Shape): Uint32Array => {
  assertPRNGKey('bits', 'key', k);
  return bitsOfSize(k, shapeSize('bits', shape));
};
