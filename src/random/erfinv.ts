/**
 * `erfinv32`: the inverse error function in float32 arithmetic, as XLA computes `lax.erf_inv`
 * for float32 (M. Giles, "Approximating the erfinv function", GPU Computing Gems, 2011: one
 * degree-8 polynomial for the centre, one for the tails). `normal` and `truncatedNormal` use it,
 * so their draws match JAX's to within an ulp or two (XLA's `log1p` kernel may round differently).
 *
 * @since 0.1.0
 */

const f = Math.fround;

/** Coefficients for w = -log1p(-x^2) < 5, highest degree first, in float32. */
const CENTRAL = [
  2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941,
].map(f);

/** Coefficients for the tails, w >= 5, in the variable sqrt(w) - 3. */
const TAIL = [
  -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682,
].map(f);

const C0 = CENTRAL[0]!,
  C1 = CENTRAL[1]!,
  C2 = CENTRAL[2]!,
  C3 = CENTRAL[3]!,
  C4 = CENTRAL[4]!;
const C5 = CENTRAL[5]!,
  C6 = CENTRAL[6]!,
  C7 = CENTRAL[7]!,
  C8 = CENTRAL[8]!;
const T0 = TAIL[0]!,
  T1 = TAIL[1]!,
  T2 = TAIL[2]!,
  T3 = TAIL[3]!,
  T4 = TAIL[4]!;
const T5 = TAIL[5]!,
  T6 = TAIL[6]!,
  T7 = TAIL[7]!,
  T8 = TAIL[8]!;

/** float32's largest finite value: XLA returns `x * max` at |x| = 1 instead of infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

// -log(y) for y in [2^-24, 1] without calling Math.log (a call per draw costs as much as the rest
// of erfinv): y = 2^e * m, m in [1, 2) found with clz32, then a 256-entry table of log(1 + j/256)
// and a degree-5 series for log1p(r), 0 <= r < 1/256 (truncation below 2e-14). Rounded to
// float32 this agrees with a correctly rounded log except within ~1e-14 of a halfway point.
const POW2 = new Float64Array(33);
const EXP_LN2 = new Float64Array(33);
for (let c = 0; c < 33; c++) {
  POW2[c] = 2 ** (c - 7);
  EXP_LN2[c] = (7 - c) * Math.LN2;
}
const INV_C = new Float64Array(256);
const LOG_C = new Float64Array(256);
for (let j = 0; j < 256; j++) {
  INV_C[j] = 256 / (256 + j);
  LOG_C[j] = Math.log1p(j / 256);
}
const negLogUnit = (y: number): number => {
  const c = Math.clz32((y * 16777216) | 0); // y = 2^(7 - c) * m
  const m = y * POW2[c]!;
  const j = ((m - 1) * 256) | 0;
  const r = m * INV_C[j]! - 1;
  return -(EXP_LN2[c]! + LOG_C[j]! + r * (1 + r * (-0.5 + r * (1 / 3 + r * (-0.25 + r * 0.2)))));
};

/**
 * `w = -log1p(-x²)` rounded to float32, for float32 `|x| < 1`: the first half of `erfinv32`.
 * Split out so the samplers can run the two halves as separate passes over a chunk (each pass's
 * iterations are independent, which lets the CPU overlap them; one pass is latency-bound).
 *
 * @example
 * import { erfinv32 } from 'parallax-ts/random'
 * // for |x| < 1, erfinv32(x) is erfinvPolynomial(x, erfinvLogTerm(x)); here w = -log1p(-0.25)
 * erfinv32(0.5) // 0.4769362807273865
 * @category utils
 * @since 0.1.0
 * @internal
 */
export const erfinvLogTerm = (x: number): number => Math.fround(negLogUnit(1 - Math.fround(x * x)));

/** The tail polynomial (w >= 5, |x| > 0.9966), out of line to keep the central path small. */
const erfinvTail = (x: number, w0: number): number => {
  const w = Math.fround(Math.fround(Math.sqrt(w0)) - 3);
  let p = T0;
  p = Math.fround(p * w + T1);
  p = Math.fround(p * w + T2);
  p = Math.fround(p * w + T3);
  p = Math.fround(p * w + T4);
  p = Math.fround(p * w + T5);
  p = Math.fround(p * w + T6);
  p = Math.fround(p * w + T7);
  p = Math.fround(p * w + T8);
  return Math.fround(p * x);
};

/**
 * The second half of `erfinv32`: Giles' polynomial at `w0 = erfinvLogTerm(x)`, times `x`.
 *
 * @example
 * import { erfinv32 } from 'parallax-ts/random'
 * // erfinv32(x) is erfinvPolynomial(x, erfinvLogTerm(x)) for |x| < 1
 * erfinv32(0.5) // 0.4769362807273865
 * @category utils
 * @since 0.1.0
 * @internal
 */
export const erfinvPolynomial = (x: number, w0: number): number => {
  if (w0 >= 5) return erfinvTail(x, w0);
  const w = Math.fround(w0 - 2.5);
  let p = Math.fround(C0 * w + C1);
  p = Math.fround(p * w + C2);
  p = Math.fround(p * w + C3);
  p = Math.fround(p * w + C4);
  p = Math.fround(p * w + C5);
  p = Math.fround(p * w + C6);
  p = Math.fround(p * w + C7);
  p = Math.fround(p * w + C8);
  return Math.fround(p * x);
};

/**
 * The inverse error function of a float32 `x` in [-1, 1], computed in float32 as XLA's
 * `ErfInv32` on CPU: `w = -log1p(-x²)`, then Giles' degree-8 polynomial in `w - 2.5` (or in
 * `sqrt(w) - 3` for `w >= 5`), every operation rounded with `Math.fround`. XLA contracts each
 * `p * w + c` into a fused multiply-add; here the product is exact in a double and the sum is
 * rounded once more to float32, which differs from a true FMA only when the double sum lands
 * exactly on a float32 halfway point (about 2^-29 of the time, then by 1 ulp). Returns
 * `±3.4028235e38` at `±1` and NaN outside [-1, 1], like XLA.
 *
 * @example
 * import { erfinv32 } from 'parallax-ts/random'
 * erfinv32(0.5) // 0.4769362807273865 (float32)
 * @category utils
 * @since 0.1.0
 */
export const erfinv32 = (x: number): number => {
  const y = 1 - Math.fround(x * x); // exact in a double: x² is a float32 in [0, 1]
  if (!(y > 0)) return y === 0 ? Math.fround(x * FLOAT32_MAX) : Number.NaN;
  return erfinvPolynomial(x, Math.fround(negLogUnit(y)));
};
