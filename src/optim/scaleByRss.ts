/**
 * Adagrad's scaling (optax `scale_by_rss`): a running sum of squared gradients, started at
 * `initialAccumulatorValue`; the update is `g / sqrt(sum + eps)` where the sum is positive, else 0.
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { tidy } from '../engine/memory.js';
import { gradientTransformation, type GradientTransformation } from './GradientTransformation.js';
import { checkNumber, checkOptionKeys, checkOptions, NON_NEGATIVE } from './hyperparameters.js';
import { initMoments, updateMoments, zipActive, type Moments } from './Updates.js';

/**
 * Adagrad's state shape: the sums of squares (`null` at untrained leaves).
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const state = optim.scaleByRss().init(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * state.sumOfSquares.weight // a tensor of shape [3, 2] filled with 0.1
 * @category model
 * @since 0.1.0
 */
export interface ScaleByRssState {
  readonly sumOfSquares: Moments;
}

/**
 * Options of {@link scaleByRss}; defaults as optax.
 * @example
 * import { optim } from 'parallax-ts'
 * const options: optim.ScaleByRssOptions = { initialAccumulatorValue: 0, eps: 1e-10 }
 * @category model
 * @since 0.1.0
 */
export interface ScaleByRssOptions {
  /** Default 0.1. */
  readonly initialAccumulatorValue?: number;
  /** Default 1e-7. */
  readonly eps?: number;
}

/** The options of {@link scaleByRss} (and of `adagrad`), for `checkOptionKeys`. @internal */
export const RSS_OPTIONS = { initialAccumulatorValue: true, eps: true } as const;

/**
 * Checks Adagrad's options for `fn`: `initialAccumulatorValue` and `eps` finite and ≥ 0.
 * @internal
 */
export const checkRssOptions = (fn: string, options: ScaleByRssOptions | undefined): Required<ScaleByRssOptions> => {
  const o = checkOptions(fn, options);
  return {
    initialAccumulatorValue: checkNumber(fn, 'initialAccumulatorValue', o.initialAccumulatorValue ?? 0.1, NON_NEGATIVE),
    eps: checkNumber(fn, 'eps', o.eps ?? 1e-7, NON_NEGATIVE),
  };
};

/**
 * Rescales updates by the root of the sum of all squared gradients so far.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.chain(optim.scaleByRss(), optim.scaleByLearningRate(0.1))
 * @category transformations
 * @since 0.1.0
 */
export const scaleByRss = (options: ScaleByRssOptions = {}): GradientTransformation<ScaleByRssState> => {
  checkOptionKeys('scaleByRss', options, RSS_OPTIONS);
  const { initialAccumulatorValue, eps } = checkRssOptions('scaleByRss', options);
  return gradientTransformation<ScaleByRssState>({
    init: (params) => ({ sumOfSquares: initMoments(params, (p) => tf.fill(p.shape, initialAccumulatorValue, p.dtype)) }),
    update: (updates, state) =>
      tidy((): readonly [Moments, ScaleByRssState] => {
        const sumOfSquares = updateMoments(updates, state.sumOfSquares, (g, s) => tf.add(tf.square(g), s));
        const out = zipActive(updates, sumOfSquares, (g, s) =>
          tf.mul(tf.where(tf.greater(s, 0), tf.rsqrt(tf.add(s, eps)), tf.zerosLike(s)), g),
        );
        return [out, { sumOfSquares }];
      }),
  });
};
