/**
 * Optimizers against their reference update rules, computed here on plain JS numbers (float64)
 * element by element, independently of the tensor code: a few steps each with fixed gradients.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import * as optim from '../../src/optim/index.js';
import { expectClose, values } from '../support/tensors.js';
import { Toy, toy, type Toy as ToyT } from './toy.js';

type Tensor = tf.Tensor;

const A0 = [0.5, -1.5, 2];
const B0 = [0.25, -0.75];
// Per-step gradients for [a0, a1, a2, b0, b1]: mixed signs, a zero, different scales.
const GRADS = [
  [0.1, -0.2, 0.3, 0, 1.5],
  [-0.4, 0.05, 0.3, 0.2, -1],
  [0.2, 0.2, -0.6, -0.1, 0.5],
  [1, -0.3, 0, 0.05, 0.1],
];

const gradTree = (g: number[], like: ToyT<Tensor>): ToyT<Tensor> =>
  Toy.make({ a: tf.tensor1d(g.slice(0, 3)), b: tf.tensor1d(g.slice(3)), stat: tf.tensor1d([123]), label: like.label });

/** Runs `opt` for every step of GRADS; returns the flattened parameters [a..., b...] after each step. */
const run = <S>(opt: optim.GradientTransformation<S>, steps = GRADS.length): number[][] => {
  let params = toy(A0, B0);
  let state = opt.init(params);
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    const grads = gradTree(GRADS[s]!, params);
    const [updates, next] = opt.update(grads, state, params);
    const nextParams = optim.applyUpdates(params, updates);
    expect(values(nextParams.stat)).to.deep.equal(values(params.stat), 'buffers are never optimized');
    dispose([params, state, grads, updates]);
    params = nextParams;
    state = next;
    out.push([...values(params.a), ...values(params.b)]);
  }
  dispose([params, state]);
  return out;
};

/** Reference: an elementwise rule `(p, g, slot, t) => newP` with per-element mutable slots, t from 1. */
const reference = <Slot>(init: () => Slot, rule: (p: number, g: number, slot: Slot, t: number) => number): number[][] => {
  const p = [...A0, ...B0];
  const slots = p.map(init);
  return GRADS.map((g, s) => {
    for (let i = 0; i < p.length; i++) p[i] = rule(p[i]!, g[i]!, slots[i]!, s + 1);
    return [...p];
  });
};

const compare = (actual: number[][], expected: number[][], rtol = 2e-5, atol = 1e-6): void =>
  actual.forEach((row, s) => expectClose(row, expected[s]!, rtol, atol, `step ${s + 1}`));

