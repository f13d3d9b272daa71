import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tf } from '../../src/engine/backend.js';
import type { Dtype } from '../../src/io/dtype.js';
import { rawTensor } from '../../src/io/RawTensor.js';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { decodeTensors, encodeTensors, rawToTensor, rawToTensors, tensorToRaw, tensorsToRaw } from '../../src/io/tensors.js';

const bitsOf = (values: Float32Array): Uint32Array => new Uint32Array(Float32Array.from(values).buffer);

/** Little-endian bytes of numbers written by hand with DataView (independent of the code under test). */
const le = (kind: 'f32' | 'f64' | 'i32' | 'i64', values: ReadonlyArray<number | bigint>): Uint8Array => {
  const size = kind === 'f64' || kind === 'i64' ? 8 : 4;
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => {
    if (kind === 'f32') view.setFloat32(i * size, Number(v), true);
    if (kind === 'f64') view.setFloat64(i * size, Number(v), true);
    if (kind === 'i32') view.setInt32(i * size, Number(v), true);
    if (kind === 'i64') view.setBigInt64(i * size, BigInt(v), true);
  });
  return new Uint8Array(view.buffer);
};

const withTensors = <A>(f: () => A): A => {
  const before = tf.memory().numTensors;
  const result = f();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  return result;
};

const shapeOf = (n: number): fc.Arbitrary<number[]> => fc.constantFrom([n], [1, n], [n, 1]);

/** Encodes a record of one tensor as `dtype`, decodes it back, and returns the values; leak-checked. */
const roundTrip = (
  make: () => tf.Tensor,
  dtype?: Dtype,
): { dtype: string; shape: number[]; values: Float32Array | Int32Array | Uint8Array } =>
  withTensors(() => {
    const t = make();
    const bytes = encodeTensors({ t }, {}, dtype === undefined ? {} : { dtypes: { t: dtype } });
    t.dispose();
    const { t: back } = decodeTensors(bytes);
    const out = { dtype: back.dtype, shape: back.shape, values: back.dataSync() as Float32Array | Int32Array | Uint8Array };
    back.dispose();
    return out;
  });

