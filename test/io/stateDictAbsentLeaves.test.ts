/**
 * Zero-size placeholder leaves (a bias-free layer's bias, MultiheadAttention's unused projections,
 * a norm's affine parameters with `affine: false`) are where PyTorch holds `None`: no state-dict
 * key in either direction. Expected key lists are written by hand from PyTorch's documented
 * parameter names; the "PyTorch-style" files are built byte by byte here.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { loadStateDict } from '../../src/io/loadStateDict.js';
import { parseSafetensors } from '../../src/io/safetensors.js';
import { stateDict, stateDictKeys } from '../../src/io/stateDictEntries.js';
import { StateDictError } from '../../src/io/StateDictError.js';
import { decodeStateDict, encodeStateDict } from '../../src/io/stateDictFile.js';

import { random } from '../../src/index.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/nn/BatchNorm.js';
import { Conv1d } from '../../src/nn/Conv1d.js';
import { Conv2d } from '../../src/nn/Conv2d.js';
import { ConvTranspose2d } from '../../src/nn/ConvTranspose2d.js';
import { GroupNorm } from '../../src/nn/GroupNorm.js';
import { GRU } from '../../src/nn/GRU.js';
import { GRUCell } from '../../src/nn/GRUCell.js';
import { LayerNorm } from '../../src/nn/LayerNorm.js';
import { Linear } from '../../src/nn/Linear.js';
import { LSTM } from '../../src/nn/LSTM.js';
import { LSTMCell } from '../../src/nn/LSTMCell.js';
import { MultiheadAttention } from '../../src/nn/MultiheadAttention.js';
import { RMSNorm } from '../../src/nn/RMSNorm.js';
import { Sequential } from '../../src/nn/Sequential.js';
import { type AnyModule, apply, leafEntries, type ParamInit, toArray } from '../../src/tree/index.js';
import { loadModelSync, saveModelSync } from '../../src/node/index.js';

type Tensor = tf.Tensor;

/** A safetensors file as PyTorch's `save_file` writes it: F32 (or I64) tensors, row-major, little-endian. */
const torchStyleFile = (
  tensors: ReadonlyArray<readonly [string, ReadonlyArray<number>, ReadonlyArray<number>, ('F32' | 'I64')?]>,
): Uint8Array => {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, shape, values, dtype = 'F32'] of tensors) {
    assert.equal(
      values.length,
      shape.reduce((a, b) => a * b, 1),
      name,
    );
    const bytes = (dtype === 'F32' ? 4 : 8) * values.length;
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, , values, dtype = 'F32'] of tensors) {
    for (const v of values) {
      if (dtype === 'F32') view.setFloat32(at, v, true);
      else view.setBigInt64(at, BigInt(v), true);
      at += dtype === 'F32' ? 4 : 8;
    }
  }
  return out;
};

/** Deterministic small values for a shape. */
const valuesFor = (shape: ReadonlyArray<number>, seed: number): number[] =>
  Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.round(Math.sin(seed * 7.1 + i * 1.3) * 8) / 8);

const closeTo = (actual: Tensor, expected: Tensor, tol = 1e-5): void => {
  assert.deepEqual(actual.shape, expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) <= tol, `element ${i}: ${v} vs ${e[i]}`));
};

const sigmoid = (x: Tensor): Tensor => tf.div(1, tf.add(1, tf.exp(tf.neg(x))));

