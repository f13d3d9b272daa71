/**
 * IEEE 754 binary16 ("half", safetensors `F16`) conversions in plain JavaScript.
 *
 * binary16 has 1 sign bit, 5 exponent bits (bias 15) and 10 fraction bits: normal values reach
 * 65504, subnormals go down to 2^-24, and about 3 significant decimal digits survive. Narrowing
 * rounds to nearest, ties to even, as IEEE 754 (and numpy / PyTorch) do; a finite value at or above
 * 65520 rounds to infinity. Widening to float32 is exact.
 *
 * @since 0.1.0
 */

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/**
 * The binary16 bit pattern nearest to a float32 given by its bit pattern (round half to even).
 * NaN keeps its sign and top fraction bits and is made quiet; overflow gives infinity.
 * @example
 * import { io } from 'parallax-ts'
 * io.float16BitsFromNumber(1) // 0x3c00: the float32 bits 0x3f800000, rounded to half
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const float16BitsFromFloat32Bits = (bits: number): number => {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const fraction = bits & 0x7fffff;
  if (exponent === 0xff) return fraction === 0 ? sign | 0x7c00 : sign | 0x7e00 | (fraction >>> 13);
  // Re-bias from float32 (127) to float16 (15).
  const e = exponent - 112;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal result (or zero): the value in units of 2^-24 is significand >> (14 - e).
    if (e < -10) return sign;
    const significand = fraction | 0x800000;
    const shift = 14 - e;
    const kept = significand >>> shift;
    const rest = significand & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    // A carry out of the fraction lands on the smallest normal (0x0400): the encoding stays right.
    return sign | (rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept);
  }
  const kept = (e << 10) | (fraction >>> 13);
  const rest = fraction & 0x1fff;
  // A carry may run into the exponent; past the largest finite that is 0x7c00, infinity, as it must be.
  return sign | (rest > 0x1000 || (rest === 0x1000 && (kept & 1) === 1) ? kept + 1 : kept);
};

/**
 * The binary16 bit pattern nearest to `x`, which is first taken as a float32 (`Math.fround`).
 * @example
 * import { io } from 'parallax-ts'
 * io.float16BitsFromNumber(1) // 0x3c00
 * io.float16BitsFromNumber(65504) // 0x7bff, the largest finite half
 * io.float16BitsFromNumber(2 ** -24) // 0x0001, the smallest subnormal
 * @category utils
 * @since 0.1.0
 */
export const float16BitsFromNumber = (x: number): number => {
  scratchF32[0] = x;
  return float16BitsFromFloat32Bits(scratchU32[0]);
};

/**
 * The value of a binary16 bit pattern (exact).
 * @example
 * import { io } from 'parallax-ts'
 * io.float16BitsToNumber(0x3c00) // 1
 * io.float16BitsToNumber(0xfc00) // -Infinity
 * @category utils
 * @since 0.1.0
 */
export const float16BitsToNumber = (h: number): number => {
  const sign = (h & 0x8000) !== 0 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
};

/**
 * Narrows float32 values to binary16 bit patterns, element by element.
 * @example
 * import { io, tf } from 'parallax-ts'
 * // What an F16 write stores, element by element:
 * io.tensorToRaw('w', tf.tensor([1, -2]), 'F16').data // Uint8Array [0x00, 0x3c, 0x00, 0xc0]
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const float16FromFloat32 = (values: Float32Array): Uint16Array => {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = float16BitsFromFloat32Bits(bits[i]);
  return out;
};

/**
 * Widens binary16 bit patterns to float32 values (exact), element by element.
 * @example
 * import { io } from 'parallax-ts'
 * io.rawToTensor('h', io.rawTensor('F16', [2], new Uint8Array([0x00, 0x3c, 0x01, 0x00]))).dataSync() // [1, 2 ** -24]
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const float16ToFloat32 = (bits: Uint16Array): Float32Array => {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < out.length; i++) out[i] = float16BitsToNumber(bits[i]);
  return out;
};
