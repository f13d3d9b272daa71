/** Masking, freezing and partitioning; buffers; state ownership, disposal and printing. */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose, forEachTensor } from '../../src/engine/memory.js';
import * as optim from '../../src/optim/index.js';
import { mapModuleWithInfo } from '../../src/tree/Module.js';
import { expectClose, values } from '../support/tensors.js';
import { Toy, toy, type Toy as ToyT } from './toy.js';

type Tensor = tf.Tensor;

const A0 = [0.5, -1.5, 2];
const B0 = [0.25, -0.75];
const GA = [0.1, -0.2, 0.3];
const GB = [0.4, -1];

const grads = (like: ToyT<Tensor>): ToyT<Tensor> =>
  Toy.make({ a: tf.tensor1d(GA), b: tf.tensor1d(GB), stat: tf.tensor1d([5]), label: like.label });

/** Two steps of `opt` with the same gradients; returns the final params (caller disposes) and the last state. */
const twoSteps = <S>(opt: optim.GradientTransformation<S>) => {
  let params = toy(A0, B0);
  let state = opt.init(params);
  for (let s = 0; s < 2; s++) {
    const g = grads(params);
    const [u, next] = opt.update(g, state, params);
    const p2 = optim.applyUpdates(params, u);
    dispose([params, state, g, u]);
    params = p2;
    state = next;
  }
  return { params, state };
};

/** Adam on plain numbers, two steps of the same gradient. */
const adamRef = (p: number, g: number, lr = 0.01): number => {
  let m = 0;
  let v = 0;
  for (let t = 1; t <= 2; t++) {
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    p -= (lr * (m / (1 - 0.9 ** t))) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
  }
  return p;
};

