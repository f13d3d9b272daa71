/**
 * The Huber loss, PyTorch's `huber_loss`.
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
 * Options of {@link huberLoss}.
 * @example
 * import { losses } from 'parallax-ts'
 * const options: losses.HuberLossOptions = { delta: 2 }
 * @category model
 * @since 0.2.0
 */
export interface HuberLossOptions<R extends Reduction = Reduction> {
  /** Where the quadratic part ends, > 0; default 1. */
  readonly delta?: number;
  /** Default `'mean'`. */
  readonly reduction?: R;
}

/**
 * Huber loss, elementwise, with `dᵢ = inputᵢ − targetᵢ`:
 *
 * `ℓᵢ = 0.5 dᵢ²` if `|dᵢ| < δ`, else `δ (|dᵢ| − 0.5 δ)`,
 *
 * reduced by `'mean'` (default), `'sum'` or `'none'`. `input` and `target` are float32 tensors of
 * the same shape; `delta` ≤ 0 is a `LossError`, as in PyTorch. The gradient is `dᵢ` inside,
 * `δ · sign(dᵢ)` outside. With `δ = 1` it equals `smoothL1Loss` with `β = 1`.
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const loss = losses.huberLoss(tf.tensor1d([0.5, 3]), tf.tensor1d([0, 0]), { delta: 2, reduction: 'none' }) // [0.125, 4]
 * @category losses
 * @since 0.2.0
 */
export const huberLoss = <R extends Reduction = 'mean'>(input: Tensor, target: Tensor, options: HuberLossOptions<R> = {}): Reduced<R> => {
  const loss = 'huberLoss';
  checkPair(loss, input, target);
  checkLossOptions(loss, options, { delta: true, reduction: true });
  const reduction = checkReduction<Reduction>(loss, options.reduction, ['mean', 'sum', 'none']);
  const delta = numberOption(loss, 'delta', options.delta, 1, (d) => d > 0 && Number.isFinite(d), 'a finite number > 0');
  return tf.tidy(() => {
    const d = tf.sub(input, target);
    const abs = absSgn(d);
    const losses = tf.where(
      constantMask(abs, (a) => tf.less(a, delta)),
      tf.mul(tf.square(d), 0.5),
      tf.mul(tf.sub(abs, 0.5 * delta), delta),
    );
    return reduceLosses(losses, reduction);
  }) as Reduced<R>;
};
