import assert from 'node:assert/strict';
import fc from 'fast-check';
import { erfinv32, fmaf32 } from '../../src/random/index.js';

/** Exact fma of float32 inputs via BigInt rationals: a*b+c scaled by 2^300, rounded to float32 by search. */
const exactFmaF32 = (a: number, b: number, c: number): number => {
  const SCALE = 300;
  const toBig = (x: number): bigint => {
    // x * 2^SCALE as an exact integer (float32 inputs have at most 24 significant bits, exponent >= -149)
    const [m, e] = decompose(x);
    return e + SCALE >= 0 ? m << BigInt(e + SCALE) : m >> BigInt(-(e + SCALE));
  };
  const exact = ((toBig(a) * toBig(b)) >> BigInt(SCALE)) + toBig(c);
  if (exact === 0n) return a * b + c; // IEEE signed-zero rules; the double sum gets them right
  const approx = Math.fround(a * b + c);
  // candidates: approx and its float32 neighbours; pick the nearest (ties to even mantissa)
  const cands = [-2, -1, 0, 1, 2].map((d) => neighbour(approx, d));
  let best = cands[0]!;
  let bestErr = -1n;
  for (const x of cands) {
    const err = exact - toBig(x);
    const abs = err < 0n ? -err : err;
    if (bestErr < 0n || abs < bestErr || (abs === bestErr && evenMantissa(x))) {
      best = x;
      bestErr = abs;
    }
  }
  return best === 0 ? (exact < 0n ? -0 : 0) : best; // a tiny result rounds to a zero of its sign
};
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
const neighbour = (x: number, d: number): number => {
  f32[0] = x;
  const i = i32[0]!;
  const ord = i < 0 ? -(i & 0x7fffffff) : i;
  const o = ord + d;
  i32[0] = o < 0 ? -o | 0x80000000 : o;
  return f32[0]!;
};
const evenMantissa = (x: number): boolean => {
  f32[0] = x;
  return (i32[0]! & 1) === 0;
};
const decompose = (x: number): [bigint, number] => {
  if (x === 0) return [0n, 0];
  let e = 0;
  let m = x;
  while (!Number.isInteger(m)) {
    m *= 2;
    e -= 1;
  }
  return [BigInt(m), e];
};

describe('random/float32 arithmetic', () => {
  it('fmaf32 rounds a*b+c once, like a hardware float32 fma', () => {
    const f = fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(Math.fround);
    fc.assert(
      fc.property(f, f, f, (a, b, c) => {
        assert.equal(fmaf32(a, b, c), exactFmaF32(a, b, c), `${a} * ${b} + ${c}`);
      }),
      { numRuns: 2000 },
    );
    // a double-rounding trap: 1 + 2^-24 + 2^-60 must round up in float32
    assert.equal(
      fmaf32(Math.fround(1 + 2 ** -23), Math.fround(1 + 2 ** -23), Math.fround(-(2 ** -23))),
      exactFmaF32(Math.fround(1 + 2 ** -23), Math.fround(1 + 2 ** -23), Math.fround(-(2 ** -23))),
    );
    assert.equal(fmaf32(1, 1, Math.fround(2 ** -24 + 2 ** -47)), Math.fround(1 + 2 ** -23));
  });

  it('erfinv32 equals the textbook float32 evaluation (Math.log1p, fround at every step)', () => {
    // the same Giles polynomial written the obvious way; erfinv32 replaces the log1p call with a
    // table-driven log for speed, which must not change any float32 result
    const f = Math.fround;
    const central = [
      2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941,
    ].map(f);
    const tail = [
      -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682,
    ].map(f);
    const textbook = (x: number): number => {
      const w0 = -f(Math.log1p(-f(x * x)));
      const [cs, w] = w0 < 5 ? [central, f(w0 - 2.5)] : [tail, f(f(Math.sqrt(w0)) - 3)];
      let p = cs[0]!;
      for (let i = 1; i < cs.length; i++) p = f(p * w + cs[i]!);
      return f(p * x);
    };
    let checked = 0;
    const check = (x: number): void => {
      assert.equal(erfinv32(x), textbook(x), `erfinv32(${x})`);
      checked++;
    };
    fc.assert(
      fc.property(fc.float({ min: Math.fround(-1 + 2 ** -24), max: Math.fround(1 - 2 ** -24), noNaN: true }), (x) => check(x)),
      { numRuns: 20_000 },
    );
    // dense sweeps: near 0, the centre, the tail boundary (|x| ~ 0.9966) and next to ±1
    for (let i = 0; i < 20_000; i++) check(Math.fround(-1 + (2 * i + 1) / 40_000));
    for (let i = 1; i <= 4096; i++) check(Math.fround(1 - i * 2 ** -24));
    for (let i = 0; i < 4096; i++) check(Math.fround(0.99 + i * 2 ** -19));
    for (let e = -149; e < 0; e++) check(2 ** e);
    assert.ok(checked > 48_000);
  });

  it('erfinv32 inverts erf to float32 accuracy and is odd', () => {
    for (const [x, expected] of [
      [0, 0],
      [0.5, 0.4769362762044699],
      [-0.9, -1.1630871536766743],
      [0.999, 2.326753765513525],
      [1 - 2 ** -23, 3.7439211627767994],
    ] as const) {
      const got = erfinv32(Math.fround(x));
      assert.ok(Math.abs(got - expected) <= Math.abs(expected) * 4e-6 + 1e-7, `erfinv(${x})`);
    }
    fc.assert(fc.property(fc.float({ min: -1, max: 1, noNaN: true }), (x) => erfinv32(-x) === -erfinv32(x)));
    assert.equal(erfinv32(1), Math.fround(3.4028234663852886e38));
    assert.equal(erfinv32(-1), -Math.fround(3.4028234663852886e38));
  });
});