describe('optim: optimizers against reference rules', () => {
  let before = 0;
  beforeEach(() => (before = tf.memory().numTensors));
  afterEach(() => expect(tf.memory().numTensors).to.equal(before, 'no tensor leaks'));

  it('sgd: p - lr g', () => {
    compare(
      run(optim.sgd(0.1)),
      reference(
        () => ({}),
        (p, g) => p - 0.1 * g,
      ),
    );
  });

  it('sgd with momentum (heavy ball and Nesterov), as optax trace', () => {
    const heavy = reference(
      () => ({ t: 0 }),
      (p, g, s) => {
        s.t = g + 0.9 * s.t;
        return p - 0.05 * s.t;
      },
    );
    compare(run(optim.sgd(0.05, { momentum: 0.9 })), heavy);
    const nesterov = reference(
      () => ({ t: 0 }),
      (p, g, s) => {
        s.t = g + 0.9 * s.t;
        return p - 0.05 * (g + 0.9 * s.t);
      },
    );
    compare(run(optim.sgd(0.05, { momentum: 0.9, nesterov: true })), nesterov);
  });

  it('adam: bias-corrected moments, eps outside the square root, epsRoot inside', () => {
    const adamRef = (lr: number, b1: number, b2: number, eps: number, epsRoot: number) =>
      reference(
        () => ({ m: 0, v: 0 }),
        (p, g, s, t) => {
          s.m = b1 * s.m + (1 - b1) * g;
          s.v = b2 * s.v + (1 - b2) * g * g;
          const mHat = s.m / (1 - b1 ** t);
          const vHat = s.v / (1 - b2 ** t);
          return p - (lr * mHat) / (Math.sqrt(vHat + epsRoot) + eps);
        },
      );
    compare(run(optim.adam(0.01)), adamRef(0.01, 0.9, 0.999, 1e-8, 0));
    // Large eps values make their placement visible.
    compare(run(optim.adam(0.01, { b1: 0.8, b2: 0.9, eps: 0.1, epsRoot: 0.05 })), adamRef(0.01, 0.8, 0.9, 0.1, 0.05));
  });

  it('adam with nesterov (NAdam, as optax)', () => {
    const b1 = 0.9;
    const b2 = 0.999;
    const expected = reference(
      () => ({ m: 0, v: 0 }),
      (p, g, s, t) => {
        s.m = b1 * s.m + (1 - b1) * g;
        s.v = b2 * s.v + (1 - b2) * g * g;
        const mHat = (b1 * s.m) / (1 - b1 ** (t + 1)) + ((1 - b1) * g) / (1 - b1 ** t);
        return p - (0.01 * mHat) / (Math.sqrt(s.v / (1 - b2 ** t)) + 1e-8);
      },
    );
    compare(run(optim.adam(0.01, { nesterov: true })), expected);
  });

  it('adamw: decoupled weight decay added before the learning rate', () => {
    const wd = 0.1;
    const expected = reference(
      () => ({ m: 0, v: 0 }),
      (p, g, s, t) => {
        s.m = 0.9 * s.m + 0.1 * g;
        s.v = 0.999 * s.v + 0.001 * g * g;
        const u = s.m / (1 - 0.9 ** t) / (Math.sqrt(s.v / (1 - 0.999 ** t)) + 1e-8) + wd * p;
        return p - 0.01 * u;
      },
    );
    compare(run(optim.adamw(0.01, { weightDecay: wd })), expected);
  });

  it('rmsprop: eps inside the square root by default, outside on request, centered', () => {
    const inside = reference(
      () => ({ v: 0 }),
      (p, g, s) => {
        s.v = 0.9 * s.v + 0.1 * g * g;
        return p - (0.01 * g) / Math.sqrt(s.v + 1e-8);
      },
    );
    compare(run(optim.rmsprop(0.01)), inside, 1e-4, 1e-5);
    const outside = reference(
      () => ({ v: 0.5 }),
      (p, g, s) => {
        s.v = 0.9 * s.v + 0.1 * g * g;
        return p - (0.01 * g) / (Math.sqrt(s.v) + 0.1);
      },
    );
    compare(run(optim.rmsprop(0.01, { epsInSqrt: false, eps: 0.1, initialScale: 0.5 })), outside);
    const centered = reference(
      () => ({ v: 1, m: 0 }),
      (p, g, s) => {
        s.v = 0.9 * s.v + 0.1 * g * g;
        s.m = 0.9 * s.m + 0.1 * g;
        return p - (0.01 * g) / Math.sqrt(s.v - s.m * s.m + 1e-8);
      },
    );
    compare(run(optim.rmsprop(0.01, { centered: true, initialScale: 1 })), centered);
  });

  it('rmsprop with momentum: the trace runs after the learning rate (optax order)', () => {
    const expected = reference(
      () => ({ v: 0, t: 0 }),
      (p, g, s) => {
        s.v = 0.9 * s.v + 0.1 * g * g;
        const u = (-0.01 * g) / Math.sqrt(s.v + 1e-8);
        s.t = u + 0.5 * s.t;
        return p + s.t;
      },
    );
    compare(run(optim.rmsprop(0.01, { momentum: 0.5 })), expected, 1e-4, 1e-5);
  });

  it('adagrad: running sum of squares from 0.1, eps 1e-7 inside the root', () => {
    const expected = reference(
      () => ({ s: 0.1 }),
      (p, g, st) => {
        st.s += g * g;
        return p - (0.1 * g) / Math.sqrt(st.s + 1e-7);
      },
    );
    compare(run(optim.adagrad(0.1)), expected);
    // A zero accumulator gives a zero update where the gradient has been zero (no 0/0).
    const zeroStart = reference(
      () => ({ s: 0 }),
      (p, g, st) => {
        st.s += g * g;
        return st.s > 0 ? p - (0.1 * g) / Math.sqrt(st.s + 1e-7) : p;
      },
    );
    const got = run(optim.adagrad(0.1, { initialAccumulatorValue: 0 }));
    got.forEach((row) => row.forEach((x) => expect(Number.isFinite(x)).to.equal(true)));
    compare(got, zeroStart, 1e-4, 1e-5);
  });

  it('lion: sign of the interpolation, moment updated afterwards, decoupled decay', () => {
    const expected = reference(
      () => ({ m: 0 }),
      (p, g, s) => {
        const u = Math.sign(0.1 * g + 0.9 * s.m);
        s.m = 0.99 * s.m + 0.01 * g;
        return p - 0.001 * (u + 0.01 * p);
      },
    );
    compare(run(optim.lion(0.001, { weightDecay: 0.01 })), expected);
  });

  it('scaleByLearningRate with a schedule uses schedule(count), count from 0', () => {
    const sched = (c: number): number => 0.1 / (c + 1);
    compare(
      run(optim.sgd(sched)),
      reference(
        () => ({}),
        (p, g, _s, t) => p - sched(t - 1) * g,
      ),
    );
  });

  it('clipByGlobalNorm: scales all leaves together when the norm reaches maxNorm', () => {
    const maxNorm = 1;
    const p = [...A0, ...B0];
    const expected = GRADS.map((g) => {
      const norm = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
      const c = norm < maxNorm ? g : g.map((x) => (x / norm) * maxNorm);
      c.forEach((x, i) => (p[i] = p[i]! - 0.5 * x));
      return [...p];
    });
    // Step 1 has norm > 1 (clipped), the others are checked either way.
    expect(Math.sqrt(GRADS[0]!.reduce((s, x) => s + x * x, 0))).to.be.greaterThan(maxNorm);
    compare(run(optim.chain(optim.clipByGlobalNorm(maxNorm), optim.sgd(0.5))), expected);
    // Below the threshold, gradients pass unchanged.
    compare(
      run(optim.chain(optim.clipByGlobalNorm(100), optim.sgd(0.5))),
      reference(
        () => ({}),
        (q, g) => q - 0.5 * g,
      ),
    );
  });

  it('globalNorm is the L2 norm over every active leaf (buffers excluded)', () => {
    const params = toy(A0, B0);
    const g = gradTree(GRADS[1]!, params);
    const n = optim.globalNorm(g);
    expect(n.dataSync()[0]).to.be.closeTo(Math.sqrt(GRADS[1]!.reduce((s, x) => s + x * x, 0)), 1e-6);
    dispose([params, g, n]);
  });
});

