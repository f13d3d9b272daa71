/**
 * Type tests for the reliability options: what the compiler refuses before the run-time checks
 * would (seeds' `x64`, trainStep's `nonFinite`, hyperparameters given as strings), and the fields
 * the typed errors expose.
 */
import { tf } from '../../src/engine/backend.js';
import { GradError } from '../../src/grad/GradError.js';
import { Linear } from '../../src/nn/Linear.js';
import * as optim from '../../src/optim/index.js';
import * as random from '../../src/random/index.js';
import { ModuleError, MAX_TREE_DEPTH } from '../../src/tree/index.js';

type Tensor = tf.Tensor;

const k64 = random.key(2n ** 40n, { x64: true });
const k32 = random.key(-1, { x64: false });
// @ts-expect-error x64 is a boolean
random.key(1, { x64: 'yes' });
// @ts-expect-error a seed is a number or a bigint
random.key('42');
const limits: readonly [number, number, number] = [random.MAX_SPLIT, random.MAX_DRAW_SIZE, MAX_TREE_DEPTH];

const loss = (m: Linear<Tensor>, x: Tensor) => tf.sum(Linear.forward(m, x));
const guarded = optim.trainStep({ loss, optimizer: optim.adam(1e-3), nonFinite: 'skip' });
// @ts-expect-error nonFinite is 'throw' or 'skip'
optim.trainStep({ loss, optimizer: optim.adam(1e-3), nonFinite: 'maybe' });
// @ts-expect-error a learning rate is a number or a schedule (strings are refused at run time too)
optim.adam('0.1');
// @ts-expect-error momentum is a number
optim.sgd(0.1, { momentum: '0.9' });

const describeError = (e: unknown): string => {
  if (e instanceof optim.NonFiniteError) return `${e.step} ${e.loss} ${e.paths.join(',')}`;
  if (e instanceof optim.OptimizerError) return `${e.fn} ${e.argument} ${String(e.actual)}`;
  if (e instanceof random.RandomError) return `${e.fn} ${e.argument}`;
  if (e instanceof GradError) return `${e.fn} ${e.argument} ${e.path ?? ''}`;
  if (e instanceof ModuleError) return `${e.pathString} ${e.detail}`;
  return String(e);
};

export { k64, k32, limits, guarded, describeError };
