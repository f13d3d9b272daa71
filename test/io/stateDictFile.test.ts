import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import fc from 'fast-check';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { loadStateDict } from '../../src/io/loadStateDict.js';
import { SafetensorsError } from '../../src/io/safetensors.js';
import { stateDict } from '../../src/io/stateDictEntries.js';
import { StateDictError } from '../../src/io/StateDictError.js';
import { decodeStateDict, encodeStateDict } from '../../src/io/stateDictFile.js';
import { random } from '../../src/index.js';
import { Linear } from '../../src/nn/Linear.js';
import { paramInit } from '../../src/tree/index.js';
import { makeNet, Net, netKeys, Norm } from '../support/stateDictNet.js';
import { loadStateDictFile, loadStateDictFileSync, saveStateDict, saveStateDictSync } from '../../src/node/index.js';

type Tensor = tf.Tensor;

/**
 * A safetensors file built by hand: 8-byte little-endian header length, JSON header with offsets
 * computed here, padded with spaces to a multiple of 8, then the data in the order given.
 */
const buildFile = (
  tensors: ReadonlyArray<readonly [name: string, dtype: string, shape: number[], bytes: number[]]>,
  metadata?: Record<string, string>,
): Uint8Array => {
  const header: Record<string, unknown> = metadata === undefined ? {} : { __metadata__: metadata };
  let offset = 0;
  for (const [name, dtype, shape, bytes] of tensors) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  while (json.length % 8 !== 0) json += ' ';
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(new TextEncoder().encode(json), 8);
  out.set(
    tensors.flatMap(([, , , bytes]) => bytes),
    8 + json.length,
  );
  return out;
};

const le = (kind: 'f32' | 'f64' | 'i64', values: ReadonlyArray<number>): number[] => {
  const size = kind === 'f32' ? 4 : 8;
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => {
    if (kind === 'f32') view.setFloat32(i * size, v, true);
    if (kind === 'f64') view.setFloat64(i * size, v, true);
    if (kind === 'i64') view.setBigInt64(i * size, BigInt(v), true);
  });
  return Array.from(new Uint8Array(view.buffer));
};

const norm2 = () =>
  Norm.make({
    weight: paramInit([2], () => () => tf.ones([2])),
    bias: paramInit([2], () => () => tf.zeros([2])),
    runningMean: paramInit([2], () => () => tf.zeros([2])),
    runningVar: paramInit([2], () => () => tf.ones([2])),
    numBatchesTracked: paramInit([], () => () => tf.scalar(0, 'int32'), 'int32'),
    size: 2,
  });

/** Same bits (float NaN payloads and -0 included) and same dtype and shape. */
const assertSameBits = (a: Tensor, b: Tensor, what: string): void => {
  assert.equal(a.dtype, b.dtype, what);
  assert.deepEqual(a.shape, b.shape, what);
  const bits = (t: Tensor) => Array.from(new Uint8Array((t.dataSync() as Float32Array).slice().buffer));
  assert.deepEqual(bits(a), bits(b), what);
};

/** Net parameters with awkward values: signed zero, NaN, infinities, subnormals, int32 extremes, bools. */
const awkwardNet = () => {
  const params = initialize(makeNet())(random.key(7));
  const special = tf.tensor([0, -0, NaN, Infinity, -Infinity, 1.4e-45, -3.4028234663852886e38, 1 / 3, 1e-40, 65504, 0.1, -7], [4, 3]);
  const step = tf.scalar(-2147483648, 'int32');
  const mask = tf.tensor([false, true], [2], 'bool');
  const out = loadStateDict(params, { 'enc.weight': special, 'norm.num_batches_tracked': step, mask }, { strict: false });
  dispose([params, special, step, mask]);
  return out;
};

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'parallax-sd-'));

