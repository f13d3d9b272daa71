/**
 * Adam and AdamW (optax `adam`, `adamw`).
 * @since 0.1.0
 */
import { addDecayedWeights } from './addDecayedWeights.js';
import { chain } from './chain.js';
import { checkLearningRate, checkNumber, checkOptionKeys, NON_NEGATIVE } from './hyperparameters.js';
import type { Mask } from './Mask.js';
import type { ScalarOrSchedule } from './schedule.js';
import { ADAM_OPTIONS, checkAdamOptions, scaleByAdam, type ScaleByAdamOptions } from './scaleByAdam.js';
import { scaleByLearningRate } from './scaleByLearningRate.js';

/**
 * Adam: `chain(scaleByAdam(options), scaleByLearningRate(lr))`; defaults b1 0.9, b2 0.999,
 * eps 1e-8 (outside the square root), epsRoot 0. Checked here: `learningRate` a finite number ≥ 0
 * (or a schedule), `b1`, `b2` in [0, 1), `eps`, `epsRoot` finite and ≥ 0 — anything else is an
 * `OptimizerError` naming the option (`adam(NaN)`, `adam('0.1')`, `adam(1e-3, { b1: 1.5 })`).
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const opt = optim.adam(1e-3)
 * const optState = opt.init(params) // [adam's count and moments (nn.Linear<Tensor | null>), the learning rate's count]
 * @category optimizers
 * @since 0.1.0
 */
export const adam = (learningRate: ScalarOrSchedule, options: ScaleByAdamOptions = {}) => {
  checkLearningRate('adam', learningRate);
  checkOptionKeys('adam', options, ADAM_OPTIONS);
  checkAdamOptions('adam', options);
  return chain(scaleByAdam(options), scaleByLearningRate(learningRate));
};

/**
 * Options of {@link adamw}.
 * @example
 * import { optim } from 'parallax-ts'
 * const options: optim.AdamWOptions = { weightDecay: 1e-2, mask: (info) => !info.path.endsWith('bias') }
 * @category model
 * @since 0.1.0
 */
export interface AdamWOptions extends ScaleByAdamOptions {
  /** Decoupled weight decay; default 1e-4 (optax). */
  readonly weightDecay?: number;
  /** Which leaves decay (default: all trained leaves). */
  readonly mask?: Mask;
}

/**
 * AdamW: Adam with decoupled weight decay,
 * `chain(scaleByAdam, addDecayedWeights(weightDecay, mask), scaleByLearningRate(lr))`; options
 * checked as `adam`'s, and `weightDecay` a finite number ≥ 0.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.adamw(1e-3, { weightDecay: 1e-2, mask: (info) => !info.path.endsWith('bias') })
 * @category optimizers
 * @since 0.1.0
 */
export const adamw = (learningRate: ScalarOrSchedule, options: AdamWOptions = {}) => {
  checkLearningRate('adamw', learningRate);
  checkOptionKeys('adamw', options, { ...ADAM_OPTIONS, weightDecay: true, mask: true });
  const { weightDecay: decay, mask, ...adamOptions } = options;
  checkAdamOptions('adamw', adamOptions);
  const weightDecay = checkNumber('adamw', 'weightDecay', decay ?? 1e-4, NON_NEGATIVE);
  return chain(scaleByAdam(adamOptions), addDecayedWeights(weightDecay, mask), scaleByLearningRate(learningRate));
};
