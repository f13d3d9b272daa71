/** Gradients over module trees: finite differences, shared parameters, purity, edge cases. */
import { expect } from 'chai';
import fc from 'fast-check';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { grad, valueAndGrad } from '../../src/grad/valueAndGrad.js';
import { initialize } from '../../src/init/initialize.js';
import { Linear } from '../../src/nn/Linear.js';
import { key } from '../../src/random/PRNGKey.js';
import { fromArray, leafInfos, toArray } from '../../src/tree/Module.js';
import { BinaryNetwork } from '../support/trees.js';
import { setMode } from '../../src/random/newState.js';
import { expectClose, values } from '../support/tensors.js';
import { TwoLayer, twoLayer, type TwoLayer as TwoLayerT } from '../support/mlp.js';

type Tensor = tf.Tensor;

/** Central finite differences of `f` with respect to every scalar of every leaf, in float64 on the host. */
const finiteDifferences = (leaves: Tensor[], f: (leaves: Tensor[]) => number, eps = 1e-2): number[][] =>
  leaves.map((leaf, li) => {
    const base = values(leaf);
    return base.map((_, j) => {
      const at = (delta: number): number =>
        tf.tidy(() => {
          const moved = base.slice();
          moved[j] = base[j]! + delta;
          const replaced = leaves.map((l, k) => (k === li ? tf.tensor(moved, leaf.shape) : l));
          return f(replaced);
        });
      return (at(eps) - at(-eps)) / (2 * eps);
    });
  });

