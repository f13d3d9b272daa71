/**
 * The smooth L1 loss, PyTorch's `smooth_l1_loss`.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { checkLossOptions, checkPair, numberOption } from './arguments.js';
import { checkReduction, reduceLosses, type Reduced, type Reduction } from './Reduction.js';
import { constantMask } from './constantMask.js';
import { absSgn } from './subgradients.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link smoothL1Loss}.
 * @example
 * import { losses } from 'parallax-ts'
 * const options: losses.SmoothL1LossOptions = { beta: 0.5, reduction: 'sum' }
 * @category model
 * @since 0.2.0
 */
export interface SmoothL1LossOptions<R extends Reduction = Reduction> {
  /** Where the quadratic part ends, ≥ 0; default 1. `beta = 0` is the L1 loss. */
  readonly beta?: number;
  /** Default `'mean'`. */
  readonly reduction?: R;
}

/**
 * Smooth L1, elementwise, with `dᵢ = inputᵢ − targetᵢ`:
 *
 * `ℓᵢ = 0.5 dᵢ² / β` if `|dᵢ| < β`, else `|dᵢ| − 0.5 β`
 *
 * (the Huber loss divided by β), reduced by `'mean'` (default), `'sum'` or `'none'`; `β = 0` is
 * exactly `l1Loss`. `input` and `target` are float32 tensors of the same shape; a negative `beta`
 * is a `LossError`, as in PyTorch. The gradient is `dᵢ / β` inside, `sign(dᵢ)` outside.
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const loss = losses.smoothL1Loss(tf.tensor1d([0.5, 3]), tf.tensor1d([0, 0]), { reduction: 'none' }) // [0.125, 2.5]
 * @category losses
 * @since 0.2.0
 */
export const smoothL1Loss = <R extends Reduction = 'mean'>(
  input: Tensor,
  target: Tensor,
  options: SmoothL1LossOptions<R> = {},
): Reduced<R> => {
  const loss = 'smoothL1Loss';
  checkPair(loss, input, target);
  checkLossOptions(loss, options, { beta: true, reduction: true });
  const reduction = checkReduction<Reduction>(loss, options.reduction, ['mean', 'sum', 'none']);
  const beta = numberOption(loss, 'beta', options.beta, 1, (b) => b >= 0 && Number.isFinite(b), 'a finite number ≥ 0');
  return tf.tidy(() => {
    const d = tf.sub(input, target);
    const abs = absSgn(d);
    // β = 0 would divide by zero in the branch `where` does not take, and 0 · ∞ poisons its gradient
    const losses =
      beta === 0
        ? abs
        : tf.where(
            constantMask(abs, (a) => tf.less(a, beta)),
            tf.mul(tf.square(d), 0.5 / beta),
            tf.sub(abs, 0.5 * beta),
          );
    return reduceLosses(losses, reduction);
  }) as Reduced<R>;
};
