/**
 * Hyperparameters are checked when an optimizer, transformation or schedule is built: a NaN, an
 * infinity, a string or an out-of-range decay is an OptimizerError naming the function, the option,
 * the range and the value — never a silent run into NaN (the reproduction 5).
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import * as optim from '../../src/optim/index.js';
import { toy, type Toy } from './toy.js';

type Tensor = tf.Tensor;

/** Asserts `f` throws an OptimizerError from `fn` about `argument` with exactly `message`. */
const refused = (f: () => unknown, fn: string, argument: string, message: string | RegExp): void => {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, `${fn} ${argument}`).to.be.instanceOf(optim.OptimizerError);
  const e = caught as optim.OptimizerError;
  expect(e.name).to.equal('OptimizerError');
  expect(e.fn).to.equal(fn);
  expect(e.argument).to.equal(argument);
  if (typeof message === 'string') expect(e.message).to.equal(message);
  else expect(e.message).to.match(message);
};

describe('optim: hyperparameters are validated at construction', () => {
  it("the issue's reproductions: adam(NaN), adam(Infinity), adam('0.1'), b1 1.5, eps NaN, sgd momentum -1", () => {
    refused(() => optim.adam(Number.NaN), 'adam', 'learningRate', 'adam: learningRate must be a finite number ≥ 0, got NaN');
    refused(() => optim.adam(Infinity), 'adam', 'learningRate', 'adam: learningRate must be a finite number ≥ 0, got Infinity');
    refused(
      () => optim.adam('0.1' as never),
      'adam',
      'learningRate',
      'adam: learningRate must be a finite number ≥ 0, got "0.1" (a string)',
    );
    refused(() => optim.adam(1e-3, { b1: 1.5 }), 'adam', 'b1', 'adam: b1 must be a finite number in [0, 1), got 1.5');
    refused(() => optim.adam(1e-3, { eps: Number.NaN }), 'adam', 'eps', 'adam: eps must be a finite number ≥ 0, got NaN');
    refused(() => optim.sgd(0.1, { momentum: -1 }), 'sgd', 'momentum', 'sgd: momentum must be a finite number in [0, 1], got -1');
  });

  it('every optimizer refuses a bad learning rate under its own name', () => {
    const optimizers: ReadonlyArray<readonly [string, (lr: number) => unknown]> = [
      ['sgd', (lr) => optim.sgd(lr)],
      ['adam', (lr) => optim.adam(lr)],
      ['adamw', (lr) => optim.adamw(lr)],
      ['rmsprop', (lr) => optim.rmsprop(lr)],
      ['adagrad', (lr) => optim.adagrad(lr)],
      ['lion', (lr) => optim.lion(lr)],
      ['scaleByLearningRate', (lr) => optim.scaleByLearningRate(lr)],
    ];
    for (const [name, make] of optimizers) {
      for (const bad of [Number.NaN, Infinity, -Infinity, -1e-3])
        refused(() => make(bad), name, 'learningRate', /learningRate must be a finite number ≥ 0/);
      refused(() => make(null as never), name, 'learningRate', new RegExp(`^${name}: learningRate must be a finite number ≥ 0, got null$`));
      expect(() => make(0)).not.to.throw();
      expect(() => make(1e-3)).not.to.throw();
    }
  });

  it('decays, epsilons and weight decays are checked for range and type, per optimizer', () => {
    refused(() => optim.adam(1e-3, { b2: 1 }), 'adam', 'b2', 'adam: b2 must be a finite number in [0, 1), got 1'); // 1 - b2^t = 0
    refused(() => optim.adam(1e-3, { b1: -0.1 }), 'adam', 'b1', /in \[0, 1\), got -0.1/);
    refused(() => optim.adam(1e-3, { epsRoot: -1 }), 'adam', 'epsRoot', /epsRoot must be a finite number ≥ 0, got -1/);
    refused(
      () => optim.adam(1e-3, { nesterov: 'yes' as never }),
      'adam',
      'nesterov',
      'adam: nesterov must be a boolean, got "yes" (a string)',
    );
    refused(() => optim.adamw(1e-3, { weightDecay: -1e-2 }), 'adamw', 'weightDecay', /weightDecay must be a finite number ≥ 0, got -0.01/);
    refused(() => optim.adamw(1e-3, { b1: 2 }), 'adamw', 'b1', /b1 must be/);
    refused(() => optim.sgd(0.1, { momentum: 1.5 }), 'sgd', 'momentum', /in \[0, 1\], got 1.5/);
    refused(() => optim.sgd(0.1, { nesterov: true }), 'sgd', 'nesterov', 'sgd: nesterov needs a momentum');
    refused(() => optim.sgd(0.1, { momentum: 0.9, nesterov: 1 as never }), 'sgd', 'nesterov', /nesterov must be a boolean/);
    refused(() => optim.rmsprop(1e-3, { decay: 2 }), 'rmsprop', 'decay', /decay must be a finite number in \[0, 1\], got 2/);
    refused(() => optim.rmsprop(1e-3, { decay: 1, biasCorrection: true }), 'rmsprop', 'decay', /in \[0, 1\), got 1/);
    refused(() => optim.rmsprop(1e-3, { momentum: Number.NaN }), 'rmsprop', 'momentum', /momentum must be/);
    refused(() => optim.rmsprop(1e-3, { initialScale: -1 }), 'rmsprop', 'initialScale', /≥ 0, got -1/);
    refused(() => optim.adagrad(0.1, { eps: -1e-7 }), 'adagrad', 'eps', /eps must be a finite number ≥ 0/);
    refused(() => optim.adagrad(0.1, { initialAccumulatorValue: Infinity }), 'adagrad', 'initialAccumulatorValue', /got Infinity/);
    refused(() => optim.lion(1e-4, { b2: 1.01 }), 'lion', 'b2', /b2 must be a finite number in \[0, 1\], got 1.01/);
    refused(() => optim.lion(1e-4, { weightDecay: Number.NaN }), 'lion', 'weightDecay', /weightDecay must be/);
    refused(() => optim.adam(1e-3, 'fast' as never), 'adam', 'options', 'adam: options must be an object, got "fast" (a string)');
    // the edges of every range are accepted
    expect(() => optim.adam(1e-3, { b1: 0, b2: 0, eps: 0, epsRoot: 0 })).not.to.throw();
    expect(() => optim.sgd(0.1, { momentum: 0 })).not.to.throw();
    expect(() => optim.sgd(0.1, { momentum: 1, nesterov: true })).not.to.throw();
    expect(() => optim.rmsprop(1e-3, { decay: 1 })).not.to.throw();
  });

  it('transformations check their own arguments under their own names', () => {
    refused(() => optim.scaleByAdam({ b1: Number.NaN }), 'scaleByAdam', 'b1', /scaleByAdam: b1 must be/);
    refused(() => optim.scaleByRms({ eps: -1 }), 'scaleByRms', 'eps', /eps must be/);
    refused(() => optim.scaleByRss({ eps: Number.NaN }), 'scaleByRss', 'eps', /eps must be/);
    refused(() => optim.scaleByLion({ b1: -1 }), 'scaleByLion', 'b1', /b1 must be/);
    refused(() => optim.trace({ decay: 2 }), 'trace', 'decay', 'trace: decay must be a finite number in [0, 1], got 2');
    refused(() => optim.trace(undefined as never), 'trace', 'decay', /decay must be a finite number in \[0, 1\], got undefined/);
    refused(() => optim.scale(Number.NaN), 'scale', 'stepSize', 'scale: stepSize must be a finite number, got NaN');
    refused(() => optim.scaleBySchedule(3 as never), 'scaleBySchedule', 'stepSize', /stepSize must be a schedule/);
    refused(
      () => optim.scaleByLearningRate(0.1, { flipSign: 'no' as never }),
      'scaleByLearningRate',
      'flipSign',
      /flipSign must be a boolean/,
    );
    refused(() => optim.clipByGlobalNorm(-1), 'clipByGlobalNorm', 'maxNorm', 'clipByGlobalNorm: maxNorm must be a number ≥ 0, got -1');
    refused(() => optim.clipByGlobalNorm('1' as never), 'clipByGlobalNorm', 'maxNorm', /got "1" \(a string\)/);
    expect(() => optim.clipByGlobalNorm(Infinity)).not.to.throw(); // never clips
    refused(() => optim.addDecayedWeights(-1e-4), 'addDecayedWeights', 'weightDecay', /weightDecay must be a finite number ≥ 0/);
  });

  it('combinators name the argument that is not a transformation (e.g. optim.adam passed uncalled)', () => {
    refused(
      () => optim.chain(optim.clipByGlobalNorm(1), optim.adam as never),
      'chain',
      'transforms[1]',
      'chain: transforms[1] must be a gradient transformation { init, update }, got a function (a function: call it, e.g. optim.adam(1e-3), to get the transformation)',
    );
    refused(() => optim.masked(null as never, () => true), 'masked', 'inner', /inner must be a gradient transformation/);
    refused(() => optim.masked(optim.sgd(1), 3 as never), 'masked', 'mask', /mask must be a predicate/);
    refused(() => optim.trainOnly({ init: () => ({}) } as never, () => true), 'trainOnly', 'inner', /got an object/);
    refused(
      () => optim.partition({ a: 3 } as never, () => 'a'),
      'partition',
      'transforms.a',
      /transforms.a must be a gradient transformation/,
    );
    refused(() => optim.partition({ a: optim.sgd(1) }, 7 as never), 'partition', 'labels', /labels must be a function/);
  });

  it('schedules check their arguments; a hand-written schedule is checked where it is used, naming the step', () => {
    refused(() => optim.constant(Number.NaN), 'constant', 'value', 'constant: value must be a finite number, got NaN');
    refused(() => optim.linearSchedule(1, Number.NaN, 10), 'linearSchedule', 'endValue', /endValue must be a finite number/);
    refused(() => optim.linearWarmup(1e-3, Infinity), 'linearWarmup', 'warmupSteps', /got Infinity/);
    refused(() => optim.cosineDecay(1, 0), 'cosineDecay', 'decaySteps', 'cosineDecay: decaySteps must be a finite number > 0, got 0');
    refused(() => optim.cosineDecay(1, 10, Number.NaN), 'cosineDecay', 'alpha', /alpha must be a finite number, got NaN/);
    refused(() => optim.exponentialDecay(1, 10, -0.5), 'exponentialDecay', 'decayRate', /decayRate must be a finite number ≥ 0, got -0.5/);
    refused(() => optim.exponentialDecay(1, 10, 0.5, { endValue: Number.NaN }), 'exponentialDecay', 'endValue', /got NaN/);
    refused(
      () => optim.joinSchedules([optim.constant(1), optim.constant(2), optim.constant(3)], [10, 5]),
      'joinSchedules',
      'boundaries[1]',
      /≥ 10, got 5/,
    );
    refused(() => optim.joinSchedules([optim.constant(1), 2 as never], [10]), 'joinSchedules', 'schedules[1]', /must be a schedule/);
    refused(() => optim.warmupCosineDecay(0, Number.NaN, 10, 100), 'warmupCosineDecay', 'peakValue', /peakValue must be a finite number/);

    // a schedule that goes NaN at count 1: the update refuses it, and leaks nothing
    const opt = optim.sgd((count) => (count === 0 ? 0.1 : Number.NaN));
    const p = toy([1, 2], [3]);
    const g = toy([0.5, 0.5], [1]);
    const s0 = opt.init(p);
    const [u0, s1] = opt.update(g, s0, p);
    const before = tf.memory().numTensors;
    refused(
      () => opt.update(g, s1, p),
      'scaleByLearningRate',
      'learningRate',
      'scaleByLearningRate: the learningRate schedule returned NaN at count 1; it must give finite numbers',
    );
    expect(tf.memory().numTensors).to.equal(before);
    dispose([p, g, s0, u0, s1]);
  });

  it('a state whose update count is not a non-negative integer (a tampered checkpoint) is refused, leaking nothing', () => {
    const p = toy([1, 2], [3]);
    const g = toy([0.5, 0.5], [1]);
    for (const count of [-5, 0.5, Number.NaN, 1e308]) {
      const opt = optim.adam(1e-3);
      const [adamState, lrState] = opt.init(p);
      const before = tf.memory().numTensors;
      refused(
        () => opt.update(g, [{ ...adamState, count }, lrState] as never, p),
        'scaleByAdam',
        'state.count',
        `scaleByAdam: state.count must be a non-negative integer (updates so far), got ${count}`,
      );
      expect(tf.memory().numTensors).to.equal(before);
      dispose([adamState, lrState]);
    }
    refused(() => optim.scaleByRms().update(g, { count: -1, nu: p, mu: null } as never), 'scaleByRms', 'state.count', /got -1/);
    refused(() => optim.scaleByLion().update(g, { count: 2.5, mu: p } as never), 'scaleByLion', 'state.count', /got 2.5/);
    refused(() => optim.scaleByLearningRate(0.1).update(g, { count: -1 }), 'scaleBySchedule', 'state.count', /got -1/);
    dispose([p, g]);
  });

  it('trainStep checks its options and the state it is given', () => {
    refused(() => optim.trainStep({ loss: 3 as never, optimizer: optim.sgd(0.1) }), 'trainStep', 'loss', /loss must be a function/);
    refused(() => optim.trainStep({ loss: () => tf.scalar(0), optimizer: undefined as never }), 'trainStep', 'optimizer', /got undefined/);
    refused(
      () => optim.trainStep({ loss: () => tf.scalar(0), optimizer: optim.sgd(0.1), nonFinite: 'maybe' as never }),
      'trainStep',
      'nonFinite',
      /nonFinite must be 'throw' or 'skip'/,
    );
    const step = optim.trainStep({ loss: (m: Toy<Tensor>, x: Tensor) => tf.sum(tf.mul(m.a, x)), optimizer: optim.sgd(0.1) });
    const p = toy([1, 2], [3]);
    const s0 = step.init(p, { _tag: 'PRNGKey', data: [0, 1], partitionable: true });
    const x = tf.tensor1d([1, 1]);
    refused(
      () => step({ ...s0, key: [0, 1] as never }, x),
      'trainStep',
      'state.key',
      'trainStep: state.key must be a PRNGKey, got an array',
    );
    refused(() => step({ ...s0, step: -1 }, x), 'trainStep', 'state.step', /state.step must be a non-negative integer, got -1/);
    refused(
      () => step({ ...s0, params: null as never }, x),
      'trainStep',
      'state.params',
      /state.params must be a module of tensors, got null/,
    );
    dispose([p, s0.optState, x]);
  });

  it("an option a function does not take (PyTorch's weight_decay, betas, dampening) is refused, naming the ones it takes", () => {
    refused(
      () => optim.adam(1e-3, { weight_decay: 0.01 } as never),
      'adam',
      'weight_decay',
      'adam: unknown option "weight_decay"; adam takes b1, b2, eps, epsRoot, nesterov',
    );
    refused(() => optim.adam(1e-3, { betas: [0.9, 0.99] } as never), 'adam', 'betas', /^adam: unknown option "betas"/);
    refused(
      () => optim.adamw(1e-3, { weight_decay: 0.01 } as never),
      'adamw',
      'weight_decay',
      'adamw: unknown option "weight_decay"; adamw takes b1, b2, eps, epsRoot, nesterov, weightDecay, mask',
    );
    refused(
      () => optim.sgd(0.1, { dampening: 0.1 } as never),
      'sgd',
      'dampening',
      'sgd: unknown option "dampening"; sgd takes momentum, nesterov',
    );
    refused(
      () => optim.rmsprop(0.1, { alpha: 0.99 } as never),
      'rmsprop',
      'alpha',
      /^rmsprop: unknown option "alpha"; rmsprop takes decay, .*momentum, nesterov$/,
    );
    refused(
      () => optim.lion(0.1, { betas: [0.9, 0.99] } as never),
      'lion',
      'betas',
      'lion: unknown option "betas"; lion takes b1, b2, weightDecay, mask',
    );
    refused(() => optim.adagrad(0.1, { lr_decay: 0 } as never), 'adagrad', 'lr_decay', /^adagrad: unknown option "lr_decay"/);
    for (const [fn, make] of [
      ['scaleByAdam', () => optim.scaleByAdam({ amsgrad: true } as never)],
      ['scaleByLion', () => optim.scaleByLion({ amsgrad: true } as never)],
      ['scaleByRms', () => optim.scaleByRms({ amsgrad: true } as never)],
      ['scaleByRss', () => optim.scaleByRss({ amsgrad: true } as never)],
      ['scaleByLearningRate', () => optim.scaleByLearningRate(0.1, { amsgrad: true } as never)],
      ['trace', () => optim.trace({ decay: 0.9, amsgrad: true } as never)],
      ['exponentialDecay', () => optim.exponentialDecay(0.1, 10, 0.5, { amsgrad: true } as never)],
      ['trainStep', () => optim.trainStep({ loss: () => tf.scalar(0), optimizer: optim.sgd(0.1), amsgrad: true } as never)],
    ] as const) {
      refused(make, fn, 'amsgrad', new RegExp(`^${fn}: unknown option "amsgrad"; ${fn} takes `));
    }
    // Options adamw, lion and rmsprop hand on to their parts are still accepted there.
    expect(() => optim.adamw(1e-3, { b1: 0.8, weightDecay: 0.1, mask: () => true })).not.to.throw();
    expect(() => optim.lion(1e-3, { b1: 0.8, weightDecay: 0.1 })).not.to.throw();
    expect(() => optim.rmsprop(1e-3, { decay: 0.9, centered: true, momentum: 0.9, nesterov: true })).not.to.throw();
  });

  it('initTrainState and gradientTransformation name what they were given instead of a TypeError', () => {
    const p = toy([1, 2], [3]);
    refused(
      () => optim.initTrainState(p, optim.adam as never, { _tag: 'PRNGKey', data: [0, 1], partitionable: true }),
      'initTrainState',
      'optimizer',
      /^initTrainState: optimizer must be a gradient transformation \{ init, update \}, got a function \(a function: call it/,
    );
    refused(
      () => optim.initTrainState(p, optim.sgd(0.1), 7 as never),
      'initTrainState',
      'key',
      'initTrainState: key must be a PRNGKey (random.key(seed)), got 7',
    );
    refused(
      () => optim.gradientTransformation({ init: () => null } as never),
      'gradientTransformation',
      'functions',
      'gradientTransformation: functions must be { init, update }, two functions, got {"init":a function}',
    );
    refused(() => optim.gradientTransformation(null as never), 'gradientTransformation', 'functions', /got null$/);
    dispose(p);
  });
});
