/**
 * The mean absolute error, PyTorch's `l1_loss`.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { checkLossOptions, checkPair } from './arguments.js';
import { checkReduction, reduceLosses, type Reduced, type Reduction, type ReductionOptions } from './Reduction.js';
import { absSgn } from './subgradients.js';

type Tensor = tf.Tensor;

/**
 * Absolute error, elementwise: `ℓᵢ = |inputᵢ − targetᵢ|`, reduced by `'mean'` (default), `'sum'`
 * or `'none'`. `input` and `target` are float32 tensors of the same shape. The gradient is
 * `sign(inputᵢ − targetᵢ)`, 0 where they are equal, as PyTorch (tfjs's own `abs` gives −1 there).
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const loss = losses.l1Loss(tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 0, 0]), { reduction: 'sum' }) // 5
 * @category losses
 * @since 0.2.0
 */
export const l1Loss = <R extends Reduction = 'mean'>(input: Tensor, target: Tensor, options: ReductionOptions<R> = {}): Reduced<R> => {
  const loss = 'l1Loss';
  checkPair(loss, input, target);
  checkLossOptions(loss, options, { reduction: true });
  const reduction = checkReduction<Reduction>(loss, options.reduction, ['mean', 'sum', 'none']);
  return tf.tidy(() => reduceLosses(absSgn(tf.sub(input, target)), reduction)) as Reduced<R>;
};
