/**
 * The training loop: shuffled mini-batches each epoch, one `optim.trainStep` per batch (forward,
 * cross-entropy, gradients, optimizer update, key split), progress after every step, and test-set
 * evaluation.
 *
 * Ownership: {@link train} takes ownership of the parameters it is given (each step disposes the
 * state it replaces) and returns the final training state, owned by the caller. No other tensors
 * outlive a step.
 *
 * @since 0.1.0
 */
// Subpath sources, not the root: the browser demo (demo/) bundles this file.
import { compile } from '../../src/compile/index.js';
import { dispose, tf, tidy } from '../../src/engine/index.js';
import * as optim from '../../src/optim/index.js';
import type * as random from '../../src/random/index.js';
import { apply, type Fields, type ModuleOf, type ModuleSpec } from '../../src/tree/index.js';
import { type Batch, batchOf, type Digits, shuffledIndices } from './digits.js';
import { correctCount, softmaxCrossEntropy } from './loss.js';
import type { Progress } from './progress.js';

type Tensor = tf.Tensor;

/**
 * Any classifier, whatever its kind: a module of tensors whose forward pass maps images to logits.
 * Both MNIST models are classifiers, and so is a `Sequential` whose layers chain from a tensor to a
 * tensor; `apply` on one is typed.
 * @since 0.2.0
 */
export type Classifier = ModuleOf<ModuleSpec<string, Fields, [x: Tensor], Tensor>, Tensor>;

/** Settings of one training run. @since 0.1.0 */
export interface TrainConfig {
  readonly epochs: number;
  readonly batchSize: number;
  /** Seeds the epoch orders (epoch `e` uses `seed + e`). */
  readonly seed: number;
}

/** One point of the training curve: the step's batch loss and accuracy. @since 0.1.0 */
export interface StepRecord {
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
}

/** What {@link train} returns: the final training state (owned by the caller) and the curve. @since 0.1.0 */
export interface TrainResult<M, S> {
  readonly state: optim.TrainState<M, S>;
  readonly history: ReadonlyArray<StepRecord>;
  readonly seconds: number;
}

/**
 * The loss of a classifier on a batch: softmax cross-entropy, with the number of correct
 * predictions as a metric.
 * @example
 * const step = optim.trainStep({ loss: classifierLoss, optimizer: optim.adam(1e-3) })
 * @since 0.1.0
 */
export const classifierLoss = <M extends Classifier>(model: M, batch: Batch): optim.LossResult<M> => {
  const logits = apply(model, batch.x);
  return { loss: softmaxCrossEntropy(logits, batch.y), metrics: { correct: correctCount(logits, batch.y) } };
};

/**
 * Trains `params` on `data` with `optimizer`, drawing step keys from `key` and reporting every step
 * to `progress`. Takes ownership of `params`.
 * @example
 * const { state, history } = await train(params, digits.train, optim.adam(1e-3), random.key(1), { epochs: 1, batchSize: 64, seed: 0 }, silentProgress)
 * @since 0.1.0
 */
export const train = async <M extends Classifier, S>(
  params: M,
  data: Digits,
  optimizer: optim.GradientTransformation<S>,
  key: random.PRNGKey,
  config: TrainConfig,
  progress: Progress,
): Promise<TrainResult<M, S>> => {
  const stepsPerEpoch = Math.ceil(data.count / config.batchSize);
  // Compiled: the first step (and the epoch's last, smaller batch) records, the others replay.
  const step = compile(optim.trainStep<M, Batch, S>({ loss: classifierLoss, optimizer }));
  let state = step.init(params, key);
  const history: StepRecord[] = [];
  const started = performance.now();
  let examples = 0;
  progress.start(stepsPerEpoch * config.epochs);
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const order = shuffledIndices(data.count, config.seed + epoch);
    for (let start = 0; start < data.count; start += config.batchSize) {
      const indices = order.subarray(start, Math.min(start + config.batchSize, data.count));
      const batch = batchOf(data, indices);
      const [next, metrics] = step(state, batch);
      dispose(batch);
      state = next;
      examples += indices.length;
      const record: StepRecord = {
        step: state.step,
        epoch: epoch + 1,
        loss: metrics.loss,
        accuracy: metrics['correct']! / indices.length,
      };
      history.push(record);
      const seconds = (performance.now() - started) / 1000;
      progress.update(record, examples / Math.max(seconds, 1e-9));
      // Let the progress bar's timer and signals run between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  progress.stop();
  step.dispose();
  return { state, history, seconds: (performance.now() - started) / 1000 };
};

/**
 * Accuracy of `params` on `data`, in batches of `batchSize` (no gradients, nothing kept).
 * @example
 * await evaluate(trained, test) // e.g. 0.975
 * @since 0.1.0
 */
export const evaluate = async (params: Classifier, data: Digits, batchSize = 500): Promise<number> => {
  let correct = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const indices = Int32Array.from({ length: Math.min(batchSize, data.count - start) }, (_, i) => start + i);
    const batch = batchOf(data, indices);
    const c = tidy(() => correctCount(apply(params, batch.x), batch.y));
    correct += (await c.data())[0]!;
    dispose([c, batch]);
  }
  return correct / data.count;
};
