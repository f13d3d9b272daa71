/**
 * Momentum (optax `trace`): `t' = g + decay * t`; the update is `t'`, or with Nesterov
 * `g + decay * t'`.
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { tidy } from '../engine/memory.js';
import { gradientTransformation, type GradientTransformation } from './GradientTransformation.js';
import { checkFlag, checkNumber, checkOptionKeys, checkOptions, UNIT } from './hyperparameters.js';
import { initMoments, updateMoments, zipActive, type Moments, type Updates } from './Updates.js';

/**
 * The state shape of {@link trace}: the running trace, `null` at untrained leaves.
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const state = optim.trace({ decay: 0.9 }).init(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * state.trace.weight // a zero tensor of shape [3, 2]
 * @category model
 * @since 0.1.0
 */
export interface TraceState {
  readonly trace: Moments;
}

/**
 * Options of {@link trace}.
 * @example
 * import { optim } from 'parallax-ts'
 * const options: optim.TraceOptions = { decay: 0.9, nesterov: true }
 * @category model
 * @since 0.1.0
 */
export interface TraceOptions {
  readonly decay: number;
  readonly nesterov?: boolean;
}

/**
 * Checks momentum options for `fn` (`sgd`, `rmsprop`, `trace`): the decay in [0, 1] (named
 * `option`, e.g. `'momentum'`), `nesterov` a boolean.
 * @internal
 */
export const checkMomentum = (fn: string, option: string, decay: unknown, nesterov: unknown): Required<TraceOptions> => ({
  decay: checkNumber(fn, option, decay, UNIT),
  nesterov: checkFlag(fn, 'nesterov', nesterov) ?? false,
});

/**
 * Heavy-ball or Nesterov momentum on the updates; `decay` in [0, 1].
 * @example
 * import { optim } from 'parallax-ts'
 * const momentumSgd = optim.chain(optim.trace({ decay: 0.9 }), optim.scaleByLearningRate(0.01))
 * @category transformations
 * @since 0.1.0
 */
export const trace = (options: TraceOptions): GradientTransformation<TraceState> => {
  checkOptionKeys('trace', options as TraceOptions | undefined, { decay: true, nesterov: true });
  const o = checkOptions('trace', options as TraceOptions | undefined);
  const { decay, nesterov } = checkMomentum('trace', 'decay', o.decay, o.nesterov);
  return gradientTransformation<TraceState>({
    init: (params) => ({ trace: initMoments(params, (p) => tf.zerosLike(p)) }),
    update: (updates, state) =>
      tidy((): readonly [Updates, TraceState] => {
        const next = updateMoments(updates, state.trace, (g, t) => tf.add(g, tf.mul(t, decay)));
        const out = nesterov
          ? zipActive(updates, next, (g, t) => tf.add(g, tf.mul(t, decay)))
          : zipActive(updates, next, (_g, t) => t.clone());
        return [out, { trace: next }];
      }),
  });
};
