/**
 * Type tests for the file-and-config half of the reliability work: what must not compile is marked
 * `// @ts-expect-error` (an unused one is itself an error, TS2578).
 */
import { tf } from '../../src/engine/backend.js';
import { FileError } from '../../src/io/FileError.js';
import type { StateDictProblem } from '../../src/io/StateDictError.js';
import { CONFIG_LIMITS, type ConfigLimits, fromConfig, builtinLayers, toConfig } from '../../src/nn/config.js';
import { Linear } from '../../src/nn/Linear.js';
import { type ParamDtype, paramDtype, paramInit, withParamBudget } from '../../src/tree/ParamInit.js';

// ParamInit declares its element type: tfjs's three that a state dict holds, nothing else.
const counter = paramInit([], () => () => tf.scalar(0, 'int32'), 'int32');
const d: ParamDtype = paramDtype(counter);
// @ts-expect-error float64 is no dtype a ParamInit can declare
paramInit([1], () => () => tf.zeros([1]), 'float64');
// @ts-expect-error neither is a tfjs string tensor
paramInit([1], () => () => tf.zeros([1]), 'string');

// Limits are numbers (Infinity lifts one); toConfig takes only the depth.
const limits: ConfigLimits = { maxDepth: 100, maxLeaves: Infinity };
fromConfig({ type: 'Linear', config: { inFeatures: 1, outFeatures: 1 } }, builtinLayers, limits);
// @ts-expect-error a limit is a number
fromConfig({}, builtinLayers, { maxDepth: '100' });
toConfig(Linear.create(1, 1), builtinLayers, { maxDepth: 5 });
// @ts-expect-error toConfig writes what exists: only its depth is bounded
toConfig(Linear.create(1, 1), builtinLayers, { maxLeaves: 5 });
// @ts-expect-error the defaults are read-only
CONFIG_LIMITS.maxDepth = 1;

// A budget's `exceeded` must throw (it returns never).
withParamBudget(
  {
    maxLeaves: 1,
    maxElements: 1,
    exceeded: (what) => {
      throw new Error(what);
    },
  },
  () => 1,
);
// @ts-expect-error a budget that would carry on past its bound
withParamBudget({ maxLeaves: 1, maxElements: 1, exceeded: () => 'over' }, () => 1);

// The errors expose what a program needs to react: the file and the system's code; the argument at fault.
declare const e: FileError;
const where: string = e.path;
const code: string | undefined = e.code;
const problem: StateDictProblem = { kind: 'argument', key: 'tensors', message: 'loadStateDict: argument tensors: ...' };
// @ts-expect-error not a kind of problem
const wrong: StateDictProblem = { kind: 'typo', key: 'x', message: '' };

export { d, where, code, problem, wrong };
