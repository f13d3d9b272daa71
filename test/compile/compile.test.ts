/**
 * `compile`'s contract beyond exactness: what it records anew, what it refuses, ownership, memory,
 * check mode, and falling back where a replay cannot be faithful.
 */
import { expect } from 'chai';
import {
  advanceCounter,
  compile,
  CompileError,
  type CompilePart,
  compileSelf,
  counterScalar,
  dispose,
  keyedTensor,
  initialize,
  losses,
  nn,
  optim,
  random,
  ready,
  tf,
} from '../../src/index.js';

type Tensor = tf.Tensor;
const values = (t: Tensor): number[] => Array.from(t.dataSync());

describe('compile', () => {
  it('replays with the new call’s tensors and records anew for a new shape, dtype or static value', () => {
    const f = compile((x: Tensor, scale: number) => tf.mul(tf.add(x, 1), scale));
    const a = f(tf.tensor1d([1, 2]), 3);
    const b = f(tf.tensor1d([5, -1]), 3);
    expect(values(a)).to.deep.equal([6, 9]);
    expect(values(b)).to.deep.equal([18, 0]); // (5 + 1)·3, (−1 + 1)·3: the second call's data
    expect(f.stats()).to.deep.include({ recordings: 1, replays: 1 });
    const c = f(tf.tensor1d([1, 2, 3]), 3); // new shape
    const d = f(tf.tensor1d([1, 2]), 10); // new static number
    const e = f(tf.tensor1d([1, 2], 'int32'), 3); // new dtype
    expect(values(c)).to.deep.equal([6, 9, 12]);
    expect(values(d)).to.deep.equal([20, 30]);
    expect(values(e)).to.deep.equal([6, 9]);
    expect(f.stats()).to.deep.include({ recordings: 4, replays: 1, cached: 4 });
    dispose([a, b, c, d, e]);
    f.dispose();
    expect(f.stats().cached).to.equal(0);
  });

  it('warns once, naming the argument, when a changing number makes a step record again and again', () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      const f = compile((x: Tensor, state: { step: number; lr: number }) => tf.mul(x, state.lr * state.step));
      const x = tf.ones([2]);
      for (let step = 1; step <= 5; step++) f(x, { step, lr: 0.5 }).dispose();
      x.dispose();
      expect(f.stats()).to.deep.include({ recordings: 5, replays: 0 });
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/numbers at args\[1\]\.step changed/);
      f.dispose();
    } finally {
      console.warn = warn;
    }
  });

  it('one tensor passed twice is part of the structure: a call with two different tensors records anew', () => {
    const f = compile((a: Tensor, b: Tensor) => tf.sub(a, b));
    const x = tf.tensor1d([5, 7]);
    const y = tf.tensor1d([1, 2]);
    const same = f(x, x);
    const different = f(x, y);
    const againSame = f(y, y);
    expect(values(same)).to.deep.equal([0, 0]);
    expect(values(different)).to.deep.equal([4, 5]);
    expect(values(againSame)).to.deep.equal([0, 0]);
    expect(f.stats()).to.deep.include({ recordings: 2, replays: 1 });
    dispose([x, y, same, different, againSame]);
  });

  it('keeps at most cacheSize recordings, least recently used dropped, and frees their constants', () => {
    const before = tf.memory();
    const f = compile((x: Tensor) => tf.add(x, tf.tensor1d([0.5, 0.25]).sum()), { cacheSize: 2 });
    const call = (n: number) => {
      const x = tf.ones([n]);
      f(x).dispose();
      x.dispose();
    };
    for (const n of [1, 2, 3, 1]) call(n);
    // [1] was dropped when [3] came, so the last call recorded again.
    expect(f.stats()).to.deep.include({ recordings: 4, replays: 0, cached: 2 });
    call(3);
    expect(f.stats()).to.deep.include({ replays: 1 });
    f.dispose();
    expect(tf.memory().numBytes).to.equal(before.numBytes);
  });

  it('disposes exactly the arguments the step disposed, and passes through arguments it returned', () => {
    const f = compile((consumed: Tensor, kept: Tensor) => {
      const y = tf.add(consumed, kept);
      consumed.dispose();
      return { y, kept };
    });
    const k = tf.scalar(2);
    f(tf.scalar(1), k).y.dispose();
    const c = tf.scalar(5);
    const out = f(c, k);
    expect(c.isDisposed).to.equal(true);
    expect(out.kept).to.equal(k);
    expect(k.isDisposed).to.equal(false);
    expect(values(out.y)).to.deep.equal([7]);
    dispose([out.y, k]);
  });

  it('keeps tf.memory() flat over 1,000 compiled training steps (Adam, dropout, BatchNorm)', function () {
    this.timeout(120_000);
    const net = initialize(
      nn.Sequential.create([
        nn.Linear.create(8, 16),
        nn.BatchNorm1d.create(16),
        nn.ReLU.create(),
        nn.Dropout.create(0.2),
        nn.Linear.create(16, 2),
      ]),
    )(random.key(0));
    const step = compile(
      optim.trainStep({
        loss: (m: typeof net, b: { x: Tensor; y: Tensor }) => {
          const [out, model] = nn.Sequential.forwardWithState(m, b.x);
          return { loss: losses.crossEntropy(out, b.y), model };
        },
        optimizer: optim.adam(1e-3),
      }),
    );
    const batch = { x: random.normal(random.key(1), [32, 8]), y: random.randint(random.key(2), [32], 0, 2) };
    let state = step.init(net, random.key(3));
    [state] = step(state, batch);
    const before = tf.memory();
    for (let i = 0; i < 1000; i++) [state] = step(state, batch);
    const after = tf.memory();
    expect(after.numTensors).to.equal(before.numTensors);
    expect(after.numBytes).to.equal(before.numBytes);
    expect(after.numDataBuffers).to.equal(before.numDataBuffers);
    expect(step.stats()).to.deep.include({ recordings: 1, replays: 1000 });
    expect(state.step).to.equal(1001);
    const [adamState] = state.optState as unknown as [{ count: number }];
    expect(adamState.count).to.equal(1001);
    dispose([state.params, state.optState, batch]);
    step.dispose();
  });

  it('a compiled trainStep with nonFinite: "skip" skips the same bad batch as the uncompiled one', () => {
    const options = {
      loss: (m: nn.Linear<Tensor>, x: Tensor) => tf.mean(tf.log(nn.Linear.forward(m, x))), // NaN where an output is negative
      optimizer: optim.adam(1e-2),
      nonFinite: 'skip' as const,
    };
    const plain = optim.trainStep(options);
    const fast = compile(optim.trainStep(options));
    const make = () =>
      initialize(nn.Linear.create(2, 1, { weightInit: () => () => tf.ones([1, 2]), biasInit: () => () => tf.zeros([1]) }))(random.key(0));
    let a = plain.init(make(), random.key(1));
    let b = fast.init(make(), random.key(1));
    const skipped: number[] = [];
    for (const batch of [[[1, 2]], [[2, 1]], [[-3, -3]], [[1, 1]]]) {
      const x = tf.tensor2d(batch);
      const [na, ma] = plain(a, x);
      const [nb, mb] = fast(b, x);
      x.dispose();
      expect(mb).to.deep.equal(ma);
      expect(values(nb.params.weight)).to.deep.equal(values(na.params.weight));
      skipped.push(mb.skipped!);
      a = na;
      b = nb;
    }
    expect(skipped).to.deep.equal([0, 0, 1, 0]);
    expect(fast.stats()).to.deep.include({ recordings: 1, replays: 3 });
    dispose([a.params, a.optState, b.params, b.optState]);
  });

  it('your own optimizer keeps its counter traced with counterScalar / advanceCounter, your own sampler its key with keyedTensor', () => {
    interface Harmonic {
      readonly count: number;
    }
    // Scales the n-th update by 1 / (n + 1): a counter-dependent scalar, as Adam's bias corrections are.
    const harmonic = optim.gradientTransformation<Harmonic>({
      init: () => ({ count: 0 }),
      update: (updates, state) => {
        const scale = counterScalar(state, 'count', (n) => 1 / (n + 1));
        const out = optim.mapActive(updates, (g) => tf.mul(g, scale));
        scale.dispose();
        return [out, advanceCounter({ count: state.count + 1 }, 'count', state)];
      },
    });
    // Multiplicative noise from a key of one's own sampler: ±1 per element.
    const signs = (k: random.PRNGKey, n: number) =>
      keyedTensor(k, (key) => Float32Array.from(random.bits(key, [n]), (b) => (b & 1 ? 1 : -1)), [n], 'float32');
    const options = {
      loss: (m: nn.Linear<Tensor>, x: Tensor) => tf.sum(tf.square(tf.mul(nn.Linear.forward(m, x), signs(random.key(9), 3)))),
      optimizer: optim.chain(harmonic, optim.sgd(0.1)),
    };
    const plain = optim.trainStep(options);
    const fast = compile(optim.trainStep(options));
    let a = plain.init(initialize(nn.Linear.create(2, 3))(random.key(0)), random.key(1));
    let b = fast.init(initialize(nn.Linear.create(2, 3))(random.key(0)), random.key(1));
    const x = tf.tensor2d([[1, -2]]);
    for (let i = 0; i < 4; i++) {
      const [na, ma] = plain(a, x);
      const [nb, mb] = fast(b, x);
      expect(mb).to.deep.equal(ma);
      expect(values(nb.params.weight)).to.deep.equal(values(na.params.weight));
      expect((nb.optState as unknown as [Harmonic])[0].count).to.equal(i + 1);
      a = na;
      b = nb;
    }
    expect(fast.stats()).to.deep.include({ recordings: 1, replays: 3 });
    dispose([a.params, a.optState, b.params, b.optState, x]);
  });

  it('refuses a step that reads tensor values while it is recorded, freeing what it made', () => {
    const before = tf.memory().numTensors;
    const f = compile((x: Tensor) => tf.mul(x, x.sum().dataSync()[0]!));
    const x = tf.ones([3]);
    expect(() => f(x)).to.throw(CompileError, /reads tensor values/);
    try {
      f(x);
    } catch (e) {
      expect((e as CompileError).reason).to.equal('read');
    }
    x.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('refuses unkeyed random numbers (tfjs’s unseeded random ops) and replays seeded ones as the step computes them', () => {
    const before = tf.memory().numTensors;
    const x = tf.ones([3]);
    const unseeded = compile((t: Tensor) => tf.add(t, tf.randomUniform([3])));
    expect(() => unseeded(x)).to.throw(CompileError, /without a key/);
    expect(Math.random()).to.be.a('number'); // put back
    const seeded = (t: Tensor) => tf.tidy(() => tf.add(t, tf.randomUniform([3], 0, 1, 'float32', 7)));
    const fast = compile(seeded);
    fast(x).dispose();
    const want = seeded(x);
    const got = fast(x);
    expect(values(got)).to.deep.equal(values(want));
    expect(fast.stats().replays).to.equal(1);
    dispose([x, want, got]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('check mode finds a step that depends on something it does not trace', () => {
    let scale = 1;
    const f = compile((x: Tensor) => tf.mul(x, scale), { check: true });
    const x = tf.ones([2]);
    f(x).dispose();
    f(x).dispose(); // same scale: the replay agrees
    scale = 2;
    expect(() => f(x)).to.throw(CompileError, /differs from the step at result/);
    // Without check mode the closure's value stays frozen at the recording (documented).
    const g = compile((t: Tensor) => tf.mul(t, scale));
    g(x).dispose();
    scale = 3;
    const y = g(x);
    expect(values(y)).to.deep.equal([2, 2]);
    dispose([x, y]);
  });

  it('runs the step itself under a gradient tape, so that it can be differentiated', () => {
    const f = compile((x: Tensor) => tf.sum(tf.square(x)));
    f(tf.ones([2])).dispose();
    const x = tf.tensor1d([1, 3]);
    const grads = tf.grad((t: Tensor) => f(t))(x);
    expect(values(grads)).to.deep.equal([2, 6]);
    expect(f.stats().fallbacks).to.equal(1);
    dispose([x, grads]);
  });

  it('falls back to the step when a recorded host decision changes (a mean over no targets)', () => {
    const f = compile((x: Tensor, t: Tensor) => losses.crossEntropy(x, t, { ignoreIndex: 0 }));
    const x = tf.tensor2d([
      [1, 2],
      [3, 1],
    ]);
    f(x, tf.tensor1d([1, 1], 'int32')).dispose();
    const replayed = f(x, tf.tensor1d([1, 0], 'int32'));
    const allIgnored = f(x, tf.tensor1d([0, 0], 'int32')); // PyTorch: NaN
    expect(values(replayed)[0]).to.be.closeTo(Math.log(1 + Math.exp(-1)), 1e-6);
    expect(Number.isNaN(values(allIgnored)[0])).to.equal(true);
    expect(f.stats()).to.deep.include({ recordings: 1, replays: 1, fallbacks: 1 });
    dispose([x, replayed, allIgnored]);
  });

  it('still validates each call’s data: bad class indices get the loss’s error on a replay', () => {
    const f = compile((x: Tensor, t: Tensor) => losses.crossEntropy(x, t));
    const x = tf.zeros([2, 3]);
    f(x, tf.tensor1d([0, 2], 'int32')).dispose();
    const before = tf.memory().numTensors;
    expect(() => f(x, tf.tensor1d([0, 7], 'int32'))).to.throw(losses.LossError, /7 at flat index 1/);
    expect(tf.memory().numTensors).to.equal(before + 1); // only the bad target itself
  });

  it('a step whose output shape follows the data runs uncompiled once that is seen, with a warning', () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      const f = compile((x: Tensor) => tf.tidy(() => tf.mul(tf.unique(x).values, 2)));
      const inputs = [tf.tensor1d([1, 1, 2]), tf.tensor1d([1, 3, 2]), tf.tensor1d([5, 5, 5])];
      const outputs = inputs.map((x) => f(x));
      expect(outputs.map(values)).to.deep.equal([[2, 4], [2, 6, 4], [10]]);
      expect(f.stats()).to.deep.include({ recordings: 1, replays: 0, fallbacks: 2, cached: 0 });
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/kernel Unique returned shape \[3\] where the recording had \[2\].*runs uncompiled/);
      dispose([inputs, outputs]);
    } finally {
      console.warn = warn;
    }
  });

  it('names a bad argument: a disposed tensor, a cycle, bad options', () => {
    const f = compile((x: { t: Tensor }) => tf.neg(x.t));
    const t = tf.ones([1]);
    t.dispose();
    expect(() => f({ t })).to.throw(CompileError, /args\[0\]\.t is disposed/);
    const cyclic: { t: Tensor; self?: unknown } = { t: tf.ones([1]) };
    cyclic.self = cyclic;
    expect(() => f(cyclic)).to.throw(CompileError, /cycle/);
    cyclic.t.dispose();
    expect(() => compile((x: Tensor) => x, { cacheSize: 0 })).to.throw(CompileError, /cacheSize/);
    expect(() => compile(3 as unknown as () => void)).to.throw(CompileError, /needs a function/);
  });

  it('a self-compiling function gets compilePart with the options given to compile, and its result the compiled part’s stats and dispose', () => {
    // The tensor part is compiled; the host part (here: a count of calls) stays in JavaScript.
    const tensorPart = (x: Tensor) => tf.mul(tf.add(x, 1), 2);
    let hostCalls = 0;
    const hostAround = (part: (x: Tensor) => Tensor) => (x: Tensor) => {
      hostCalls += 1;
      return part(x);
    };
    const selfCompiling = Object.assign(hostAround(tensorPart), {
      [compileSelf]: <X extends object>(compilePart: CompilePart<X>) => {
        const [compiled, members] = compilePart(tensorPart);
        return Object.assign(hostAround(compiled), members);
      },
    });
    const fast = compile(selfCompiling, { cacheSize: 1 });
    for (let i = 0; i < 3; i++) {
      const x = tf.tensor1d([i, -i]);
      const y = fast(x);
      expect(values(y)).to.deep.equal([2 * (i + 1), 2 * (1 - i)]);
      dispose([x, y]);
    }
    expect(hostCalls).to.equal(3);
    expect(fast.stats()).to.deep.include({ recordings: 1, replays: 2, cached: 1 });
    // The options reach the compiled part: with cacheSize 1, a second shape evicts the first.
    for (const n of [3, 2]) {
      const x = tf.zeros([n]);
      dispose([x, fast(x)]);
    }
    expect(fast.stats()).to.deep.include({ recordings: 3, cached: 1 });
    fast.dispose();
    expect(fast.stats().cached).to.equal(0);
  });

  it('keys: a replay derives dropout masks from the new call’s key as the step does', () => {
    const f = compile((k: random.PRNGKey) => {
      const [a, b] = random.split(k);
      return { mask: random.bernoulli(a!, 0.5, [16]), next: random.foldIn(b!, 3) };
    });
    f(random.key(0)).mask.dispose();
    const got = f(random.key(1));
    const [a, b] = random.split(random.key(1));
    const want = random.bernoulli(a!, 0.5, [16]);
    expect(values(got.mask)).to.deep.equal(values(want));
    expect(got.next.data).to.deep.equal(random.foldIn(b!, 3).data);
    expect(f.stats().replays).to.equal(1);
    dispose([got.mask, want]);
  });

  it('nested: a compiled function called while another is recorded runs itself, so the outer recording has its kernels', () => {
    const inner = compile((x: Tensor) => tf.mul(x, 3));
    const x = tf.tensor1d([1, 2]);
    inner(x).dispose(); // recorded: a later call would replay
    const outer = compile((t: Tensor) => tf.add(inner(t), 1));
    const first = outer(x);
    const y = tf.tensor1d([5, 6]);
    const second = outer(y);
    expect(values(first)).to.deep.equal([4, 7]);
    expect(values(second)).to.deep.equal([16, 19]);
    expect(inner.stats().fallbacks).to.equal(1);
    expect(outer.stats()).to.deep.include({ recordings: 1, replays: 1 });
    dispose([x, y, first, second]);
  });

  it('random.categorical in a compiled step draws from each call’s key and logits', () => {
    const f = compile((k: random.PRNGKey, logits: Tensor) => random.categorical(k, tf.mul(logits, 2), { shape: [3, 2] }));
    const logits = (i: number) => random.normal(random.key(50 + i), [2, 5]);
    for (let i = 0; i < 3; i++) {
      const l = logits(i);
      const got = f(random.key(i), l);
      const want = tf.tidy(() => random.categorical(random.key(i), tf.mul(l, 2), { shape: [3, 2] }));
      expect(values(got)).to.deep.equal(values(want));
      dispose([l, got, want]);
    }
    expect(f.stats()).to.deep.include({ recordings: 1, replays: 2 });
  });

  it('records on the backend it runs on: switching backends records again', async () => {
    const f = compile((x: Tensor) => tf.exp(x));
    await ready('cpu');
    f(tf.ones([2])).dispose();
    await ready('wasm');
    const y = f(tf.zeros([2]));
    expect(values(y)).to.deep.equal([1, 1]);
    expect(f.stats().recordings).to.equal(2);
    y.dispose();
    await ready('cpu');
  });
});
