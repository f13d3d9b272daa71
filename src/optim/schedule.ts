/**
 * Schedules: step count → value (a learning rate, usually), with optax's semantics. Counts are plain
 * numbers, kept in the optimizer state; a schedule is evaluated in JavaScript once per step. Every
 * constructor checks its arguments (finite numbers, in range) and throws an `OptimizerError` naming
 * the argument; a hand-written schedule's values are checked where they are used.
 * @since 0.1.0
 */
import { checkNumber, checkOptional, checkOptionKeys, checkOptions, NON_NEGATIVE, show } from './hyperparameters.js';
import { OptimizerError } from './OptimizerError.js';

/**
 * A function from the update count (0 for the first update) to a value.
 * @example
 * import { optim } from 'parallax-ts'
 * const halving: optim.Schedule = (count) => 0.1 * 0.5 ** Math.floor(count / 100)
 * @category model
 * @since 0.1.0
 */
export type Schedule = (count: number) => number;

/**
 * A number or a schedule, as learning rates are given.
 * @example
 * import { optim } from 'parallax-ts'
 * const fixed: optim.ScalarOrSchedule = 1e-3
 * const decayed: optim.ScalarOrSchedule = optim.cosineDecay(1e-3, 1000)
 * @category model
 * @since 0.1.0
 */
export type ScalarOrSchedule = number | Schedule;

const clip = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

/**
 * The same value at every step.
 * @example
 * import { optim } from 'parallax-ts'
 * optim.constant(0.1)(1000) // 0.1
 * @category schedules
 * @since 0.1.0
 */
export const constant = (value: number): Schedule => {
  const v = checkNumber('constant', 'value', value);
  return () => v;
};

/**
 * Linear interpolation from `initValue` to `endValue` over `transitionSteps` steps, starting after
 * `transitionBegin` steps; constant before and after (optax `linear_schedule`). A non-positive
 * `transitionSteps` gives the constant `initValue`.
 * @example
 * import { optim } from 'parallax-ts'
 * optim.linearSchedule(1, 0, 10)(5) // 0.5
 * @category schedules
 * @since 0.1.0
 */
export const linearSchedule = (initValue: number, endValue: number, transitionSteps: number, transitionBegin = 0): Schedule => {
  const fn = 'linearSchedule';
  checkNumber(fn, 'initValue', initValue);
  checkNumber(fn, 'endValue', endValue);
  checkNumber(fn, 'transitionSteps', transitionSteps);
  checkNumber(fn, 'transitionBegin', transitionBegin);
  if (transitionSteps <= 0) return constant(initValue);
  const begin = Math.max(transitionBegin, 0);
  return (count) => {
    const c = clip(count - begin, 0, transitionSteps);
    return (initValue - endValue) * (1 - c / transitionSteps) + endValue;
  };
};

/**
 * Linear warm-up from `initValue` (default 0) to `peakValue` over `warmupSteps`, then `peakValue`;
 * `warmupSteps <= 0` gives `peakValue` at every step.
 * @example
 * import { optim } from 'parallax-ts'
 * optim.linearWarmup(1e-3, 100)(50) // 5e-4
 * @category schedules
 * @since 0.1.0
 */
export const linearWarmup = (peakValue: number, warmupSteps: number, initValue = 0): Schedule => {
  checkNumber('linearWarmup', 'peakValue', peakValue);
  checkNumber('linearWarmup', 'warmupSteps', warmupSteps);
  checkNumber('linearWarmup', 'initValue', initValue);
  // No warm-up means the peak from the start; linearSchedule would hold initValue (often 0) forever.
  return warmupSteps <= 0 ? constant(peakValue) : linearSchedule(initValue, peakValue, warmupSteps);
};

/**
 * Cosine decay from `initValue` to `alpha * initValue` over `decaySteps` (optax
 * `cosine_decay_schedule`): `init * ((1 - alpha) * (0.5 * (1 + cos(pi * t / T))) ** exponent + alpha)`
 * with `t = min(count, T)`. `decaySteps` must be positive, `exponent` ≥ 0, all finite.
 * @example
 * import { optim } from 'parallax-ts'
 * optim.cosineDecay(1, 100)(50) // 0.5
 * @category schedules
 * @since 0.1.0
 */
export const cosineDecay = (initValue: number, decaySteps: number, alpha = 0, exponent = 1): Schedule => {
  checkNumber('cosineDecay', 'initValue', initValue);
  checkNumber('cosineDecay', 'decaySteps', decaySteps, { min: 0, minOpen: true });
  checkNumber('cosineDecay', 'alpha', alpha);
  checkNumber('cosineDecay', 'exponent', exponent, NON_NEGATIVE);
  return (count) => {
    const c = Math.min(count, decaySteps);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * c) / decaySteps));
    return initValue * ((1 - alpha) * cosine ** exponent + alpha);
  };
};

/**
 * Options of {@link exponentialDecay}.
 * @example
 * import { optim } from 'parallax-ts'
 * const options: optim.ExponentialDecayOptions = { staircase: true, endValue: 1e-5 }
 * @category model
 * @since 0.1.0
 */
export interface ExponentialDecayOptions {
  /** Steps at `initValue` before decay starts; default 0. */
  readonly transitionBegin?: number;
  /** Decay in whole periods (a step function); default false. */
  readonly staircase?: boolean;
  /** A bound the value never passes (a floor when decaying, a ceiling when growing). */
  readonly endValue?: number;
}

