/**
 * Momentum (optax `trace`): `t' = g + decay * t`; the update is `t'`, or with Nesterov
 * `g + decay * t'`.
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import type { GradientTransformation } from './GradientTransformation.js';
import { tidy } from '../engine/memory.js';
import { initMoments, updateMoments, zipActive, type Moments, type Updates } from './Updates.js';

/** The state of {@link trace}: the running trace, `null` at untrained leaves. @since 0.1.0 */
export interface TraceState {
  readonly trace: Moments;
}

/** Options of {@link trace}. @since 0.1.0 */
export interface TraceOptions {
  readonly decay: number;
  readonly nesterov?: boolean;
}

/**
 * Heavy-ball or Nesterov momentum on the updates.
 * @example
 * const momentumSgd = chain(trace({ decay: 0.9 }), scaleByLearningRate(0.01))
 * @since 0.1.0
 */
export const trace = ({ decay, nesterov = false }: TraceOptions): GradientTransformation<TraceState> => ({
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

