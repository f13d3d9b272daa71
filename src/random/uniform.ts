/**
 * `uniform`: float32 draws in `[minval, maxval)`, bit for bit as `jax.random.uniform`.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { sampledTensor } from '../engine/trace.js';
import { bitsOfSize } from './bits.js';
import { fmaf32 } from './float32.js';
import { assertPRNGKey, type PRNGKey } from './PRNGKey.js';
import { describeData } from '../tree/describeData.js';
import { shapeSize, type Shape } from './Shape.js';
import { threefryWasm, WASM_CHUNK } from './threefryWasm.js';
import { RandomError } from './RandomError.js';

const TWO_POW_MINUS_23 = 2 ** -23;

/**
 * Options of `uniform`.
 *
 * @example
 * import { type UniformOptions, key, uniform } from 'parallax-ts/random'
 * const options: UniformOptions = { minval: -1, maxval: 1 }
 * const u = uniform(key(0), [3], options) // draws in [-1, 1)
 * u.dispose()
 * @category model
 * @since 0.1.0
 */
export interface UniformOptions {
  /** Inclusive lower bound, default 0. */
  readonly minval?: number;
  /** Exclusive upper bound, default 1. */
  readonly maxval?: number;
}

/**
 * Whether `lo + u * span` is exact in float32 for every 23-bit uniform `u = m * 2^-23`: `span` a
 * power of two (so `u * span` is `m` units of `span * 2^-23`) and `lo` either 0 or `-span / 2`
 * (so the sum is at most 2^23 such units). JAX's fused multiply-add then rounds nothing, and the
 * WebAssembly kernel's separate float32 multiply and add give the same floats.
 */
const isExactAffine = (lo: number, span: number): boolean =>
  span >= 2 ** -100 && span <= 2 ** 100 && span === 2 ** Math.round(Math.log2(span)) && (lo === 0 || lo === -span / 2);

/**
 * `n` float32 draws of `uniform(key, [n], minval, maxval)`, bounds already checked and rounded to
 * float32, each then multiplied by `mult` in float32 (the initializers' scaling, fused here so
 * the draws are written once). JAX's bit trick: the top 23 bits become the mantissa of a float
 * in [1, 2), minus 1 (which is exactly `(bits >>> 9) * 2^-23`, computed so without
 * reinterpreting memory), then `max(minval, u * (maxval - minval) + minval)` in float32, the
 * multiply-add fused as XLA compiles it (one rounding).
 *
 * Partitionable keys with exact bounds (`isExactAffine`: [0, 1), [-1, 1), ...) run entirely in
 * the WebAssembly kernel where available; otherwise the bits come from `bitsOfSize` and the floats
 * are computed here, in the bits' buffer (no second allocation).
 *
 * @example
 * import { key, uniform } from 'parallax-ts/random'
 * const u = uniform(key(0), [3])
 * u.dataSync() // Float32Array [0.947667, 0.9785799, 0.3322915], uniformFloats(key(0), 3, 0, 1)
 * u.dispose()
 * @category sampling
 * @since 0.1.0
 * @internal
 */
export const uniformFloats = (k: PRNGKey, n: number, minval: number, maxval: number, mult = 1): Float32Array => {
  const lo = Math.fround(minval);
  const span = Math.fround(Math.fround(maxval) - lo);
  const m = Math.fround(mult);
  const kernel = k.partitionable && isExactAffine(lo, span) ? threefryWasm() : null;
  if (kernel !== null) {
    const out = new Float32Array(n);
    const floats = kernel.floats;
    for (let done = 0; done < n; done += WASM_CHUNK) {
      const c = Math.min(WASM_CHUNK, n - done);
      kernel.uniform(k.data[0], k.data[1], done, c, span * TWO_POW_MINUS_23, lo, m);
      out.set(c === WASM_CHUNK ? floats : floats.subarray(0, c), done);
    }
    return out;
  }
  const raw = bitsOfSize(k, n);
  const out = new Float32Array(raw.buffer, raw.byteOffset, n);
  if (lo === 0 && span === 1) {
    for (let i = 0; i < n; i++) out[i] = (raw[i]! >>> 9) * TWO_POW_MINUS_23 * m;
  } else {
    for (let i = 0; i < n; i++) {
      const v = fmaf32((raw[i]! >>> 9) * TWO_POW_MINUS_23, span, lo);
      out[i] = (v > lo ? v : lo) * m;
    }
  }
  return out;
};

/**
 * Checks float bounds `lo < hi` whose float32 span is finite; names the arguments.
 *
 * @example
 * import { key, uniform } from 'parallax-ts/random'
 * uniform(key(0), [2], { minval: 1, maxval: 1 }) // throws Error: uniform: minval must be less than maxval (as float32), got minval=1, maxval=1
 * @category utils
 * @since 0.1.0
 * @internal
 */
export const checkBounds = (fn: string, loName: string, lo: unknown, hiName: string, hi: unknown): void => {
  if (typeof lo !== 'number' || !Number.isFinite(lo)) {
    throw new RandomError(fn, loName, `${loName} must be a finite number, got ${describeData(lo)}`, lo);
  }
  if (typeof hi !== 'number' || !Number.isFinite(hi)) {
    throw new RandomError(fn, hiName, `${hiName} must be a finite number, got ${describeData(hi)}`, hi);
  }
  const lo32 = Math.fround(lo);
  const hi32 = Math.fround(hi);
  if (!(lo32 < hi32)) {
    throw new RandomError(fn, loName, `${loName} must be less than ${hiName} (as float32), got ${loName}=${lo}, ${hiName}=${hi}`, lo);
  }
  if (!Number.isFinite(lo32) || !Number.isFinite(hi32) || !Number.isFinite(Math.fround(hi32 - lo32))) {
    throw new RandomError(fn, hiName, `[${loName}, ${hiName}) = [${lo}, ${hi}) overflows float32`, hi);
  }
};

/**
 * `jax.random.uniform(key, shape, float32, minval, maxval)`: a new float32 tensor of draws in
 * `[minval, maxval)`, identical to JAX's bits. The caller owns (and disposes) the tensor.
 *
 * @example
 * import { key, uniform } from 'parallax-ts/random'
 * const u = uniform(key(42), [7])                      // 0.48870957, 0.67979717, ...
 * const v = uniform(key(42), [3, 4], { minval: -2, maxval: 3 })
 * u.dispose(); v.dispose()
 * @category sampling
 * @since 0.1.0
 */
export const uniform = (k: PRNGKey, shape: Shape, options?: UniformOptions): tf.Tensor => {
  assertPRNGKey('uniform', 'key', k);
  const size = shapeSize('uniform', shape);
  const minval = options?.minval ?? 0;
  const maxval = options?.maxval ?? 1;
  checkBounds('uniform', 'minval', minval, 'maxval', maxval);
  return sampledTensor(
    k,
    (key) => uniformFloats(key, size, minval, maxval),
    (v) => tf.tensor(v, [...shape], 'float32'),
  );
};
