/**
 * Dtype discipline (issue 10, reproduction 2): a file that says `I32` where the module declares
 * float32 is refused by every loader, naming the key and both dtypes — never reinterpreted (the
 * audit saw 1059835903 where 0.67 was saved). `ParamInit` declares its dtype (float32 unless said
 * otherwise: BatchNorm's counter is int32), `initialize` keeps initializers to it, and a non-strict
 * state-dict load converts values numerically, as PyTorch's `copy_` does.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { decodeModel, encodeModel } from '../../src/io/model.js';
import { StateDictError } from '../../src/io/StateDictError.js';
import { decodeStateDict, encodeStateDict } from '../../src/io/stateDictFile.js';
import { BatchNorm1d } from '../../src/nn/BatchNorm.js';
import { Linear } from '../../src/nn/Linear.js';
import { sgd } from '../../src/optim/sgd.js';
import { initTrainState } from '../../src/optim/trainStep.js';
import { key } from '../../src/random/PRNGKey.js';
import { defineModule } from '../../src/tree/defineModule.js';
import { param } from '../../src/tree/Field.js';
import { isParamInit, paramDtype, paramInit } from '../../src/tree/ParamInit.js';
import { loadCheckpoint, loadModel, loadStateDictFile } from '../../src/node/index.js';

/** The bytes with every `"F32"` in the header replaced by `"I32"` (the same length: offsets stay valid). */
const f32AsI32 = (bytes: Uint8Array): Uint8Array => {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n)).replaceAll('"F32"', '"I32"');
  const out = bytes.slice();
  out.set(new TextEncoder().encode(header), 8);
  return out;
};

/** The int32 value whose bits are float32 `x`'s: what the audit's model got instead of `x`. */
const bitsOf = (x: number): number => new Int32Array(new Float32Array([x]).buffer)[0]!;

