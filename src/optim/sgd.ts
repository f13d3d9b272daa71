/**
 * Stochastic gradient descent, with optional heavy-ball or Nesterov momentum (optax `sgd`).
 * @since 0.1.0
 */
import { chain } from './chain.js';
import { type EmptyState, identity, type GradientTransformation } from './GradientTransformation.js';
import type { ScalarOrSchedule } from './schedule.js';
import { scaleByLearningRate } from './scaleByLearningRate.js';
import { trace, type TraceState } from './trace.js';

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
 * `p ← p - lr * (g + momentum * t)`). State: `[TraceState | {}, { count }]`.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.sgd(0.1, { momentum: 0.9, nesterov: true })
 * @category optimizers
 * @since 0.1.0
 */
export const sgd = (learningRate: ScalarOrSchedule, options: SgdOptions = {}) => {
  if (options.nesterov === true && options.momentum === undefined) throw new Error('sgd: nesterov needs a momentum');
  const first: GradientTransformation<TraceState | EmptyState> =
    options.momentum === undefined ? identity() : trace({ decay: options.momentum, nesterov: options.nesterov ?? false });
  return chain(first, scaleByLearningRate(learningRate));
};
