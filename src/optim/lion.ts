/**
 * Lion (optax `lion`).
 * @since 0.1.0
 */
import { addDecayedWeights } from './addDecayedWeights.js';
import { chain } from './chain.js';
import { checkLearningRate, checkNumber, checkOptionKeys, NON_NEGATIVE } from './hyperparameters.js';
import type { Mask } from './Mask.js';
import type { ScalarOrSchedule } from './schedule.js';
import { scaleByLearningRate } from './scaleByLearningRate.js';
import { checkLionOptions, scaleByLion, type ScaleByLionOptions, LION_OPTIONS } from './scaleByLion.js';

/**
 * Options of {@link lion}.
 * @example
 * import { optim } from 'parallax-ts'
 * const options: optim.LionOptions = { b1: 0.95, weightDecay: 1e-2 }
 * @category model
 * @since 0.1.0
 */
export interface LionOptions extends ScaleByLionOptions {
  /** Decoupled weight decay; default 1e-3 (optax). */
  readonly weightDecay?: number;
  readonly mask?: Mask;
}

/**
 * `chain(scaleByLion, addDecayedWeights(weightDecay, mask), scaleByLearningRate(lr))`; defaults
 * b1 0.9, b2 0.99, weight decay 1e-3. Use a learning rate 3–10x smaller than Adam's. Checked
 * here: `learningRate` a finite number ≥ 0 (or a schedule), `b1`, `b2` in [0, 1], `weightDecay` ≥ 0.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.lion(1e-4)
 * @category optimizers
 * @since 0.1.0
 */
export const lion = (learningRate: ScalarOrSchedule, options: LionOptions = {}) => {
  checkLearningRate('lion', learningRate);
  checkOptionKeys('lion', options, { ...LION_OPTIONS, weightDecay: true, mask: true });
  const { weightDecay: decay, mask, ...lionOptions } = options;
  checkLionOptions('lion', lionOptions);
  const weightDecay = checkNumber('lion', 'weightDecay', decay ?? 1e-3, NON_NEGATIVE);
  return chain(scaleByLion(lionOptions), addDecayedWeights(weightDecay, mask), scaleByLearningRate(learningRate));
};
