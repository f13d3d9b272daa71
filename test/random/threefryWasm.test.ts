import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tf } from '../../src/engine/backend.js';
import { bits, key, normal, randint, truncatedNormal, uniform, type PRNGKey } from '../../src/random/index.js';
import { threefryXorCounters } from '../../src/random/threefry.js';
import { setThreefryWasm, threefryWasm, WASM_CHUNK } from '../../src/random/threefryWasm.js';
import { uniformFloats } from '../../src/random/uniform.js';
import { varianceScaling } from '../../src/init/varianceScaling.js';
import { uniform as uniformInit } from '../../src/init/uniform.js';
import { casesOf, expectCloseF32, expectExactF32, schemes } from './reference.js';

const uint32 = fc.integer({ min: 0, max: 0xffffffff });

/** Reads a tensor's values and disposes it. */
const take = (t: tf.Tensor): Float32Array | Int32Array => {
  const v = t.dataSync() as Float32Array | Int32Array;
  t.dispose();
  return v;
};

/** The float32 bit patterns, so +0/-0 and NaN payloads count as different. */
const patterns = (a: ArrayLike<number>): number[] => Array.from(new Uint32Array(Float32Array.from(a).buffer));

/** Runs `f` with the WebAssembly kernel on or off, restoring it after. */
const withWasm = <A>(on: boolean, f: () => A): A => {
  setThreefryWasm(on);
  try {
    return f();
  } finally {
    setThreefryWasm(true);
  }
};

describe('random/threefryWasm', () => {
  it('is available under Node (WebAssembly SIMD) and can be switched off', () => {
    assert.notEqual(threefryWasm(), null);
    assert.equal(withWasm(false, threefryWasm), null);
    assert.notEqual(threefryWasm(), null);
  });

  it('bits: equals the JavaScript loop on random keys, counters and counts', () => {
    const kernel = threefryWasm()!;
    fc.assert(
      fc.property(uint32, uint32, uint32, fc.integer({ min: 0, max: 300 }), (k0, k1, start, count) => {
        const expected = new Uint32Array(count);
        threefryXorCounters(k0, k1, expected, start, count);
        kernel.bits(k0, k1, start, count);
        assert.deepEqual(Array.from(kernel.words.subarray(0, count)), Array.from(expected));
      }),
      { numRuns: 200 },
    );
  });

  it('uniform: ((w >>> 9) * scale + offset) * mult in float32 for exact affine maps', () => {
    const kernel = threefryWasm()!;
    fc.assert(
      fc.property(
        uint32,
        uint32,
        uint32,
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: -20, max: 20 }),
        fc.boolean(),
        fc.float({ noNaN: true, noDefaultInfinity: true }),
        (k0, k1, start, count, e, centred, mult) => {
          const span = 2 ** e;
          const lo = centred ? -span / 2 : 0;
          const words = new Uint32Array(count);
          threefryXorCounters(k0, k1, words, start, count);
          // each step exact in a double except the last product, rounded once to float32
          const expected = Array.from(words, (w) => Math.fround(((w >>> 9) * 2 ** -23 * span + lo) * mult));
          kernel.uniform(k0, k1, start, count, span * 2 ** -23, lo, mult);
          assert.deepEqual(patterns(kernel.floats.subarray(0, count)), patterns(expected));
        },
      ),
      { numRuns: 200 },
    );
  });

  for (const on of [true, false]) {
    describe(`samplers with the kernel ${on ? 'on' : 'off'} equal JAX's reference`, () => {
      before(() => setThreefryWasm(on));
      after(() => setThreefryWasm(true));
      for (const partitionable of schemes) {
        it(`partitionable=${partitionable}`, () => {
          const ref = casesOf(partitionable);
          const k42 = key(42, { partitionable });
          assert.deepEqual(Array.from(bits(k42, [7])), ref('bits(k42,(7,))'));
          assert.deepEqual(Array.from(bits(k42, [2, 3])), ref('bits(k42,(2,3))'));
          expectExactF32(take(uniform(k42, [7])), ref('uniform(k42,(7,))'), 'uniform');
          expectExactF32(take(uniform(k42, [3, 4], { minval: -2, maxval: 3 })), ref('uniform(k42,(3,4),-2,3)'), 'uniform -2..3');
          expectCloseF32(take(normal(k42, [4, 5])), ref('normal(k42,(4,5))'), 'normal');
          assert.deepEqual(Array.from(take(randint(k42, [8], 0, 10))), ref('randint(k42,(8,),0,10)'));
        });
      }
    });
  }

  it('every sampler gives the same bits with and without the kernel, across chunk boundaries', () => {
    const sizes = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: WASM_CHUNK - 9, max: 2 * WASM_CHUNK + 9 }));
    const bounds = fc.constantFrom<[number, number]>([0, 1], [-1, 1], [-0.25, 0.25], [0, 8], [-2, 3], [0.1, 0.7], [-1e-3, 5]);
    fc.assert(
      fc.property(uint32, fc.boolean(), sizes, bounds, (seed, partitionable, n, [minval, maxval]) => {
        const k: PRNGKey = key(seed, { partitionable });
        const draw = (): number[][] => [
          Array.from(bits(k, [n])),
          patterns(take(uniform(k, [n], { minval, maxval }))),
          patterns(take(normal(k, [n]))),
          patterns(take(truncatedNormal(k, -2, 2, [n]))),
          Array.from(take(randint(k, [n], -5, 1000))),
        ];
        assert.deepEqual(draw(), withWasm(false, draw));
      }),
      { numRuns: 25 },
    );
  });

  it('initializers: the fused scaling equals drawing in [-1, 1) (or [0, 1)) then multiplying', () => {
    fc.assert(
      fc.property(uint32, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), (seed, rows, cols) => {
        const k = key(seed);
        const w = bits(k, [rows * cols]);
        // varianceScaling(1/3, fanIn, uniform) on [out, in] = [rows, cols]: bound sqrt(3 * (1/3) / cols)
        const variance = Math.fround(1 / 3 / cols);
        const bound = Math.fround(Math.sqrt(Math.fround(3 * variance)));
        const expected = Array.from(w, (x) => Math.fround(((x >>> 9) * 2 ** -22 - 1) * bound));
        for (const on of [true, false]) {
          const init = varianceScaling(1 / 3, 'fanIn', 'uniform', { inAxis: -1, outAxis: -2 });
          assert.deepEqual(patterns(take(withWasm(on, () => init([rows, cols])(k)))), patterns(expected));
          const s = Math.fround(0.01);
          const u = withWasm(on, () => take(uniformInit(0.01)([rows, cols])(k)));
          assert.deepEqual(patterns(u), patterns(Array.from(w, (x) => Math.fround((x >>> 9) * 2 ** -23 * s))));
        }
      }),
      { numRuns: 30 },
    );
  });

  it('uniformFloats takes the kernel only where its arithmetic is exact', () => {
    // inexact bounds (span not a power of two) still equal JAX's fused multiply-add on the JS path
    const k = key(42);
    const viaKernel = uniformFloats(k, 50, 0.1, 0.7);
    const viaJs = withWasm(false, () => uniformFloats(k, 50, 0.1, 0.7));
    assert.deepEqual(patterns(viaKernel), patterns(viaJs));
  });
});
