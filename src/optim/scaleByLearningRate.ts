/**
 * Scaling by a step size: `scale(s)` multiplies every update by `s`; `scaleBySchedule(f)` by
 * `f(count)` and counts steps; `scaleByLearningRate(lr)` by `-lr` (descent), either way.
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { fieldScalar, withDerivedField } from '../engine/trace.js';
import { type EmptyState, gradientTransformation, type GradientTransformation, stateless } from './GradientTransformation.js';
import type { ScalarOrSchedule, Schedule } from './schedule.js';
import { checkCount, checkFlag, checkLearningRate, checkNumber, checkOptionKeys, checkOptions, show } from './hyperparameters.js';
import { OptimizerError } from './OptimizerError.js';
import { mapActive } from './Updates.js';

/**
 * The state of {@link scaleBySchedule}: the number of updates so far.
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const state: optim.CountState = optim.scaleByLearningRate(0.1).init(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * state.count // 0
 * @category model
 * @since 0.1.0
 */
export interface CountState {
  readonly count: number;
}

/**
 * Multiplies every update by a fixed `stepSize` (stateless).
 * @example
 * import { optim } from 'parallax-ts'
 * const half = optim.scale(0.5)
 * @category transformations
 * @since 0.1.0
 */
export const scale = (stepSize: number): GradientTransformation<EmptyState> => {
  const s = checkNumber('scale', 'stepSize', stepSize);
  return stateless((g) => tf.mul(g, s));
};

/** Checks that a schedule's value at `count` is a finite number (a schedule is only known by running it). */
const scheduled = (fn: string, name: string, schedule: Schedule, count: number): number => {
  const s: unknown = schedule(count);
  if (typeof s !== 'number' || !Number.isFinite(s)) {
    throw new OptimizerError(fn, name, `the ${name} schedule returned ${show(s)} at count ${count}; it must give finite numbers`, s);
  }
  return s;
};

/**
 * Multiplies the updates by `stepSize(count)`, `count` being the number of earlier updates.
 * @example
 * import { optim } from 'parallax-ts'
 * const decay = optim.scaleBySchedule(optim.exponentialDecay(1, 100, 0.5))
 * @category transformations
 * @since 0.1.0
 */
export const scaleBySchedule = (stepSize: Schedule): GradientTransformation<CountState> => {
  if (typeof stepSize !== 'function') {
    throw new OptimizerError(
      'scaleBySchedule',
      'stepSize',
      `stepSize must be a schedule (count) => number, got ${show(stepSize)}`,
      stepSize,
    );
  }
  return gradientTransformation<CountState>({
    init: () => ({ count: 0 }),
    update: (updates, state) => {
      const count = checkCount('scaleBySchedule', state.count);
      // The step size as a scalar a compiled step recomputes from its state's counter.
      const s = fieldScalar(state, 'count', (n) => scheduled('scaleBySchedule', 'stepSize', stepSize, n), tf.scalar);
      const scaled = mapActive(updates, (g) => tf.mul(g, s));
      s.dispose();
      return [scaled, withDerivedField({ count: count + 1 }, 'count', state, 'count', (n) => n + 1)];
    },
  });
};

/**
 * Options of {@link scaleByLearningRate}.
 * @example
 * import { optim } from 'parallax-ts'
 * const ascent = optim.scaleByLearningRate(0.1, { flipSign: false })
 * @category model
 * @since 0.1.0
 */
export interface ScaleByLearningRateOptions {
  /** Multiply by `-lr` (gradient descent; default) rather than `lr`. */
  readonly flipSign?: boolean;
}

/**
 * Multiplies by `-learningRate` (a finite number ≥ 0, or a schedule of the step count whose values
 * are checked at each step), the last link of every optimizer here, as in optax. It always counts steps (`{ count }`), even for a constant rate, so
 * that every optimizer's state type is the same whichever rate is given.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.chain(optim.scaleByAdam(), optim.scaleByLearningRate(optim.cosineDecay(1e-3, 1000)))
 * @category transformations
 * @since 0.1.0
 */
export const scaleByLearningRate = (
  learningRate: ScalarOrSchedule,
  options: ScaleByLearningRateOptions = {},
): GradientTransformation<CountState> => {
  const lr = checkLearningRate('scaleByLearningRate', learningRate);
  checkOptionKeys('scaleByLearningRate', options, { flipSign: true });
  const m = (checkFlag('scaleByLearningRate', 'flipSign', checkOptions('scaleByLearningRate', options).flipSign) ?? true) ? -1 : 1;
  if (typeof lr === 'number') return scaleBySchedule(() => m * lr);
  return scaleBySchedule((c) => m * scheduled('scaleByLearningRate', 'learningRate', lr, c));
};
