/**
 * Training in the page: the MNIST example's own pieces (its CNN, loss, optimizer, batches and
 * evaluation, from examples/mnist/) driven by a loop that hands the page back control between
 * steps, so the chart and the progress bar update while it trains.
 */
import { compile } from '../../src/compile/index.js';
import { dispose } from '../../src/engine/index.js';
import type { tf } from '../../src/engine/index.js';
import * as optim from '../../src/optim/index.js';
import type * as random from '../../src/random/index.js';
import { batchOf, type Batch, type Digits, shuffledIndices } from '../../examples/mnist/digits.js';
import type { MnistCnn } from '../../examples/mnist/models.js';
import { exampleOptimizer } from '../../examples/mnist/optimizer.js';
import { classifierLoss, evaluate } from '../../examples/mnist/train.js';
import type { EpochPoint, StepPoint } from './chart.js';

/** How to train, and whom to tell. */
export interface TrainingOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Stop after this many steps (the test suite trains a few); default: all epochs. */
  readonly maxSteps?: number;
  /** Peak Adam learning rate, cosine-decayed to 0 over the run (the example's schedule). */
  readonly learningRate: number;
  readonly seed: number;
  readonly key: random.PRNGKey;
  readonly onStart: (totalSteps: number) => void;
  readonly onStep: (point: StepPoint, examplesPerSecond: number) => void;
  readonly onEpoch: (point: EpochPoint) => void;
  /** Asked between steps: `true` stops the run after the current step. */
  readonly stopRequested: () => boolean;
}

/** Lets the page render and handle input: a macrotask, taken when ~1/30 s of work has passed. */
const pauseForPage = (() => {
  let last = performance.now();
  return async (): Promise<void> => {
    if (performance.now() - last < 33) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    last = performance.now();
  };
})();

/**
 * Trains `params` (taking ownership) on `train`, scoring `test` after each epoch; returns the
 * trained parameters (owned by the caller). Same step as `npm start`: a compiled `optim.trainStep`
 * with the example's loss and Adam on a cosine schedule.
 */
export const trainInPage = async (
  params: MnistCnn<tf.Tensor>,
  train: Digits,
  test: Digits,
  options: TrainingOptions,
): Promise<MnistCnn<tf.Tensor>> => {
  const stepsPerEpoch = Math.ceil(train.count / options.batchSize);
  const totalSteps = Math.min(options.maxSteps ?? Infinity, stepsPerEpoch * options.epochs);
  // Compiled on cpu and wasm (the first step records, the others replay); on webgl it runs as is.
  const step = compile(
    optim.trainStep<MnistCnn<tf.Tensor>, Batch, unknown>({
      loss: classifierLoss,
      optimizer: exampleOptimizer(options.learningRate, totalSteps) as optim.GradientTransformation<unknown>,
    }),
  );
  let state = step.init(params, options.key);
  options.onStart(totalSteps);
  const started = performance.now();
  let examples = 0;
  try {
    for (let epoch = 0; epoch < options.epochs && state.step < totalSteps; epoch++) {
      const order = shuffledIndices(train.count, options.seed + epoch);
      for (let start = 0; start < train.count && state.step < totalSteps; start += options.batchSize) {
        const indices = order.subarray(start, Math.min(start + options.batchSize, train.count));
        const batch = batchOf(train, indices);
        const [next, metrics] = step(state, batch);
        dispose(batch);
        state = next; // the step consumed (disposed) the state it was given
        examples += indices.length;
        options.onStep(
          { step: state.step, loss: metrics.loss, accuracy: metrics['correct']! / indices.length },
          examples / Math.max((performance.now() - started) / 1000, 1e-9),
        );
        await pauseForPage();
        if (options.stopRequested()) return state.params;
      }
      options.onEpoch({ step: state.step, accuracy: await evaluate(state.params, test) });
      await pauseForPage();
    }
    return state.params;
  } finally {
    dispose(state.optState);
    step.dispose();
  }
};
