import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bfloat16BitsFromFloat32Bits,
  bfloat16BitsFromNumber,
  bfloat16BitsToNumber,
  bfloat16FromFloat32,
  bfloat16ToFloat32,
} from '../../src/io/bfloat16.js';

// bfloat16 is the top 16 bits of a float32: sign | 8-bit exponent (bias 127) | 7-bit fraction.
describe('io/bfloat16', () => {
  describe('bfloat16BitsFromNumber (round to nearest, ties to even)', () => {
    const cases: ReadonlyArray<readonly [string, number, number]> = [
      ['1', 1, 0x3f80],
      ['-2', -2, 0xc000],
      ['+0', 0, 0x0000],
      ['-0', -0, 0x8000],
      // pi = 1.5707963 * 2: fraction round(0.5707963 * 128 = 73.06) = 73 = 0x49 -> 3.140625.
      ['pi', Math.PI, 0x4049],
      ['1 + 2^-8 ties between 0x3f80 and 0x3f81: even 0x3f80', 1 + 2 ** -8, 0x3f80],
      ['1 + 3 * 2^-8 ties between 0x3f81 and 0x3f82: even 0x3f82', 1 + 3 * 2 ** -8, 0x3f82],
      ['1 + 2^-8 + 2^-20 is above the tie: 0x3f81', 1 + 2 ** -8 + 2 ** -20, 0x3f81],
      ['largest bfloat16 (2 - 2^-7) * 2^127', (2 - 2 ** -7) * 2 ** 127, 0x7f7f],
      ['largest float32 rounds up to infinity', 3.4028234663852886e38, 0x7f80],
      ['+Infinity', Infinity, 0x7f80],
      ['-Infinity', -Infinity, 0xff80],
      ['float32 subnormal 2^-133 is the bfloat16 subnormal 0x0001', 2 ** -133, 0x0001],
      ['float32 subnormal 2^-149 rounds down to 0', 2 ** -149, 0x0000],
      ['smallest normal 2^-126', 2 ** -126, 0x0080],
    ];
    for (const [label, x, bits] of cases) {
      it(`${label} -> 0x${bits.toString(16).padStart(4, '0')}`, () => {
        assert.equal(bfloat16BitsFromNumber(x), bits);
      });
    }
    it('NaN stays a quiet NaN, sign kept', () => {
      const bits = bfloat16BitsFromNumber(NaN);
      assert.equal(bits & 0x7f80, 0x7f80);
      assert.equal(bits & 0x0040, 0x0040);
      // 0x7f800001 has its only payload bit below the cut: still NaN, not infinity.
      assert.equal(bfloat16BitsFromFloat32Bits(0x7f800001), 0x7fc0);
      assert.equal(bfloat16BitsFromFloat32Bits(0xffffffff) & 0x8000, 0x8000);
    });
  });

  describe('bfloat16BitsToNumber', () => {
    it('widens exactly', () => {
      assert.equal(bfloat16BitsToNumber(0x3f80), 1);
      assert.equal(bfloat16BitsToNumber(0x4049), 3.140625);
      assert.equal(bfloat16BitsToNumber(0x7f7f), 3.3895313892515355e38);
      assert.equal(bfloat16BitsToNumber(0x0001), 2 ** -133);
      assert.equal(bfloat16BitsToNumber(0xff80), -Infinity);
      assert.equal(Object.is(bfloat16BitsToNumber(0x8000), -0), true);
      assert.ok(Number.isNaN(bfloat16BitsToNumber(0x7fc0)));
    });
  });

  describe('properties', () => {
    it('every bfloat16 pattern survives widening and narrowing bit for bit (NaN payloads too)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 0xffff }), (h) => {
          const wide = bfloat16ToFloat32(new Uint16Array([h]));
          return bfloat16FromFloat32(wide)[0] === h || ((h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0);
        }),
      );
    });

    it('narrowing is truncation of the float32 bits, corrected by one step exactly when past half (or half and odd)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 0xffffffff }), (bits) => {
          const isNaN = (bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0;
          fc.pre(!isNaN);
          const kept = bits >>> 16;
          const rest = bits & 0xffff;
          const expected = rest > 0x8000 || (rest === 0x8000 && (kept & 1) === 1) ? kept + 1 : kept;
          return bfloat16BitsFromFloat32Bits(bits) === expected;
        }),
      );
    });
  });
});
