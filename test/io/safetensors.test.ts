import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { HeaderCodec } from '../../src/io/header.js';
import { rawTensor, type RawTensor } from '../../src/io/RawTensor.js';
import { MAX_HEADER_BYTES, SafetensorsError, parseSafetensors, safetensorsChunks, serializeSafetensors } from '../../src/io/safetensors.js';
import type { Dtype } from '../../src/io/dtype.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A file from a header given as text (or bytes) and data bytes: the length prefix written by hand. */
const fileFrom = (header: string | Uint8Array, data: ArrayLike<number> = [], declaredLength?: number): Uint8Array => {
  const headerBytes = typeof header === 'string' ? utf8(header) : header;
  const n = declaredLength ?? headerBytes.length;
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  for (let i = 0; i < 8; i++) out[i] = Math.floor(n / 2 ** (8 * i)) % 256;
  out.set(headerBytes, 8);
  out.set(Array.from(data), 8 + headerBytes.length);
  return out;
};

const entry = (dtype: string, shape: unknown, offsets: unknown): string => JSON.stringify({ dtype, shape, data_offsets: offsets });

const expectRejected = (bytes: Uint8Array, ...patterns: ReadonlyArray<RegExp>): SafetensorsError => {
  let caught: unknown;
  try {
    parseSafetensors(bytes);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof SafetensorsError, 'parseSafetensors should have thrown a SafetensorsError');
  const error = caught as SafetensorsError;
  for (const pattern of patterns) assert.match(error.message, pattern);
  return error;
};

