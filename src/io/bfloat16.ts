/**
 * bfloat16 ("brain float", safetensors `BF16`) conversions in plain JavaScript.
 *
 * bfloat16 is the top half of a float32: the same sign and 8-bit exponent, so the same range
 * (to about 3.39e38) and subnormals, but only 7 fraction bits (about 2-3 significant decimal
 * digits). Narrowing rounds to nearest, ties to even, as PyTorch does; a finite float32 above the
 * largest bfloat16 (0x7f7f, about 3.3895e38) by half a step or more rounds to infinity. Widening to
 * float32 is exact (append 16 zero bits).
 *
 * @since 0.1.0
 */

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/**
 * The bfloat16 bit pattern nearest to a float32 given by its bit pattern (round half to even).
 * NaN keeps its sign and top fraction bits and is made quiet.
 * @example
 * import { io } from 'parallax-ts'
 * io.bfloat16BitsFromNumber(1) // 0x3f80: the top half of the float32 bits 0x3f800000
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const bfloat16BitsFromFloat32Bits = (bits: number): number => {
  const b = bits >>> 0;
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return (b >>> 16) | 0x40;
  // Adding 0x7fff plus the kept lowest bit rounds half to even; a carry into the exponent is right,
  // including the step from the largest finite to infinity. The sum stays below 2^32.
  return (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
};

/**
 * The bfloat16 bit pattern nearest to `x`, which is first taken as a float32 (`Math.fround`).
 * @example
 * import { io } from 'parallax-ts'
 * io.bfloat16BitsFromNumber(1) // 0x3f80
 * io.bfloat16BitsFromNumber(-2) // 0xc000
 * @category utils
 * @since 0.1.0
 */
export const bfloat16BitsFromNumber = (x: number): number => {
  scratchF32[0] = x;
  return bfloat16BitsFromFloat32Bits(scratchU32[0]);
};

/**
 * The value of a bfloat16 bit pattern (exact).
 * @example
 * import { io } from 'parallax-ts'
 * io.bfloat16BitsToNumber(0x3f80) // 1
 * io.bfloat16BitsToNumber(0x7f80) // Infinity
 * @category utils
 * @since 0.1.0
 */
export const bfloat16BitsToNumber = (h: number): number => {
  scratchU32[0] = (h & 0xffff) << 16;
  return scratchF32[0];
};

/**
 * Narrows float32 values to bfloat16 bit patterns, element by element.
 * @example
 * import { io, tf } from 'parallax-ts'
 * io.tensorToRaw('w', tf.tensor([1, -2]), 'BF16').data // Uint8Array [0x80, 0x3f, 0x00, 0xc0]
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const bfloat16FromFloat32 = (values: Float32Array): Uint16Array => {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = bfloat16BitsFromFloat32Bits(bits[i]);
  return out;
};

/**
 * Widens bfloat16 bit patterns to float32 values (exact, NaN payloads included).
 * @example
 * import { io } from 'parallax-ts'
 * io.rawToTensor('b', io.rawTensor('BF16', [2], new Uint8Array([0x80, 0x3f, 0x00, 0xc0]))).dataSync() // [1, -2]
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const bfloat16ToFloat32 = (bits: Uint16Array): Float32Array => {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < out.length; i++) outBits[i] = bits[i] << 16;
  return out;
};