describe('io/state dicts skip zero-size placeholder leaves (PyTorch None)', () => {
  it('key lists equal PyTorch state_dict() keys for every layer option that drops a tensor', () => {
    const cases: ReadonlyArray<readonly [string, AnyModule<unknown>, ReadonlyArray<string>]> = [
      ['Linear(bias=False)', Linear.create(2, 3, { bias: false }), ['weight']],
      ['Conv1d(bias=False)', Conv1d.create(2, 3, 3, { bias: false }), ['weight']],
      ['Conv2d(bias=False)', Conv2d.create(2, 3, 3, { bias: false }), ['weight']],
      ['ConvTranspose2d(bias=False)', ConvTranspose2d.create(2, 3, 3, { bias: false }), ['weight']],
      ['LayerNorm(elementwise_affine=False)', LayerNorm.create(4, { elementwiseAffine: false }), []],
      ['LayerNorm(bias=False)', LayerNorm.create(4, { bias: false }), ['weight']],
      ['RMSNorm(elementwise_affine=False)', RMSNorm.create(4, { elementwiseAffine: false }), []],
      ['GroupNorm(affine=False)', GroupNorm.create(2, 4, { affine: false }), []],
      ['BatchNorm1d(affine=False)', BatchNorm1d.create(4, { affine: false }), ['running_mean', 'running_var', 'num_batches_tracked']],
      ['BatchNorm2d(track_running_stats=False)', BatchNorm2d.create(4, { trackRunningStats: false }), ['weight', 'bias']],
      ['BatchNorm1d(affine=False, track_running_stats=False)', BatchNorm1d.create(4, { affine: false, trackRunningStats: false }), []],
      ['MultiheadAttention(4, 2)', MultiheadAttention.create(4, 2), ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']],
      [
        'MultiheadAttention(4, 2, kdim=3, vdim=5)',
        MultiheadAttention.create(4, 2, { kdim: 3, vdim: 5 }),
        ['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias'],
      ],
      ['MultiheadAttention(4, 2, bias=False)', MultiheadAttention.create(4, 2, { bias: false }), ['in_proj_weight', 'out_proj.weight']],
      ['LSTMCell(bias=False)', LSTMCell.create(2, 3, { bias: false }), ['weight_ih', 'weight_hh']],
      ['GRUCell(bias=False)', GRUCell.create(2, 3, { bias: false }), ['weight_ih', 'weight_hh']],
      [
        'LSTM(num_layers=2, bias=False)',
        LSTM.create(2, 3, { numLayers: 2, bias: false }),
        ['weight_ih_l0', 'weight_hh_l0', 'weight_ih_l1', 'weight_hh_l1'],
      ],
      [
        'GRU(num_layers=2, bias=False)',
        GRU.create(2, 3, { numLayers: 2, bias: false }),
        ['weight_ih_l0', 'weight_hh_l0', 'weight_ih_l1', 'weight_hh_l1'],
      ],
      [
        'Sequential(Linear(bias=False), LayerNorm(elementwise_affine=False), Linear)',
        Sequential.create([Linear.create(2, 3, { bias: false }), LayerNorm.create(3, { elementwiseAffine: false }), Linear.create(3, 1)]),
        ['0.weight', '2.weight', '2.bias'],
      ],
    ];
    for (const [name, m, expected] of cases) {
      assert.deepEqual(stateDictKeys(m), expected, name);
      assert.deepEqual([...stateDict(m).keys()], expected, name);
      // the placeholders are still leaves of the module: only the state dict leaves them out
      assert.ok(leafEntries(m).length >= expected.length, name);
    }
  });

  it('a PyTorch-style file without the absent keys loads strictly and gives the right forward output', () => {
    const w1 = valuesFor([3, 2], 1);
    const w2 = valuesFor([1, 3], 2);
    const b2 = valuesFor([1], 3);
    // nn.Sequential(nn.Linear(2, 3, bias=False), nn.LayerNorm(3, elementwise_affine=False), nn.Linear(3, 1))
    const bytes = torchStyleFile([
      ['0.weight', [3, 2], w1],
      ['2.weight', [1, 3], w2],
      ['2.bias', [1], b2],
    ]);
    const skeleton = Sequential.create([
      Linear.create(2, 3, { bias: false }),
      LayerNorm.create(3, { elementwiseAffine: false }),
      Linear.create(3, 1),
    ]);
    const before = tf.memory().numTensors;
    const model = decodeStateDict(bytes, skeleton);
    // every leaf is a new tensor, the zero-size ones too (drawn from their ParamInit)
    assert.equal(tf.memory().numTensors, before + leafEntries(model).length);
    assert.ok(toArray(model).every((t) => t instanceof tf.Tensor));
    const x = tf.tensor2d(valuesFor([4, 2], 4), [4, 2]);
    const expected = tf.tidy(() => {
      const h = tf.matMul(x, tf.tensor2d(w1, [3, 2]), false, true);
      const mean = tf.mean(h, -1, true);
      const variance = tf.mean(tf.square(tf.sub(h, mean)), -1, true);
      const n = tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5)));
      return tf.add(tf.matMul(n, tf.tensor2d(w2, [1, 3]), false, true), tf.tensor1d(b2));
    });
    const y = apply(model as AnyModule<Tensor>, x) as Tensor;
    closeTo(y, expected);
    tf.dispose([x, y, expected]);
    dispose(model);
  });

  it('bias-free Conv2d, BatchNorm1d(affine=False), LSTMCell(bias=False) and packed MultiheadAttention(bias=False) from PyTorch-style files', () => {
    // Conv2d(2, 3, 2, bias=False): PyTorch weight [out, in, kh, kw]; input NCHW
    {
      const w = valuesFor([3, 2, 2, 2], 5);
      const conv = decodeStateDict(torchStyleFile([['weight', [3, 2, 2, 2], w]]), Conv2d.create(2, 3, 2, { bias: false }));
      const x = tf.tensor4d(valuesFor([1, 2, 3, 3], 6), [1, 2, 3, 3]);
      const expected = tf.tidy(() =>
        tf.transpose(
          tf.conv2d(
            tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D,
            tf.transpose(tf.tensor4d(w, [3, 2, 2, 2]), [2, 3, 1, 0]) as tf.Tensor4D,
            1,
            'valid',
          ),
          [0, 3, 1, 2],
        ),
      );
      const y = Conv2d.forward(conv, x);
      closeTo(y, expected);
      tf.dispose([x, y, expected]);
      dispose(conv);
    }
    // BatchNorm1d(3, affine=False), eval mode: (x - running_mean) / sqrt(running_var + eps)
    {
      const mean = [0.5, -1, 2];
      const variance = [1, 4, 0.25];
      const bytes = torchStyleFile([
        ['running_mean', [3], mean],
        ['running_var', [3], variance],
        ['num_batches_tracked', [], [7], 'I64'],
      ]);
      const bn = decodeStateDict(bytes, BatchNorm1d.create(3, { affine: false }));
      assert.deepEqual(Array.from(bn.numBatchesTracked.dataSync()), [7]);
      const x = tf.tensor2d([1, 1, 1, 2, 0, 2.5], [2, 3]);
      const y = BatchNorm1d.forward(bn, x);
      const e = [1, 1, 1, 2, 0, 2.5].map((v, i) => (v - mean[i % 3]!) / Math.sqrt(variance[i % 3]! + 1e-5));
      closeTo(y, tf.tensor2d(e, [2, 3]));
      tf.dispose([x, y]);
      dispose(bn);
    }
    // LSTMCell(2, 3, bias=False), zero state: c' = σ(i)·tanh(g), h' = σ(o)·tanh(c')
    {
      const wih = valuesFor([12, 2], 7);
      const whh = valuesFor([12, 3], 8);
      const cell = decodeStateDict(
        torchStyleFile([
          ['weight_ih', [12, 2], wih],
          ['weight_hh', [12, 3], whh],
        ]),
        LSTMCell.create(2, 3, { bias: false }),
      );
      const x = tf.tensor2d(valuesFor([2, 2], 9), [2, 2]);
      const [h, c] = LSTMCell.forward(cell, x);
      const [eh, ec] = tf.tidy(() => {
        const gates = tf.matMul(x, tf.tensor2d(wih, [12, 2]), false, true);
        const [i, , g, o] = tf.split(gates, 4, 1);
        const c1 = tf.mul(sigmoid(i!), tf.tanh(g!));
        return [tf.mul(sigmoid(o!), tf.tanh(c1)), c1];
      });
      closeTo(h, eh!);
      closeTo(c, ec!);
      tf.dispose([x, h, c, eh!, ec!]);
      dispose(cell);
    }
    // MultiheadAttention(4, 1, bias=False), self-attention: softmax(QKᵀ/√4) V W_oᵀ
    {
      const inProj = valuesFor([12, 4], 10);
      const outProj = valuesFor([4, 4], 11);
      const mha = decodeStateDict(
        torchStyleFile([
          ['in_proj_weight', [12, 4], inProj],
          ['out_proj.weight', [4, 4], outProj],
        ]),
        MultiheadAttention.create(4, 1, { bias: false }),
      );
      const x = tf.tensor3d(valuesFor([1, 3, 4], 12), [1, 3, 4]);
      const expected = tf.tidy(() => {
        const x2 = tf.reshape(x, [3, 4]);
        const [wq, wk, wv] = tf.split(tf.tensor2d(inProj, [12, 4]), 3, 0);
        const q = tf.matMul(x2, wq!, false, true);
        const k = tf.matMul(x2, wk!, false, true);
        const v = tf.matMul(x2, wv!, false, true);
        const attn = tf.softmax(tf.div(tf.matMul(q, k, false, true), 2));
        return tf.reshape(tf.matMul(tf.matMul(attn, v), tf.tensor2d(outProj, [4, 4]), false, true), [1, 3, 4]);
      });
      const y = MultiheadAttention.forward(mha, x);
      closeTo(y, expected);
      tf.dispose([x, y, expected]);
      dispose(mha);
    }
  });

  it('a non-empty tensor under an absent key is unexpected (strict), ignored (non-strict); an empty one is accepted', () => {
    const w = tf.ones([3, 2]);
    const bias = tf.ones([3]);
    const emptyBias = tf.zeros([0]);
    const layer = Linear.create(2, 3, { bias: false });
    const before = tf.memory().numTensors;
    assert.throws(
      () => loadStateDict(layer, { weight: w, bias }),
      (e: unknown) =>
        e instanceof StateDictError &&
        /unexpected key "bias": shape \[3\], float32 \(the module has no tensor there: field bias is a zero-size placeholder\)/.test(
          e.message,
        ),
    );
    assert.throws(
      () =>
        decodeStateDict(
          torchStyleFile([
            ['weight', [3, 2], valuesFor([3, 2], 1)],
            ['bias', [3], [1, 2, 3]],
          ]),
          layer,
        ),
      /unexpected key "bias"/,
    );
    assert.equal(tf.memory().numTensors, before, 'a failed load allocates nothing');
    const loose = loadStateDict(layer, { weight: w, bias }, { strict: false });
    assert.deepEqual(loose.bias.shape, [0]);
    const old = loadStateDict(layer, { weight: w, bias: emptyBias });
    assert.deepEqual(old.bias.shape, [0]);
    assert.notEqual(old.bias, emptyBias);
    dispose(loose);
    dispose(old);
    assert.equal(tf.memory().numTensors, before);
    // A layer that does have a bias still reports it missing.
    assert.throws(() => loadStateDict(Linear.create(2, 3), { weight: w }), /missing key "bias"/);
    tf.dispose([w, bias, emptyBias]);
  });

  it('an initialized module keeps its own placeholders (cloned) and round trips through encode/decode and saveModel/loadModel', () => {
    // An array, not a tuple: MultiheadAttention takes more than one input, so a typed chain would refuse it.
    const layers: Array<AnyModule<ParamInit<Tensor>>> = [
      Linear.create(3, 4, { bias: false }),
      BatchNorm1d.create(4, { affine: false, trackRunningStats: false }),
      MultiheadAttention.create(4, 2, { kdim: 3, vdim: 3, bias: false }),
    ];
    const net = Sequential.create(layers);
    const params = initialize(net)(random.key(1));
    const keys = ['0.weight', '2.q_proj_weight', '2.k_proj_weight', '2.v_proj_weight', '2.out_proj.weight'];
    assert.deepEqual(stateDictKeys(params), keys);
    const bytes = encodeStateDict(params);
    assert.deepEqual([...parseSafetensors(bytes).tensors.keys()].sort(), [...keys].sort());
    const back = decodeStateDict(bytes, params);
    const leaves = leafEntries(params);
    leafEntries(back).forEach(([info, t], i) => {
      const [, orig] = leaves[i]!;
      assert.notEqual(t, orig, `${info.path} is new`);
      assert.deepEqual(t.shape, orig.shape, info.path);
      assert.equal(t.dtype, orig.dtype, info.path);
      assert.deepEqual(Array.from(t.dataSync()), Array.from(orig.dataSync()), info.path);
    });
    dispose(back);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallax-absent-'));
    try {
      const file = path.join(dir, 'model.safetensors');
      saveModelSync(file, params);
      const loaded = loadModelSync(file, { expect: Sequential });
      assert.equal(loaded.layers.length, 3);
      const loadedLeaves = leafEntries(loaded);
      assert.deepEqual(
        loadedLeaves.map(([i, t]) => [i.path, t.shape, t.dtype]),
        leaves.map(([i, t]) => [i.path, t.shape, t.dtype]),
      );
      // the BatchNorm's absent num_batches_tracked keeps its int32 dtype
      assert.equal(loadedLeaves.find(([i]) => i.path === 'layers.1.numBatchesTracked')![1].dtype, 'int32');
      dispose(loaded);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    dispose(params);
  });
});
