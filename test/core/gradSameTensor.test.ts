/**
 * One tensor placed in two fields (PyTorch-style tying `head.weight = embed.weight`) is two leaves
 * of the tree: each leaf gets the gradient of its own uses, at every step alike — as jax.grad does
 * for a pytree holding one array twice. (Sharing proper is one submodule used twice; see grad.test.)
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { valueAndGrad } from '../../src/grad/valueAndGrad.js';
import * as optim from '../../src/optim/index.js';
import { values } from '../support/tensors.js';
import { Toy, toy, type Toy as ToyT } from '../optim/toy.js';

type Tensor = tf.Tensor;

describe('valueAndGrad: one tensor held by two fields', () => {
  it('each field gets d(loss)/d(its own uses), the same at the first step and the next', () => {
    const x = tf.tensor1d([3, 4]);
    const y = tf.tensor1d([10, 20]);
    // loss = sum(a * x) + sum(b * y): d/da = x, d/db = y, whatever a and b hold.
    const loss = (m: ToyT<Tensor>) => tf.add(tf.sum(tf.mul(m.a, x)), tf.sum(tf.mul(m.b, y)));
    const shared = tf.tensor1d([1, 2]);
    const base = toy([0], [0]);
    const m0 = Toy.make({ a: shared, b: shared, stat: base.stat, label: 'tied' });
    const before = tf.memory().numTensors;
    const { value, grads } = valueAndGrad(loss)(m0);
    expect(values(value)).to.deep.equal([1 * 3 + 2 * 4 + 1 * 10 + 2 * 20]);
    expect(values(grads.a)).to.deep.equal([3, 4]);
    expect(values(grads.b)).to.deep.equal([10, 20]);
    // value + 3 gradient leaves (a, b, stat's zeros); the per-call handles are gone.
    expect(tf.memory().numTensors - before).to.equal(4);
    expect(values(shared)).to.deep.equal([1, 2], 'the input is untouched');

    const m1 = optim.applyUpdates(m0, grads);
    const g1 = valueAndGrad(loss)(m1);
    expect(values(g1.grads.a)).to.deep.equal([3, 4]);
    expect(values(g1.grads.b)).to.deep.equal([10, 20]);
    dispose([value, grads, m1, g1, shared, base, x, y]);
  });

  it('an aux output returning the second holder gives the caller a live tensor', () => {
    const shared = tf.tensor1d([5, 6]);
    const base = toy([0], [0]);
    const m = Toy.make({ a: shared, b: shared, stat: base.stat, label: 'tied' });
    const { value, grads, aux } = valueAndGrad((mm: ToyT<Tensor>) => ({ loss: tf.sum(tf.mul(mm.a, mm.b)), aux: { b: mm.b } }))(m);
    // d/da sum(a*b) = b, d/db = a.
    expect(values(grads.a)).to.deep.equal([5, 6]);
    expect(values(grads.b)).to.deep.equal([5, 6]);
    expect(aux.b.isDisposed).to.equal(false);
    expect(values(aux.b)).to.deep.equal([5, 6]);
    dispose([value, grads, aux.b !== shared ? aux.b : null, shared, base]);
  });
});
