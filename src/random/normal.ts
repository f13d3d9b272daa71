/**
 * `normal`: standard normal float32 draws, as `jax.random.normal`.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { sampledTensor } from '../engine/trace.js';
import { bitsOfSize, fillXorBits } from './bits.js';
import { erfinvLogTerm, erfinvPolynomial } from './erfinv.js';
import { assertPRNGKey, type PRNGKey } from './PRNGKey.js';
import { shapeSize, type Shape } from './Shape.js';

/** float32 `sqrt(2)`. */
const SQRT2 = Math.fround(Math.SQRT2);
/** The float32 just above -1: JAX draws the uniform in `(-1, 1)` from here. */
const ABOVE_MINUS_ONE = -Math.fround(1 - 2 ** -24);
/** 23 random bits times 2^-23 give the uniform in [0, 1); times 2 for the span of (-1, 1). */
const TWO_POW_MINUS_22 = 2 ** -22;
/** Draws are finished a chunk at a time, in two passes (see `erfinvLogTerm`); scratch stays in L1. */
const CHUNK = 2048;
const logTerms = new Float32Array(CHUNK);
const bitScratch = new Uint32Array(CHUNK);

/**
 * `n` standard normal float32 draws by inverse transform: `sqrt(2) * erfinv(u)` with `u` uniform
 * in `[nextafter(-1, 0), 1)`, JAX's `_normal_real`. One pass over the bits: the uniform is
 * `(bits >>> 9) * 2^-23 * 2 + lo`, exact in a double and rounded once, as XLA's fused
 * multiply-add does; then `erfinv32` in two passes per chunk. The array is new (it reuses the
 * bits' buffer).
 *
 * @example
 * import { key, normal } from 'parallax-ts/random'
 * const z = normal(key(0), [4])
 * z.dataSync() // Float32Array [1.6226422, 2.0252647, -0.4335944, -0.0786173], normalFloats(key(0), 4)
 * z.dispose()
 * @category sampling
 * @since 0.1.0
 * @internal
 */
export const normalFloats = (k: PRNGKey, n: number): Float32Array => {
  // Partitionable bits are drawn a chunk at a time into a scratch buffer that stays in cache;
  // the legacy layout interleaves the halves of the whole array, so it is drawn at once.
  const legacy = k.partitionable ? null : bitsOfSize(k, n);
  const out = legacy === null ? new Float32Array(n) : new Float32Array(legacy.buffer, legacy.byteOffset, n);
  // module constants copied to locals: the loops then see plain numbers, not context slots
  const lo = ABOVE_MINUS_ONE;
  const sqrt2 = SQRT2;
  const scale = TWO_POW_MINUS_22;
  const w = logTerms;
  const chunkBits = legacy ?? bitScratch;
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    let offset = start; // index of element `start` in chunkBits
    if (legacy === null) {
      fillXorBits(k.data[0], k.data[1], bitScratch, start, end - start);
      offset = 0;
    }
    for (let i = start; i < end; i++) {
      const v = Math.fround((chunkBits[i - start + offset]! >>> 9) * scale + lo);
      const u = v > lo ? v : lo;
      out[i] = u;
      w[i - start] = erfinvLogTerm(u);
    }
    for (let i = start; i < end; i++) out[i] = sqrt2 * erfinvPolynomial(out[i]!, w[i - start]!);
  }
  return out;
};

/**
 * `jax.random.normal(key, shape)`: a new float32 tensor of standard normal draws, equal to JAX's
 * within 2 float32 ulp. The caller owns (and disposes) the tensor.
 *
 * @example
 * import { key, normal } from 'parallax-ts/random'
 * const z = normal(key(42), [7]) // -0.028304616, 0.46713185, ...
 * z.dispose()
 * @category sampling
 * @since 0.1.0
 */
export const normal = (k: PRNGKey, shape: Shape): tf.Tensor => {
  assertPRNGKey('normal', 'key', k);
  const n = shapeSize('normal', shape);
  return sampledTensor(
    k,
    (key) => normalFloats(key, n),
    (v) => tf.tensor(v, [...shape], 'float32'),
  );
};