describe('optim: freezing, masking, partitioning', () => {
  let before = 0;
  beforeEach(() => (before = tf.memory().numTensors));
  afterEach(() => expect(tf.memory().numTensors).to.equal(before, 'no tensor leaks'));

  it('trainOnly (path predicate): frozen leaves keep their exact values and get no optimizer state', () => {
    const { params, state } = twoSteps(optim.trainOnly(optim.adam(0.01), (info) => info.path === 'b'));
    expect(values(params.a)).to.deep.equal(Array.from(new Float32Array(A0)));
    expectClose(
      values(params.b),
      B0.map((p, i) => adamRef(p, GB[i]!)),
      1e-5,
      1e-7,
      'b',
    );
    // Typed for the model: the moments are Toys (no cast), with `null` where nothing is trained.
    const adamState = state[0];
    const mu: ToyT<Tensor | null> = adamState.mu;
    expect(mu.a).to.equal(null);
    expect(adamState.nu.a).to.equal(null);
    expect(mu.b).to.be.instanceOf(tf.Tensor);
    expect(mu.stat).to.equal(null, 'buffers have no state');
    expect(mu.label).to.equal('toy', "moments keep the model's constants");
    dispose([params, state]);
  });

  it('trainOnly with a boolean mask tree is the same as with the predicate', () => {
    const template = toy(A0, B0);
    const mask = mapModuleWithInfo(template, (info) => info.path === 'b');
    const byTree = twoSteps(optim.trainOnly(optim.adam(0.01), mask));
    const byPath = twoSteps(optim.trainOnly(optim.adam(0.01), (info) => info.path === 'b'));
    expect(values(byTree.params.b)).to.deep.equal(values(byPath.params.b));
    expect(values(byTree.params.a)).to.deep.equal(values(byPath.params.a));
    dispose([template, byTree, byPath]);
  });

  it('masked (optax semantics): unselected updates pass through the inner transform unchanged', () => {
    // Weight decay on `a` only, then SGD: a ← a - lr (g + wd a), b ← b - lr g.
    const opt = optim.chain(
      optim.masked(optim.addDecayedWeights(0.5), (info) => info.path === 'a'),
      optim.sgd(0.1),
    );
    const { params, state } = twoSteps(opt);
    const a = A0.map((p, i) => {
      for (let t = 0; t < 2; t++) p = p - 0.1 * (GA[i]! + 0.5 * p);
      return p;
    });
    const b = B0.map((p, i) => p - 2 * 0.1 * GB[i]!);
    expectClose(values(params.a), a, 1e-6, 1e-7, 'a');
    expectClose(values(params.b), b, 1e-6, 1e-7, 'b');
    dispose([params, state]);
  });

  it('adamw mask: weight decay only where the mask selects', () => {
    const { params, state } = twoSteps(optim.adamw(0.01, { weightDecay: 0.5, mask: (info) => info.path === 'a' }));
    expectClose(
      values(params.b),
      B0.map((p, i) => adamRef(p, GB[i]!)),
      1e-5,
      1e-7,
      'b (no decay)',
    );
    const a = A0.map((p, i) => {
      let m = 0;
      let v = 0;
      const g = GA[i]!;
      for (let t = 1; t <= 2; t++) {
        m = 0.9 * m + 0.1 * g;
        v = 0.999 * v + 0.001 * g * g;
        p -= 0.01 * (m / (1 - 0.9 ** t) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8) + 0.5 * p);
      }
      return p;
    });
    expectClose(values(params.a), a, 1e-5, 1e-7, 'a (decayed)');
    dispose([params, state]);
  });

  it('partition: a transformation per label, freeze() leaves its group untouched and stateless', () => {
    const opt = optim.partition({ fast: optim.sgd(0.1, { momentum: 0.9 }), frozen: optim.freeze() }, (info) =>
      info.path === 'a' ? 'fast' : 'frozen',
    );
    const { params, state } = twoSteps(opt);
    // Momentum SGD, two steps of the same gradient: t1 = g, t2 = g + 0.9 g.
    expectClose(
      values(params.a),
      A0.map((p, i) => p - 0.1 * GA[i]! - 0.1 * 1.9 * GA[i]!),
      1e-6,
      1e-7,
      'a',
    );
    expect(values(params.b)).to.deep.equal(Array.from(new Float32Array(B0)));
    expect(state.frozen).to.deep.equal({});
    const [momentum] = state.fast;
    expect('trace' in momentum && momentum.trace.b).to.equal(null);
    expect('trace' in momentum && momentum.trace.a).to.be.instanceOf(tf.Tensor);
    dispose([params, state]);
    const other = toy(A0, B0);
    expect(() => optim.partition({ x: optim.sgd(1) }, () => 'y').init(other)).to.throw(/label "y"/);
    dispose(other);
  });

  it('update neither frees nor reuses its inputs: every returned tensor is a new handle', () => {
    const params = toy(A0, B0);
    const opt = optim.chain(
      optim.clipByGlobalNorm(10),
      optim.masked(optim.adam(0.1), (i) => i.path === 'a'),
    );
    const state = opt.init(params);
    const g = grads(params);
    const [u, next] = opt.update(g, state, params);
    const inputs = new Set<Tensor>();
    forEachTensor([params, state, g], (t) => void inputs.add(t));
    forEachTensor([u, next], (t) => expect(inputs.has(t)).to.equal(false));
    forEachTensor([params, state, g], (t) => expect(t.isDisposed).to.equal(false));
    dispose([params, state, g, u, next]);
  });

  it('dispose(state) frees a whole optimizer state; showState prints counts, moments and nulls', () => {
    const params = toy(A0, B0);
    const n0 = tf.memory().numTensors;
    const opt = optim.trainOnly(optim.adamw(0.1), (info) => info.path === 'a');
    const state = opt.init(params);
    expect(tf.memory().numTensors).to.equal(n0 + 2, 'one mu and one nu, for `a` only');
    const text = optim.showState(state);
    expect(text).to.match(/count: 0/);
    expect(text).to.match(/a: float32\[3\]/);
    expect(text).to.match(/b: null/);
    dispose(state);
    expect(tf.memory().numTensors).to.equal(n0);
    dispose(params);
  });
});
