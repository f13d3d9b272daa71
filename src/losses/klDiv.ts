/**
 * The Kullback–Leibler divergence loss, PyTorch's `kl_div`.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { booleanOption, checkLossOptions, checkPair } from './arguments.js';
import { constantMask } from './constantMask.js';
import { checkReduction, reduceLosses, sumAll, type Reduced, type Reduction } from './Reduction.js';

type Tensor = tf.Tensor;

/**
 * {@link klDiv}'s reductions: PyTorch's, plus `'batchmean'` (the sum divided by the batch size,
 * the true KL divergence per sample).
 * @example
 * import { losses } from 'parallax-ts'
 * const reduction: losses.KlDivReduction = 'batchmean'
 * @category model
 * @since 0.2.0
 */
export type KlDivReduction = Reduction | 'batchmean';

/**
 * Options of {@link klDiv}.
 * @example
 * import { losses } from 'parallax-ts'
 * const options: losses.KlDivOptions<'batchmean'> = { reduction: 'batchmean', logTarget: true }
 * @category model
 * @since 0.2.0
 */
export interface KlDivOptions<R extends KlDivReduction = KlDivReduction> {
  /** Default `'mean'` (PyTorch's default, though only `'batchmean'` is the KL divergence). */
  readonly reduction?: R;
  /** Whether `target` holds log-probabilities; default false (probabilities). */
  readonly logTarget?: boolean;
}

/**
 * The pointwise KL divergence of `target` from `input`, where `input` holds log-probabilities:
 *
 * `ℓᵢ = tᵢ (log tᵢ − inputᵢ)` (with `0 · log 0 = 0`, as PyTorch's `xlogy`), or with `logTarget`
 * `ℓᵢ = exp(tᵢ) (tᵢ − inputᵢ)`,
 *
 * reduced by `'mean'` (default, over all elements — PyTorch's default, not the KL divergence),
 * `'batchmean'` (`Σ ℓᵢ / input.shape[0]`, the KL divergence per sample; the sum for a scalar
 * input), `'sum'` or `'none'`. `input` and `target` are float32 of the same shape (PyTorch
 * broadcasts). A negative probability target gives NaN, as in PyTorch.
 *
 * Gradients: `∂ℓᵢ/∂inputᵢ = −tᵢ` (`−exp(tᵢ)` with `logTarget`); to a probability target
 * `log tᵢ + 1 − inputᵢ`, taken as `−inputᵢ` at `tᵢ = 0` (where PyTorch's is NaN).
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const logq = tf.log(tf.tensor2d([[0.5, 0.5], [0.9, 0.1]]))
 * const p = tf.tensor2d([[1, 0], [0.5, 0.5]])
 * const kl = losses.klDiv(logq, p, { reduction: 'batchmean' }) // (log 2 + 0.5 log(0.5/0.9) + 0.5 log(0.5/0.1)) / 2 ≈ 0.6020
 * @category losses
 * @since 0.2.0
 */
export const klDiv = <R extends KlDivReduction = 'mean'>(input: Tensor, target: Tensor, options: KlDivOptions<R> = {}): Reduced<R> => {
  const loss = 'klDiv';
  checkPair(loss, input, target);
  checkLossOptions(loss, options, { reduction: true, logTarget: true });
  const reduction = checkReduction<KlDivReduction>(loss, options.reduction, ['mean', 'batchmean', 'sum', 'none']);
  const logTarget = booleanOption(loss, 'logTarget', options.logTarget, false);
  return tf.tidy(() => {
    const losses = logTarget ? tf.mul(tf.exp(target), tf.sub(target, input)) : tf.sub(xlogx(target), tf.mul(target, input));
    if (reduction !== 'batchmean') return reduceLosses(losses, reduction);
    return input.rank === 0 ? sumAll(losses) : tf.div(sumAll(losses), input.shape[0]!);
  }) as Reduced<R>;
};

/**
 * `t · log t`, 0 at `t = 0` (PyTorch's `xlogy(t, t)`), written `t · log(t + [t = 0])`: the log
 * reads 1 where `t = 0`, so neither the value nor the gradient meets `0 · log 0`; a negative `t`
 * still gives NaN.
 */
const xlogx = (t: Tensor): Tensor => tf.mul(t, tf.log(tf.add(t, tf.cast(constantMask(t, isZero), 'float32'))));

const isZero = (t: Tensor): Tensor => tf.equal(t, 0);
