/**
 * Checkpoints of a model with BatchNorm (float32 running statistics and an int32 step counter,
 * all buffers) and Dropout (keys threaded), restored into a fresh, uninitialized template — the
 * documented way to resume — and continued bit-identically.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose, forEachTensor } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { BatchNorm1d } from '../../src/nn/BatchNorm.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { Sequential } from '../../src/nn/Sequential.js';
import * as optim from '../../src/optim/index.js';
import { Eq as KeyEq, key } from '../../src/random/PRNGKey.js';
import { applyWithState } from '../../src/tree/Module.js';

type Tensor = tf.Tensor;
type Net = Sequential<Tensor>;
type Batch = { x: Tensor; y: Tensor };

const net = () => Sequential.create([Linear.create(3, 4), BatchNorm1d.create(4), Dropout.create(0.5), Linear.create(4, 2)]);

const makeStep = () =>
  optim.trainStep({
    loss: (m: Net, b: Batch) => {
      // Net is a Sequential of any layers: its forward pass is typed `unknown` in and out.
      const [out, model] = applyWithState(m, b.x);
      return { loss: tf.mean(tf.square(tf.sub(out as Tensor, b.y))), model };
    },
    optimizer: optim.adamw(0.05, { weightDecay: 0.1 }),
  });

const batchAt = (step: number): Batch => ({
  x: tf.randomNormal([5, 3], 0, 1, 'float32', 300 + step),
  y: tf.randomNormal([5, 2], 0, 1, 'float32', 400 + step),
});

const train = <S>(step: optim.TrainStep<Net, Batch, S>, s: optim.TrainState<Net, S>, n: number) => {
  for (let i = 0; i < n; i++) {
    const b = batchAt(s.step);
    s = step(s, b)[0];
    dispose(b);
  }
  return s;
};

/** Every tensor as [dtype, raw 32-bit words], in traversal order. */
const bits = (u: unknown): Array<[string, number[]]> => {
  const out: Array<[string, number[]]> = [];
  forEachTensor(u, (t) => {
    const d = t.dataSync();
    const words = d instanceof Float32Array ? new Uint32Array(d.buffer, d.byteOffset, d.length) : Uint32Array.from(d as Int32Array);
    out.push([t.dtype, Array.from(words)]);
  });
  return out;
};

describe('io: checkpoints of a BatchNorm + Dropout model', () => {
  it('restore into Net.create() (uninitialized, int32 numBatchesTracked) and resume bit-identically', () => {
    const before = tf.memory().numTensors;
    const step = makeStep();
    const start = () => step.init(initialize(net())(key(5)) as unknown as Net, key(6));
    const straight = train(step, start(), 4);
    const bn = straight.params.layers[1] as unknown as BatchNorm1d<Tensor>;
    // The counter is a buffer: threaded by applyWithState, never touched by the optimizer.
    expect(bn.numBatchesTracked.dtype).to.equal('int32');
    expect(Array.from(bn.numBatchesTracked.dataSync())).to.deep.equal([4]);

    const half = train(step, start(), 2);
    const bytes = encodeCheckpoint(half);
    dispose([half.params, half.optState]);
    const { state } = decodeCheckpoint(bytes, { params: net(), optimizer: step.optimizer });
    const resumed = train(step, state, 2);

    expect(resumed.step).to.equal(4);
    expect(KeyEq.equals(resumed.key, straight.key)).to.equal(true);
    expect(bits(resumed.params)).to.deep.equal(bits(straight.params));
    expect(bits(resumed.optState)).to.deep.equal(bits(straight.optState));
    dispose([straight.params, straight.optState, resumed.params, resumed.optState]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('a dtype mismatch against an initialized template is reported as a dtype mismatch, with both dtypes', () => {
    const step = makeStep();
    const s = step.init(initialize(net())(key(1)) as unknown as Net, key(2));
    const bytes = encodeCheckpoint(s);
    const bn = s.params.layers[1] as unknown as BatchNorm1d<Tensor>;
    const counter = tf.scalar(0, 'float32');
    const wrong = { ...s.params, layers: s.params.layers.map((l, i) => (i === 1 ? { ...bn, numBatchesTracked: counter } : l)) } as Net;
    const before = tf.memory().numTensors;
    let err: unknown;
    try {
      decodeCheckpoint(bytes, { params: wrong, optimizer: step.optimizer });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(CheckpointError);
    expect((err as CheckpointError).problems).to.deep.equal([
      'wrong dtype: "params.layers.1.numBatchesTracked" is int32[] in the checkpoint, the model expects float32[]',
    ]);
    expect(tf.memory().numTensors).to.equal(before);
    dispose([s.params, s.optState, counter]);
  });
});
