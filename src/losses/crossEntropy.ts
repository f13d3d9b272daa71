/**
 * Cross-entropy of class scores (logits), PyTorch's `cross_entropy`.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { checkLossOptions, numberOption } from './arguments.js';
import {
  checkClassIndices,
  classesLast,
  classIndexTerms,
  classLayout,
  classWeightOption,
  ignoreIndexOption,
  type ClassLayout,
} from './classTargets.js';
import { describeArgument, LossError } from './LossError.js';
import { checkReduction, divideOrNaN, sumAll, type Reduced, type Reduction } from './Reduction.js';
import { formatShape } from '../tree/ModuleError.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link crossEntropy}, PyTorch's arguments in camelCase.
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const options: losses.CrossEntropyOptions = { weight: tf.tensor1d([1, 2, 1]), ignoreIndex: 0, labelSmoothing: 0.1 }
 * @category model
 * @since 0.2.0
 */
export interface CrossEntropyOptions<R extends Reduction = Reduction> {
  /** A weight per class, float32 `[C]`; default all 1. */
  readonly weight?: Tensor;
  /** With class-index targets: a target value that contributes nothing (nor to the mean's denominator); default −100. */
  readonly ignoreIndex?: number;
  /** Default `'mean'`. */
  readonly reduction?: R;
  /** ε in `[0, 1]`: the target becomes `(1 − ε) · target + ε / C`; default 0. */
  readonly labelSmoothing?: number;
}

/**
 * Cross-entropy between class scores and targets, with PyTorch's semantics. `input` holds
 * unnormalized scores (logits), float32 `[C]`, `[N, C]` or `[N, C, d1, ...]` (classes on axis 1
 * when batched); with `logp = logSoftmax(input)` over the class axis (computed as `x − max −
 * log Σ exp(x − max)`, so logits of ±1e4 give finite losses and gradients), the target is either
 *
 * - **int32 class indices** of the input's shape without its class axis (`[]`, `[N]`,
 *   `[N, d1, ...]`), each in `[0, C)` or `ignoreIndex`. Per element, with ε = `labelSmoothing`,
 *
 *   `ℓᵢ = (1 − ε) · (−w[yᵢ] · logp[i, yᵢ]) + (ε / C) · Σ_c (−w[c] · logp[i, c])`, and `ℓᵢ = 0` where
 *   `yᵢ = ignoreIndex`;
 *
 *   `'mean'` is `Σ ℓᵢ / Σ_{i not ignored} w[yᵢ]` — the denominator is the sum of the *target*
 *   classes' weights for the smoothing term too, as PyTorch — and NaN when every target is ignored,
 *   as PyTorch (with a zero gradient); or
 * - **float32 class probabilities** of the input's shape. Per element, with
 *   `pᵢ = (1 − ε) · targetᵢ + ε / C`,
 *
 *   `ℓᵢ = −Σ_c w[c] · pᵢ[c] · logp[i, c]`;
 *
 *   `'mean'` divides `Σ ℓᵢ` by the number of elements (`N · d1 · …`), not by the weights, as
 *   PyTorch; `ignoreIndex` plays no part.
 *
 * `'none'` returns the `ℓᵢ` in the shape of the input without its class axis; `'sum'` gives
 * `Σ ℓᵢ`. Gradients flow to `input`, to probability targets and to `weight`.
 *
 * Errors (a `LossError` naming the argument): input not float32 or of rank 0; a target that is
 * neither int32 indices of the right shape nor float32 probabilities of the input's shape; an index
 * out of `[0, C)` other than `ignoreIndex` (the targets are read to check this); a `weight` not
 * float32 `[C]`; `labelSmoothing` outside `[0, 1]`; an unknown reduction.
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const logits = tf.tensor2d([[2, 0, 0], [0, 0, 0]])
 * const loss = losses.crossEntropy(logits, tf.tensor1d([0, 2], 'int32'))       // ≈ (0.2395 + 1.0986) / 2 = 0.6691
 * const smoothed = losses.crossEntropy(logits, tf.tensor1d([0, 2], 'int32'), { labelSmoothing: 0.1, weight: tf.tensor1d([1, 1, 2]) })
 * const soft = losses.crossEntropy(logits, tf.tensor2d([[0.5, 0.5, 0], [0, 0, 1]]))
 * const perPixel = losses.crossEntropy(tf.zeros([2, 3, 4, 4]), tf.zeros([2, 4, 4], 'int32'), { reduction: 'none' }) // [2, 4, 4], each log 3
 * @category losses
 * @since 0.2.0
 */
