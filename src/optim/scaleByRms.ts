/**
 * RMSProp's scaling (optax `scale_by_rms`, and `scale_by_stddev` when centered): `nu` is an
 * exponential moving average of the squared gradient, started at `initialScale`; the update is
 * `g / sqrt(nu + eps)` (optax's default `epsInSqrt: true`) or `g / (sqrt(nu) + eps)`. Centered
 * RMSProp also tracks the mean `mu` and divides by `sqrt(nu - mu² + eps)`. With `biasCorrection`,
 * the averages are divided by `1 - decay ** t` first.
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { fieldScalar, withDerivedField } from '../engine/trace.js';
import { tidy } from '../engine/memory.js';
import { gradientTransformation, type GradientTransformation } from './GradientTransformation.js';
import { checkCount, checkFlag, checkNumber, checkOptionKeys, checkOptions, NON_NEGATIVE, UNIT, UNIT_OPEN } from './hyperparameters.js';
import { initMoments, updateMoments, zipActive, type Moments } from './Updates.js';

/**
 * RMSProp's state shape; `mu` is `null` unless centered.
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const state = optim.scaleByRms({ centered: true }).init(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * state.mu?.weight // a zero tensor of shape [3, 2]
 * @category model
 * @since 0.1.0
 */
export interface ScaleByRmsState {
  readonly count: number;
  readonly nu: Moments;
  readonly mu: Moments | null;
}

/**
 * Options of {@link scaleByRms}; defaults as optax.
 * @example
 * import { optim } from 'parallax-ts'
 * const options: optim.ScaleByRmsOptions = { decay: 0.99, centered: true }
 * @category model
 * @since 0.1.0
 */
export interface ScaleByRmsOptions {
  /** Decay of the moving averages; default 0.9. */
  readonly decay?: number;
  /** Default 1e-8. */
  readonly eps?: number;
  /** Starting value of `nu`; default 0. */
  readonly initialScale?: number;
  /** Whether `eps` goes inside the square root; default true. */
  readonly epsInSqrt?: boolean;
  /** Divide by the estimated standard deviation instead of the RMS; default false. */
  readonly centered?: boolean;
  /** Debias the averages by `1 - decay ** t`; default false. */
  readonly biasCorrection?: boolean;
}

/** The options of {@link scaleByRms} (and of `rmsprop`), for `checkOptionKeys`. @internal */
export const RMS_OPTIONS = { decay: true, eps: true, initialScale: true, epsInSqrt: true, centered: true, biasCorrection: true } as const;

/**
 * Checks RMSProp's options for `fn`: `decay` in [0, 1] (in [0, 1) with `biasCorrection`, which
 * divides by `1 - decay ** t`), `eps` and `initialScale` finite and ≥ 0, the flags booleans.
 * @internal
 */
export const checkRmsOptions = (fn: string, options: ScaleByRmsOptions | undefined): Required<ScaleByRmsOptions> => {
  const o = checkOptions(fn, options);
  const biasCorrection = checkFlag(fn, 'biasCorrection', o.biasCorrection) ?? false;
  return {
    decay: checkNumber(fn, 'decay', o.decay ?? 0.9, biasCorrection ? UNIT_OPEN : UNIT),
    eps: checkNumber(fn, 'eps', o.eps ?? 1e-8, NON_NEGATIVE),
    initialScale: checkNumber(fn, 'initialScale', o.initialScale ?? 0, NON_NEGATIVE),
    epsInSqrt: checkFlag(fn, 'epsInSqrt', o.epsInSqrt) ?? true,
    centered: checkFlag(fn, 'centered', o.centered) ?? false,
    biasCorrection,
  };
};

/**
 * Rescales updates by the root mean square of recent gradients.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.chain(optim.scaleByRms({ decay: 0.99 }), optim.scaleByLearningRate(1e-3))
 * @category transformations
 * @since 0.1.0
 */
export const scaleByRms = (options: ScaleByRmsOptions = {}): GradientTransformation<ScaleByRmsState> => {
  checkOptionKeys('scaleByRms', options, RMS_OPTIONS);
  const { decay, eps, initialScale, epsInSqrt, centered, biasCorrection } = checkRmsOptions('scaleByRms', options);
  return gradientTransformation<ScaleByRmsState>({
    init: (params) => ({
      count: 0,
      nu: initMoments(params, (p) => tf.fill(p.shape, initialScale, p.dtype)),
      mu: centered ? initMoments(params, (p) => tf.zerosLike(p)) : null,
    }),
    update: (updates, state) =>
      tidy((): readonly [Moments, ScaleByRmsState] => {
        const t = checkCount('scaleByRms', state.count) + 1;
        const correction = biasCorrection ? fieldScalar(state, 'count', (n) => 1 - decay ** (n + 1), tf.scalar) : 1;
        const nu = updateMoments(updates, state.nu, (g, v) => tf.add(tf.mul(tf.square(g), 1 - decay), tf.mul(v, decay)));
        const mu = state.mu === null ? null : updateMoments(updates, state.mu, (g, m) => tf.add(tf.mul(g, 1 - decay), tf.mul(m, decay)));
        let variance = biasCorrection ? zipActive(nu, nu, (v) => tf.div(v, correction)) : nu;
        if (mu !== null) {
          variance = zipActive(variance, mu, (v, m) => tf.sub(v, tf.square(biasCorrection ? tf.div(m, correction) : m)));
        }
        const out = zipActive(updates, variance, (g, v) =>
          epsInSqrt ? tf.mul(g, tf.rsqrt(tf.add(v, eps))) : tf.div(g, tf.add(tf.sqrt(v), eps)),
        );
        return [out, withDerivedField({ count: t, nu, mu }, 'count', state, 'count', (n) => n + 1)];
      }),
  });
};
