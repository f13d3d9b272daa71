/**
 * Edge cases a demanding user hits: errors thrown halfway through an optimizer or a training step
 * must free what was already computed (tf.memory().numTensors unchanged), degenerate clipping and
 * warm-up settings must not silently produce NaN or a zero learning rate.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import * as optim from '../../src/optim/index.js';
import { key } from '../../src/random/index.js';
import { values } from '../support/tensors.js';
import { toy, type Toy } from './toy.js';

type Tensor = tf.Tensor;

const grads = (): Toy<Tensor> => toy([0.1, -0.2], [0.3], [9]);

describe('optim: error paths free everything, degenerate settings stay finite', () => {
  it('chain: a link that throws (adamw update without params) leaves numTensors unchanged', () => {
    const p = toy([1, 2], [3]);
    const g = grads();
    const opt = optim.adamw(0.1);
    const state = opt.init(p);
    const before = tf.memory().numTensors;
    // scaleByAdam runs first (new moments and updates), then addDecayedWeights throws.
    expect(() => opt.update(g, state)).to.throw(/needs the current params/);
    expect(tf.memory().numTensors).to.equal(before);
    dispose([p, g, state]);
  });

  it("partition: a group whose transformation throws frees the other groups' updates and states", () => {
    const p = toy([1, 2], [3]);
    const g = grads();
    const opt = optim.partition({ first: optim.adam(0.1), second: optim.adamw(0.1) }, (info) => (info.path === 'a' ? 'first' : 'second'));
    const state = opt.init(p);
    const before = tf.memory().numTensors;
    expect(() => opt.update(g, state)).to.throw(/needs the current params/);
    expect(tf.memory().numTensors).to.equal(before);
    dispose([p, g, state]);
  });

  it('trainStep: a non-scalar metric is an error that leaks nothing and leaves the input state usable', () => {
    const step = optim.trainStep({
      loss: (m: Toy<Tensor>, x: Tensor) => ({ loss: tf.sum(tf.mul(m.a, x)), metrics: { bad: tf.ones([2]) } }),
      optimizer: optim.sgd(0.1),
    });
    const s0 = step.init(toy([1, 2], [3]), key(0));
    const x = tf.tensor1d([1, 1]);
    const before = tf.memory().numTensors;
    expect(() => step(s0, x)).to.throw(/metric "bad" must be a scalar, got shape \[2\]/);
    expect(tf.memory().numTensors).to.equal(before);
    expect(values(s0.params.a)).to.deep.equal([1, 2]);
    dispose([s0.params, s0.optState, x]);
  });

  it('clipByGlobalNorm: all-zero gradients stay zero (no 0/0 NaN), also with maxNorm 0', () => {
    const z = toy([0, 0], [0]);
    for (const maxNorm of [1, 0]) {
      const [u] = optim.clipByGlobalNorm(maxNorm).update(z, {});
      expect([...values((u as Toy<Tensor>).a), ...values((u as Toy<Tensor>).b)]).to.deep.equal([0, 0, 0], `maxNorm ${maxNorm}`);
      dispose(u);
    }
    // maxNorm 0 clips any non-zero update to zero: (g / |g|) * 0.
    const g = grads();
    const [u] = optim.clipByGlobalNorm(0).update(g, {});
    expect([...values((u as Toy<Tensor>).a), ...values((u as Toy<Tensor>).b)].map(Math.abs)).to.deep.equal([0, 0, 0]);
    dispose([u, g, z]);
    expect(() => optim.clipByGlobalNorm(-1)).to.throw(/maxNorm/);
  });

  it('linearWarmup over zero steps starts at the peak (no warm-up), not at 0 forever', () => {
    const lr = optim.linearWarmup(0.1, 0);
    expect([lr(0), lr(1), lr(100)]).to.deep.equal([0.1, 0.1, 0.1]);
    // warm-up over n > 0 steps: init at count 0, peak from count n on (optax linear_schedule).
    const w = optim.linearWarmup(0.1, 4, 0.02);
    expect(w(0)).to.be.closeTo(0.02, 1e-15);
    expect(w(2)).to.be.closeTo(0.06, 1e-15);
    expect([w(4), w(9)]).to.deep.equal([0.1, 0.1]);
  });

  it('warmupCosineDecay: decaySteps not past the warm-up is an error naming both numbers (decaySteps includes the warm-up)', () => {
    expect(() => optim.warmupCosineDecay(0, 1, 10, 10)).to.throw(/warmupCosineDecay: decaySteps \(10\).*warmupSteps \(10\)/);
    expect(() => optim.warmupCosineDecay(0, 1, 10, 5)).to.throw(/warmupCosineDecay: decaySteps \(5\)/);
    // warm-up 0: cosine from the peak at count 0; half-way at decaySteps / 2.
    const lr = optim.warmupCosineDecay(0, 1, 0, 10);
    expect(lr(0)).to.equal(1);
    expect(lr(5)).to.be.closeTo(0.5, 1e-15);
  });
});