describe('io/tensors (tfjs edge)', () => {
  describe('reading each dtype, against hand-written bytes', () => {
    it('F32, F64, F16, BF16 read as float32', () => {
      const cases: ReadonlyArray<readonly [Dtype, Uint8Array, ReadonlyArray<number>]> = [
        ['F32', le('f32', [1, -2.5, 3e38]), [1, -2.5, Math.fround(3e38)]],
        // F64 rounds to float32 by IEEE rules: Math.fround is the spec's ToFloat32.
        ['F64', le('f64', [0.1, -1e300, 1e-50, 2 ** -149]), [Math.fround(0.1), -Infinity, 0, 2 ** -149]],
        ['F16', new Uint8Array([0x00, 0x3c, 0xff, 0x7b, 0x01, 0x00, 0x00, 0xfc]), [1, 65504, 2 ** -24, -Infinity]],
        ['BF16', new Uint8Array([0x80, 0x3f, 0x49, 0x40, 0x00, 0xc0]), [1, 3.140625, -2]],
      ];
      for (const [dtype, data, expected] of cases) {
        withTensors(() => {
          const t = rawToTensor(dtype, rawTensor(dtype, [expected.length], data));
          assert.equal(t.dtype, 'float32', dtype);
          assert.deepEqual(Array.from(t.dataSync()), expected, dtype);
          t.dispose();
        });
      }
    });

    it('I32, I64, U8, I8 read as int32, BOOL as bool', () => {
      const cases: ReadonlyArray<readonly [Dtype, Uint8Array, string, ReadonlyArray<number>]> = [
        ['I32', le('i32', [-2147483648, 0, 2147483647]), 'int32', [-2147483648, 0, 2147483647]],
        ['I64', le('i64', [-2147483648, -1, 2147483647]), 'int32', [-2147483648, -1, 2147483647]],
        ['U8', new Uint8Array([0, 200, 255]), 'int32', [0, 200, 255]],
        ['I8', new Uint8Array([0x80, 0xff, 0x7f]), 'int32', [-128, -1, 127]],
        ['BOOL', new Uint8Array([1, 0, 1]), 'bool', [1, 0, 1]],
      ];
      for (const [dtype, data, tfDtype, expected] of cases) {
        withTensors(() => {
          const t = rawToTensor(dtype, rawTensor(dtype, [3], data));
          assert.equal(t.dtype, tfDtype, dtype);
          assert.deepEqual(Array.from(t.dataSync()), expected, dtype);
          t.dispose();
        });
      }
    });

    it('an I64 value outside int32 is an error naming the tensor, value and index; no tensor is made', () => {
      const file = serializeSafetensors({
        a: rawTensor('F32', [1], le('f32', [1])),
        ids: rawTensor('I64', [3], le('i64', [1, 2n ** 31n, 3])),
      });
      withTensors(() => {
        assert.throws(() => decodeTensors(file), /tensor "ids": I64 value 2147483648 at flat index 1 does not fit int32/);
      });
      withTensors(() => {
        assert.throws(() => rawToTensor('n', rawTensor('I64', [1], le('i64', [-(2n ** 40n)]))), /I64 value -1099511627776 at flat index 0/);
      });
    });

    it('a malformed file makes no tensor', () => {
      const file = serializeSafetensors({ a: rawTensor('F32', [2], le('f32', [1, 2])) });
      withTensors(() => assert.throws(() => decodeTensors(file.subarray(0, file.length - 1)), /runs past the end/));
    });

    it('keeps shapes, including scalars and empty tensors', () => {
      withTensors(() => {
        const file = serializeSafetensors({
          s: rawTensor('F32', [], le('f32', [4])),
          e: rawTensor('I32', [2, 0, 3], new Uint8Array(0)),
          m: rawTensor('U8', [2, 3], new Uint8Array([1, 2, 3, 4, 5, 6])),
        });
        const out = decodeTensors(file);
        assert.deepEqual(out.s.shape, []);
        assert.deepEqual(out.e.shape, [2, 0, 3]);
        assert.deepEqual(out.m.arraySync(), [
          [1, 2, 3],
          [4, 5, 6],
        ]);
        tf.dispose(Object.values(out));
      });
    });

    it('decoded tensors do not alias the file bytes', () => {
      withTensors(() => {
        const file = serializeSafetensors({ w: rawTensor('F32', [1], le('f32', [1])) });
        const { w } = decodeTensors(file);
        file.fill(0);
        assert.deepEqual(Array.from(w.dataSync()), [1]);
        w.dispose();
      });
    });
  });

  describe('writing each dtype, against hand-written bytes', () => {
    it('defaults by tfjs dtype: float32 -> F32, int32 -> I32, bool -> BOOL', () => {
      withTensors(() => {
        const f = tf.tensor([1, -2.5]);
        const i = tf.tensor([7, -1], [2], 'int32');
        const b = tf.tensor([true, false], [2], 'bool');
        assert.deepEqual(tensorToRaw('f', f), { dtype: 'F32', shape: [2], data: le('f32', [1, -2.5]) });
        assert.deepEqual(tensorToRaw('i', i), { dtype: 'I32', shape: [2], data: le('i32', [7, -1]) });
        assert.deepEqual(tensorToRaw('b', b), { dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) });
        tf.dispose([f, i, b]);
      });
    });

    it('explicit targets: F16, BF16, F64, I64, U8, I8, and U8 for bool', () => {
      withTensors(() => {
        const f = tf.tensor([1, 65504, 2 ** -24, -Infinity]);
        const g = tf.tensor([1, 3.14159, -2]);
        const i = tf.tensor([-1, 5], [2], 'int32');
        const u = tf.tensor([0, 255], [2], 'int32');
        const s = tf.tensor([-128, 127], [2], 'int32');
        const b = tf.tensor([false, true], [2], 'bool');
        assert.deepEqual(Array.from(tensorToRaw('f', f, 'F16').data), [0x00, 0x3c, 0xff, 0x7b, 0x01, 0x00, 0x00, 0xfc]);
        assert.deepEqual(Array.from(tensorToRaw('g', g, 'BF16').data), [0x80, 0x3f, 0x49, 0x40, 0x00, 0xc0]);
        assert.deepEqual(tensorToRaw('g', g, 'F64').data, le('f64', [1, Math.fround(3.14159), -2]));
        assert.deepEqual(tensorToRaw('i', i, 'I64').data, le('i64', [-1, 5]));
        assert.deepEqual(Array.from(tensorToRaw('u', u, 'U8').data), [0, 255]);
        assert.deepEqual(Array.from(tensorToRaw('s', s, 'I8').data), [0x80, 0x7f]);
        assert.deepEqual(tensorToRaw('b', b, 'U8'), { dtype: 'U8', shape: [2], data: new Uint8Array([0, 1]) });
        tf.dispose([f, g, i, u, s, b]);
      });
    });

    it('range errors name the tensor, value, index and range', () => {
      withTensors(() => {
        const big = tf.tensor([1, 70000]);
        const max = tf.tensor([3.4028234663852886e38]);
        const ints = tf.tensor([3, 300, -200], [3], 'int32');
        assert.throws(
          () => tensorToRaw('big', big, 'F16'),
          /tensor "big": value 70000 at flat index 1 overflows F16 \(largest finite 65504\)/,
        );
        assert.throws(() => tensorToRaw('max', max, 'BF16'), /tensor "max": value 3.4028234663852886e\+38 at flat index 0 overflows BF16/);
        assert.throws(
          () => tensorToRaw('ints', ints, 'U8'),
          /tensor "ints": value 300 at flat index 1 does not fit U8 \(expected 0..255\)/,
        );
        assert.throws(
          () => tensorToRaw('ints', ints, 'I8'),
          /tensor "ints": value 300 at flat index 1 does not fit I8 \(expected -128..127\)/,
        );
        tf.dispose([big, max, ints]);
      });
    });

    it('a target of the wrong kind, a string tensor, an unknown name in dtypes, a disposed tensor', () => {
      withTensors(() => {
        const f = tf.tensor([1.5]);
        const i = tf.tensor([1], [1], 'int32');
        const str = tf.tensor(['a']);
        assert.throws(
          () => tensorToRaw('f', f, 'I64'),
          /tensor "f": a float32 tensor can be written as F32, F16, BF16, F64, not I64; cast it first/,
        );
        assert.throws(() => tensorToRaw('i', i, 'F16'), /tensor "i": an int32 tensor can be written as I32, I64, U8, I8, not F16/);
        assert.throws(() => tensorToRaw('str', str), /safetensors stores numbers and booleans, not string tensors/);
        assert.throws(() => encodeTensors({ f }, {}, { dtypes: { g: 'F16' } }), /options.dtypes names "g", which is not among the tensors/);
        const error = (() => {
          try {
            encodeTensors({ f, i }, {}, { dtypes: { f: 'I8', i: 'BF16' } });
          } catch (e) {
            return e as Error;
          }
          return undefined;
        })();
        assert.match(error?.message ?? '', /tensor "f"[\s\S]*tensor "i"/);
        tf.dispose([f, i, str]);
        assert.throws(() => tensorToRaw('f', f), /tensor "f" is disposed/);
      });
    });

    it('encoding leaves the input tensors alone', () => {
      withTensors(() => {
        const f = tf.tensor([1, 2]);
        encodeTensors({ f }, {}, { dtypes: { f: 'BF16' } });
        assert.equal(f.isDisposed, false);
        assert.deepEqual(Array.from(f.dataSync()), [1, 2]);
        f.dispose();
      });
    });

    it('carries metadata and matches the raw serializer', () => {
      withTensors(() => {
        const w = tf.tensor([[1, 2]]);
        const bytes = encodeTensors({ w }, { format: 'pt' });
        assert.deepEqual(parseSafetensors(bytes).metadata, { format: 'pt' });
        assert.deepEqual(bytes, serializeSafetensors({ w: rawTensor('F32', [1, 2], le('f32', [1, 2])) }, { format: 'pt' }));
        w.dispose();
      });
    });
  });

  describe('round trips for every dtype (property-based)', () => {
    const n = fc.integer({ min: 0, max: 12 });

    it('F32: bit-identical (negative zero, infinities and subnormals included)', () => {
      fc.assert(
        fc.property(
          n.chain((k) => fc.tuple(fc.float32Array({ noNaN: true, minLength: k, maxLength: k }), shapeOf(k))),
          ([values, shape]) => {
            const back = roundTrip(() => tf.tensor(values, shape, 'float32'));
            assert.equal(back.dtype, 'float32');
            assert.deepEqual(back.shape, shape);
            assert.deepEqual(bitsOf(back.values as Float32Array), bitsOf(values));
          },
        ),
        { numRuns: 50 },
      );
    });

    it('F32: NaN stays NaN', () => {
      const back = roundTrip(() => tf.tensor([NaN, 1]));
      assert.ok(Number.isNaN(back.values[0]));
    });

    it('I32: bit-identical', () => {
      fc.assert(
        fc.property(fc.int32Array({ maxLength: 12 }), (values) => {
          const back = roundTrip(() => tf.tensor(values, [values.length], 'int32'));
          assert.equal(back.dtype, 'int32');
          assert.deepEqual(Array.from(back.values), Array.from(values));
        }),
        { numRuns: 50 },
      );
    });

    it('BOOL: identical', () => {
      fc.assert(
        fc.property(fc.array(fc.boolean(), { maxLength: 12 }), (values) => {
          const back = roundTrip(() => tf.tensor(values, [values.length], 'bool'));
          assert.equal(back.dtype, 'bool');
          assert.deepEqual(Array.from(back.values), values.map(Number));
        }),
        { numRuns: 50 },
      );
    });

    it('F64: exact for float32 values', () => {
      fc.assert(
        fc.property(fc.float32Array({ noNaN: true, maxLength: 12 }), (values) => {
          const back = roundTrip(() => tf.tensor(values, [values.length]), 'F64');
          assert.deepEqual(bitsOf(back.values as Float32Array), bitsOf(values));
        }),
        { numRuns: 50 },
      );
    });

    it('I64, U8, I8: exact within range', () => {
      const cases: ReadonlyArray<readonly [Dtype, number, number]> = [
        ['I64', -2147483648, 2147483647],
        ['U8', 0, 255],
        ['I8', -128, 127],
      ];
      for (const [dtype, min, max] of cases) {
        fc.assert(
          fc.property(fc.array(fc.integer({ min, max }), { maxLength: 12 }), (values) => {
            const back = roundTrip(() => tf.tensor(values, [values.length], 'int32'), dtype);
            assert.equal(back.dtype, 'int32');
            assert.deepEqual(Array.from(back.values), values);
          }),
          { numRuns: 30 },
        );
      }
    });

    it('U8 for bool: reads back as int32 0/1', () => {
      const back = roundTrip(() => tf.tensor([true, false, true], [3], 'bool'), 'U8');
      assert.equal(back.dtype, 'int32');
      assert.deepEqual(Array.from(back.values), [1, 0, 1]);
    });

    // Half-precision targets: the value read back is within half a step (ulp) of the original, and
    // every representable value comes back bit for bit.
    const halfStep = (x: number, fractionBits: number, minNormalExponent: number): number => {
      const e = Math.max(Math.floor(Math.log2(Math.abs(x))), minNormalExponent);
      return 2 ** (e - fractionBits) / 2;
    };

    it('F16: within half an ulp of binary16 for values in range', () => {
      fc.assert(
        fc.property(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true, min: -65504, max: 65504 }), { maxLength: 12 }), (values) => {
          const back = roundTrip(() => tf.tensor(values, [values.length]), 'F16');
          values.forEach((x, i) => {
            assert.ok(Math.abs(back.values[i] - x) <= halfStep(x, 10, -14), `${x} -> ${back.values[i]}`);
          });
        }),
        { numRuns: 50 },
      );
    });

    it('BF16: within half an ulp of bfloat16 for values in range', () => {
      fc.assert(
        fc.property(
          fc.array(fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(-3.38e38), max: Math.fround(3.38e38) }), {
            maxLength: 12,
          }),
          (values) => {
            const back = roundTrip(() => tf.tensor(values, [values.length]), 'BF16');
            values.forEach((x, i) => {
              assert.ok(Math.abs(back.values[i] - x) <= halfStep(x, 7, -126), `${x} -> ${back.values[i]}`);
            });
          },
        ),
        { numRuns: 50 },
      );
    });

    it('F16 and BF16: raw bytes -> tensor -> raw bytes is bit-identical for every non-NaN pattern', () => {
      for (const [dtype, exponentMask] of [
        ['F16', 0x7c00],
        ['BF16', 0x7f80],
      ] as const) {
        const patterns: number[] = [];
        for (let h = 0; h <= 0xffff; h++) if ((h & exponentMask) !== exponentMask || (h & ~exponentMask & 0x7fff) === 0) patterns.push(h);
        const raw = rawTensor(dtype, [patterns.length], new Uint8Array(Uint16Array.from(patterns).buffer));
        withTensors(() => {
          const t = rawToTensor('all', raw);
          assert.deepEqual(tensorToRaw('all', t, dtype).data, raw.data, dtype);
          t.dispose();
        });
      }
    });

    it('whole files: raw -> tensors -> raw gives the same bytes, for a file with every dtype', () => {
      withTensors(() => {
        const file = serializeSafetensors({
          f64: rawTensor('F64', [2], le('f64', [1.5, -0.25])),
          f32: rawTensor('F32', [1], le('f32', [7])),
          f16: rawTensor('F16', [1], new Uint8Array([0x00, 0x3c])),
          bf16: rawTensor('BF16', [1], new Uint8Array([0x80, 0x3f])),
          i64: rawTensor('I64', [1], le('i64', [-3])),
          i32: rawTensor('I32', [1], le('i32', [9])),
          i8: rawTensor('I8', [1], new Uint8Array([0xfe])),
          u8: rawTensor('U8', [1], new Uint8Array([250])),
          bool: rawTensor('BOOL', [2], new Uint8Array([0, 1])),
        });
        const { tensors } = parseSafetensors(file);
        const record = rawToTensors(tensors);
        const dtypes = Object.fromEntries([...tensors].map(([name, raw]) => [name, raw.dtype]));
        assert.deepEqual(serializeSafetensors(tensorsToRaw(record, { dtypes })), file);
        tf.dispose(Object.values(record));
      });
    });
  });
});