describe('io/safetensors', () => {
  describe('a file built byte by byte', () => {
    // Header text as the reference writer prints it: compact, metadata first, then tensors by
    // decreasing alignment (F32 before U8). 130 bytes, padded with 6 spaces to 136 = 0x88.
    const headerText =
      '{"__metadata__":{"k":"v"},' +
      '"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"b":{"dtype":"U8","shape":[],"data_offsets":[8,9]}}';
    const expected = new Uint8Array([
      0x88,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...utf8(headerText),
      0x20,
      0x20,
      0x20,
      0x20,
      0x20,
      0x20,
      // a = [1.0, -2.0] as little-endian float32: 0x3f800000, 0xc0000000
      0x00,
      0x00,
      0x80,
      0x3f,
      0x00,
      0x00,
      0x00,
      0xc0,
      // b = 7
      0x07,
    ]);
    const a = rawTensor('F32', [2], new Uint8Array([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]));
    const b = rawTensor('U8', [], new Uint8Array([7]));

    it('the hand-derived header is 130 bytes, so 6 spaces of padding', () => {
      assert.equal(utf8(headerText).length, 130);
      assert.equal(expected.length, 8 + 136 + 9);
    });

    it('serializes to exactly those bytes, whatever the entries order', () => {
      assert.deepEqual(serializeSafetensors({ b, a }, { k: 'v' }), expected);
      assert.deepEqual(
        serializeSafetensors(
          new Map([
            ['a', a],
            ['b', b],
          ]),
          { k: 'v' },
        ),
        expected,
      );
    });

    it('parses back to the same tensors and metadata', () => {
      const parsed = parseSafetensors(expected);
      assert.deepEqual(parsed.metadata, { k: 'v' });
      assert.deepEqual([...parsed.tensors.keys()], ['a', 'b']);
      assert.deepEqual(parsed.tensors.get('a'), { dtype: 'F32', shape: [2], data: a.data });
      assert.deepEqual(parsed.tensors.get('b'), { dtype: 'U8', shape: [], data: new Uint8Array([7]) });
    });

    it('re-serializing the parsed file gives the same bytes', () => {
      const parsed = parseSafetensors(expected);
      assert.deepEqual(serializeSafetensors(parsed.tensors, parsed.metadata), expected);
    });

    it("chunks concatenate to the same bytes and reuse the tensors' arrays", () => {
      const chunks = safetensorsChunks({ a, b }, { k: 'v' });
      assert.equal(chunks.length, 3);
      assert.equal(chunks[1], a.data);
      assert.equal(chunks[2], b.data);
      assert.deepEqual(new Uint8Array(chunks.flatMap((c) => Array.from(c))), expected);
    });

    it('omits "__metadata__" when there is none', () => {
      const bytes = serializeSafetensors({ b });
      // '{"b":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}' is 52 bytes, padded to 56.
      const text = '{"b":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}';
      assert.equal(utf8(text).length, 52);
      assert.deepEqual(bytes, new Uint8Array([56, 0, 0, 0, 0, 0, 0, 0, ...utf8(text), 0x20, 0x20, 0x20, 0x20, 7]));
    });

    it('an empty file (no tensors) is the header "{}" padded to 8 bytes', () => {
      const bytes = serializeSafetensors({});
      assert.deepEqual(bytes, new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]));
      assert.equal(parseSafetensors(bytes).tensors.size, 0);
    });

    it('lays tensors out by decreasing alignment, then by name in code point order', () => {
      const t = (dtype: Dtype, n: number): RawTensor => ({
        dtype,
        shape: [n],
        data: new Uint8Array(n * { I64: 8, F64: 8, F32: 4, I32: 4, BF16: 2, F16: 2, I8: 1, U8: 1, BOOL: 1 }[dtype]),
      });
      const parsed = parseSafetensors(
        serializeSafetensors({
          bool: t('BOOL', 1),
          u8: t('U8', 1),
          i8: t('I8', 1),
          f16: t('F16', 1),
          bf16: t('BF16', 1),
          i32: t('I32', 1),
          f32: t('F32', 1),
          f64: t('F64', 1),
          i64: t('I64', 1),
          // U+FFFD sorts before U+1F600 by code point, though not by UTF-16 code unit.
          'z\u{1F600}': t('F32', 1),
          'z\uFFFD': t('F32', 1),
        }),
      );
      assert.deepEqual(
        [...parsed.tensors.keys()],
        ['i64', 'f64', 'f32', 'z\uFFFD', 'z\u{1F600}', 'i32', 'bf16', 'f16', 'i8', 'u8', 'bool'],
      );
    });

    it("reads the reference implementation's own test file (unpadded 60-byte header)", () => {
      // From huggingface safetensors' tensor.rs tests: b"<\0\0\0\0\0\0\0{...}" + 16 zero bytes.
      const bytes = fileFrom('{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}', new Uint8Array(16));
      assert.equal(bytes[0], 0x3c);
      const parsed = parseSafetensors(bytes);
      assert.deepEqual(parsed.tensors.get('test'), { dtype: 'I32', shape: [2, 2], data: new Uint8Array(16) });
    });

    it('accepts empty tensors and scalars, and tensors listed out of offset order', () => {
      const header = `{"s":${entry('F64', [], [4, 12])},"e":${entry('F32', [3, 0], [4, 4])},"i":${entry('I32', [1], [0, 4])}}`;
      const parsed = parseSafetensors(fileFrom(header, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]));
      assert.deepEqual(parsed.tensors.get('e'), { dtype: 'F32', shape: [3, 0], data: new Uint8Array(0) });
      assert.deepEqual(Array.from(parsed.tensors.get('s')?.data ?? []), [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
      assert.deepEqual(Array.from(parsed.tensors.get('i')?.data ?? []), [1, 0, 0, 0]);
    });

    it('accepts "__metadata__": null as no metadata, and ignores unknown fields', () => {
      const header = `{"__metadata__":null,"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":true}}`;
      const parsed = parseSafetensors(fileFrom(header, [5]));
      assert.deepEqual(parsed.metadata, {});
      assert.deepEqual(parsed.tensors.get('x'), { dtype: 'U8', shape: [1], data: new Uint8Array([5]) });
    });
  });

  describe('rejects malformed files with a clear error', () => {
    const okHeader = `{"w":${entry('F32', [2], [0, 8])}}`;

    it('shorter than the 8-byte length prefix', () => {
      expectRejected(new Uint8Array(0), /0 bytes long/, /8-byte header length/);
      expectRejected(new Uint8Array(5), /5 bytes long/);
    });

    it('a header length above the 100 MB cap', () => {
      assert.equal(MAX_HEADER_BYTES, 100_000_000);
      expectRejected(fileFrom('{}', [], 100_000_001), /header length 100000001 exceeds the limit of 100000000/);
      expectRejected(fileFrom('{}', [], 2 ** 40), /exceeds the limit/);
      const allOnes = new Uint8Array(16).fill(0xff);
      expectRejected(allOnes, /exceeds the limit/);
    });

    it('a header length past the end of the file', () => {
      expectRejected(
        fileFrom(okHeader, new Uint8Array(8), 500),
        /header length 500 runs past the end of the file/,
        /expected at least 508 bytes, got/,
      );
    });

    it('a header that is not a JSON object', () => {
      expectRejected(fileFrom('', []), /must begin with "\{"/, /empty header/);
      expectRejected(fileFrom('[1, 2]', []), /must begin with "\{"/, /0x5b/);
      expectRejected(fileFrom('{"w": ', []), /not valid JSON/);
      expectRejected(fileFrom('{} x', []), /not valid JSON/);
      expectRejected(fileFrom('{"w":1}', []), /tensor "w": expected a tensor entry/, /got 1/);
      assert.equal(isLeft(HeaderCodec.decode([1])), true);
      assert.equal(isLeft(HeaderCodec.decode(null)), true);
      assert.equal(isRight(HeaderCodec.decode({})), true);
    });

    it('a header that is not UTF-8', () => {
      const bytes = new Uint8Array([...utf8('{"'), 0xff, ...utf8('":1}')]);
      expectRejected(fileFrom(bytes), /not valid UTF-8/);
    });

    it('an unknown dtype, naming the tensor and the accepted dtypes', () => {
      expectRejected(
        fileFrom(`{"w":${entry('F8_E4M3', [2], [0, 2])}}`, [0, 0]),
        /tensor "w", dtype: expected one of F64, F32, F16, BF16, I64, I32, I8, U8, BOOL; got "F8_E4M3"/,
      );
      expectRejected(fileFrom(`{"w":${entry('f32', [1], [0, 4])}}`, [0, 0, 0, 0]), /got "f32"/);
    });

    it('negative, fractional or non-numeric dimensions', () => {
      expectRejected(fileFrom(`{"w":${entry('F32', [-1], [0, 0])}}`), /tensor "w", shape\[0\]: expected a non-negative integer; got -1/);
      expectRejected(
        fileFrom(`{"w":${entry('F32', [2, 1.5], [0, 12])}}`, new Uint8Array(12)),
        /tensor "w", shape\[1\]: expected a non-negative integer; got 1.5/,
      );
      expectRejected(fileFrom(`{"w":${entry('F32', ['2'], [0, 8])}}`, new Uint8Array(8)), /shape\[0\]/, /got "2"/);
      expectRejected(fileFrom(`{"w":${entry('F32', 2, [0, 8])}}`, new Uint8Array(8)), /tensor "w", shape: expected/);
      expectRejected(
        fileFrom(`{"w":{"dtype":"F32","data_offsets":[0,8]}}`, new Uint8Array(8)),
        /tensor "w", shape: expected .*; got nothing/,
      );
    });

    it('data_offsets that are not two non-negative integers', () => {
      expectRejected(
        fileFrom(`{"w":${entry('F32', [2], [0, 8, 16])}}`, new Uint8Array(16)),
        /tensor "w", data_offsets: expected \[begin, end\]/,
      );
      expectRejected(fileFrom(`{"w":${entry('F32', [2], [-8, 0])}}`), /tensor "w", data_offsets/);
      expectRejected(fileFrom(`{"w":${entry('F32', [2], [0])}}`), /tensor "w", data_offsets/);
    });

    it('data_offsets whose span is not product(shape) * itemsize', () => {
      expectRejected(
        fileFrom(`{"w":${entry('F32', [2, 2], [0, 12])}}`, new Uint8Array(12)),
        /tensor "w": F32 shape \[2, 2\] needs 4 \* 4 = 16 bytes, but data_offsets \[0, 12\] span 12/,
      );
      expectRejected(fileFrom(`{"w":${entry('BF16', [3], [0, 3])}}`, new Uint8Array(3)), /needs 3 \* 2 = 6 bytes/);
    });

    it('data_offsets that end before they begin', () => {
      expectRejected(
        fileFrom(`{"w":${entry('U8', [0], [4, 0])}}`, new Uint8Array(4)),
        /tensor "w" \[4, 0\): data_offsets end before they begin/,
      );
    });

    it('overlapping tensors, naming both', () => {
      const header = `{"a":${entry('F32', [2], [0, 8])},"b":${entry('F32', [2], [4, 12])}}`;
      expectRejected(fileFrom(header, new Uint8Array(12)), /tensor "b" \[4, 12\) overlaps tensor "a" \[0, 8\)/);
      const same = `{"a":${entry('F32', [2], [0, 8])},"b":${entry('F32', [2], [0, 8])}}`;
      expectRejected(fileFrom(same, new Uint8Array(8)), /overlaps/);
    });

    it('offsets past the end of the data (a truncated file)', () => {
      const full = fileFrom(okHeader, new Uint8Array(8));
      expectRejected(
        full.subarray(0, full.length - 1),
        /tensor "w" \[0, 8\) runs past the end of the data region \(7 bytes\): expected end <= 7, got 8/,
      );
      expectRejected(fileFrom(okHeader), /runs past the end of the data region \(0 bytes\)/);
    });

    it('holes in the data region (reference rule: the data must be fully covered)', () => {
      const gap = `{"a":${entry('F32', [2], [0, 8])},"b":${entry('F32', [2], [12, 20])}}`;
      expectRejected(fileFrom(gap, new Uint8Array(20)), /data bytes \[8, 12\) belong to no tensor \(hole before tensor "b" \[12, 20\)\)/);
      const late = `{"a":${entry('F32', [2], [4, 12])}}`;
      expectRejected(fileFrom(late, new Uint8Array(12)), /data bytes \[0, 4\) belong to no tensor/);
      expectRejected(fileFrom(okHeader, new Uint8Array(9)), /data bytes \[8, 9\) belong to no tensor.*trailing bytes/);
      expectRejected(fileFrom('{}', [0]), /data bytes \[0, 1\) belong to no tensor/);
    });

    it('non-string metadata values, and metadata that is not a map', () => {
      expectRejected(
        fileFrom(`{"__metadata__":{"epoch":3,"ok":"yes"},"w":${entry('F32', [2], [0, 8])}}`, new Uint8Array(8)),
        /"__metadata__" entry "epoch": expected string; got 3/,
      );
      expectRejected(fileFrom(`{"__metadata__":["a"]}`), /"__metadata__": expected Metadata/);
    });

    it('duplicate keys, which JSON.parse would let through silently', () => {
      const twice = `{"w":${entry('F32', [1], [0, 4])},"w":${entry('F32', [1], [0, 4])}}`;
      expectRejected(fileFrom(twice, new Uint8Array(4)), /duplicate key "w" in the header/);
      const field = `{"w":{"dtype":"F32","shape":[1],"dtype":"F32","data_offsets":[0,4]}}`;
      expectRejected(fileFrom(field, new Uint8Array(4)), /duplicate key "dtype" in "w"/);
      const meta = `{"__metadata__":{"a":"1","b":"2","a":"3"}}`;
      expectRejected(fileFrom(meta), /duplicate key "a" in "__metadata__"/);
      // Escapes are compared decoded; equal-looking text in values is not a key.
      expectRejected(fileFrom(`{"__metadata__":{"\\u0061":"x","a":"y"}}`), /duplicate key "a"/);
      assert.deepEqual(parseSafetensors(fileFrom(`{"__metadata__":{"a":"a","b":"{\\"a\\":1,"}}`)).metadata, { a: 'a', b: '{"a":1,' });
    });

    it('reports every problem at once', () => {
      const header = `{"__metadata__":{"n":1},"a":${entry('F99', [1], [0, 4])},"b":${entry('F32', [-2], [0, 8])}}`;
      const error = expectRejected(
        fileFrom(header, new Uint8Array(8)),
        /"__metadata__" entry "n"/,
        /tensor "a", dtype/,
        /tensor "b", shape\[0\]/,
      );
      assert.equal(error.problems.length, 3);
    });

    it('never throws anything but a SafetensorsError on random bytes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
          try {
            parseSafetensors(bytes);
            return true;
          } catch (e) {
            return e instanceof SafetensorsError;
          }
        }),
      );
    });

    it('rejects every proper prefix of a valid file', () => {
      const full = serializeSafetensors({ a: rawTensor('I32', [3], new Uint8Array(12)), b: rawTensor('U8', [2], new Uint8Array(2)) });
      for (let n = 0; n < full.length; n++) assert.throws(() => parseSafetensors(full.subarray(0, n)), SafetensorsError);
    });
  });

  describe('writing rejects bad input before producing bytes', () => {
    it('data of the wrong size, unknown dtypes, bad shapes, the reserved name, non-string metadata', () => {
      const good = rawTensor('U8', [1], new Uint8Array(1));
      assert.throws(
        () => serializeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Uint8Array(6) } }),
        /tensor "w": F32 shape \[2\] needs 8 bytes, got 6/,
      );
      assert.throws(
        () => serializeSafetensors({ w: { dtype: 'F8' as Dtype, shape: [1], data: new Uint8Array(1) } }),
        /tensor "w": expected a dtype/,
      );
      assert.throws(() => serializeSafetensors({ w: { dtype: 'U8', shape: [-1], data: new Uint8Array(0) } }), /non-negative integers/);
      assert.throws(() => serializeSafetensors({ __metadata__: good }), /reserved/);
      assert.throws(
        () => serializeSafetensors({ w: good }, { n: 1 as unknown as string }),
        /metadata entry "n": expected a string, got number/,
      );
      assert.throws(() => rawTensor('I32', [2], new Uint8Array(4)), /needs 8 bytes, got 4/);
    });
  });

  describe('round trips (property-based)', () => {
    const sizes: Readonly<Record<Dtype, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I8: 1, U8: 1, BOOL: 1 };
    const arbRaw: fc.Arbitrary<RawTensor> = fc
      .record({
        dtype: fc.constantFrom<Dtype>('F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I8', 'U8', 'BOOL'),
        shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
      })
      .chain(({ dtype, shape }) => {
        const n = shape.reduce((a, b) => a * b, 1) * sizes[dtype];
        return fc.uint8Array({ minLength: n, maxLength: n }).map((data) => ({ dtype, shape, data }));
      });
    const arbEntries = fc.uniqueArray(
      fc.tuple(
        fc.string({ unit: 'grapheme', maxLength: 6 }).filter((s) => s !== '__metadata__'),
        arbRaw,
      ),
      {
        selector: ([name]) => name,
        maxLength: 6,
      },
    );
    const arbMetadata = fc
      .uniqueArray(fc.tuple(fc.string({ maxLength: 5 }), fc.string({ unit: 'binary', maxLength: 8 })), {
        selector: ([k]) => k,
        maxLength: 4,
      })
      .map((pairs) => Object.fromEntries(pairs));

    it('parse(serialize(x)) gives x back, and serialize(parse(bytes)) gives the same bytes', () => {
      fc.assert(
        fc.property(arbEntries, arbMetadata, (entries, metadata) => {
          const bytes = serializeSafetensors(new Map(entries), metadata);
          assert.equal((8 + bytes[0] + 256 * bytes[1]) % 8, 0);
          const parsed = parseSafetensors(bytes);
          assert.deepEqual(parsed.metadata, metadata);
          assert.equal(parsed.tensors.size, entries.length);
          for (const [name, raw] of entries) assert.deepEqual(parsed.tensors.get(name), raw);
          assert.deepEqual(serializeSafetensors(parsed.tensors, parsed.metadata), bytes);
          // Entry order never matters.
          assert.deepEqual(serializeSafetensors(new Map([...entries].reverse()), metadata), bytes);
        }),
      );
    });
  });
});
