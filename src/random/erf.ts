/**
 * `erf32`: the error function in float32 as XLA computes `lax.erf` for float32 on CPU (the
 * rational approximation of Eigen's `generic_fast_erf_float`, multiply-adds fused). Only
 * `truncatedNormal` needs it, for the two bounds.
 *
 * @since 0.1.0
 */
import { fmaf32 } from './float32.js';

const f = Math.fround;

/** Numerator coefficients in x^2, highest degree first (odd polynomial after multiplying by x). */
const ALPHA = [0.00022905065861350646, 0.0034082910107109506, 0.050955695062380861, 0.18520832239976145, 1.128379143519084].map(f);
/** Denominator coefficients in x^2, highest degree first. */
const BETA = [
  -1.1791602954361697e-7, 0.000023547966471313185, 0.0010179625278914885, 0.014070470171167667, 0.11098505178285362, 0.49746925110067538, 1,
].map(f);

/** Beyond this |x| (about erfinv(1 - 2^-24)) erf rounds to ±1 in float32. */
const SATURATION = f(3.832506856900711);

/**
 * The error function of a float32 `x`, in float32 arithmetic; `±1` for `|x| >= 3.8325` (and for
 * infinities), NaN for NaN.
 *
 * @example
 * import { erf32 } from 'parallax-ts/random'
 * erf32(Math.fround(Math.SQRT1_2)) // 0.6826895 (float32)
 * @category utils
 * @since 0.1.0
 */
export const erf32 = (x: number): number => {
  if (Number.isNaN(x)) return x;
  if (Math.abs(x) >= SATURATION) return x > 0 ? 1 : -1;
  const x2 = f(x * x);
  let num = ALPHA[0]!;
  for (let i = 1; i < ALPHA.length; i++) num = fmaf32(num, x2, ALPHA[i]!);
  let den = BETA[0]!;
  for (let i = 1; i < BETA.length; i++) den = fmaf32(den, x2, BETA[i]!);
  return f(f(x * num) / den);
};
