/**
 * What `crossEntropy` and `nllLoss` share: PyTorch's class-axis layout (`[C]`, `[N, C]` or
 * `[N, C, d1, ...]`, classes on axis 1 when batched) and the negative log-likelihood of integer
 * class targets with class weights and an ignored index.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { readTensors } from '../engine/trace.js';
import { formatShape } from '../tree/ModuleError.js';
import { checkTensor, numberOption } from './arguments.js';
import { describeArgument, LossError } from './LossError.js';

type Tensor = tf.Tensor;

/**
 * An input's class axis: `classes` (C) and `sampleShape`, the input's shape without its class axis
 * (`[]` for `[C]`, `[N]` for `[N, C]`, `[N, d1, ...]` for `[N, C, d1, ...]`): the shape of integer
 * targets and of unreduced losses.
 * @example
 * import type { ClassLayout } from './classTargets.js'
 * const layout: ClassLayout = { classes: 3, classAxis: 1, shape: [4, 3, 5], sampleShape: [4, 5] }
 * @internal
 * @category utils
 * @since 0.2.0
 */
export interface ClassLayout {
  readonly classes: number;
  readonly classAxis: number;
  readonly shape: ReadonlyArray<number>;
  readonly sampleShape: ReadonlyArray<number>;
}

/**
 * Checks a class-score input (float32, `[C]`, `[N, C]` or `[N, C, d1, ...]`, C ≥ 1) and gives its layout.
 * @example
 * import { tf } from 'parallax-ts'
 * import { classLayout } from './classTargets.js'
 * classLayout('crossEntropy', tf.zeros([4, 3, 5])).sampleShape // [4, 5]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const classLayout = (loss: string, input: unknown): ClassLayout => {
  const x = checkTensor(loss, 'input', input);
  const classAxis = x.rank === 1 ? 0 : 1;
  const classes = x.shape[classAxis];
  if (x.rank === 0 || classes === undefined || classes < 1) {
    throw new LossError(loss, 'input', 'scores of shape [C], [N, C] or [N, C, d1, ...] with C ≥ 1 classes', describeArgument(x));
  }
  return { classes, classAxis, shape: x.shape, sampleShape: x.shape.filter((_, i) => i !== classAxis) };
};

/**
 * `[C]`, `[N, C]` or `[N, C, d1, ...]` as `[M, C]`, classes last (what tfjs's `logSoftmax` needs),
 * rows in the row-major order of `sampleShape`.
 * @example
 * import { tf } from 'parallax-ts'
 * import { classesLast } from './classTargets.js'
 * classesLast(tf.zeros([4, 3, 5])).shape // [20, 3]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const classesLast = (x: Tensor): tf.Tensor2D => {
  if (x.rank === 1) return tf.reshape(x, [1, x.shape[0]!]);
  if (x.rank === 2) return x as tf.Tensor2D;
  const perm = [0, ...x.shape.slice(2).map((_, i) => i + 2), 1];
  return tf.reshape(tf.transpose(x, perm), [-1, x.shape[1]!]);
};

/**
 * Reads the `ignoreIndex` option (PyTorch's default −100): an integer.
 * @example
 * import { ignoreIndexOption } from './classTargets.js'
 * ignoreIndexOption('nllLoss', undefined) // -100
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const ignoreIndexOption = (loss: string, value: unknown): number =>
  numberOption(loss, 'ignoreIndex', value, -100, Number.isInteger, 'an integer');

/**
 * Reads the `weight` option: a float32 tensor of shape `[C]`, or `undefined`.
 * @example
 * import { tf } from 'parallax-ts'
 * import { classWeightOption } from './classTargets.js'
 * classWeightOption('nllLoss', tf.ones([2]), 3) // throws LossError: nllLoss: weight: expected a float32 tensor of shape [3] (one weight per class), got float32 of shape [2]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const classWeightOption = (loss: string, value: unknown, classes: number): Tensor | undefined => {
  if (value === undefined) return undefined;
  if (!(value instanceof tf.Tensor) || value.dtype !== 'float32' || value.rank !== 1 || value.shape[0] !== classes) {
    throw new LossError(loss, 'weight', `a float32 tensor of shape [${classes}] (one weight per class)`, describeArgument(value));
  }
  return value;
};

/**
 * Checks integer class targets against an input's layout: int32, of the input's shape without its
 * class axis, each in `[0, C)` or equal to `ignoreIndex`. Reads the targets (a synchronous
 * download), as PyTorch checks them on the CPU.
 * @example
 * import { tf } from 'parallax-ts'
 * import { checkClassIndices, classLayout } from './classTargets.js'
 * const layout = classLayout('nllLoss', tf.zeros([2, 3]))
 * checkClassIndices('nllLoss', tf.tensor1d([0, 3], 'int32'), layout, -100, 'int32 class indices')
 * // throws LossError: nllLoss: target: expected class indices in [0, 3) or ignoreIndex -100, got 3 at flat index 1
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const checkClassIndices = (loss: string, target: Tensor, layout: ClassLayout, ignoreIndex: number, what: string): void => {
  const { sampleShape, classes } = layout;
  if (target.rank !== sampleShape.length || target.shape.some((d, i) => d !== sampleShape[i])) {
    const without = `input's ${formatShape(layout.shape)} without its class axis ${layout.classAxis}`;
    throw new LossError(loss, 'target', `${what} of shape ${formatShape(sampleShape)} (${without})`, describeArgument(target));
  }
  readTensors('check', [target], ([values]) => {
    for (let i = 0; i < values!.length; i++) {
      const v = values![i] as number;
      if (v !== ignoreIndex && (v < 0 || v >= classes)) {
        throw new LossError(loss, 'target', `class indices in [0, ${classes}) or ignoreIndex ${ignoreIndex}`, `${v} at flat index ${i}`);
      }
    }
  });
};

/**
 * Per sample of `[M, C]` log-probabilities and `M` checked class targets: `valid` (bool, target ≠
 * ignoreIndex), `targetWeight` (`w[y]`, or 1; 0 where ignored) and `nll` (`−w[y] · logp[y]`; 0
 * where ignored). The target's entry is gathered, not picked with a one-hot product, so a `−∞`
 * score in another class (a masked vocabulary) stays out of the sum as in PyTorch.
 * @example
 * import { tf } from 'parallax-ts'
 * import { classIndexTerms } from './classTargets.js'
 * const { nll } = classIndexTerms(tf.log(tf.tensor2d([[0.5, 0.5], [0.25, 0.75]])), tf.tensor1d([0, 1], 'int32'), undefined, -100)
 * // nll: [log 2, log(4/3)]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const classIndexTerms = (
  logp: tf.Tensor2D,
  target: Tensor,
  weight: Tensor | undefined,
  ignoreIndex: number,
): { readonly valid: Tensor; readonly targetWeight: Tensor; readonly nll: Tensor } => {
  const [rows, classes] = logp.shape;
  const flatTarget = tf.reshape(target, [rows]);
  const valid = tf.notEqual(flatTarget, tf.scalar(ignoreIndex, 'int32'));
  // ignored rows read class 0 (always present) and are then masked: gather needs in-range indices
  const safeTarget = tf.where(valid, flatTarget, tf.zerosLike(flatTarget));
  const zeros = tf.zeros([rows]);
  const picked = tf.gather(tf.reshape(logp, [-1]), tf.add(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(classes, 'int32')), safeTarget));
  const targetWeight = weight === undefined ? tf.cast(valid, 'float32') : tf.where(valid, tf.gather(weight, safeTarget), zeros);
  // masked before the product: an ignored row's class 0 may score −∞, and tfjs's `where` passes its
  // cotangent on multiplied by the mask (0 · ∞ = NaN), not selected
  const nll = tf.mul(targetWeight, tf.where(valid, tf.neg(picked), zeros));
  return { valid, targetWeight, nll };
};
