/**
 * Sequential (composition, state threading through a stateful child, error paths, gradients), MLP
 * (against a composition of raw tfjs ops, dropout masks from the documented keys) and the
 * activation functions (against their formulas in plain JS).
 */
import { expect } from 'chai';
import * as O from 'fp-ts/lib/Option.js';
import { tf } from '../../src/engine/backend.js';
import { valueAndGrad } from '../../src/grad/valueAndGrad.js';
import { stateDictKeys } from '../../src/io/stateDictEntries.js';
import { initialize } from '../../src/init/initialize.js';
import { activation, activationNames } from '../../src/nn/Activation.js';
import { BatchNorm1d } from '../../src/nn/BatchNorm.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { MLP } from '../../src/nn/MLP.js';
import { Sequential } from '../../src/nn/Sequential.js';
import { bernoulli } from '../../src/random/bernoulli.js';
import { foldIn } from '../../src/random/foldIn.js';
import { newState, setMode } from '../../src/random/newState.js';
import { key } from '../../src/random/PRNGKey.js';
import { buffer, constant } from '../../src/tree/Field.js';
import {
  type AnyModule,
  applyWithState,
  defineModule,
  fromArray,
  leafInfos,
  type ModuleType,
  type Relabel,
  toArray,
} from '../../src/tree/Module.js';
import { checkGradients, expectClose, expectNoLeak, seeded, weightedSum } from './helpers.js';

type Tensor = tf.Tensor;

// A tiny stateful layer: y = x + offset; in its stateful pass it counts calls and sums its inputs.
const Counter = defineModule('test/nn/Counter', {
  name: 'Counter',
  fields: { calls: buffer(), total: buffer(), offset: constant<number>() },
  forward: (m, x: Tensor): Tensor => tf.add(x, m.offset),
  forwardWithState: (m, x: Tensor) =>
    tf.tidy(() => [tf.add(x, m.offset), { ...m, calls: tf.add(m.calls, 1), total: tf.add(m.total, tf.sum(x)) }] as never) as readonly [
      Tensor,
      typeof m,
    ],
});
type Counter<A> = ModuleType<typeof Counter, A>;
const counter = (offset: number): Counter<Tensor> => Counter.make({ calls: tf.scalar(0), total: tf.scalar(0), offset });

const seededModule = <M extends AnyModule<unknown>>(lazy: M, seed: number): Relabel<M, Tensor> =>
  fromArray(
    lazy,
    toArray(lazy).map((p, i) => seeded([...(p as { shape: number[] }).shape], seed + i)),
  );

/** x Wᵀ + b, written with raw ops. */
const dense = (x: Tensor, l: Linear<Tensor>): Tensor => tf.add(tf.matMul(x, tf.transpose(l.weight)), l.bias);

