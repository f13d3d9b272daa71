import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  float16BitsFromFloat32Bits,
  float16BitsFromNumber,
  float16BitsToNumber,
  float16FromFloat32,
  float16ToFloat32,
} from '../../src/io/float16.js';

// Expected bit patterns derived by hand from the binary16 layout: sign | 5-bit exponent (bias 15) |
// 10-bit fraction; value = (1 + f/1024) * 2^(e-15), or f * 2^-24 when e = 0.
describe('io/float16', () => {
  describe('float16BitsFromNumber (round to nearest, ties to even)', () => {
    const cases: ReadonlyArray<readonly [string, number, number]> = [
      ['1', 1, 0x3c00],
      ['-2', -2, 0xc000],
      ['0.5', 0.5, 0x3800],
      ['+0', 0, 0x0000],
      ['-0', -0, 0x8000],
      ['largest finite 65504', 65504, 0x7bff],
      ['-65504', -65504, 0xfbff],
      ['just below the overflow midpoint (65519)', 65519, 0x7bff],
      ['the overflow midpoint 65520 ties to even: infinity', 65520, 0x7c00],
      ['1e6 overflows to infinity', 1e6, 0x7c00],
      ['-1e6 overflows to -infinity', -1e6, 0xfc00],
      ['+Infinity', Infinity, 0x7c00],
      ['-Infinity', -Infinity, 0xfc00],
      ['smallest normal 2^-14', 2 ** -14, 0x0400],
      ['largest subnormal 1023 * 2^-24', 1023 * 2 ** -24, 0x03ff],
      ['smallest subnormal 2^-24', 2 ** -24, 0x0001],
      ['-2^-24', -(2 ** -24), 0x8001],
      ['2^-25 is a tie between 0 and 2^-24: even is 0', 2 ** -25, 0x0000],
      ['1.5 * 2^-25 rounds up to 2^-24', 1.5 * 2 ** -25, 0x0001],
      ['3 * 2^-25 ties between 1 and 2 units: even is 2', 3 * 2 ** -25, 0x0002],
      ['2^-14 - 2^-25 ties between largest subnormal and smallest normal: even is normal', 2 ** -14 - 2 ** -25, 0x0400],
      ['1 + 2^-11 ties between 0x3c00 and 0x3c01: even 0x3c00', 1 + 2 ** -11, 0x3c00],
      ['1 + 3 * 2^-11 ties between 0x3c01 and 0x3c02: even 0x3c02', 1 + 3 * 2 ** -11, 0x3c02],
      ['1 + 2^-11 + 2^-20 is above the tie: 0x3c01', 1 + 2 ** -11 + 2 ** -20, 0x3c01],
      ['2047 is exact (spacing 1 below 2048): 0x67ff', 2047, 0x67ff],
      ['2049 ties between 2048 and 2050: even 2048', 2049, 0x6800],
      ['2051 ties between 2050 and 2052: even 2052', 2051, 0x6802],
      // 0.1 = 1.6 * 2^-4: exponent 11 (0b01011), fraction round(0.6 * 1024 = 614.4) = 614 = 0x266.
      ['0.1', 0.1, 0x2e66],
      // 1/3 = 1.333.. * 2^-2: exponent 13 (0b01101), fraction round(341.33) = 341 = 0x155.
      ['1/3', 1 / 3, 0x3555],
      ['a float32 subnormal (2^-149) underflows to 0', 2 ** -149, 0x0000],
    ];
    for (const [label, x, bits] of cases) {
      it(`${label} -> 0x${bits.toString(16).padStart(4, '0')}`, () => {
        assert.equal(float16BitsFromNumber(x), bits);
      });
    }

    it('NaN gives a NaN pattern (exponent all ones, fraction non-zero), quiet', () => {
      const bits = float16BitsFromNumber(NaN);
      assert.equal(bits & 0x7c00, 0x7c00);
      assert.notEqual(bits & 0x03ff, 0);
      assert.equal(bits & 0x0200, 0x0200);
    });

    it('a signalling float32 NaN pattern stays NaN and keeps its sign', () => {
      const bits = float16BitsFromFloat32Bits(0xff800001);
      assert.equal(bits & 0x7c00, 0x7c00);
      assert.notEqual(bits & 0x03ff, 0);
      assert.equal(bits & 0x8000, 0x8000);
    });
  });

  describe('float16BitsToNumber', () => {
    const cases: ReadonlyArray<readonly [number, number]> = [
      [0x3c00, 1],
      [0xc000, -2],
      [0x7bff, 65504],
      [0x0400, 2 ** -14],
      [0x03ff, 1023 * 2 ** -24],
      [0x0001, 5.960464477539063e-8],
      [0x3555, 0.333251953125],
      [0x2e66, 0.0999755859375],
      [0x7c00, Infinity],
      [0xfc00, -Infinity],
    ];
    for (const [bits, x] of cases) {
      it(`0x${bits.toString(16).padStart(4, '0')} -> ${x}`, () => {
        assert.equal(float16BitsToNumber(bits), x);
      });
    }
    it('0x8000 is -0 and 0x0000 is +0', () => {
      assert.equal(Object.is(float16BitsToNumber(0x8000), -0), true);
      assert.equal(Object.is(float16BitsToNumber(0x0000), 0), true);
    });
    it('0x7e00 and 0xfc01 are NaN', () => {
      assert.ok(Number.isNaN(float16BitsToNumber(0x7e00)));
      assert.ok(Number.isNaN(float16BitsToNumber(0xfc01)));
    });
  });

  describe('properties', () => {
    const nonNaNHalf = fc.integer({ min: 0, max: 0xffff }).filter((h) => (h & 0x7c00) !== 0x7c00 || (h & 0x3ff) === 0);

    it('every non-NaN half survives widening and narrowing bit for bit', () => {
      fc.assert(fc.property(nonNaNHalf, (h) => float16BitsFromNumber(float16BitsToNumber(h)) === h));
    });

    it('narrowing picks the nearest half, the even one on a tie', () => {
      fc.assert(
        fc.property(fc.float({ noNaN: true, min: -65504, max: 65504 }), (x) => {
          const h = float16BitsFromNumber(x);
          const y = float16BitsToNumber(h);
          // The neighbours of y (one step away in the bit pattern, same sign side) are no nearer.
          for (const neighbour of [h - 1, h + 1]) {
            if (neighbour < 0 || neighbour > 0xffff || (neighbour & 0x7fff) >= 0x7c00) continue;
            if ((neighbour & 0x8000) !== (h & 0x8000)) continue;
            const z = float16BitsToNumber(neighbour);
            const dy = Math.abs(x - y);
            const dz = Math.abs(x - z);
            if (dz < dy) return false;
            if (dz === dy && (h & 1) === 1) return false;
          }
          return true;
        }),
      );
    });

    it('bulk conversions agree with the scalar ones', () => {
      fc.assert(
        fc.property(fc.float32Array({ noNaN: true, maxLength: 20 }), (values) => {
          const bits = float16FromFloat32(values);
          const back = float16ToFloat32(bits);
          return values.every((x, i) => bits[i] === float16BitsFromNumber(x) && Object.is(back[i], float16BitsToNumber(bits[i])));
        }),
      );
    });
  });
});
