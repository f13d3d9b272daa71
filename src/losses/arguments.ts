/**
 * Argument checks shared by the losses: each failure is a `LossError` naming the loss, the argument,
 * what was expected and what came, thrown before any tensor is made.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { formatShape } from '../tree/ModuleError.js';
import { describeArgument, LossError } from './LossError.js';
import { describeData } from '../tree/describeData.js';
import { isOptionsRecord, unknownOption } from '../tree/optionKeys.js';

type Tensor = tf.Tensor;

const sameShape = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Checks that `x` is a tensor of one of `dtypes` (default float32) and returns it.
 * @example
 * import { tf } from 'parallax-ts'
 * import { checkTensor } from './arguments.js'
 * checkTensor('mseLoss', 'input', tf.zeros([2], 'int32'))
 * // throws LossError: mseLoss: input: expected a float32 tensor, got int32 of shape [2]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const checkTensor = (loss: string, argument: string, x: unknown, dtypes: ReadonlyArray<tf.DataType> = ['float32']): Tensor => {
  if (!(x instanceof tf.Tensor) || !dtypes.includes(x.dtype)) {
    throw new LossError(loss, argument, `a ${dtypes.join(' or ')} tensor`, describeArgument(x));
  }
  return x;
};

/**
 * Checks that `x` has exactly the shape of `reference` (the argument named `referenceName`).
 * @example
 * import { tf } from 'parallax-ts'
 * import { checkSameShape } from './arguments.js'
 * checkSameShape('mseLoss', 'target', tf.zeros([3]), 'input', tf.zeros([2]))
 * // throws LossError: mseLoss: target: expected the shape of input, [2], got [3]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const checkSameShape = (loss: string, argument: string, x: Tensor, referenceName: string, reference: Tensor): void => {
  if (!sameShape(x.shape, reference.shape)) {
    throw new LossError(loss, argument, `the shape of ${referenceName}, ${formatShape(reference.shape)}`, formatShape(x.shape));
  }
};

/**
 * Checks that `x` broadcasts to `shape` without growing it (PyTorch's `expand`: each of `x`'s axes,
 * aligned from the right, is 1 or the same size, and `x` has no more axes than `shape`).
 * @example
 * import { tf } from 'parallax-ts'
 * import { checkBroadcastsTo } from './arguments.js'
 * checkBroadcastsTo('binaryCrossEntropy', 'weight', tf.ones([4]), 'input', [2, 3])
 * // throws LossError: binaryCrossEntropy: weight: expected a shape that broadcasts to input's [2, 3], got [4]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const checkBroadcastsTo = (loss: string, argument: string, x: Tensor, referenceName: string, shape: ReadonlyArray<number>): void => {
  const offset = shape.length - x.rank;
  const fits = offset >= 0 && x.shape.every((d, i) => d === 1 || d === shape[offset + i]);
  if (!fits) {
    throw new LossError(loss, argument, `a shape that broadcasts to ${referenceName}'s ${formatShape(shape)}`, formatShape(x.shape));
  }
};

/**
 * Reads a numeric option: `fallback` when absent, else a number for which `ok` holds (`expected`
 * describes it for the error).
 * @example
 * import { numberOption } from './arguments.js'
 * numberOption('huberLoss', 'delta', 0, 1, (d) => d > 0, 'a number > 0')
 * // throws LossError: huberLoss: delta: expected a number > 0, got 0
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const numberOption = (
  loss: string,
  argument: string,
  value: unknown,
  fallback: number,
  ok: (n: number) => boolean,
  expected: string,
): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !ok(value)) throw new LossError(loss, argument, expected, describeArgument(value));
  return value;
};

/**
 * Reads a boolean option: `fallback` when absent.
 * @example
 * import { booleanOption } from './arguments.js'
 * booleanOption('klDiv', 'logTarget', 'yes', false) // throws LossError: klDiv: logTarget: expected a boolean, got "yes"
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const booleanOption = (loss: string, argument: string, value: unknown, fallback: boolean): boolean => {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new LossError(loss, argument, 'a boolean', describeArgument(value));
  return value;
};

/**
 * Reads an optional tensor option (`undefined` → `undefined`), checking its dtype.
 * @example
 * import { optionalTensor } from './arguments.js'
 * optionalTensor('crossEntropy', 'weight', [1, 2]) // throws LossError: crossEntropy: weight: expected a float32 tensor, got object
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const optionalTensor = (loss: string, argument: string, value: unknown): Tensor | undefined =>
  value === undefined ? undefined : checkTensor(loss, argument, value);

/**
 * Checks a prediction and its target for an elementwise loss: both float32, of the same shape.
 * (PyTorch broadcasts a target of another shape with a warning; here that is an error, as such a
 * broadcast is almost always a bug — `[N]` against `[N, 1]` makes an `[N, N]` loss.)
 * @example
 * import { tf } from 'parallax-ts'
 * import { checkPair } from './arguments.js'
 * checkPair('mseLoss', tf.zeros([4, 1]), tf.zeros([4]))
 * // throws LossError: mseLoss: target: expected the shape of input, [4, 1], got [4]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const checkPair = (loss: string, input: unknown, target: unknown): void => {
  const x = checkTensor(loss, 'input', input);
  const y = checkTensor(loss, 'target', target);
  checkSameShape(loss, 'target', y, 'input', x);
};

/**
 * Throws a `LossError` naming `loss` unless `options` is an object whose keys are all in `known`
 * (the compiler checks `known` lists every option of `O`): a PyTorch name this loss does not take
 * (`ignore_index`, `pos_weight`, `reduce`) is refused rather than ignored.
 *
 * @example
 * import { checkLossOptions } from './arguments.js'
 * checkLossOptions('mseLoss', { reduction: 'sum' }, { reduction: true }) // fine
 * const fromJson: { readonly reduction?: 'mean' | 'sum' } = JSON.parse('{ "reduce": false }')
 * checkLossOptions('mseLoss', fromJson, { reduction: true }) // throws LossError: mseLoss: options: expected only reduction, got the unknown option "reduce"
 * @internal
 * @category errors
 * @since 0.2.0
 */
export const checkLossOptions = <O extends object>(loss: string, options: O, known: { readonly [K in keyof O]-?: true }): void => {
  const names = Object.keys(known);
  if (!isOptionsRecord(options)) throw new LossError(loss, 'options', `an object with some of ${names.join(', ')}`, describeData(options));
  const unknown = unknownOption(options, names);
  if (unknown !== undefined)
    throw new LossError(loss, 'options', `only ${names.join(', ')}`, `the unknown option ${describeData(unknown)}`);
};
