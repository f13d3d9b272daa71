/**
 * The mean squared error, PyTorch's `mse_loss`.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { checkLossOptions, checkPair } from './arguments.js';
import { checkReduction, reduceLosses, type Reduced, type Reduction, type ReductionOptions } from './Reduction.js';

type Tensor = tf.Tensor;

/**
 * Squared error, elementwise: `ℓᵢ = (inputᵢ − targetᵢ)²`, reduced by `'mean'` (default, over all
 * elements; NaN for empty inputs, as PyTorch), `'sum'` or `'none'` (the input's shape). `input` and
 * `target` are float32 tensors of the same shape (PyTorch broadcasts other shapes with a warning;
 * here that is a `LossError`). Gradients flow to both: `∂ℓᵢ/∂inputᵢ = 2 (inputᵢ − targetᵢ)`.
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const loss = losses.mseLoss(tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 0, 0])) // (0 + 4 + 9) / 3 = 4.3333
 * @category losses
 * @since 0.2.0
 */
export const mseLoss = <R extends Reduction = 'mean'>(input: Tensor, target: Tensor, options: ReductionOptions<R> = {}): Reduced<R> => {
  const loss = 'mseLoss';
  checkPair(loss, input, target);
  checkLossOptions(loss, options, { reduction: true });
  const reduction = checkReduction<Reduction>(loss, options.reduction, ['mean', 'sum', 'none']);
  return tf.tidy(() => reduceLosses(tf.square(tf.sub(input, target)), reduction)) as Reduced<R>;
};
