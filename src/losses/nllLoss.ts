/**
 * The negative log-likelihood loss, PyTorch's `nll_loss`.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { checkLossOptions, checkTensor } from './arguments.js';
import { checkClassIndices, classesLast, classIndexTerms, classLayout, classWeightOption, ignoreIndexOption } from './classTargets.js';
import { checkReduction, divideOrNaN, sumAll, type Reduced, type Reduction } from './Reduction.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link nllLoss}, PyTorch's arguments in camelCase.
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const options: losses.NllLossOptions<'sum'> = { weight: tf.tensor1d([1, 2, 1]), ignoreIndex: -1, reduction: 'sum' }
 * @category model
 * @since 0.2.0
 */
export interface NllLossOptions<R extends Reduction = Reduction> {
  /** A weight per class, float32 `[C]`; default all 1. */
  readonly weight?: Tensor;
  /** A target value that contributes nothing, to the loss or to the mean's denominator; default −100. */
  readonly ignoreIndex?: number;
  /** Default `'mean'`. */
  readonly reduction?: R;
}

/**
 * Negative log-likelihood of integer class targets: `input` holds log-probabilities (e.g. a
 * `logSoftmax`), float32 `[C]`, `[N, C]` or `[N, C, d1, ...]` (classes on axis 1 when batched), and
 * `target` int32 class indices of the input's shape without its class axis (`[]`, `[N]`,
 * `[N, d1, ...]`). Per element,
 *
 * `ℓᵢ = −w[yᵢ] · input[i, yᵢ]`, and `ℓᵢ = 0` where `yᵢ = ignoreIndex`.
 *
 * `'none'` returns the `ℓᵢ` in the target's shape; `'sum'` gives `Σ ℓᵢ`; `'mean'` gives
 * `Σ ℓᵢ / Σ_{i not ignored} w[yᵢ]` (the weighted mean PyTorch computes; without weights, the mean
 * over the targets that are not ignored), NaN when every target is ignored, as PyTorch (the
 * gradient is then zero).
 *
 * Errors (a `LossError` naming the argument): input not float32 or of rank 0, targets not int32, not
 * of the expected shape, or out of `[0, C)` other than `ignoreIndex` (the targets are read to check
 * this), a `weight` not float32 `[C]`, an unknown reduction. Gradients flow to `input` (and to
 * `weight`, which PyTorch does not differentiate).
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const logp = tf.log(tf.tensor2d([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]]))
 * const loss = losses.nllLoss(logp, tf.tensor1d([0, 1], 'int32'))        // (log 2 − log 0.8) / 2 ≈ 0.4581
 * const each = losses.nllLoss(logp, tf.tensor1d([0, -100], 'int32'), { reduction: 'none' }) // [0.6931, 0]
 * @category losses
 * @since 0.2.0
 */
export const nllLoss = <R extends Reduction = 'mean'>(input: Tensor, target: Tensor, options: NllLossOptions<R> = {}): Reduced<R> => {
  const loss = 'nllLoss';
  const layout = classLayout(loss, input);
  checkLossOptions(loss, options, { weight: true, ignoreIndex: true, reduction: true });
  const reduction = checkReduction<Reduction>(loss, options.reduction, ['mean', 'sum', 'none']);
  const ignoreIndex = ignoreIndexOption(loss, options.ignoreIndex);
  const weight = classWeightOption(loss, options.weight, layout.classes);
  checkTensor(loss, 'target', target, ['int32']);
  checkClassIndices(loss, target, layout, ignoreIndex, 'int32 class indices');
  return tf.tidy(() => {
    const { nll, targetWeight } = classIndexTerms(classesLast(input), target, weight, ignoreIndex);
    if (reduction === 'none') return tf.reshape(nll, [...layout.sampleShape]);
    if (reduction === 'sum') return sumAll(nll);
    return divideOrNaN(sumAll(nll), sumAll(targetWeight));
  }) as Reduced<R>;
};
