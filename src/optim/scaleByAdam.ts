/**
 * Adam's scaling (optax `scale_by_adam`): exponential moving averages of the gradient (`mu`) and of
 * its square (`nu`), bias-corrected by `1 - b ** t` with `t` the update number (from 1); the update
 * is `muHat / (sqrt(nuHat + epsRoot) + eps)` — `eps` outside the square root, `epsRoot` inside.
 * With `nesterov`, `muHat = b1 * mu' / (1 - b1 ** (t + 1)) + (1 - b1) * g / (1 - b1 ** t)` (NAdam).
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { fieldScalar, withDerivedField } from '../engine/trace.js';
import { tidy } from '../engine/memory.js';
import { gradientTransformation, type GradientTransformation } from './GradientTransformation.js';
import { checkCount, checkFlag, checkNumber, checkOptionKeys, checkOptions, NON_NEGATIVE, UNIT_OPEN } from './hyperparameters.js';
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

/** The options of {@link scaleByAdam} (and of `adam`), for `checkOptionKeys`. @internal */
export const ADAM_OPTIONS = { b1: true, b2: true, eps: true, epsRoot: true, nesterov: true } as const;

/**
 * Checks Adam's options for `fn` (`adam`, `adamw`, `scaleByAdam`): `b1`, `b2` in [0, 1) (the bias
 * correction divides by `1 - b ** t`), `eps`, `epsRoot` finite and ≥ 0, `nesterov` a boolean.
 * @internal
 */
export const checkAdamOptions = (fn: string, options: ScaleByAdamOptions | undefined): Required<ScaleByAdamOptions> => {
  const o = checkOptions(fn, options);
  return {
    b1: checkNumber(fn, 'b1', o.b1 ?? 0.9, UNIT_OPEN),
    b2: checkNumber(fn, 'b2', o.b2 ?? 0.999, UNIT_OPEN),
    eps: checkNumber(fn, 'eps', o.eps ?? 1e-8, NON_NEGATIVE),
    epsRoot: checkNumber(fn, 'epsRoot', o.epsRoot ?? 0, NON_NEGATIVE),
    nesterov: checkFlag(fn, 'nesterov', o.nesterov) ?? false,
  };
};

/**
 * Rescales updates by Adam's rule (no learning rate: chain it with `scaleByLearningRate`). Options
 * are checked here (an `OptimizerError` names a bad one), the state's count at every update.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.chain(optim.scaleByAdam({ b2: 0.99 }), optim.scaleByLearningRate(1e-3))
 * @category transformations
 * @since 0.1.0
 */
export const scaleByAdam = (options: ScaleByAdamOptions = {}): GradientTransformation<ScaleByAdamState> => {
  checkOptionKeys('scaleByAdam', options, ADAM_OPTIONS);
  const { b1, b2, eps, epsRoot, nesterov } = checkAdamOptions('scaleByAdam', options);
  return gradientTransformation<ScaleByAdamState>({
    init: (params) => ({
      count: 0,
      mu: initMoments(params, (p) => tf.zerosLike(p)),
      nu: initMoments(params, (p) => tf.zerosLike(p)),
    }),
    update: (updates, state) =>
      tidy((): readonly [Moments, ScaleByAdamState] => {
        const t = checkCount('scaleByAdam', state.count) + 1;
        const mu = updateMoments(updates, state.mu, (g, m) => tf.add(tf.mul(g, 1 - b1), tf.mul(m, b1)));
        const nu = updateMoments(updates, state.nu, (g, v) => tf.add(tf.mul(tf.square(g), 1 - b2), tf.mul(v, b2)));
        // Bias corrections from the counter, as scalars a compiled step recomputes from its state.
        const c1 = fieldScalar(state, 'count', (n) => 1 - b1 ** (n + 1), tf.scalar);
        const c2 = fieldScalar(state, 'count', (n) => 1 - b2 ** (n + 1), tf.scalar);
        const muHat = nesterov
          ? zipActive(mu, updates, (m, g) =>
              tf.add(
                tf.mul(
                  tf.div(
                    m,
                    fieldScalar(state, 'count', (n) => 1 - b1 ** (n + 2), tf.scalar),
                  ),
                  b1,
                ),
                tf.mul(tf.div(g, c1), 1 - b1),
              ),
            )
          : zipActive(mu, mu, (m) => tf.div(m, c1));
        const out = zipActive(muHat, nu, (m, v) => tf.div(m, tf.add(tf.sqrt(tf.add(tf.div(v, c2), epsRoot)), eps)));
        return [out, withDerivedField({ count: t, mu, nu }, 'count', state, 'count', (n) => n + 1)];
      }),
  });
};
