/**
 * Stochastic gradient descent, with optional heavy-ball or Nesterov momentum (optax `sgd`).
 * @since 0.1.0
 */
import { chain } from './chain.js';
import { type EmptyState, identity, type GradientTransformation } from './GradientTransformation.js';
import { checkLearningRate, checkOptionKeys, checkOptions } from './hyperparameters.js';
import { OptimizerError } from './OptimizerError.js';
import type { ScalarOrSchedule } from './schedule.js';
import { scaleByLearningRate } from './scaleByLearningRate.js';
import { checkMomentum, trace, type TraceState } from './trace.js';

/**
 * Options of {@link sgd}.
 * @example
 * import { optim } from 'parallax-ts'
 * const options: optim.SgdOptions = { momentum: 0.9, nesterov: true }
 * @category model
 * @since 0.1.0
 */
export interface SgdOptions {
  /** Momentum decay; none when absent. */
  readonly momentum?: number;
  /** Nesterov momentum (needs `momentum`); default false. */
  readonly nesterov?: boolean;
}

/**
 * `p ← p - lr * g`, or with momentum `t ← g + momentum * t; p ← p - lr * t` (Nesterov:
 * `p ← p - lr * (g + momentum * t)`). State: `[TraceState | {}, { count }]`. Checked here:
 * `learningRate` a finite number ≥ 0 (or a schedule), `momentum` in [0, 1], `nesterov` a boolean
 * (and only with a momentum).
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.sgd(0.1, { momentum: 0.9, nesterov: true })
 * @category optimizers
 * @since 0.1.0
 */
export const sgd = (learningRate: ScalarOrSchedule, options: SgdOptions = {}) => {
  checkLearningRate('sgd', learningRate);
  checkOptionKeys('sgd', options, { momentum: true, nesterov: true });
  const o = checkOptions('sgd', options);
  if (o.nesterov === true && o.momentum === undefined) throw new OptimizerError('sgd', 'nesterov', 'nesterov needs a momentum', true);
  const first: GradientTransformation<TraceState | EmptyState> =
    o.momentum === undefined ? identity() : trace(checkMomentum('sgd', 'momentum', o.momentum, o.nesterov));
  return chain(first, scaleByLearningRate(learningRate));
};
