/**
 * Input-driven depth and width never exhaust the JavaScript stack: a module tree nested 2,000 deep
 * and a Sequential 20,000 wide go through every tree operation (toArray, show, zipWith, getEq,
 * traverse), initialize → newState → forward → valueAndGrad → trainStep, and the error path that
 * names a failing submodule. Expectations are computed independently: paths spelled out, keys from
 * a hand-run chain of `split`, gradients derived by hand, losses in float64.
 */
import { expect } from 'chai';
import * as O from 'fp-ts/lib/Option.js';
import * as S from 'fp-ts/lib/State.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { valueAndGrad } from '../../src/grad/valueAndGrad.js';
import * as init from '../../src/init/index.js';
import { initialize } from '../../src/init/initialize.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { Sequential } from '../../src/nn/Sequential.js';
import * as optim from '../../src/optim/index.js';
import { newState } from '../../src/random/newState.js';
import { key, keyData, type PRNGKey } from '../../src/random/PRNGKey.js';
import { split } from '../../src/random/split.js';
import {
  type AnyModule,
  anyModules,
  apply,
  assertSameShape,
  context,
  count,
  defineModule,
  getEq,
  leafInfos,
  MAX_TREE_DEPTH,
  ModuleError,
  param,
  type ParamInit,
  paramInit,
  show,
  toArray,
  Traversable,
  zipWith,
} from '../../src/tree/index.js';
import { values } from '../support/tensors.js';

type Tensor = tf.Tensor;

const DEPTH = 2_000;
const WIDTH = 20_000;

/** A module that wraps one module: its output plus a bias of its own, and a stochastic context. */
const Nest = defineModule('test/reliability/Nest', {
  name: 'Nest',
  fields: { inner: anyModules(), bias: param(), ctx: context() },
  forward: (m, x: Tensor): Tensor => tf.add(apply(m.inner[0] as AnyModule<Tensor> as never, x) as Tensor, m.bias),
});

/** `depth` Nests around a Linear(2, 2). */
const nested = (depth: number, outFeatures = 2): AnyModule<ParamInit<Tensor>> => {
  let m = Linear.create(2, outFeatures) as unknown as AnyModule<ParamInit<Tensor>>;
  for (let i = 0; i < depth; i++) {
    m = Nest.make({ inner: [m], bias: paramInit([outFeatures], init.zeros), ctx: { mode: 'eval', key: O.none } }) as never;
  }
  return m;
};

/** The path of the innermost Linear: `inner.0.` once per level. */
const bottom = 'inner.0.'.repeat(DEPTH);

/** A module with one scalar weight: `x * w`. */
const Scale = defineModule('test/reliability/Scale', {
  name: 'Scale',
  fields: { w: param() },
  create: () => ({ w: paramInit([], init.ones) }),
  forward: (m, x: Tensor) => tf.mul(x, m.w),
});

