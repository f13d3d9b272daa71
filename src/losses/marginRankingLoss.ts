/**
 * The margin ranking loss, PyTorch's `margin_ranking_loss`.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { checkLossOptions, checkSameShape, checkTensor, numberOption } from './arguments.js';
import type { MarginOptions } from './MarginOptions.js';
import { checkReduction, reduceLosses, type Reduced, type Reduction } from './Reduction.js';
import { clampMinZero } from './subgradients.js';

type Tensor = tf.Tensor;

/**
 * Whether `input1` should rank above `input2` (`y = 1`) or below (`y = −1`), elementwise:
 *
 * `ℓᵢ = max(0, −yᵢ (x1ᵢ − x2ᵢ) + margin)`,
 *
 * reduced by `'mean'` (default), `'sum'` or `'none'`. `input1`, `input2` are float32 and `target`
 * int32 or float32, all of one shape (PyTorch broadcasts tensors of equal rank; here a different
 * shape is a `LossError`). Like PyTorch, the target's values are not checked (±1 is the usual
 * choice). At the hinge (`−y (x1 − x2) + margin = 0`) the gradient passes, as PyTorch's `clamp_min`.
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const loss = losses.marginRankingLoss(tf.tensor1d([2, 0]), tf.tensor1d([1, 1]), tf.tensor1d([1, 1]), { margin: 0.5, reduction: 'none' })
 * // [max(0, −1 + 0.5), max(0, 1 + 0.5)] = [0, 1.5]
 * @category losses
 * @since 0.2.0
 */
export const marginRankingLoss = <R extends Reduction = 'mean'>(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  options: MarginOptions<R> = {},
): Reduced<R> => {
  const loss = 'marginRankingLoss';
  const a = checkTensor(loss, 'input1', input1);
  const b = checkTensor(loss, 'input2', input2);
  checkSameShape(loss, 'input2', b, 'input1', a);
  const y = checkTensor(loss, 'target', target, ['int32', 'float32']);
  checkSameShape(loss, 'target', y, 'input1', a);
  checkLossOptions(loss, options, { margin: true, reduction: true });
  const reduction = checkReduction<Reduction>(loss, options.reduction, ['mean', 'sum', 'none']);
  const margin = numberOption(loss, 'margin', options.margin, 0, Number.isFinite, 'a finite number');
  return tf.tidy(() => {
    const yf = y.dtype === 'float32' ? y : tf.cast(y, 'float32');
    return reduceLosses(clampMinZero(tf.add(tf.neg(tf.mul(yf, tf.sub(a, b))), margin)), reduction);
  }) as Reduced<R>;
};