describe('nn.Sequential', () => {
  it('forward applies the layers in order', () => {
    const a = seededModule(Linear.create(3, 4), 1);
    const b = seededModule(Linear.create(4, 2), 5);
    const seq = Sequential.create([a, b]);
    const x = seeded([5, 3], 9);
    expectClose(Sequential.forward(seq, x) as Tensor, dense(dense(x, a), b), 1e-5);
    expect(Sequential.forward(Sequential.create([]), x)).to.equal(x);
    expect(leafInfos(seq).map((i) => i.path)).to.deep.equal(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
    // PyTorch's nn.Sequential state-dict keys
    expect(stateDictKeys(seq)).to.deep.equal(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(
      stateDictKeys(Sequential.create([Linear.create(2, 2), Sequential.create([Dropout.create(0.1), Linear.create(2, 1)])])),
    ).to.deep.equal(['0.weight', '0.bias', '1.1.weight', '1.1.bias']);
  });

  it('forwardWithState threads every child through applyWithState (a stateful child inside gets updated); forward does not', () => {
    const lin = seededModule(Linear.create(2, 2), 3);
    const seq = Sequential.create([counter(1), lin, counter(-2)]);
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const [y, next] = Sequential.forwardWithState(seq, x);
    const h = tf.add(x, 1);
    const h2 = dense(h, lin);
    expectClose(y as Tensor, tf.sub(h2, 2), 1e-5);
    const [c0, l1, c2] = next.layers as [Counter<Tensor>, Linear<Tensor>, Counter<Tensor>];
    expect(c0.calls.dataSync()[0]).to.equal(1);
    expect(c0.total.dataSync()[0]).to.be.closeTo(10, 1e-6);
    expect(c2.total.dataSync()[0]).to.be.closeTo(tf.sum(h2).dataSync()[0]!, 1e-4);
    expect(l1).to.equal(lin);
    // the input module is untouched (pure); a second step continues from the returned state
    expect((seq.layers[0] as Counter<Tensor>).calls.dataSync()[0]).to.equal(0);
    const [, next2] = applyWithState(next, x);
    expect(((next2 as typeof next).layers[0] as Counter<Tensor>).calls.dataSync()[0]).to.equal(2);
    // plain forward: same output, no state
    expectClose(Sequential.forward(seq, x) as Tensor, y as Tensor, 1e-6);
    // no stateful child: the same record comes back
    const plain = Sequential.create([lin]);
    expect(Sequential.forwardWithState(plain, x)[1]).to.equal(plain);
  });

  it('a BatchNorm1d inside a Sequential gets its running statistics updated by forwardWithState (train mode)', () => {
    const lin = seededModule(Linear.create(2, 3), 2);
    const bn = initialize(BatchNorm1d.create(3))(key(0));
    const seq = setMode(Sequential.create([lin, bn]), 'train');
    const x = tf.tensor2d([
      [1, -2],
      [0.5, 3],
      [2, 1],
      [-1, 0],
    ]);
    const [, next] = Sequential.forwardWithState(seq, x);
    const bnNext = next.layers[1] as typeof bn;
    // by hand: h = x Wᵀ + b; running_mean = 0.9·0 + 0.1·mean(h); running_var = 0.9·1 + 0.1·unbiased var(h)
    const h = dense(x, lin).arraySync() as number[][];
    const cols = [0, 1, 2].map((j) => h.map((r) => r[j]!));
    const mean = cols.map((c) => c.reduce((a, b) => a + b, 0) / c.length);
    const uvar = cols.map((c, j) => c.reduce((a, v) => a + (v - mean[j]!) ** 2, 0) / (c.length - 1));
    expectClose(
      bnNext.runningMean.dataSync(),
      mean.map((m) => 0.1 * m),
      1e-5,
    );
    expectClose(
      bnNext.runningVar.dataSync(),
      uvar.map((v) => 0.9 + 0.1 * v),
      1e-5,
    );
    expect(bnNext.numBatchesTracked.dataSync()[0]).to.equal(1);
    expect(next.layers[0]).to.equal(seq.layers[0]); // a stateless child is passed through as is
    // plain forward leaves the statistics where they were
    expect(Array.from((seq.layers[1] as typeof bn).runningMean.dataSync())).to.deep.equal([0, 0, 0]);
  });

  it('a nested Sequential threads state too, and errors name the full path', () => {
    const inner = Sequential.create([counter(0), seededModule(Linear.create(2, 3), 1)]);
    const outer = Sequential.create([inner, seededModule(Linear.create(3, 1), 4)]);
    const [, next] = Sequential.forwardWithState(outer, tf.ones([1, 2]));
    const innerNext = next.layers[0] as typeof inner;
    expect((innerNext.layers[0] as Counter<Tensor>).calls.dataSync()[0]).to.equal(1);
    expect(() => Sequential.forward(outer, tf.ones([1, 5]))).to.throw(
      /Linear at "layers\.0\.layers\.1": expected input of shape \[\.\.\., 2\], got \[1, 5\]/,
    );
    const bad = Sequential.create([seededModule(Linear.create(2, 3), 1), seededModule(Linear.create(4, 1), 1)]);
    expect(() => Sequential.forward(bad, tf.ones([1, 2]))).to.throw(
      /Linear at "layers\.1": expected input of shape \[\.\.\., 4\], got \[1, 3\]/,
    );
  });

  it('gradients through a Sequential match central finite differences; Dropout inside gets its key from newState', () => {
    const a = seededModule(Linear.create(3, 2), 1);
    const b = seededModule(Linear.create(2, 2), 4);
    const x = seeded([2, 3], 7);
    checkGradients(
      (wa, bb) =>
        weightedSum(
          Sequential.forward(
            Sequential.create([{ ...a, weight: wa } as Linear<Tensor>, { ...b, bias: bb } as Linear<Tensor>]),
            x,
          ) as Tensor,
        ),
      [a.weight, b.bias],
    );
    const seq = Sequential.create([a, Dropout.create(0.5), b]);
    const [train] = newState(seq, 'train')(key(3));
    const d = train.layers[1] as Dropout<Tensor>;
    const k = O.isSome(d.ctx.key) ? d.ctx.key.value : expect.fail('no key');
    const mask = tf.div(tf.cast(bernoulli(k, 0.5, [2, 2]), 'float32'), 0.5);
    expectClose(Sequential.forward(train, x) as Tensor, dense(tf.mul(dense(x, a), mask), b), 1e-5);
    const { value, grads } = valueAndGrad((m: typeof seq, xx: Tensor) => tf.sum(Sequential.forward(m, xx) as Tensor) as tf.Scalar)(seq, x);
    expect(toArray(grads).length).to.equal(4);
    tf.dispose([value, ...toArray(grads)]);
  });

  it('leaks no tensors (forward and forwardWithState)', () => {
    const seq = Sequential.create([counter(1), seededModule(Linear.create(2, 2), 3)]);
    const x = seeded([3, 2], 1);
    expectNoLeak(() => Sequential.forward(seq, x) as Tensor).dispose();
    const [y, next] = expectNoLeak(() => {
      const [out, m] = Sequential.forwardWithState(seq, x);
      return [out, (m.layers[0] as Counter<Tensor>).calls, (m.layers[0] as Counter<Tensor>).total] as const;
    });
    tf.dispose([y as Tensor, next]);
  });
});

describe('nn.MLP', () => {
  it('is Linear → activation → … → Linear, by raw ops; dropout after each hidden activation with reuse(dropout, i) keys', () => {
    const mlp = seededModule(MLP.create([3, 5, 4, 2], { activation: 'tanh', dropout: 0.25 }), 11);
    expect(leafInfos(mlp).map((i) => i.path)).to.deep.equal([
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'layers.1.bias',
      'layers.2.weight',
      'layers.2.bias',
    ]);
    const [l0, l1, l2] = mlp.layers as [Linear<Tensor>, Linear<Tensor>, Linear<Tensor>];
    const x = seeded([6, 3], 2);
    const evalRef = dense(tf.tanh(dense(tf.tanh(dense(x, l0)), l1)), l2);
    expectClose(MLP.forward(mlp, x), evalRef, 1e-5);
    const [train] = newState(mlp, 'train')(key(5));
    const k = O.isSome(train.dropout.ctx.key) ? train.dropout.ctx.key.value : expect.fail('no key');
    const mask = (i: number, shape: number[]): Tensor => tf.div(tf.cast(bernoulli(foldIn(k, i), 0.75, shape), 'float32'), 0.75);
    const trainRef = dense(tf.mul(tf.tanh(dense(tf.mul(tf.tanh(dense(x, l0)), mask(0, [6, 5])), l1)), mask(1, [6, 4])), l2);
    expectClose(MLP.forward(train, x), trainRef, 1e-5);
    const sig = seededModule(MLP.create([3, 2], { finalActivation: 'sigmoid' }), 1);
    expectClose(MLP.forward(sig, x), tf.sigmoid(dense(x, sig.layers[0] as Linear<Tensor>)), 1e-5);
  });

  it('default init is each Linear’s; bad sizes and activations are rejected; wrong input names the layer', () => {
    const mlp = initialize(MLP.create([4, 8, 2]))(key(0));
    expect(mlp.layers[0]!.weight.shape).to.deep.equal([8, 4]);
    expect(Math.max(...Array.from(mlp.layers[0]!.weight.dataSync()).map(Math.abs))).to.be.at.most(0.5);
    expect(() => MLP.create([4])).to.throw(/at least the input and output sizes/);
    expect(() => MLP.create([4, 2], { activation: 'swish' as never })).to.throw(/activation must be one of/);
    expect(() => MLP.forward(mlp, tf.ones([2, 3]))).to.throw(/Linear at "layers\.0": expected input of shape \[\.\.\., 4\], got \[2, 3\]/);
    expect(MLP.sizes(mlp)).to.deep.equal([4, 8, 2]);
    tf.dispose(toArray(mlp));
  });

  it('gradients match central finite differences; no leaks', () => {
    const mlp = seededModule(MLP.create([2, 3, 1], { activation: 'gelu' }), 3);
    const x = seeded([2, 2], 4);
    const [l0, l1] = mlp.layers as [Linear<Tensor>, Linear<Tensor>];
    checkGradients(
      (w0, b1) =>
        weightedSum(
          MLP.forward(
            {
              ...mlp,
              layers: [
                { ...l0, weight: w0 },
                { ...l1, bias: b1 },
              ],
            } as typeof mlp,
            x,
          ),
        ),
      [l0.weight, l1.bias],
    );
    expectNoLeak(() => MLP.forward(mlp, x)).dispose();
  });
});

describe('nn.activation', () => {
  // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): an erf independent of tfjs's.
  const erf = (x: number): number => {
    const s = Math.sign(x);
    const a = Math.abs(x);
    const t = 1 / (1 + 0.3275911 * a);
    const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
    return s * y;
  };
  const formulas: Record<string, (x: number) => number> = {
    relu: (x) => Math.max(0, x),
    gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
    geluTanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
    silu: (x) => x / (1 + Math.exp(-x)),
    tanh: Math.tanh,
    sigmoid: (x) => 1 / (1 + Math.exp(-x)),
    leakyRelu: (x) => (x >= 0 ? x : 0.01 * x),
    elu: (x) => (x >= 0 ? x : Math.exp(x) - 1),
    identity: (x) => x,
  };
  it('every named activation matches its formula (PyTorch defaults: leaky slope 0.01, elu alpha 1)', () => {
    const xs = [-3, -1.2, -0.3, 0, 0.4, 1, 2.5];
    const x = tf.tensor1d(xs);
    for (const name of activationNames) {
      expectClose(activation(name)(x).dataSync(), xs.map(formulas[name]!), 1e-5);
    }
    expect(() => activation('swish' as never)).to.throw(/unknown name "swish"/);
  });
});