describe('reliability: 2,000-deep module trees', () => {
  const tree = nested(DEPTH);

  it('toArray, count, leafInfos, show and getEq walk every level; paths are spelled out', () => {
    expect(count(tree)).to.equal(DEPTH + 2);
    const infos = leafInfos(tree);
    expect(infos[0]!.path).to.equal(`${bottom}weight`);
    expect(infos[1]!.path).to.equal(`${bottom}bias`);
    expect(infos[2]!.path).to.equal(`${'inner.0.'.repeat(DEPTH - 1)}bias`);
    expect(infos[infos.length - 1]!.path).to.equal('bias');
    expect(toArray(tree)).to.have.length(DEPTH + 2);
    const text = show(tree);
    const lines = text.split('\n');
    // a line per Nest, the Linear's line, a closing line per Nest, and the total
    expect(lines).to.have.length(2 * DEPTH + 2);
    expect(lines[DEPTH]).to.equal(`${'  '.repeat(DEPTH)}(inner.0): Linear(2, 2) { weight: uninitialized[2, 2], bias: uninitialized[2] }`);
    expect(lines[lines.length - 1]).to.equal(`${(2 * DEPTH + 6).toLocaleString('en-US')} parameters`);
    const E = getEq<unknown>({ equals: (a, b) => a === b });
    expect(E.equals(tree, tree)).to.equal(true);
    expect(E.equals(tree, nested(DEPTH))).to.equal(false); // other ParamInit objects
  });

  it('assertSameShape / zipWith name the full path of a difference at the bottom', () => {
    let caught: unknown;
    try {
      assertSameShape(tree, nested(DEPTH, 3));
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(ModuleError);
    expect((caught as ModuleError).message).to.equal(`trees differ at "${bottom}outFeatures": 2 vs 3`);
    expect((caught as ModuleError).path).to.have.length(2 * DEPTH + 1);
    const sums = zipWith(tree as AnyModule<ParamInit<Tensor>>, tree, (a, b) => a.shape.length + b.shape.length);
    expect(toArray(sums).slice(0, 3)).to.deep.equal([4, 2, 2]);
  });

  it('Traversable.traverse in State and Option at any depth', () => {
    const [numbered, n] = Traversable.traverse(S.Applicative)(tree as never, () => (i: number) => [i, i + 1] as [number, number])(0);
    expect(n).to.equal(DEPTH + 2);
    expect(toArray(numbered as AnyModule<number>).slice(-3)).to.deep.equal([DEPTH - 1, DEPTH, DEPTH + 1]);
    const some = Traversable.traverse(O.Applicative)(tree as never, (p: ParamInit<Tensor>) => O.some(p.shape.length));
    expect(O.isSome(some)).to.equal(true);
  });

  it('initialize → newState → forward → valueAndGrad → trainStep, with hand-derived values and flat memory', () => {
    const before = tf.memory().numTensors;
    const params = initialize(tree as never)(key(0)) as AnyModule<Tensor>;
    const leaves = toArray(params) as Tensor[];
    expect(leaves).to.have.length(DEPTH + 2);
    // newState: contexts in leaf order (the innermost Nest's first), each a key split off in turn
    const [trained, next] = newState(params, 'train')(key(7));
    let s: PRNGKey = key(7);
    const own: PRNGKey[] = [];
    for (let i = 0; i < DEPTH; i++) {
      const [s2, k] = split(s) as [PRNGKey, PRNGKey];
      own.push(k);
      s = s2;
    }
    expect(keyData(next)).to.deep.equal(keyData(s));
    const rootCtx = (trained as unknown as { ctx: { key: O.Option<PRNGKey> } }).ctx;
    expect(O.isSome(rootCtx.key) && keyData(rootCtx.key.value)).to.deep.equal(keyData(own[DEPTH - 1]!));

    // forward: the Linear's output (every bias is zero): y = x W^T + b
    const x = tf.tensor2d([[0.5, -2]]);
    const [w, b] = [values(leaves[0]!), values(leaves[1]!)];
    const out = tf.tidy(() => apply(trained as never, x) as Tensor); // the 2,000 intermediate sums are freed
    const y = values(out);
    const expected = [0, 1].map((j) => 0.5 * w[2 * j]! - 2 * w[2 * j + 1]! + b[j]!);
    expect(y[0]).to.be.closeTo(expected[0]!, 1e-5);
    expect(y[1]).to.be.closeTo(expected[1]!, 1e-5);

    // valueAndGrad of sum(y): every bias gets [1, 1]; the weight gets [[x0, x1], [x0, x1]]
    const { value, grads } = valueAndGrad((m: AnyModule<Tensor>, input: Tensor) => tf.sum(apply(m as never, input) as Tensor))(trained, x);
    const g = toArray(grads) as Tensor[];
    expect(values(g[0]!)).to.deep.equal([0.5, -2, 0.5, -2]);
    expect(values(g[1]!)).to.deep.equal([1, 1]);
    expect(values(g[g.length - 1]!)).to.deep.equal([1, 1]);
    dispose([value, grads]);

    // trainStep: each bias moves by -lr * 1; memory stays flat across steps
    const step = optim.trainStep({
      loss: (m: AnyModule<Tensor>, input: Tensor) => tf.sum(apply(m as never, input) as Tensor),
      optimizer: optim.sgd(0.1),
    });
    let state = step.init(params, key(1));
    const [s1, m1] = step(state, x);
    state = s1;
    const afterOne = tf.memory().numTensors;
    const [s2, m2] = step(state, x);
    state = s2;
    expect(tf.memory().numTensors).to.equal(afterOne);
    expect(values(toArray(state.params)[3] as Tensor)).to.deep.equal([-0.2, -0.2].map(Math.fround));
    expect(m2.loss).to.be.lessThan(m1.loss);
    dispose([state.params, x, out]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('valueAndGrad whose aux holds the 2,000-deep model next to a new tensor: aux handed over, the model record kept', () => {
    const params = initialize(tree as never)(key(0)) as AnyModule<Tensor>;
    const before = tf.memory().numTensors;
    const x = tf.ones([1, 2]);
    const { value, grads, aux } = valueAndGrad((m: AnyModule<Tensor>, input: Tensor) => {
      const y = apply(m as never, input) as Tensor;
      return { loss: tf.sum(y), aux: { y, model: m } };
    })(params, x);
    expect(aux.model).to.equal(params); // no tensor of its own was made in the loss: the very same record
    expect(aux.y.shape).to.deep.equal([1, 2]);
    dispose([value, grads, aux.y, x]);
    expect(tf.memory().numTensors).to.equal(before);
    dispose(params);
  });

  it('an error at the bottom names the whole path, as a ModuleError', () => {
    const params = initialize(tree as never)(key(0)) as AnyModule<Tensor>;
    const bad = tf.ones([1, 3]);
    let caught: unknown;
    try {
      apply(params as never, bad);
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(ModuleError);
    const e = caught as ModuleError;
    expect(e.moduleName).to.equal('Linear');
    expect(e.path).to.have.length(2 * DEPTH);
    expect(e.message.startsWith(`Linear at "${bottom.slice(0, -1)}": `)).to.equal(true);
    dispose([params, bad]);
  });

  it('a cyclic tree is a ModuleError, not a walk that never ends', () => {
    const Bag = defineModule('test/reliability/Bag', { name: 'Bag', fields: { layers: anyModules() } });
    const layers: AnyModule<never>[] = [];
    const loop = Bag.make({ layers }) as AnyModule<never>;
    layers.push(loop);
    expect(() => toArray(loop)).to.throw(ModuleError, new RegExp(`nested deeper than ${MAX_TREE_DEPTH} levels`));
    expect(() => show(loop)).to.throw(ModuleError, /nested deeper than/);
    expect(getEq<never>({ equals: () => true }).equals(loop, loop)).to.equal(false);
  });
});

describe('reliability: 20,000-wide Sequentials', () => {
  it('newState hands 20,000 Dropouts their keys in order (a State traversal that does not nest 20,000 deep)', () => {
    const wide = Sequential.create(Array.from({ length: WIDTH }, () => Dropout.create(0.5)));
    const [trained, next] = newState(wide, 'train')(key(3));
    let s: PRNGKey = key(3);
    const own: PRNGKey[] = [];
    for (let i = 0; i < WIDTH; i++) {
      const [s2, k] = split(s) as [PRNGKey, PRNGKey];
      own.push(k);
      s = s2;
    }
    expect(keyData(next)).to.deep.equal(keyData(s));
    const keyAt = (i: number): readonly [number, number] => {
      const d = trained.layers[i] as Dropout<never>;
      return O.isSome(d.ctx.key) ? keyData(d.ctx.key.value) : [-1, -1];
    };
    for (const i of [0, 1, WIDTH / 2, WIDTH - 1]) expect(keyAt(i)).to.deep.equal(keyData(own[i]!), `layer ${i}`);
  });

  it('Traversable.traverse in State numbers 20,000 leaves in order', () => {
    const wide = Sequential.create(Array.from({ length: WIDTH }, () => Scale.create()));
    const [numbered, n] = Traversable.traverse(S.Applicative)(wide as never, () => (i: number) => [i, i + 1] as [number, number])(0);
    expect(n).to.equal(WIDTH);
    const leaves = toArray(numbered as AnyModule<number>);
    expect([leaves[0], leaves[1], leaves[WIDTH - 1]]).to.deep.equal([0, 1, WIDTH - 1]);
    expect(show(wide).split('\n')).to.have.length(WIDTH + 3);
  });

  it('initialize → trainStep over 20,000 layers: the loss after one step is (1 - lr)^20000, memory flat', () => {
    const before = tf.memory().numTensors;
    const net = initialize(Sequential.create(Array.from({ length: WIDTH }, () => Scale.create())))(key(0));
    const lr = 1e-6;
    const step = optim.trainStep({
      loss: (m: typeof net, x: Tensor) => tf.sum(Sequential.forward(m, x) as Tensor),
      optimizer: optim.sgd(lr),
    });
    const x = tf.ones([1]);
    const [s1, m1] = step(step.init(net, key(1)), x);
    // loss = prod(w) = 1; d loss / d w_i = prod of the others = 1, so every w becomes 1 - lr
    expect(m1.loss).to.equal(1);
    const afterOne = tf.memory().numTensors;
    const [s2, m2] = step(s1, x);
    expect(tf.memory().numTensors).to.equal(afterOne);
    // the forward pass multiplies left to right in float32: the same product, rounded as tfjs rounds it
    const w = Math.fround(1 - Math.fround(lr));
    let expected = 1;
    for (let i = 0; i < WIDTH; i++) expected = Math.fround(expected * w);
    expect(m2.loss).to.equal(expected);
    expect(m2.loss).to.be.closeTo((1 - lr) ** WIDTH, 1e-3); // and near the exact value
    dispose([s2.params, x]);
    expect(tf.memory().numTensors).to.equal(before);
  });
});
