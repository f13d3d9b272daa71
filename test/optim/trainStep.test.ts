/** trainStep: one step equals the hand-derived update, buffers and keys threaded, freezing, no leaks. */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { Sequential } from '../../src/nn/Sequential.js';
import * as optim from '../../src/optim/index.js';
import { key, keyData } from '../../src/random/PRNGKey.js';
import { split } from '../../src/random/split.js';
import { applyWithState } from '../../src/tree/Module.js';
import { expectClose, values } from '../support/tensors.js';
import { Toy, toy, type Toy as ToyT } from './toy.js';

type Tensor = tf.Tensor;

describe('optim: trainStep', () => {
  it('one SGD step matches the hand-derived update; buffers from applyWithState are kept; key and step advance', () => {
    const before = tf.memory().numTensors;
    // loss = sum(a * x) + b[0]: d/da = x, d/db = [1, 0]; stat ← 0.9 stat + 0.1 mean(x).
    const step = optim.trainStep({
      loss: (m: ToyT<Tensor>, x: Tensor) => {
        const [y, next] = applyWithState<ToyT<Tensor>, [Tensor], Tensor>(m, x);
        return { loss: y, metrics: { twice: tf.mul(y, 2), const: 7 }, model: next };
      },
      optimizer: optim.sgd(0.1),
    });
    const x = tf.tensor1d([1, 2, -3]);
    const k = key(5);
    const s0 = step.init(toy([0.5, -1.5, 2], [0.25, -0.75], [1]), k);
    const [s1, metrics] = step(s0, x);
    const loss = 0.5 * 1 - 1.5 * 2 + 2 * -3 + 0.25;
    expect(metrics.loss).to.be.closeTo(loss, 1e-6);
    expect(metrics.twice).to.be.closeTo(2 * loss, 1e-5);
    expect(metrics.const).to.equal(7);
    expectClose(values(s1.params.a), [0.5 - 0.1, -1.5 - 0.2, 2 + 0.3], 1e-6, 1e-7, 'a');
    expectClose(values(s1.params.b), [0.25 - 0.1, -0.75], 1e-6, 1e-7, 'b');
    expectClose(values(s1.params.stat), [0.9 * 1 + 0.1 * 0], 1e-6, 1e-7, 'stat');
    expect(s1.step).to.equal(1);
    expect(keyData(s1.key)).to.deep.equal(keyData(split(k)[0]!));
    expect(s0.params.a.isDisposed).to.equal(true, 'the input state is consumed');
    dispose([s1.params, s1.optState, x]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('trainable: frozen leaves are unchanged and have no optimizer state', () => {
    const before = tf.memory().numTensors;
    const step = optim.trainStep({
      loss: (m: ToyT<Tensor>, x: Tensor) => Toy.forward(m, x),
      optimizer: optim.adam(0.1),
      trainable: (info) => info.path === 'b',
    });
    const x = tf.tensor1d([1, 2, -3]);
    let s = step.init(toy([0.5, -1.5, 2], [0.25, -0.75]), key(0));
    for (let i = 0; i < 3; i++) s = step(s, x)[0];
    expect(values(s.params.a)).to.deep.equal(Array.from(new Float32Array([0.5, -1.5, 2])));
    expect(values(s.params.b)[0]).to.not.equal(Math.fround(0.25));
    const mu = (s.optState[0] as optim.ScaleByAdamState).mu as ToyT<Tensor | null>;
    expect(mu.a).to.equal(null);
    dispose([s.params, s.optState, x]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('keeps tf.memory().numTensors flat over 1,000 steps (MLP with dropout, Adam with clipping and a schedule)', function () {
    this.timeout(60_000);
    const net = initialize(Sequential.create([Linear.create(3, 8), Dropout.create(0.25), Linear.create(8, 2)]))(key(1));
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 7);
    const y = tf.randomNormal([4, 2], 0, 1, 'float32', 8);
    const step = optim.trainStep({
      loss: (m: typeof net, batch: { x: Tensor; y: Tensor }) => {
        const out = Sequential.forward(m, batch.x) as Tensor;
        return { loss: tf.mean(tf.square(tf.sub(out, batch.y))), metrics: { maxAbs: tf.max(tf.abs(out)) } };
      },
      optimizer: optim.chain(optim.clipByGlobalNorm(1), optim.adamw(optim.warmupCosineDecay(0, 1e-2, 50, 1000))),
    });
    let s = step.init(net, key(2));
    let first = 0;
    let firstLoss = 0;
    let lastLoss = 0;
    for (let i = 0; i < 1000; i++) {
      const [next, m] = step(s, { x, y });
      s = next;
      if (i === 0) firstLoss = m.loss;
      lastLoss = m.loss;
      if (i === 9) first = tf.memory().numTensors;
      if (i > 9 && i % 100 === 0) expect(tf.memory().numTensors).to.equal(first, `step ${i}`);
    }
    expect(tf.memory().numTensors).to.equal(first);
    expect(lastLoss).to.be.lessThan(firstLoss, 'it trains');
    dispose([s.params, s.optState, x, y]);
  });
});