describe('optim: schedules (optax semantics, values at specific steps)', () => {
  it('constant', () => {
    expect(optim.constant(0.3)(0)).to.equal(0.3);
    expect(optim.constant(0.3)(10_000)).to.equal(0.3);
  });
  it('linearSchedule and linearWarmup clip before and after the transition', () => {
    const s = optim.linearSchedule(1, 0.2, 8, 2);
    expect(s(0)).to.equal(1);
    expect(s(2)).to.equal(1);
    expect(s(6)).to.be.closeTo(0.6, 1e-12);
    expect(s(10)).to.be.closeTo(0.2, 1e-12);
    expect(s(100)).to.be.closeTo(0.2, 1e-12);
    expect(optim.linearSchedule(1, 0, 0)(5)).to.equal(1);
    const w = optim.linearWarmup(1e-3, 100);
    expect(w(0)).to.equal(0);
    expect(w(25)).to.be.closeTo(2.5e-4, 1e-15);
    expect(w(100)).to.be.closeTo(1e-3, 1e-15);
    expect(w(5000)).to.be.closeTo(1e-3, 1e-15);
  });
  it('cosineDecay: half at the midpoint, alpha floor, held after decaySteps, exponent', () => {
    const c = optim.cosineDecay(2, 100);
    expect(c(0)).to.equal(2);
    expect(c(50)).to.be.closeTo(1, 1e-12);
    expect(c(25)).to.be.closeTo(2 * 0.5 * (1 + Math.SQRT1_2), 1e-12);
    expect(c(100)).to.be.closeTo(0, 1e-12);
    expect(c(250)).to.be.closeTo(0, 1e-12);
    expect(optim.cosineDecay(2, 100, 0.1)(100)).to.be.closeTo(0.2, 1e-12);
    expect(optim.cosineDecay(2, 100, 0, 2)(50)).to.be.closeTo(0.5, 1e-12);
    expect(() => optim.cosineDecay(1, 0)).to.throw(/decaySteps/);
  });
  it('exponentialDecay: continuous, staircase, begin, end value', () => {
    const e = optim.exponentialDecay(1, 10, 0.5);
    expect(e(0)).to.equal(1);
    expect(e(10)).to.be.closeTo(0.5, 1e-12);
    expect(e(15)).to.be.closeTo(0.5 ** 1.5, 1e-12);
    expect(optim.exponentialDecay(1, 10, 0.5, { staircase: true })(15)).to.be.closeTo(0.5, 1e-12);
    const begun = optim.exponentialDecay(1, 10, 0.5, { transitionBegin: 5 });
    expect(begun(3)).to.equal(1);
    expect(begun(15)).to.be.closeTo(0.5, 1e-12);
    expect(optim.exponentialDecay(1, 10, 0.5, { endValue: 0.3 })(100)).to.equal(0.3);
    expect(optim.exponentialDecay(1, 10, 2, { endValue: 3 })(100)).to.equal(3);
  });
  it('joinSchedules: each piece sees the count since its boundary', () => {
    const j = optim.joinSchedules([optim.constant(1), optim.linearSchedule(2, 0, 10), optim.constant(7)], [5, 15]);
    expect(j(4)).to.equal(1);
    expect(j(5)).to.equal(2);
    expect(j(10)).to.be.closeTo(1, 1e-12);
    expect(j(15)).to.equal(7);
    expect(() => optim.joinSchedules([optim.constant(1)], [3])).to.throw(/boundaries/);
  });
  it('warmupCosineDecay: linear up to the peak, cosine down to the end value', () => {
    const s = optim.warmupCosineDecay(0, 1, 10, 110, 0.1);
    expect(s(5)).to.be.closeTo(0.5, 1e-12);
    expect(s(10)).to.be.closeTo(1, 1e-12);
    expect(s(60)).to.be.closeTo(0.1 + 0.9 * 0.5, 1e-12);
    expect(s(110)).to.be.closeTo(0.1, 1e-12);
  });
});
