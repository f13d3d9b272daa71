/**
 * The one error the losses throw: a bad argument (a shape that does not fit, a target of the wrong
 * dtype, a class index out of range, an unknown reduction), named with what the loss expected and
 * what it got, before any tensor is made.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { formatShape } from '../tree/ModuleError.js';

/**
 * A loss refused an argument. `loss` is the function (`'crossEntropy'`), `argument` the argument or
 * option (`'target'`, `'weight'`, `'reduction'`), `expected` and `actual` say what was wanted and
 * what came; the message reads `crossEntropy: target: expected …, got …`.
 * @example
 * import { losses, tf } from 'parallax-ts'
 * try {
 *   losses.crossEntropy(tf.zeros([2, 3]), tf.tensor1d([0, 3], 'int32'))
 * } catch (e) {
 *   if (e instanceof losses.LossError) console.log(e.argument, e.actual) // 'target' '3 at flat index 1'
 * }
 * @category errors
 * @since 0.2.0
 */
export class LossError extends Error {
  override readonly name = 'LossError';
  constructor(
    /** The loss function that refused the argument, e.g. `'crossEntropy'`. */
    readonly loss: string,
    /** The argument or option, e.g. `'target'` or `'labelSmoothing'`. */
    readonly argument: string,
    /** What the loss expected, e.g. `'int32 class indices of shape [4]'`. */
    readonly expected: string,
    /** What it got, e.g. `'float32 of shape [4]'`. */
    readonly actual: string,
  ) {
    super(`${loss}: ${argument}: expected ${expected}, got ${actual}`);
  }
}

/**
 * A tensor as error messages describe it: `float32 of shape [4, 3]`; anything else by its type.
 * @example
 * import { tf } from 'parallax-ts'
 * import { describeArgument } from './LossError.js'
 * describeArgument(tf.zeros([4, 3])) // 'float32 of shape [4, 3]'
 * @internal
 * @category errors
 * @since 0.2.0
 */
export const describeArgument = (x: unknown): string => {
  if (x instanceof tf.Tensor) return `${x.dtype} of shape ${formatShape(x.shape)}`;
  if (x === null) return 'null';
  if (typeof x === 'string') return JSON.stringify(x);
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'undefined') return String(x);
  return typeof x;
};

/**
 * A float32 value as its shortest decimal that reads back to the same float32 (`-0.1`, not
 * `-0.10000000149011612`), for messages that quote a tensor's entry.
 * @example
 * import { formatFloat32 } from './LossError.js'
 * formatFloat32(Math.fround(-0.1)) // '-0.1'
 * @internal
 * @category errors
 * @since 0.2.0
 */
export const formatFloat32 = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  for (let digits = 1; digits < 9; digits++) {
    const short = Number(v.toPrecision(digits));
    if (Math.fround(short) === v) return String(short);
  }
  return String(v);
};
