/**
 * Lion's scaling (optax `scale_by_lion`, "hard" sign mode): the update is
 * `sign((1 - b1) * g + b1 * mu)`, then the moment moves on as `mu' = b2 * mu + (1 - b2) * g`.
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { fieldScalar, withDerivedField } from '../engine/trace.js';
import { tidy } from '../engine/memory.js';
import { gradientTransformation, type GradientTransformation } from './GradientTransformation.js';
import { checkCount, checkNumber, checkOptionKeys, checkOptions, UNIT } from './hyperparameters.js';
import { initMoments, updateMoments, zipActive, type Moments } from './Updates.js';

/**
 * Lion's state shape: the update count and the moment (`null` at untrained leaves).
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const state = optim.scaleByLion().init(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * state.mu.bias // a zero tensor of shape [3]
 * @category model
 * @since 0.1.0
 */
export interface ScaleByLionState {
  readonly count: number;
  readonly mu: Moments;
}

/**
 * Options of {@link scaleByLion}; defaults as optax.
 * @example
 * import { optim } from 'parallax-ts'
 * const options: optim.ScaleByLionOptions = { b1: 0.95, b2: 0.98 }
 * @category model
 * @since 0.1.0
 */
export interface ScaleByLionOptions {
  /** Interpolation between gradient and moment for the sign; default 0.9. */
  readonly b1?: number;
  /** Decay of the moment; default 0.99. */
  readonly b2?: number;
}

/** The options of {@link scaleByLion} (and of `lion`), for `checkOptionKeys`. @internal */
export const LION_OPTIONS = { b1: true, b2: true } as const;

/**
 * Checks Lion's options for `fn`: `b1`, `b2` in [0, 1].
 * @internal
 */
export const checkLionOptions = (fn: string, options: ScaleByLionOptions | undefined): Required<ScaleByLionOptions> => {
  const o = checkOptions(fn, options);
  return { b1: checkNumber(fn, 'b1', o.b1 ?? 0.9, UNIT), b2: checkNumber(fn, 'b2', o.b2 ?? 0.99, UNIT) };
};

/**
 * Replaces updates by Lion's signed interpolation of gradient and momentum.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.chain(optim.scaleByLion(), optim.scaleByLearningRate(1e-4))
 * @category transformations
 * @since 0.1.0
 */
export const scaleByLion = (options: ScaleByLionOptions = {}): GradientTransformation<ScaleByLionState> => {
  checkOptionKeys('scaleByLion', options, LION_OPTIONS);
  const { b1, b2 } = checkLionOptions('scaleByLion', options);
  return gradientTransformation<ScaleByLionState>({
    init: (params) => ({ count: 0, mu: initMoments(params, (p) => tf.zerosLike(p)) }),
    update: (updates, state) =>
      tidy((): readonly [Moments, ScaleByLionState] => {
        const count = checkCount('scaleByLion', state.count);
        const out = zipActive(updates, state.mu, (g, m) => tf.sign(tf.add(tf.mul(g, 1 - b1), tf.mul(m, b1))));
        const mu = updateMoments(updates, state.mu, (g, m) => tf.add(tf.mul(g, 1 - b2), tf.mul(m, b2)));
        return [out, withDerivedField({ count: count + 1, mu }, 'count', state, 'count', (n) => n + 1)];
      }),
  });
};
