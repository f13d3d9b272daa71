/**
 * trainStep's opt-in guard against NaN and infinity: `nonFinite: 'throw'` stops with a
 * NonFiniteError naming the step (and the parameters whose gradients are bad), `'skip'` leaves the
 * parameters and optimizer state as they were and reports `skipped: 1`. Either way nothing leaks
 * and the input state stays usable. Without the option a NaN loss trains into NaN parameters, as
 * before (the default is unchanged).
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import * as optim from '../../src/optim/index.js';
import { key } from '../../src/random/PRNGKey.js';
import { values } from '../support/tensors.js';
import { toy, type Toy } from './toy.js';

type Tensor = tf.Tensor;

// loss = sum(a * x) + b[0]: d/da = x, d/db = [1, 0]. A NaN in x makes the loss NaN.
const linear = (m: Toy<Tensor>, x: Tensor): Tensor => tf.add(tf.sum(tf.mul(m.a, x)), tf.reshape(tf.slice(m.b, [0], [1]), []));
// loss = sum(sqrt(a)) + b[0]: finite at a = [0, 4], but d/da = 1 / (2 sqrt(a)) is Infinity at 0.
const sqrtLoss = (m: Toy<Tensor>): Tensor => tf.add(tf.sum(tf.sqrt(m.a)), tf.reshape(tf.slice(m.b, [0], [1]), []));

describe("optim: trainStep's nonFinite guard", () => {
  it("'throw': a NaN loss is a NonFiniteError naming the step; the input state is untouched and nothing leaks", () => {
    const step = optim.trainStep({ loss: linear, optimizer: optim.adam(0.1), nonFinite: 'throw' });
    const good = tf.tensor1d([1, 2]);
    const bad = tf.tensor1d([1, Number.NaN]);
    const [s1] = step(step.init(toy([1, 2], [3]), key(0)), good);
    const a1 = values(s1.params.a);
    const before = tf.memory().numTensors;
    let caught: unknown;
    try {
      step(s1, bad);
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(optim.NonFiniteError);
    expect(caught).to.be.instanceOf(optim.OptimizerError);
    const e = caught as optim.NonFiniteError;
    expect(e.step).to.equal(1);
    expect(e.loss).to.be.NaN;
    expect(e.message).to.equal('trainStep: non-finite loss (NaN) at step 1; nothing was updated and the input state is unchanged');
    expect(tf.memory().numTensors).to.equal(before);
    // the input state is still usable: the next good step trains from it
    expect(values(s1.params.a)).to.deep.equal(a1);
    const [s2, m2] = step(s1, good);
    expect(Number.isFinite(m2.loss)).to.equal(true);
    expect(s2.step).to.equal(2);
    dispose([s2.params, s2.optState, good, bad]);
  });

  it("'throw': a finite loss with infinite gradients names the parameters whose gradients are bad", () => {
    const step = optim.trainStep({ loss: sqrtLoss, optimizer: optim.sgd(0.1), nonFinite: 'throw' });
    const s0 = step.init(toy([0, 4], [3]), key(0));
    const before = tf.memory().numTensors;
    let caught: unknown;
    try {
      step(s0, tf.scalar(0));
    } catch (e) {
      caught = e;
    }
    expect(tf.memory().numTensors).to.equal(before + 1); // the batch scalar made for the call
    const e = caught as optim.NonFiniteError;
    expect(e).to.be.instanceOf(optim.NonFiniteError);
    expect(e.loss).to.equal(0 + 2 + 3);
    expect(e.paths).to.deep.equal(['a']);
    expect(e.argument).to.equal('gradients');
    expect(e.message).to.equal(
      'trainStep: non-finite gradients at step 0 (gradients of a); nothing was updated and the input state is unchanged',
    );
    dispose([s0.params, s0.optState]);
  });

  it("'skip': the bad step changes only the key and the step count and says skipped: 1; training goes on", () => {
    const step = optim.trainStep({ loss: linear, optimizer: optim.sgd(0.5), nonFinite: 'skip' });
    const good = tf.tensor1d([1, 2]);
    const bad = tf.tensor1d([Infinity, 2]);
    const s0 = step.init(toy([1, 2], [3]), key(0));
    const [s1, m1] = step(s0, good);
    expect(m1.skipped).to.equal(0);
    const afterOne = tf.memory().numTensors;
    const [s2, m2] = step(s1, bad);
    expect(m2.skipped).to.equal(1);
    expect(m2.loss).to.equal(Infinity);
    expect(s2.params).to.equal(s1.params); // the very same tensors go on
    expect(s2.optState).to.equal(s1.optState);
    expect(s2.step).to.equal(2);
    expect(s2.key).not.to.deep.equal(s1.key);
    expect(tf.memory().numTensors).to.equal(afterOne);
    // a = [1, 2] - 0.5 * [1, 2] after the first step; the skipped step left it there; a good step moves on
    expect(values(s2.params.a)).to.deep.equal([0.5, 1]);
    const [s3, m3] = step(s2, good);
    expect(m3.skipped).to.equal(0);
    expect(values(s3.params.a)).to.deep.equal([0, 0]);
    expect(tf.memory().numTensors).to.equal(afterOne);
    dispose([s3.params, s3.optState, good, bad]);
  });

  it('without the option a NaN loss trains into NaN parameters (the unguarded default, unchanged)', () => {
    const step = optim.trainStep({ loss: linear, optimizer: optim.sgd(0.1) });
    const bad = tf.tensor1d([Number.NaN, 2]);
    const [s1, m1] = step(step.init(toy([1, 2], [3]), key(0)), bad);
    expect(m1.loss).to.be.NaN;
    expect(m1).not.to.have.property('skipped');
    expect(values(s1.params.a)[0]).to.be.NaN;
    dispose([s1.params, s1.optState, bad]);
  });
});
