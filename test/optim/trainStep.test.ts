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
import { applyWithState, specOf } from '../../src/tree/Module.js';
import { expectClose, values } from '../support/tensors.js';
import { Toy, toy, type Toy as ToyT } from './toy.js';

type Tensor = tf.Tensor;

describe('optim: trainStep', () => {
  it('one SGD step matches the hand-derived update; buffers from applyWithState are kept; key and step advance', () => {
    const before = tf.memory().numTensors;
    // loss = sum(a * x) + b[0]: d/da = x, d/db = [1, 0]; stat ← 0.9 stat + 0.1 mean(x).
    const step = optim.trainStep({
      loss: (m: ToyT<Tensor>, x: Tensor) => {
        const [y, next] = applyWithState(m, x);
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
    // The state is typed for the model: Adam's moments are Toys, no cast.
    const mu: ToyT<Tensor | null> = s.optState[0].mu;
    expect(mu.a).to.equal(null);
    expect(mu.b).to.be.instanceOf(tf.Tensor);
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

  it('an optimizer step keeps the model: updates and moments are trees of its kind, applyUpdates and trainStep return its type', () => {
    const before = tf.memory().numTensors;
    const params: ToyT<Tensor> = toy([0.5, -1.5, 2], [0.25, -0.75], [1]);
    const opt = optim.chain(optim.clipByGlobalNorm(10), optim.adam(0.1));
    const state = opt.init(params);
    const grads = Toy.make({ a: tf.tensor1d([1, 1, 1]), b: tf.tensor1d([1, 0]), stat: tf.tensor1d([9]), label: 'toy' });
    const [updates, next] = opt.update(grads, state, params);
    // The updates are a Toy (same kind, same constants), with null at the buffer.
    const u: ToyT<Tensor | null> = updates;
    expect(specOf(u).URI).to.equal(Toy.URI);
    expect(u.label).to.equal('toy');
    expect(u.stat).to.equal(null);
    expect(u.a).to.be.instanceOf(tf.Tensor);
    // So is every moment of the new state, at its typed place.
    const [, [adamState, lrState]] = next;
    const nu: ToyT<Tensor | null> = adamState.nu;
    expect(specOf(nu).URI).to.equal(Toy.URI);
    expect(lrState.count).to.equal(1);
    const stepped: ToyT<Tensor> = optim.applyUpdates(params, updates);
    expect(specOf(stepped).URI).to.equal(Toy.URI);
    expect(stepped.label).to.equal('toy');
    expect(values(stepped.stat)).to.deep.equal([1], 'buffers are kept');
    dispose([params, state, grads, updates, next, stepped]);

    // trainStep: the state's params have the type (and kind) the step was given, step after step.
    const net = initialize(Sequential.create([Linear.create(3, 4), Dropout.create(0.5), Linear.create(4, 2)]))(key(3));
    const step = optim.trainStep({
      loss: (m: typeof net, x: Tensor) => tf.sum(Sequential.forward(m, x)),
      optimizer: optim.sgd(0.1, { momentum: 0.9 }),
    });
    const x = tf.ones([2, 3]);
    let s = step.init(net, key(4));
    for (let i = 0; i < 2; i++) s = step(s, x)[0];
    const trained: typeof net = s.params;
    expect(specOf(trained).URI).to.equal(Sequential.URI);
    expect(trained.layers.map((l) => specOf(l).name)).to.deep.equal(['Linear', 'Dropout', 'Linear']);
    expect(trained.layers[0].weight.shape).to.deep.equal([4, 3]);
    const [momentum] = s.optState;
    expect('trace' in momentum && specOf(momentum.trace).URI).to.equal(Sequential.URI);
    dispose([s.params, s.optState, x]);
    expect(tf.memory().numTensors).to.equal(before);
  });
});
