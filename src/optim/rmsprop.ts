/**
 * RMSProp (optax `rmsprop`).
 * @since 0.1.0
 */
import { chain } from './chain.js';
import { checkLearningRate, checkOptionKeys } from './hyperparameters.js';
import { identity, type EmptyState, type GradientTransformation } from './GradientTransformation.js';
import type { ScalarOrSchedule } from './schedule.js';
import { scaleByLearningRate } from './scaleByLearningRate.js';
import { checkRmsOptions, scaleByRms, type ScaleByRmsOptions, RMS_OPTIONS } from './scaleByRms.js';
import { checkMomentum, trace, type TraceState } from './trace.js';

/**
 * Options of {@link rmsprop}.
 * @example
 * import { optim } from 'parallax-ts'
 * const options: optim.RmspropOptions = { decay: 0.99, momentum: 0.9 }
 * @category model
 * @since 0.1.0
 */
export interface RmspropOptions extends ScaleByRmsOptions {
  /** Momentum applied after the learning rate, as optax; none when absent. */
  readonly momentum?: number;
  readonly nesterov?: boolean;
}

/**
 * `chain(scaleByRms(options), scaleByLearningRate(lr), trace(momentum)?)`; defaults decay 0.9,
 * eps 1e-8 inside the square root, initial scale 0. Checked here: `learningRate` a finite number
 * ≥ 0 (or a schedule), `decay` and `momentum` in [0, 1], `eps` and `initialScale` finite and ≥ 0.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.rmsprop(1e-3, { decay: 0.99 })
 * @category optimizers
 * @since 0.1.0
 */
export const rmsprop = (learningRate: ScalarOrSchedule, options: RmspropOptions = {}) => {
  checkLearningRate('rmsprop', learningRate);
  checkOptionKeys('rmsprop', options, { ...RMS_OPTIONS, momentum: true, nesterov: true });
  const { momentum, nesterov, ...rmsOptions } = options;
  checkRmsOptions('rmsprop', rmsOptions);
  return chain(
    scaleByRms(rmsOptions),
    scaleByLearningRate(learningRate),
    (momentum === undefined ? identity() : trace(checkMomentum('rmsprop', 'momentum', momentum, nesterov))) as GradientTransformation<
      TraceState | EmptyState
    >,
  );
};
