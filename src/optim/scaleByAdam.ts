/**
 * Adam's scaling (optax `scale_by_adam`): exponential moving averages of the gradient (`mu`) and of
 * its square (`nu`), bias-corrected by `1 - b ** t` with `t` the update number (from 1); the update
 * is `muHat / (sqrt(nuHat + epsRoot) + eps)` — `eps` outside the square root, `epsRoot` inside.
 * With `nesterov`, `muHat = b1 * mu' / (1 - b1 ** (t + 1)) + (1 - b1) * g / (1 - b1 ** t)` (NAdam).
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { tidy } from '../engine/memory.js';
import { gradientTransformation, type GradientTransformation } from './GradientTransformation.js';
import { initMoments, updateMoments, zipActive, type Moments } from './Updates.js';

/**
 * Adam's state shape: the update count and both moments (`null` at untrained leaves); for a model
 * `M`, `StateFor<ScaleByAdamState, M>` has moments of `M`'s kind.
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const state = optim.scaleByAdam().init(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * state.count // 0
 * state.mu.weight // a zero tensor of shape [3, 2]
 * @category model
 * @since 0.1.0
 */
export interface ScaleByAdamState {
  readonly count: number;
  readonly mu: Moments;
  readonly nu: Moments;
}

/**
 * Options of {@link scaleByAdam}; defaults as optax.
 * @example
 * import { optim } from 'parallax-ts'
 * const options: optim.ScaleByAdamOptions = { b2: 0.99, nesterov: true }
 * @category model
 * @since 0.1.0
 */
export interface ScaleByAdamOptions {
  /** Decay of the first moment; default 0.9. */
  readonly b1?: number;
  /** Decay of the second moment; default 0.999. */
  readonly b2?: number;
  /** Added to the denominator outside the square root; default 1e-8. */
  readonly eps?: number;
  /** Added inside the square root; default 0. */
  readonly epsRoot?: number;
  /** NAdam's Nesterov momentum; default false. */
  readonly nesterov?: boolean;
}

/**
 * Rescales updates by Adam's rule (no learning rate: chain it with `scaleByLearningRate`).
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.chain(optim.scaleByAdam({ b2: 0.99 }), optim.scaleByLearningRate(1e-3))
 * @category transformations
 * @since 0.1.0
 */
export const scaleByAdam = (options: ScaleByAdamOptions = {}): GradientTransformation<ScaleByAdamState> => {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 0, nesterov = false } = options;
  return gradientTransformation<ScaleByAdamState>({
    init: (params) => ({
      count: 0,
      mu: initMoments(params, (p) => tf.zerosLike(p)),
      nu: initMoments(params, (p) => tf.zerosLike(p)),
    }),
    update: (updates, state) =>
      tidy((): readonly [Moments, ScaleByAdamState] => {
        const mu = updateMoments(updates, state.mu, (g, m) => tf.add(tf.mul(g, 1 - b1), tf.mul(m, b1)));
        const nu = updateMoments(updates, state.nu, (g, v) => tf.add(tf.mul(tf.square(g), 1 - b2), tf.mul(v, b2)));
        const t = state.count + 1;
        const c1 = 1 - b1 ** t;
        const c2 = 1 - b2 ** t;
        const muHat = nesterov
          ? zipActive(mu, updates, (m, g) => tf.add(tf.mul(tf.div(m, 1 - b1 ** (t + 1)), b1), tf.mul(tf.div(g, c1), 1 - b1)))
          : zipActive(mu, mu, (m) => tf.div(m, c1));
        const out = zipActive(muHat, nu, (m, v) => tf.div(m, tf.add(tf.sqrt(tf.add(tf.div(v, c2), epsRoot)), eps)));
        return [out, { count: t, mu, nu }];
      }),
  });
};
