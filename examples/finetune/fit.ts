/**
 * A plain training loop over shuffled mini-batches, with an optional `trainable` mask: the one
 * thing the fine-tuning example needs that the MNIST example's loop does not take.
 *
 * @since 0.1.0
 */
import { dispose, optim, random } from '../../src/index.js';
import { type Batch, batchOf, type Digits, shuffledIndices } from '../mnist/data.js';
import { type Classifier, classifierLoss } from '../mnist/train.js';

/** Options of {@link fit}. @since 0.1.0 */
export interface FitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Seeds the dropout keys and the epoch orders (epoch `e` uses `seed + e`). */
  readonly seed: number;
  /** Train only these leaves (default: all). */
  readonly trainable?: optim.Mask;
}

/**
 * Trains `params` with Adam and returns the trained model and the last epoch's mean loss.
 * Ownership: `params` is consumed (disposed by the first step); the returned model is the caller's.
 * @example
 * const { model } = fit(params, train, { epochs: 2, batchSize: 64, learningRate: 1e-3, seed: 0 })
 * @since 0.1.0
 */
export const fit = <M extends Classifier>(params: M, data: Digits, options: FitOptions): { readonly model: M; readonly loss: number } => {
  const step = optim.trainStep<M, Batch, unknown>({
    loss: classifierLoss,
    optimizer: optim.adam(options.learningRate) as optim.GradientTransformation<unknown>,
    ...(options.trainable === undefined ? {} : { trainable: options.trainable }),
  });
  let state = step.init(params, random.key(options.seed));
  let loss = NaN;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = shuffledIndices(data.count, options.seed + epoch);
    let sum = 0;
    let batches = 0;
    for (let start = 0; start < data.count; start += options.batchSize) {
      const batch = batchOf(data, order.subarray(start, Math.min(start + options.batchSize, data.count)));
      const [next, metrics] = step(state, batch);
      dispose(batch);
      state = next;
      sum += metrics.loss;
      batches++;
    }
    loss = sum / batches;
  }
  // The optimizer's moments are not needed after training.
  dispose(state.optState);
  return { model: state.params, loss };
};
