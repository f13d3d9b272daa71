/**
 * Binary cross-entropy of logits, PyTorch's `binary_cross_entropy_with_logits`.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { checkBroadcastsTo, checkLossOptions, checkPair, optionalTensor } from './arguments.js';
import { checkReduction, reduceLosses, type Reduced, type Reduction } from './Reduction.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link binaryCrossEntropyWithLogits}.
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const options: losses.BinaryCrossEntropyWithLogitsOptions = { posWeight: tf.tensor1d([3, 1]), reduction: 'sum' }
 * @category model
 * @since 0.2.0
 */
export interface BinaryCrossEntropyWithLogitsOptions<R extends Reduction = Reduction> {
  /** Float32 weights that broadcast to the input's shape; default 1. */
  readonly weight?: Tensor;
  /** Float32 weights of the positive term, broadcast along the input (usually one per class, `[C]`); default 1. */
  readonly posWeight?: Tensor;
  /** Default `'mean'`. */
  readonly reduction?: R;
}

/**
 * Binary cross-entropy of `sigmoid(input)` against `target`, computed from the logits, elementwise:
 *
 * `ℓᵢ = −wᵢ [pᵢ yᵢ · log σ(xᵢ) + (1 − yᵢ) · log(1 − σ(xᵢ))]`
 * `   = wᵢ [(1 − yᵢ) xᵢ + (1 + (pᵢ − 1) yᵢ) · softplus(−xᵢ)]`,
 *
 * with `w` = `weight` and `p` = `posWeight` (broadcast to the input's shape), reduced by `'mean'`
 * (default, over all elements), `'sum'` or `'none'`. The second form, with a stable `softplus`,
 * is what is computed, so logits of ±1e4 give finite losses and gradients (`∂ℓᵢ/∂xᵢ =
 * wᵢ [(1 − yᵢ) − (1 + (pᵢ − 1) yᵢ) σ(−xᵢ)]`). `input` and `target` are float32 of the same shape.
 *
 * Errors (a `LossError`): input or target not float32 or of different shapes, a `weight` or
 * `posWeight` that does not broadcast to the input's shape, an unknown reduction.
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const loss = losses.binaryCrossEntropyWithLogits(tf.tensor1d([0, 1e4, -1e4]), tf.tensor1d([1, 1, 1]), { reduction: 'none' })
 * // [log 2, 0, 1e4]
 * const weighted = losses.binaryCrossEntropyWithLogits(tf.zeros([4, 2]), tf.ones([4, 2]), { posWeight: tf.tensor1d([3, 1]) })
 * @category losses
 * @since 0.2.0
 */
export const binaryCrossEntropyWithLogits = <R extends Reduction = 'mean'>(
  input: Tensor,
  target: Tensor,
  options: BinaryCrossEntropyWithLogitsOptions<R> = {},
): Reduced<R> => {
  const loss = 'binaryCrossEntropyWithLogits';
  checkPair(loss, input, target);
  checkLossOptions(loss, options, { weight: true, posWeight: true, reduction: true });
  const reduction = checkReduction<Reduction>(loss, options.reduction, ['mean', 'sum', 'none']);
  const weight = optionalTensor(loss, 'weight', options.weight);
  if (weight !== undefined) checkBroadcastsTo(loss, 'weight', weight, 'input', input.shape);
  const posWeight = optionalTensor(loss, 'posWeight', options.posWeight);
  if (posWeight !== undefined) checkBroadcastsTo(loss, 'posWeight', posWeight, 'input', input.shape);
  return tf.tidy(() => {
    // softplus(−x) = −log σ(x); tfjs's softplus switches to x or exp(x) far out, and its gradient is σ
    const softplusNeg = tf.softplus(tf.neg(input));
    const positive = posWeight === undefined ? softplusNeg : tf.mul(tf.add(1, tf.mul(tf.sub(posWeight, 1), target)), softplusNeg);
    const losses = tf.add(tf.mul(tf.sub(1, target), input), positive);
    return reduceLosses(weight === undefined ? losses : tf.mul(losses, weight), reduction);
  }) as Reduced<R>;
};
