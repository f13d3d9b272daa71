/**
 * Adagrad (optax `adagrad`).
 * @since 0.1.0
 */
import { chain } from './chain.js';
import { checkLearningRate, checkOptionKeys } from './hyperparameters.js';
import type { ScalarOrSchedule } from './schedule.js';
import { scaleByLearningRate } from './scaleByLearningRate.js';
import { checkRssOptions, scaleByRss, type ScaleByRssOptions, RSS_OPTIONS } from './scaleByRss.js';

/**
 * `chain(scaleByRss(options), scaleByLearningRate(lr))`; defaults initial accumulator 0.1, eps 1e-7.
 * Checked here: `learningRate` a finite number ≥ 0 (or a schedule), the options finite and ≥ 0.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.adagrad(0.1)
 * @category optimizers
 * @since 0.1.0
 */
export const adagrad = (learningRate: ScalarOrSchedule, options: ScaleByRssOptions = {}) => {
  checkLearningRate('adagrad', learningRate);
  checkOptionKeys('adagrad', options, RSS_OPTIONS);
  checkRssOptions('adagrad', options);
  return chain(scaleByRss(options), scaleByLearningRate(learningRate));
};