describe('io/stateDictFile', () => {
  it('loads a hand-built file (F16, BF16, F64, F32, I64) into an uninitialized module with the documented conversions', () => {
    const bytes = buildFile(
      [
        ['num_batches_tracked', 'I64', [], le('i64', [7])],
        ['running_var', 'F32', [2], le('f32', [4, 0.25])],
        ['weight', 'F16', [2], [0x00, 0x3c, 0x00, 0xc0]], // 1, -2
        ['bias', 'BF16', [2], [0x00, 0x3f, 0x49, 0x40]], // 0.5, 3.140625
        ['running_mean', 'F64', [2], le('f64', [0.1, -3])],
      ],
      { format: 'pt' },
    );
    const before = tf.memory().numTensors;
    const m = decodeStateDict(bytes, norm2());
    assert.equal(tf.memory().numTensors, before + 5);
    assert.deepEqual(Array.from(m.weight.dataSync()), [1, -2]);
    assert.deepEqual(Array.from(m.bias.dataSync()), [0.5, 3.140625]);
    assert.deepEqual(Array.from(m.runningMean.dataSync()), [Math.fround(0.1), -3]);
    assert.deepEqual(Array.from(m.runningVar.dataSync()), [4, 0.25]);
    assert.equal(m.numBatchesTracked.dtype, 'int32');
    assert.deepEqual(Array.from(m.numBatchesTracked.dataSync()), [7]);
    // The loaded layer computes (x - mean) / sqrt(var + 1e-5) * weight + bias, by hand:
    const x = tf.tensor([[1, 2]]);
    const y = Norm.forward(m, x);
    const expected = [((1 - Math.fround(0.1)) / Math.sqrt(4 + 1e-5)) * 1 + 0.5, ((2 + 3) / Math.sqrt(0.25 + 1e-5)) * -2 + 3.140625];
    Array.from(y.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-5, `${v} vs ${expected[i]}`));
    dispose([m, x, y]);
    assert.equal(tf.memory().numTensors, before);
  });

  it('reports file problems against the module in one error, naming the file dtype, and leaks nothing', () => {
    const bytes = buildFile([
      ['weight', 'F16', [1, 2], [0x00, 0x3c, 0x00, 0xc0]],
      ['bias', 'I64', [1], le('i64', [1])],
      ['extra', 'U8', [3], [1, 2, 3]],
    ]);
    const before = tf.memory().numTensors;
    assert.throws(
      () => decodeStateDict(bytes, Linear.create(3, 1)),
      (e: unknown) => {
        assert.ok(e instanceof StateDictError);
        assert.equal(
          e.message,
          [
            'cannot load state dict into Linear: 3 problems',
            '  - unexpected key "extra": shape [3], int32 (U8 in the file)',
            '  - shape mismatch for "weight": expected [1, 3], got [1, 2]',
            // The fresh Linear's bias declares float32 (its ParamInit's dtype): an integer tensor is no float32 tensor.
            '  - dtype mismatch for "bias": expected float32, got int32 (I64 in the file)',
          ].join('\n'),
        );
        return true;
      },
    );
    // Into an initialized Linear, strictly: the same dtype mismatch, and the unexpected key.
    const params = initialize(Linear.create(2, 1))(random.key(0));
    assert.throws(() => decodeStateDict(bytes, params), {
      message: [
        'cannot load state dict into Linear: 2 problems',
        '  - unexpected key "extra": shape [3], int32 (U8 in the file)',
        '  - dtype mismatch for "bias": expected float32, got int32 (I64 in the file)',
      ].join('\n'),
    });
    assert.equal(tf.memory().numTensors, before + 2);
    // Non-strict: the I64 bias is converted to float32 as PyTorch's copy_ does (1 → 1.0); "extra" is ignored.
    const loose = decodeStateDict(bytes, params, { strict: false });
    assert.equal(loose.bias.dtype, 'float32');
    assert.deepEqual(Array.from(loose.bias.dataSync()), [1]);
    assert.deepEqual(Array.from(loose.weight.dataSync()), [1, -2]);
    dispose([params, loose]);
    assert.equal(tf.memory().numTensors, before);
  });

  it('an I64 value outside int32 is an error naming the key and element, after all other checks, leaking nothing', () => {
    const bytes = buildFile([
      ['weight', 'F32', [2], le('f32', [1, 2])],
      ['bias', 'F32', [2], le('f32', [3, 4])],
      ['running_mean', 'F32', [2], le('f32', [0, 0])],
      ['running_var', 'F32', [2], le('f32', [1, 1])],
      ['num_batches_tracked', 'I64', [], le('i64', [2 ** 31])],
    ]);
    const before = tf.memory().numTensors;
    assert.throws(() => decodeStateDict(bytes, norm2()), {
      name: 'StateDictError',
      message:
        'cannot load state dict into Norm: 1 problem\n  - key "num_batches_tracked": tensor "num_batches_tracked": I64 value 2147483648 at flat index 0 ' +
        'does not fit int32 (tfjs integers are int32: expected -2147483648..2147483647)',
    });
    assert.equal(tf.memory().numTensors, before);
  });

  it('a malformed file is rejected before any key is looked at', () => {
    const bytes = buildFile([['weight', 'F32', [2], le('f32', [1, 2])]]).slice(0, -1);
    const before = tf.memory().numTensors;
    assert.throws(() => decodeStateDict(bytes, Linear.create(2, 1)), SafetensorsError);
    assert.equal(tf.memory().numTensors, before);
  });

  it('save → load gives identical bits for float32 (NaN, ±0, ±Inf, subnormals), int32 and bool leaves', () => {
    const net = awkwardNet();
    const back = decodeStateDict(encodeStateDict(net), makeNet());
    const a = stateDict(net);
    const b = stateDict(back);
    assert.deepEqual([...b.keys()], netKeys);
    for (const k of netKeys) assertSameBits(b.get(k)!, a.get(k)!, k);
    assert.deepEqual(Array.from(b.get('mask')!.dataSync()), [0, 1]);
    assert.deepEqual(Array.from(b.get('norm.num_batches_tracked')!.dataSync()), [-2147483648]);
    dispose([net, back]);
  });

  it('property: any float32 bit patterns (NaN payloads included) and int32 values survive save → load', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: -2147483648, max: 2147483647 }),
        (words, step) => {
          const floats = new Float32Array(Uint32Array.from(words).buffer);
          const given = {
            weight: tf.tensor(floats.slice(0, 2), [2]),
            bias: tf.tensor(floats.slice(2, 4), [2]),
            running_mean: tf.tensor(floats.slice(4, 6), [2]),
            running_var: tf.tensor(floats.slice(6, 8), [2]),
            num_batches_tracked: tf.scalar(step, 'int32'),
          };
          const before = tf.memory().numTensors;
          const m = loadStateDict(norm2(), given);
          const back = decodeStateDict(encodeStateDict(m), norm2());
          const sd = stateDict(back);
          for (const [k, t] of Object.entries(given)) assertSameBits(sd.get(k)!, t, k);
          dispose([m, back]);
          assert.equal(tf.memory().numTensors, before);
          dispose(Object.values(given));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('writes narrower dtypes on request and reads them back rounded as documented', () => {
    const w = tf.tensor([[1 + 2 ** -8, 1 + 3 * 2 ** -8]]);
    const b = tf.tensor([0.1]);
    const m = loadStateDict(Linear.create(2, 1), { weight: w, bias: b });
    const bytes = encodeStateDict(m, { dtypes: { weight: 'BF16', bias: 'F64' }, metadata: { format: 'pt' } });
    const back = decodeStateDict(bytes, Linear.create(2, 1));
    // bfloat16 keeps 7 mantissa bits: 1 + 2^-8 is a tie → 1 (even); 1 + 3·2^-8 is a tie → 1 + 2^-6 (even).
    assert.deepEqual(Array.from(back.weight.dataSync()), [1, 1 + 2 ** -6]);
    assert.deepEqual(Array.from(back.bias.dataSync()), [Math.fround(0.1)]);
    dispose([w, b, m, back]);
  });

  it('refuses to save an uninitialized module, naming its leaves', () => {
    assert.throws(() => encodeStateDict(Linear.create(2, 1)), {
      message: 'cannot save an uninitialized module: "weight", "bias" are ParamInits; initialize it first',
    });
  });

  it('files: save (async and sync) → load into a fresh module gives the same forward outputs', async () => {
    const dir = tmp();
    try {
      const net = awkwardNet();
      const clean = initialize(makeNet())(random.key(11));
      const x = tf.tensor([
        [0.5, -1, 2],
        [3, 0, -0.25],
      ]);
      const y0 = Net.forward(clean, x);
      await saveStateDict(path.join(dir, 'a.safetensors'), clean);
      saveStateDictSync(path.join(dir, 'b.safetensors'), net);
      const before = tf.memory().numTensors;
      const a = await loadStateDictFile(path.join(dir, 'a.safetensors'), makeNet());
      const b = loadStateDictFileSync(path.join(dir, 'b.safetensors'), makeNet());
      assert.equal(tf.memory().numTensors, before + 2 * netKeys.length);
      const y1 = Net.forward(a, x);
      assertSameBits(y1, y0, 'forward');
      for (const k of netKeys) assertSameBits(stateDict(b).get(k)!, stateDict(net).get(k)!, k);
      // The file is a plain safetensors state dict: the same bytes as the in-memory encoder's.
      assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(dir, 'a.safetensors'))), encodeStateDict(clean));
      dispose([net, clean, x, y0, y1, a, b]);
      await assert.rejects(loadStateDictFile(path.join(dir, 'missing.safetensors'), makeNet()), { code: 'ENOENT' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
