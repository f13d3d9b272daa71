/**
 * How a loss turns its per-element values into what it returns, as PyTorch's `reduction` argument:
 * `'mean'` (the default), `'sum'` or `'none'` (the per-element losses, unreduced).
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { readTensors } from '../engine/trace.js';
import { describeArgument, LossError } from './LossError.js';

type Tensor = tf.Tensor;

/**
 * PyTorch's `reduction`: `'mean'` averages the per-element losses (each loss documents its
 * denominator: `crossEntropy` with class weights divides by the sum of the weights), `'sum'` adds
 * them, `'none'` returns them unreduced.
 * @example
 * import { losses } from 'parallax-ts'
 * const reduction: losses.Reduction = 'sum'
 * @category model
 * @since 0.2.0
 */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * What a loss returns for a reduction: a scalar, or for `'none'` the unreduced tensor.
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const total: losses.Reduced<'sum'> = tf.scalar(1)             // tf.Scalar
 * const each: losses.Reduced<'none'> = tf.tensor1d([0.5, 0.5])  // tf.Tensor
 * @category model
 * @since 0.2.0
 */
export type Reduced<R extends string> = R extends 'none' ? Tensor : tf.Scalar;

/**
 * Options of the elementwise losses without parameters (`mseLoss`, `l1Loss`).
 * @example
 * import { losses } from 'parallax-ts'
 * const options: losses.ReductionOptions<'none'> = { reduction: 'none' }
 * @category model
 * @since 0.2.0
 */
export interface ReductionOptions<R extends Reduction = Reduction> {
  /** Default `'mean'`. */
  readonly reduction?: R;
}

/**
 * Checks a `reduction` option (`undefined` means `'mean'`) against the names `allowed`.
 * @example
 * import { checkReduction } from './Reduction.js'
 * checkReduction('mseLoss', 'avg', ['mean', 'sum', 'none'])
 * // throws LossError: mseLoss: reduction: expected 'mean' | 'sum' | 'none', got "avg"
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const checkReduction = <R extends string>(loss: string, value: unknown, allowed: ReadonlyArray<R>): R => {
  const r = value === undefined ? 'mean' : value;
  if (typeof r !== 'string' || !(allowed as ReadonlyArray<string>).includes(r)) {
    throw new LossError(loss, 'reduction', allowed.map((a) => `'${a}'`).join(' | '), describeArgument(value));
  }
  return r as R;
};

/**
 * The sum of every element as a scalar; `0` for an empty tensor (tfjs-backend-wasm 4.22 leaves an
 * empty sum uninitialized, and PyTorch's empty sum is 0).
 * @example
 * import { tf } from 'parallax-ts'
 * import { sumAll } from './Reduction.js'
 * sumAll(tf.zeros([0, 3])) // 0
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const sumAll = (x: Tensor): tf.Scalar => (x.size === 0 ? tf.scalar(0) : tf.sum(x));

/**
 * The mean of every element as a scalar; NaN for an empty tensor, as PyTorch (tfjs gives 0 on cpu
 * and an uninitialized value on wasm).
 * @example
 * import { tf } from 'parallax-ts'
 * import { meanAll } from './Reduction.js'
 * meanAll(tf.zeros([0])) // NaN
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const meanAll = (x: Tensor): tf.Scalar => (x.size === 0 ? tf.scalar(NaN) : tf.mean(x));

/**
 * Applies an elementwise loss's reduction: the mean or the sum of `losses`, or `losses` itself.
 * @example
 * import { tf } from 'parallax-ts'
 * import { reduceLosses } from './Reduction.js'
 * reduceLosses(tf.tensor1d([1, 2, 3]), 'mean') // 2
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const reduceLosses = (losses: Tensor, reduction: Reduction): Tensor =>
  reduction === 'none' ? losses : reduction === 'sum' ? sumAll(losses) : meanAll(losses);

/**
 * `numerator / denominator` for a weighted mean: NaN when the denominator is 0 (every target
 * ignored, as PyTorch), and then a zero gradient rather than NaN (PyTorch's is zero there too: its
 * ignored entries are never written). Reads the denominator: a masked `1 / 0` would not do, as
 * tfjs's `where` multiplies the cotangent by the mask (`0 · ∞ = NaN`), and tfjs's `equal` has no
 * gradient to build the mask on the tape with.
 * @example
 * import { tf } from 'parallax-ts'
 * import { divideOrNaN } from './Reduction.js'
 * divideOrNaN(tf.scalar(0), tf.scalar(0)) // NaN
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const divideOrNaN = (numerator: tf.Scalar, denominator: tf.Scalar): tf.Scalar =>
  readTensors('branch', [denominator], ([d]) => d![0] === 0) ? tf.add(tf.mul(numerator, 0), NaN) : tf.div(numerator, denominator);