describe('io: dtype discipline', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallax-dtype-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("ParamInit declares its dtype: float32 by default, int32 for BatchNorm's counter; a record without one reads as float32", () => {
    assert.equal(paramDtype(paramInit([2], () => () => 0)), 'float32');
    assert.equal(paramDtype(paramInit([], () => () => 0, 'int32')), 'int32');
    assert.equal(paramDtype({ _tag: 'ParamInit', shape: [1], init: () => () => 0 }), 'float32');
    assert.throws(
      () => paramInit([1], () => () => 0, 'float64' as never),
      /paramInit: dtype must be one of float32, int32, bool, got "float64"/,
    );
    const bn = BatchNorm1d.create(3);
    assert.ok(isParamInit(bn.numBatchesTracked));
    assert.equal(paramDtype(bn.numBatchesTracked), 'int32');
    assert.equal(paramDtype(bn.runningMean), 'float32');
    assert.equal(paramDtype(BatchNorm1d.create(3, { trackRunningStats: false }).numBatchesTracked), 'int32');
  });

  it('initialize keeps every initializer to the dtype its ParamInit declares, naming the leaf, leaking nothing', () => {
    const Counter = defineModule('test/dtype/Counter', { name: 'Counter', fields: { w: param(), n: param() } });
    const undeclared = Counter.make({ w: paramInit([2], () => () => tf.ones([2])), n: paramInit([], () => () => tf.scalar(0, 'int32')) });
    const before = tf.memory().numTensors;
    assert.throws(() => initialize(undeclared)(key(0)), {
      message: `initialize: initializer of "n" returned a int32 tensor, but its ParamInit declares float32 (declare it: paramInit(shape, init, 'int32'))`,
    });
    assert.equal(tf.memory().numTensors, before);
    const declared = Counter.make({
      w: paramInit([2], () => () => tf.ones([2])),
      n: paramInit([], () => () => tf.scalar(0, 'int32'), 'int32'),
    });
    const m = initialize(declared)(key(0));
    assert.deepEqual([m.w.dtype, m.n.dtype], ['float32', 'int32']);
    dispose(m);
  });

  it('reproduction 2: "F32" → "I32" in a saved file is refused by loadModel, loadStateDictFile and loadCheckpoint (fresh template), naming key and dtypes', async () => {
    const lin = initialize(Linear.create(2, 3))(key(0));
    const before = tf.memory().numTensors;
    const model = path.join(dir, 'model.safetensors');
    const weights = path.join(dir, 'weights.safetensors');
    const checkpoint = path.join(dir, 'ckpt.safetensors');
    fs.writeFileSync(model, f32AsI32(encodeModel(lin)));
    fs.writeFileSync(weights, f32AsI32(encodeStateDict(lin)));
    const state = initTrainState(lin, sgd(0.1), key(1));
    fs.writeFileSync(checkpoint, f32AsI32(encodeCheckpoint(state)));

    const expected = [
      'cannot load state dict into Linear: 2 problems',
      '  - dtype mismatch for "weight": expected float32, got int32',
      '  - dtype mismatch for "bias": expected float32, got int32',
    ].join('\n');
    await assert.rejects(loadModel(model), (e: unknown) => e instanceof StateDictError && e.message === expected);
    await assert.rejects(
      loadStateDictFile(weights, Linear.create(2, 3)),
      (e: unknown) => e instanceof StateDictError && e.message === expected,
    );
    await assert.rejects(loadCheckpoint(checkpoint, { params: Linear.create(2, 3), optimizer: sgd(0.1) }), (e: unknown) => {
      assert.ok(e instanceof CheckpointError);
      assert.deepEqual(e.problems, [
        'wrong dtype: "params.weight" is int32[3, 2] in the checkpoint, the model expects float32[3, 2]',
        'wrong dtype: "params.bias" is int32[3] in the checkpoint, the model expects float32[3]',
      ]);
      return true;
    });
    assert.equal(tf.memory().numTensors, before);
    dispose(lin);
  });

  it("non-strict, an I32 file's values are converted to float32 as copy_ does: the integers, not their bits", () => {
    const lin = initialize(Linear.create(2, 3))(key(0));
    const saved = Array.from(lin.weight.dataSync());
    // The file's bytes, read as int32, are the float32 bits of the saved weights; copy_ turns each of
    // those integers into the nearest float32 (a huge number), never back into the saved weight.
    const loose = decodeStateDict(f32AsI32(encodeStateDict(lin)), Linear.create(2, 3), { strict: false });
    const weight = loose.weight as tf.Tensor;
    assert.equal(weight.dtype, 'float32');
    assert.deepEqual(
      Array.from(weight.dataSync()),
      saved.map((x) => Math.fround(bitsOf(x))),
    );
    dispose([lin, loose]);
  });

  it('a BatchNorm model round trips through a fresh template with its int32 counter; an F32 counter in the file is refused', () => {
    const bn = initialize(BatchNorm1d.create(2))(key(0));
    const back = decodeModel(encodeModel(bn), { expect: BatchNorm1d });
    assert.equal(back.numBatchesTracked.dtype, 'int32');
    const asFloat = encodeStateDict(bn, { dtypes: {} });
    const counterAsF32 = (() => {
      const n = new DataView(asFloat.buffer).getUint32(0, true);
      const header = new TextDecoder().decode(asFloat.subarray(8, 8 + n));
      const out = asFloat.slice();
      out.set(new TextEncoder().encode(header.replace(/("num_batches_tracked":\{"dtype":)"I32"/, '$1"F32"')), 8);
      return out;
    })();
    assert.throws(() => decodeStateDict(counterAsF32, BatchNorm1d.create(2)), {
      name: 'StateDictError',
      message: /dtype mismatch for "num_batches_tracked" \(field numBatchesTracked\): expected int32, got float32/,
    });
    const state = initTrainState(bn, sgd(0.1), key(1));
    const restored = decodeCheckpoint(encodeCheckpoint(state), { params: BatchNorm1d.create(2), optimizer: sgd(0.1) });
    assert.equal(restored.state.params.numBatchesTracked.dtype, 'int32');
    dispose([bn, back, restored.state.params, restored.state.optState]);
  });
});
