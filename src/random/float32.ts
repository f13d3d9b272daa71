/**
 * Float32 helpers in plain JavaScript numbers. XLA's CPU compiler contracts `a * b + c` into one
 * fused multiply-add (one rounding), so JAX's `uniform` scaling, its `erf` and its `erfinv`
 * polynomial round once per multiply-add; `fmaf32` reproduces that exactly where bit-exactness is
 * promised (`uniform`). The hot `erfinv` loop uses the cheaper `fround(a * b + c)`, which differs
 * only on exact double-rounding ties. `nextAfterF32` gives the open bounds of `truncatedNormal`.
 *
 * @since 0.1.0
 */

/**
 * `fma(a, b, c)` rounded once to float32, for float32 inputs `a`, `b`, `c`. The product of two
 * float32 is exact in a double; the double sum can round, and rounding that again to float32 is
 * wrong only when the double sum lands exactly on a float32 halfway point, which the exact error
 * of the sum (TwoSum) then resolves.
 *
 * @example
 * import { fmaf32 } from 'parallax-ts/random'
 * fmaf32(Math.fround(0.1), 3, Math.fround(-0.3)) // -7.450580596923828e-9, float32 of the exact 0.1f * 3 - 0.3f
 * @category utils
 * @since 0.1.0
 */
export const fmaf32 = (a: number, b: number, c: number): number => {
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s);
  if (r === s) return r;
  const other = 2 * s - r;
  if (Math.fround(other) !== other) return r; // s is not a float32 halfway point: r is right
  // TwoSum: the exact sum is s + err.
  const bb = s - p;
  const err = p - (s - bb) + (c - bb);
  if (err === 0) return r; // a true tie: fround already rounded half to even
  return err > 0 ? (r > other ? r : other) : r < other ? r : other;
};

const scratchF32 = new Float32Array(1);
const scratchI32 = new Int32Array(scratchF32.buffer);

/**
 * The next float32 after float32 `x` in the direction of `toward` (C's `nextafterf`), used for the
 * open bounds of `truncatedNormal`.
 *
 * @example
 * import { nextAfterF32 } from 'parallax-ts/random'
 * nextAfterF32(1, 2) // 1.0000001192092896
 * nextAfterF32(-Infinity, 0) // -3.4028234663852886e38
 * @category utils
 * @since 0.1.0
 */
export const nextAfterF32 = (x: number, toward: number): number => {
  if (Number.isNaN(x) || Number.isNaN(toward)) return Number.NaN;
  if (x === toward) return toward;
  if (x === 0) return toward > 0 ? 2 ** -149 : -(2 ** -149);
  scratchF32[0] = x;
  // away from zero when moving in x's direction, toward zero otherwise
  if (x < toward === x > 0) scratchI32[0] = scratchI32[0]! + 1;
  else scratchI32[0] = scratchI32[0]! - 1;
  return scratchF32[0]!;
};