describe('grad / valueAndGrad', () => {
  it('matches central finite differences on random small modules and inputs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 2 }),
        (sizes, seed, batch) => {
          const params = initialize(twoLayer(sizes, 0.7))(key(seed));
          const x = tf.randomNormal([batch, sizes[0]!], 0, 1, 'float32', seed);
          const loss = (m: TwoLayerT<Tensor>, input: Tensor): Tensor => tf.sum(tf.square(tf.sin(TwoLayer.forward(m, input))));
          const g = grad(loss)(params, x);
          const leaves = toArray(params) as Tensor[];
          const fd = finiteDifferences(leaves, (ls) => loss(fromArray(params, ls), x).dataSync()[0]!);
          (toArray(g) as Tensor[]).forEach((gl, i) => expectClose(values(gl), fd[i]!, 3e-2, 3e-3, leafInfos(params)[i]!.path));
          dispose([params, x, g]);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('gives a shared submodule the sum of the gradients of its uses', () => {
    // BinaryNetwork uses dense2 twice. Unrolled, the same math with two separate copies of dense2:
    const net = setMode(initialize(BinaryNetwork.create(5, 4))(key(3)), 'eval');
    const x = tf.randomNormal([5], 0, 1, 'float32', 9);
    const g = grad((m: BinaryNetwork<Tensor>, input: Tensor) => BinaryNetwork.forward(m, input))(net, x);
    const a = net.dense2.weight.clone();
    const ab = net.dense2.bias.clone();
    const b = net.dense2.weight.clone();
    const bb = net.dense2.bias.clone();
    const unrolled = (w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor): Tensor => {
      const l1 = { ...net.dense2, weight: w1, bias: b1 };
      const l2 = { ...net.dense2, weight: w2, bias: b2 };
      let h = tf.relu(Linear.forward(net.dense1, x));
      h = tf.relu(Linear.forward(l1, h));
      h = Linear.forward(l2, h);
      h = tf.relu(h);
      return tf.reshape(tf.sigmoid(Linear.forward(net.dense3, h)), []);
    };
    const parts = tf.grads(unrolled as (...xs: Tensor[]) => Tensor)([a, ab, b, bb]);
    expectClose(values(g.dense2.weight), values(tf.add(parts[0]!, parts[2]!)), 1e-5, 1e-7, 'dense2.weight');
    expectClose(values(g.dense2.bias), values(tf.add(parts[1]!, parts[3]!)), 1e-5, 1e-7, 'dense2.bias');
    dispose([net, x, g, a, ab, b, bb, parts]);
  });

  it('is pure: the input module keeps its values and gradients are new tensors', () => {
    const params = initialize(twoLayer([2, 3, 1]))(key(1));
    const before = (toArray(params) as Tensor[]).map(values);
    const x = tf.ones([4, 2]);
    const g = grad((m: TwoLayerT<Tensor>) => tf.sum(TwoLayer.forward(m, x)))(params);
    expect((toArray(params) as Tensor[]).map(values)).to.deep.equal(before);
    for (const [p, d] of toArray(params).map((p, i) => [p, toArray(g)[i]] as const)) expect(p).to.not.equal(d);
    expect(g.scale).to.equal(params.scale);
    dispose([params, x, g]);
  });

  it('gives zeros to leaves the loss does not use, and to leaves excluded by `trainable`', () => {
    const params = initialize(twoLayer([2, 3, 1]))(key(2));
    const x = tf.ones([1, 2]);
    const onlyFirst = (m: TwoLayerT<Tensor>): Tensor => tf.sum(Linear.forward(m.first, x));
    const g = grad(onlyFirst)(params);
    expect(values(g.rest[0]!.weight)).to.deep.equal([0, 0, 0]);
    expect(values(g.first.bias)).to.deep.equal([1, 1, 1]);
    const frozen = grad(onlyFirst, { trainable: (i) => !i.path.startsWith('first.') })(params);
    expect(values(frozen.first.bias)).to.deep.equal([0, 0, 0]);
    // With untrained: 'null', excluded leaves get nothing allocated; differentiated-but-unused still zeros.
    const before = tf.memory().numTensors;
    const sparse = grad(onlyFirst, { trainable: (i) => i.path !== 'first.weight', untrained: 'null' })(params);
    expect(sparse.first.weight).to.equal(null);
    expect(values(sparse.first.bias!)).to.deep.equal([1, 1, 1]);
    expect(values(sparse.rest[0]!.weight!)).to.deep.equal([0, 0, 0]);
    expect(tf.memory().numTensors - before).to.equal(3); // first.bias, rest.0.weight, rest.0.bias
    dispose([params, x, g, frozen, sparse]);
  });

  it('returns the value and an auxiliary output owned by the caller', () => {
    const params = initialize(Linear.create(2, 1))(key(4));
    const x = tf.tensor2d([[1, 2]]);
    const y = tf.tidy(() => values(Linear.forward(params, x)));
    const before = tf.memory().numTensors;
    const { value, grads, aux } = valueAndGrad((m: Linear<Tensor>, input: Tensor) => {
      const y = Linear.forward(m, input);
      return { loss: tf.sum(tf.square(y)), aux: { prediction: y } };
    })(params, x);
    expectClose(values(aux.prediction), y);
    expectClose(values(value), [y[0]! ** 2]);
    // d/dw (w·x + b)^2 = 2 (w·x + b) x
    expectClose(values(grads.weight), [2 * y[0]! * 1, 2 * y[0]! * 2], 1e-5);
    expect(tf.memory().numTensors - before).to.equal(4); // value, aux.prediction, 2 grads
    dispose([params, x, value, grads, aux]);
  });

  it('passes tensors from outside the loss (leaves, inputs) through aux untouched', () => {
    const params = initialize(Linear.create(2, 1))(key(6));
    const x = tf.tensor2d([[1, 2]]);
    const before = tf.memory().numTensors;
    const { value, grads, aux } = valueAndGrad((m: Linear<Tensor>, input: Tensor) => ({
      loss: tf.sum(Linear.forward(m, input)),
      aux: { model: m, input, twice: tf.mul(input, 2) },
    }))(params, x);
    expect(aux.model).to.equal(params);
    expect(aux.input).to.equal(x);
    expect(params.weight.isDisposed || x.isDisposed).to.equal(false);
    expect(values(aux.twice)).to.deep.equal([2, 4]);
    expect(tf.memory().numTensors - before).to.equal(4); // value, twice, 2 grads
    dispose([params, x, value, grads, aux.twice]);
  });

  it('rejects a non-scalar loss, naming the shape', () => {
    const params = initialize(Linear.create(2, 3))(key(5));
    const x = tf.ones([2]);
    const before = tf.memory().numTensors;
    expect(() => grad((m: Linear<Tensor>) => Linear.forward(m, x))(params)).to.throw(/scalar.*shape \[3\]/);
    expect(tf.memory().numTensors).to.equal(before);
    dispose([params, x]);
  });

  it('rejects an uninitialized module', () => {
    expect(() => grad((m: Linear<Tensor>) => tf.sum(m.weight))(Linear.create(2, 3) as never)).to.throw(/weight.*not a tensor/);
  });
});
