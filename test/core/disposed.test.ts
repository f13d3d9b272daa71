/**
 * Every error is the library's (the reproduction 7, in-memory parts): a disposed tensor in a
 * module or an input is named by its path and said to be disposed — tfjs alone says "Cannot read
 * properties of undefined (reading 'backend')" — and wrong argument types name the argument.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { GradError } from '../../src/grad/GradError.js';
import { valueAndGrad } from '../../src/grad/valueAndGrad.js';
import { initialize } from '../../src/init/initialize.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { Sequential } from '../../src/nn/Sequential.js';
import * as optim from '../../src/optim/index.js';
import { newState, reuse } from '../../src/random/newState.js';
import { key } from '../../src/random/PRNGKey.js';
import { RandomError } from '../../src/random/RandomError.js';
import { anyModules, apply, defineModule, fromArray, ModuleError, specOf, toArray, zipWith } from '../../src/tree/index.js';

type Tensor = tf.Tensor;

const caught = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

const net = () => initialize(Sequential.create([Linear.create(2, 3), Dropout.create(0.5), Linear.create(3, 1)]))(key(0));

describe('disposed tensors are named by path, as the library’s errors', () => {
  it('a forward pass: a disposed weight deep in a Sequential, or a disposed input', () => {
    const m = net();
    const x = tf.ones([4, 2]);
    (m.layers[2] as Linear<Tensor>).weight.dispose();
    const e = caught(() => Sequential.forward(m, x));
    expect(e).to.be.instanceOf(ModuleError);
    expect(e.message).to.match(
      /^Linear at "layers\.2": field "weight" holds a disposed tensor \(float32\[1, 3\]\): it was freed \(by dispose, by tidy, or by a trainStep/,
    );
    expect((e as ModuleError).path).to.deep.equal(['layers', '2']);
    const fresh = initialize(Linear.create(2, 3))(key(1));
    x.dispose();
    const e2 = caught(() => Linear.forward(fresh, x));
    expect(e2).to.be.instanceOf(ModuleError);
    expect(e2.message).to.match(/^Linear at the root module: input 0 is a disposed tensor \(float32\[4, 2\]\)/);
    dispose([m, fresh]);
  });

  it('valueAndGrad: a disposed leaf or input (also inside a batch record) is a GradError with the path', () => {
    const m = net();
    const loss = (model: typeof m, batch: { x: Tensor; y: Tensor }) =>
      tf.mean(tf.square(tf.sub(Sequential.forward(model, batch.x), batch.y)));
    const x = tf.ones([4, 2]);
    const y = tf.zeros([4, 1]);
    y.dispose();
    const before = tf.memory().numTensors;
    const e = caught(() => valueAndGrad(loss)(m, { x, y }));
    expect(e).to.be.instanceOf(GradError);
    expect(e.message).to.match(/^valueAndGrad: the loss's argument 1\.y \(after the module\) is a disposed tensor \(float32\[4, 1\]\)/);
    expect((e as GradError).argument).to.equal('argument 1');
    (m.layers[0] as Linear<Tensor>).bias.dispose();
    const e2 = caught(() => valueAndGrad(loss)(m, { x, y: tf.zeros([4, 1]) }));
    expect(e2).to.be.instanceOf(GradError);
    expect((e2 as GradError).path).to.equal('layers.0.bias');
    expect(e2.message).to.match(/^valueAndGrad: leaf "layers\.0\.bias" is a disposed tensor \(float32\[3\]\)/);
    expect(tf.memory().numTensors).to.equal(before); // the bias freed, the zeros made for the second call: nothing else
    dispose([m, x]);
  });

  it('trainStep on a state a step already consumed: the message says which leaf and why', () => {
    const step = optim.trainStep({ loss: (m: Linear<Tensor>, x: Tensor) => tf.sum(Linear.forward(m, x)), optimizer: optim.sgd(0.1) });
    const s0 = step.init(initialize(Linear.create(2, 3))(key(0)), key(1));
    const x = tf.ones([4, 2]);
    const [s1] = step(s0, x);
    const e = caught(() => step(s0, x)); // s0 was consumed by the first step
    expect(e).to.be.instanceOf(GradError);
    expect(e.message).to.match(
      /^valueAndGrad: leaf "weight" is a disposed tensor .* or by a trainStep that consumed the state holding it\)/,
    );
    dispose([s1.params, s1.optState, x]);
  });

  it('zipWith and applyUpdates: a disposed leaf in either tree is named', () => {
    const p = initialize(Linear.create(2, 3))(key(0));
    const q = initialize(Linear.create(2, 3))(key(1));
    q.bias.dispose();
    const e = caught(() => zipWith(p, q, (a: Tensor, b: Tensor) => tf.add(a, b)));
    expect(e).to.be.instanceOf(ModuleError);
    expect(e.message).to.match(/^zipWith: at leaf "bias": the second tree's leaf is a disposed tensor \(float32\[3\]\)/);
    expect((e as ModuleError).path).to.deep.equal(['bias']);
    expect(e.cause).to.be.instanceOf(Error); // tfjs's own error, kept as the cause
    const e2 = caught(() => optim.applyUpdates(q, p));
    expect(e2.message).to.match(/^zipWith: at leaf "bias": the first tree's leaf is a disposed tensor/);
    dispose([p, q]);
  });
});

describe('wrong argument types name the argument', () => {
  it('valueAndGrad / grad', () => {
    const m = initialize(Linear.create(2, 3))(key(0));
    expect(caught(() => valueAndGrad(3 as never))).to.include({ name: 'GradError', argument: 'loss' });
    expect(caught(() => valueAndGrad((x: Linear<Tensor>) => tf.sum(x.weight), { trainable: 3 as never }))).to.include({
      argument: 'options.trainable',
    });
    expect(caught(() => valueAndGrad((x: Linear<Tensor>) => tf.sum(x.weight), { untrained: 'none' as never })).message).to.equal(
      "valueAndGrad: options.untrained must be 'zeros' or 'null', got \"none\"",
    );
    expect(caught(() => valueAndGrad((x: Linear<Tensor>) => tf.sum(x.weight))(null as never)).message).to.equal(
      'valueAndGrad: the first argument must be a module of tensors, got null',
    );
    expect(caught(() => valueAndGrad((x: Linear<Tensor>) => 3 as never)(m)).message).to.equal(
      'valueAndGrad: the loss function must return a tensor, got number',
    );
    dispose(m);
  });

  it('initialize, newState, reuse, and the tree functions', () => {
    expect(caught(() => initialize(Linear.create(2, 3))(42 as never))).to.be.instanceOf(RandomError);
    expect(caught(() => initialize(Linear.create(2, 3))(42 as never)).message).to.equal(
      'initialize: key must be a PRNGKey (made by key, split or foldIn), got 42',
    );
    expect(caught(() => newState(Dropout.create(0.5), 'training' as never))).to.include({ name: 'RandomError', argument: 'mode' });
    expect(caught(() => reuse(Dropout.create(0.5), -1)).message).to.equal(
      'reuse: the use index i must be a uint32 (an integer in [0, 2^32 - 1]), got -1',
    );
    expect(caught(() => specOf(3 as never))).to.be.instanceOf(ModuleError);
    expect(caught(() => toArray({} as never)).message).to.equal('expected a module record, got a plain object');
    expect(caught(() => fromArray(Linear.create(2, 3), [1]))).to.be.instanceOf(ModuleError);
    expect(caught(() => zipWith(Linear.create(2, 3), 3 as never, (a: unknown) => a)).message).to.equal(
      'trees differ at "(root)": expected a Linear module, got number',
    );
    expect(caught(() => apply(3 as never))).to.be.instanceOf(ModuleError);
    const Bag = defineModule('test/core/disposed/Bag', { name: 'Bag', fields: { layers: anyModules() } });
    expect(caught(() => Bag.make({ layers: [Linear.create(2, 3), 7] } as never)).message).to.equal(
      'Bag: field "layers" must be an array of modules, but element 1 is number',
    );
    // initialize names the leaf that is already a tensor
    const half = { ...Linear.create(2, 3), weight: tf.zeros([3, 2]) };
    const e = caught(() => initialize(half as never)(key(0)));
    expect(e).to.be.instanceOf(ModuleError);
    expect((e as ModuleError).path).to.deep.equal(['weight']);
    dispose(half.weight);
  });
});