/**
 * `initValue * decayRate ** ((count - begin) / transitionSteps)` after `begin`, `initValue` before
 * (optax `exponential_decay`). A non-positive `transitionSteps` or a zero `decayRate` gives the
 * constant `initValue`; a negative `decayRate` is an error (its fractional powers are NaN).
 * @example
 * import { optim } from 'parallax-ts'
 * optim.exponentialDecay(1, 10, 0.5)(20) // 0.25
 * @category schedules
 * @since 0.1.0
 */
export const exponentialDecay = (
  initValue: number,
  transitionSteps: number,
  decayRate: number,
  options: ExponentialDecayOptions = {},
): Schedule => {
  const fn = 'exponentialDecay';
  checkNumber(fn, 'initValue', initValue);
  checkNumber(fn, 'transitionSteps', transitionSteps);
  checkNumber(fn, 'decayRate', decayRate, NON_NEGATIVE);
  checkOptionKeys(fn, options, { transitionBegin: true, staircase: true, endValue: true });
  const o = checkOptions(fn, options);
  checkOptional(fn, 'transitionBegin', o.transitionBegin);
  checkOptional(fn, 'endValue', o.endValue);
  if (o.staircase !== undefined && typeof o.staircase !== 'boolean') {
    throw new OptimizerError(fn, 'staircase', `staircase must be a boolean, got ${show(o.staircase)}`, o.staircase);
  }
  if (transitionSteps <= 0 || decayRate === 0) return constant(initValue);
  const begin = Math.max(o.transitionBegin ?? 0, 0);
  const { staircase = false, endValue } = o;
  return (count) => {
    const decreased = count - begin;
    const p = staircase ? Math.floor(decreased / transitionSteps) : decreased / transitionSteps;
    const value = decreased <= 0 ? initValue : initValue * decayRate ** p;
    if (endValue === undefined) return value;
    return decayRate < 1 ? Math.max(value, endValue) : Math.min(value, endValue);
  };
};

/**
 * Runs `schedules[i]` from `boundaries[i - 1]` on, each seeing the count since its own start
 * (optax `join_schedules`); `boundaries` has one entry fewer than `schedules`, finite and
 * non-decreasing.
 * @example
 * import { optim } from 'parallax-ts'
 * const lr = optim.joinSchedules([optim.linearWarmup(1e-3, 100), optim.cosineDecay(1e-3, 900)], [100])
 * lr(100) // 1e-3
 * @category schedules
 * @since 0.1.0
 */
export const joinSchedules = (schedules: ReadonlyArray<Schedule>, boundaries: ReadonlyArray<number>): Schedule => {
  const fn = 'joinSchedules';
  if (!Array.isArray(schedules))
    throw new OptimizerError(fn, 'schedules', `schedules must be an array of schedules, got ${show(schedules)}`, schedules);
  if (!Array.isArray(boundaries))
    throw new OptimizerError(fn, 'boundaries', `boundaries must be an array of numbers, got ${show(boundaries)}`, boundaries);
  if (schedules.length === 0 || boundaries.length !== schedules.length - 1) {
    throw new OptimizerError(
      fn,
      'boundaries',
      `need n schedules and n - 1 boundaries, got ${schedules.length} and ${boundaries.length}`,
      boundaries,
    );
  }
  schedules.forEach((s, i) => {
    if (typeof s !== 'function')
      throw new OptimizerError(fn, `schedules[${i}]`, `schedules[${i}] must be a schedule (count) => number, got ${show(s)}`, s);
  });
  boundaries.forEach((b, i) => {
    checkNumber(fn, `boundaries[${i}]`, b, i === 0 ? {} : { min: boundaries[i - 1]! });
  });
  return (count) => {
    let out = schedules[0]!(count);
    boundaries.forEach((b, i) => {
      if (count >= b) out = schedules[i + 1]!(count - b);
    });
    return out;
  };
};

/**
 * Linear warm-up from `initValue` to `peakValue`, then cosine decay to `endValue` by step
 * `decaySteps` (counted from 0, warm-up included), as optax `warmup_cosine_decay_schedule`.
 * @example
 * import { optim } from 'parallax-ts'
 * const lr = optim.warmupCosineDecay(0, 1e-3, 100, 1000)
 * const opt = optim.adamw(lr)
 * @category schedules
 * @since 0.1.0
 */
export const warmupCosineDecay = (
  initValue: number,
  peakValue: number,
  warmupSteps: number,
  decaySteps: number,
  endValue = 0,
  exponent = 1,
): Schedule => {
  const fn = 'warmupCosineDecay';
  checkNumber(fn, 'initValue', initValue);
  checkNumber(fn, 'peakValue', peakValue);
  checkNumber(fn, 'warmupSteps', warmupSteps);
  checkNumber(fn, 'decaySteps', decaySteps);
  checkNumber(fn, 'endValue', endValue);
  checkNumber(fn, 'exponent', exponent, NON_NEGATIVE);
  if (!(decaySteps > warmupSteps)) {
    throw new OptimizerError(
      fn,
      'decaySteps',
      `decaySteps (${decaySteps}) counts the warm-up too, so it must exceed warmupSteps (${warmupSteps})`,
      decaySteps,
    );
  }
  const alpha = peakValue === 0 ? 0 : endValue / peakValue;
  return joinSchedules(
    [linearSchedule(initValue, peakValue, warmupSteps), cosineDecay(peakValue, decaySteps - warmupSteps, alpha, exponent)],
    [warmupSteps],
  );
};