export const crossEntropy = <R extends Reduction = 'mean'>(
  input: Tensor,
  target: Tensor,
  options: CrossEntropyOptions<R> = {},
): Reduced<R> => {
  const loss = 'crossEntropy';
  const layout = classLayout(loss, input);
  checkLossOptions(loss, options, { weight: true, ignoreIndex: true, reduction: true, labelSmoothing: true });
  const reduction = checkReduction<Reduction>(loss, options.reduction, ['mean', 'sum', 'none']);
  const ignoreIndex = ignoreIndexOption(loss, options.ignoreIndex);
  const weight = classWeightOption(loss, options.weight, layout.classes);
  const smoothing = numberOption(loss, 'labelSmoothing', options.labelSmoothing, 0, (e) => e >= 0 && e <= 1, 'a number in [0, 1]');
  const probabilities = isProbabilityTarget(layout, target);
  if (!probabilities) checkClassIndices(loss, target, layout, ignoreIndex, 'int32 class indices');
  return tf.tidy(() => {
    const logp = tf.logSoftmax(classesLast(input));
    const perSample = probabilities
      ? probabilityLosses(logp, classesLast(target), weight, smoothing)
      : indexLosses(logp, target, weight, ignoreIndex, smoothing);
    if (reduction === 'none') return tf.reshape(perSample.losses, [...layout.sampleShape]);
    if (reduction === 'sum') return sumAll(perSample.losses);
    return divideOrNaN(sumAll(perSample.losses), perSample.denominator());
  }) as Reduced<R>;
};

/** Which kind of target: float32 of the input's shape is probabilities, int32 is indices; anything else is refused. */
const isProbabilityTarget = (layout: ClassLayout, target: unknown): boolean => {
  if (target instanceof tf.Tensor && target.dtype === 'int32') return false;
  if (target instanceof tf.Tensor && target.dtype === 'float32' && formatShape(target.shape) === formatShape(layout.shape)) return true;
  throw new LossError(
    'crossEntropy',
    'target',
    `int32 class indices of shape ${formatShape(layout.sampleShape)} or float32 class probabilities of shape ${formatShape(layout.shape)}`,
    describeArgument(target),
  );
};

interface PerSample {
  readonly losses: Tensor;
  /** The 'mean' reduction's denominator (made only when asked, inside the caller's tidy). */
  readonly denominator: () => tf.Scalar;
}

const indexLosses = (logp: tf.Tensor2D, target: Tensor, weight: Tensor | undefined, ignoreIndex: number, smoothing: number): PerSample => {
  const { valid, targetWeight, nll } = classIndexTerms(logp, target, weight, ignoreIndex);
  const denominator = () => sumAll(targetWeight);
  if (smoothing === 0) return { losses: nll, denominator };
  const classes = logp.shape[1];
  // −Σ_c w[c] · logp[i, c]: the cross-entropy against the uniform distribution, times C
  const uniform = tf.neg(tf.sum(weight === undefined ? logp : tf.mul(logp, weight), 1));
  const smooth = tf.where(valid, uniform, tf.zerosLike(uniform));
  return { losses: tf.add(tf.mul(nll, 1 - smoothing), tf.mul(smooth, smoothing / classes)), denominator };
};

const probabilityLosses = (logp: tf.Tensor2D, target: tf.Tensor2D, weight: Tensor | undefined, smoothing: number): PerSample => {
  const [rows, classes] = logp.shape;
  const p = smoothing === 0 ? target : tf.add(tf.mul(target, 1 - smoothing), smoothing / classes);
  const weighted = weight === undefined ? p : tf.mul(p, weight);
  return { losses: tf.neg(tf.sum(tf.mul(weighted, logp), 1)), denominator: () => tf.scalar(rows === 0 ? NaN : rows) };
};
