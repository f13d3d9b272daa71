/**
 * The training loop: `steps` calls of one `optim.trainStep` (forward, cross-entropy, gradients,
 * AdamW update, key split), each on a batch of random windows of the training text, with progress
 * after every step.
 *
 * The optimizer is gradient clipping (global norm 1) then AdamW with a linear warm-up and a cosine
 * decay to 0, and weight decay on the weight matrices only (not on biases or LayerNorm scales), as
 * is usual for Transformers.
 *
 * Keys: the run's key splits into the train state's key (which `trainStep` splits every step, for
 * dropout) and a data key; batch `i` is drawn with `foldIn(dataKey, i)`, so the data order does not
 * depend on anything but the key and the step.
 *
 * Ownership: {@link trainCharLm} takes ownership of the parameters it is given (each step disposes
 * the state it replaces) and returns the final training state, owned by the caller.
 *
 * @since 0.2.0
 */
import { compile } from '../../src/compile/index.js';
import { dispose, tf } from '../../src/engine/index.js';
import { crossEntropy } from '../../src/losses/index.js';
import * as optim from '../../src/optim/index.js';
import * as random from '../../src/random/index.js';
import type { LeafInfo } from '../../src/tree/index.js';
import type { Progress } from '../mnist/progress.js';
import type { StepRecord } from '../mnist/train.js';
import { type Batch, randomBatch } from './batches.js';
import { natsToBits } from './bits.js';
import { CharTransformer } from './model.js';

type Tensor = tf.Tensor;

/** Settings of one training run. @since 0.2.0 */
export interface TrainConfig {
  readonly steps: number;
  readonly batchSize: number;
  /** Peak learning rate, reached after the warm-up. */
  readonly lr: number;
  readonly warmupSteps: number;
  readonly weightDecay: number;
}

/**
 * Whether a leaf gets weight decay: weight matrices and embeddings, not biases or LayerNorm
 * parameters (decaying a LayerNorm scale toward 0 fights the normalization).
 * @example
 * decays({ path: 'encoder.layers.0.linear1.weight', kind: 'param' }) // true
 * decays({ path: 'encoder.layers.0.norm1.weight', kind: 'param' }) // false
 * @since 0.2.0
 */
export const decays = (info: LeafInfo): boolean => !/(^|\.)norm[^.]*\./.test(info.path) && !/bias$/.test(info.path);

/**
 * The example's optimizer: clip to global norm 1, then AdamW with a warm-up and cosine decay.
 * @example
 * const opt = charLmOptimizer({ steps: 600, batchSize: 32, lr: 3e-3, warmupSteps: 50, weightDecay: 0.01 })
 * @since 0.2.0
 */
export const charLmOptimizer = (config: TrainConfig) => {
  const warmup = Math.min(config.warmupSteps, config.steps - 1);
  const lr = optim.warmupCosineDecay(0, config.lr, Math.max(warmup, 0), Math.max(config.steps, 1));
  return optim.chain(optim.clipByGlobalNorm(1), optim.adamw(lr, { weightDecay: config.weightDecay, mask: decays }));
};

/**
 * The language-model loss: mean cross-entropy (nats) of every next character of the batch, with
 * the number of correctly guessed characters (top-1) as a metric.
 * @example
 * const step = optim.trainStep({ loss: languageModelLoss, optimizer: charLmOptimizer(config) })
 * @since 0.2.0
 */
export const languageModelLoss = (model: CharTransformer<Tensor>, batch: Batch): optim.LossResult<CharTransformer<Tensor>> => {
  const logits = CharTransformer.forward(model, batch.x);
  const vocab = logits.shape[2]!;
  const flatLogits = tf.reshape(logits, [-1, vocab]);
  const targets = tf.reshape(batch.y, [-1]);
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(flatLogits, -1), targets), 'float32'));
  return { loss: crossEntropy(flatLogits, targets), metrics: { correct } };
};

/** What {@link trainCharLm} returns: the final state (owned by the caller) and the curve (loss in bits). @since 0.2.0 */
export interface TrainResult<S> {
  readonly state: optim.TrainState<CharTransformer<Tensor>, S>;
  readonly history: ReadonlyArray<StepRecord>;
  readonly seconds: number;
}

/**
 * Trains `params` on the token ids `tokens` for `config.steps` steps of `config.batchSize` windows
 * of `params.context` characters, reporting each step to `progress` (its `loss` in bits per
 * character, `accuracy` the share of characters guessed, `epoch` the pass over the training text).
 * Takes ownership of `params`.
 * @example
 * const { state } = await trainCharLm(params, trainTokens, random.key(1), { steps: 10, batchSize: 8, lr: 3e-3, warmupSteps: 2, weightDecay: 0.01 }, silentProgress)
 * @since 0.2.0
 */
export const trainCharLm = async (
  params: CharTransformer<Tensor>,
  tokens: Uint8Array,
  key: random.PRNGKey,
  config: TrainConfig,
  progress: Progress,
) => {
  // Compiled: the first step records its kernels, the others replay them (the same bits, faster).
  const step = compile(optim.trainStep({ loss: languageModelLoss, optimizer: charLmOptimizer(config) }));
  const [stateKey, dataKey] = random.split(key) as [random.PRNGKey, random.PRNGKey];
  const length = params.context;
  const charactersPerStep = config.batchSize * length;
  let state = step.init(params, stateKey);
  const history: StepRecord[] = [];
  const started = performance.now();
  progress.start(config.steps);
  for (let i = 0; i < config.steps; i++) {
    const batch = randomBatch(tokens, random.foldIn(dataKey, i), config.batchSize, length);
    let metrics: optim.Metrics;
    try {
      [state, metrics] = step(state, batch);
    } finally {
      dispose(batch);
    }
    const record: StepRecord = {
      step: state.step,
      epoch: 1 + Math.floor((i * charactersPerStep) / tokens.length),
      loss: natsToBits(metrics.loss),
      accuracy: metrics['correct']! / charactersPerStep,
    };
    history.push(record);
    const seconds = (performance.now() - started) / 1000;
    progress.update(record, (state.step * config.batchSize) / Math.max(seconds, 1e-9));
    // Let the progress bar's timer and signals run between steps.
    await new Promise((resolve) => setImmediate(resolve));
  }
  progress.stop();
  step.dispose();
  const result: TrainResult<optim.StateOf<ReturnType<typeof charLmOptimizer>>> = {
    state,
    history,
    seconds: (performance.now() - started) / 1000,
  };
  return result;
};
