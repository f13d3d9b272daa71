/**
 * `erfinv32`: the inverse error function in float32 arithmetic, as XLA computes `lax.erf_inv`
 * for float32 (M. Giles, "Approximating the erfinv function", GPU Computing Gems, 2011: one
 * degree-8 polynomial for the centre, one for the tails). `normal` and `truncatedNormal` use it,
 * so their draws match JAX's to within an ulp or two (only `log1p` and `sqrt` may round
 * differently from XLA's kernels).
 *
 * @since 0.1.0
 */

import { fmaf32 } from './float32.js';

const f = Math.fround;

/** Coefficients for w = -log1p(-x^2) < 5, highest degree first, in float32. */
const CENTRAL = [
  2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503,
  -0.00417768164, 0.246640727, 1.50140941,
].map(f);

/** Coefficients for the tails, w >= 5, in the variable sqrt(w) - 3. */
const TAIL = [
  -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
  0.00943887047, 1.00167406, 2.83297682,
].map(f);

const C0 = CENTRAL[0]!, C1 = CENTRAL[1]!, C2 = CENTRAL[2]!, C3 = CENTRAL[3]!, C4 = CENTRAL[4]!;
const C5 = CENTRAL[5]!, C6 = CENTRAL[6]!, C7 = CENTRAL[7]!, C8 = CENTRAL[8]!;
const T0 = TAIL[0]!, T1 = TAIL[1]!, T2 = TAIL[2]!, T3 = TAIL[3]!, T4 = TAIL[4]!;
const T5 = TAIL[5]!, T6 = TAIL[6]!, T7 = TAIL[7]!, T8 = TAIL[8]!;

/** float32's largest finite value: XLA returns `x * max` at |x| = 1 instead of infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The inverse error function of a float32 `x` in [-1, 1], computed in float32 exactly as XLA's
 * `ErfInv32` on CPU: each operation rounded with `Math.fround`, the polynomial's multiply-adds
 * fused (`fmaf32`) as XLA's compiler contracts them. Returns `±3.4028235e38` at `±1` and NaN
 * outside [-1, 1], like XLA.
 *
 * @example
 * import { erfinv32 } from 'parallax-ts/random'
 * erfinv32(0.5) // 0.4769362807273865 (float32)
 * @since 0.1.0
 */
export const erfinv32 = (x: number): number => {
  const w0 = -f(Math.log1p(-f(x * x)));
  let p: number;
  if (w0 < 5) {
    const w = f(w0 - 2.5);
    p = C0;
    p = fmaf32(p, w, C1); p = fmaf32(p, w, C2); p = fmaf32(p, w, C3); p = fmaf32(p, w, C4);
    p = fmaf32(p, w, C5); p = fmaf32(p, w, C6); p = fmaf32(p, w, C7); p = fmaf32(p, w, C8);
  } else {
    const w = f(f(Math.sqrt(w0)) - 3);
    p = T0;
    p = fmaf32(p, w, T1); p = fmaf32(p, w, T2); p = fmaf32(p, w, T3); p = fmaf32(p, w, T4);
    p = fmaf32(p, w, T5); p = fmaf32(p, w, T6); p = fmaf32(p, w, T7); p = fmaf32(p, w, T8);
  }
  return x === 1 || x === -1 ? f(x * FLOAT32_MAX) : f(p * x);
};
