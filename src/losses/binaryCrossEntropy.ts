/**
 * Binary cross-entropy of probabilities, PyTorch's `binary_cross_entropy`.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { readTensors } from '../engine/trace.js';
import { checkBroadcastsTo, checkLossOptions, checkPair, optionalTensor } from './arguments.js';
import { formatFloat32, LossError } from './LossError.js';
import { checkReduction, reduceLosses, type Reduced, type Reduction } from './Reduction.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link binaryCrossEntropy}.
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const options: losses.BinaryCrossEntropyOptions = { weight: tf.tensor1d([1, 3]), reduction: 'sum' }
 * @category model
 * @since 0.2.0
 */
export interface BinaryCrossEntropyOptions<R extends Reduction = Reduction> {
  /** Float32 weights that broadcast to the input's shape (PyTorch's `expand`); default 1. */
  readonly weight?: Tensor;
  /** Default `'mean'`. */
  readonly reduction?: R;
}

// PyTorch clamps each log at −100, so a probability of exactly 0 or 1 gives a finite loss.
const LOG_FLOOR = -100;
// PyTorch's gradient divides by max(x (1 − x), 1e-12), finite at x = 0 and x = 1.
const GRAD_EPSILON = 1e-12;

/**
 * `−[y · max(log x, −100) + (1 − y) · max(log(1 − x), −100)]` with PyTorch's gradients: `(x − y) /
 * max(x (1 − x), 1e-12)` for x (finite at 0 and 1, where the clamped logs have none) and
 * `max(log(1 − x), −100) − max(log x, −100)` for y.
 */
const clampedBce = tf.customGrad(((x: Tensor, y: Tensor, save: (ts: Tensor[]) => void) => {
  const logX = tf.maximum(tf.log(x), LOG_FLOOR);
  const log1mX = tf.maximum(tf.log1p(tf.neg(x)), LOG_FLOOR);
  save([x, y, logX, log1mX]);
  const value = tf.neg(tf.add(tf.mul(y, logX), tf.mul(tf.sub(1, y), log1mX)));
  const gradFunc = (dy: Tensor, [sx, sy, sLogX, sLog1mX]: Tensor[]): Tensor[] => [
    tf.mul(dy, tf.div(tf.sub(sx!, sy!), tf.maximum(tf.mul(sx!, tf.sub(1, sx!)), GRAD_EPSILON))),
    tf.mul(dy, tf.sub(sLog1mX!, sLogX!)),
  ];
  return { value, gradFunc };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: Tensor, y: Tensor) => Tensor;

/**
 * Binary cross-entropy between probabilities and targets, elementwise:
 *
 * `ℓᵢ = −wᵢ [yᵢ · log xᵢ + (1 − yᵢ) · log(1 − xᵢ)]`, each log clamped to ≥ −100 as PyTorch,
 *
 * reduced by `'mean'` (default, over all elements), `'sum'` or `'none'`. `input` (x) holds
 * probabilities and `target` (y) values of the same shape (usually 0 or 1), both float32 in
 * `[0, 1]`; `weight` broadcasts to their shape. The gradient is PyTorch's: `wᵢ (xᵢ − yᵢ) /
 * max(xᵢ (1 − xᵢ), 1e-12)`, finite at 0 and 1. Prefer {@link binaryCrossEntropyWithLogits} on
 * logits: it is exact where `sigmoid` rounds to 0 or 1.
 *
 * Errors (a `LossError`): input or target not float32 or of different shapes, an input or
 * target value outside `[0, 1]` or NaN (both are read to check this, as PyTorch does), a `weight` that does
 * not broadcast, an unknown reduction. Higher-order gradients are not supported (a custom gradient).
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const loss = losses.binaryCrossEntropy(tf.tensor1d([0.8, 0.1, 0]), tf.tensor1d([1, 0, 1]), { reduction: 'none' })
 * // [−log 0.8, −log 0.9, 100] ≈ [0.2231, 0.1054, 100]
 * @category losses
 * @since 0.2.0
 */
export const binaryCrossEntropy = <R extends Reduction = 'mean'>(
  input: Tensor,
  target: Tensor,
  options: BinaryCrossEntropyOptions<R> = {},
): Reduced<R> => {
  const loss = 'binaryCrossEntropy';
  checkPair(loss, input, target);
  checkLossOptions(loss, options, { weight: true, reduction: true });
  const reduction = checkReduction<Reduction>(loss, options.reduction, ['mean', 'sum', 'none']);
  const weight = optionalTensor(loss, 'weight', options.weight);
  if (weight !== undefined) checkBroadcastsTo(loss, 'weight', weight, 'input', input.shape);
  checkUnitInterval(loss, 'input', input);
  checkUnitInterval(loss, 'target', target);
  // named scope: a custom gradient's tape node takes the enclosing scope's name, and must not take a registered kernel's
  return tf.tidy('binaryCrossEntropy', () => {
    const losses = clampedBce(input, target);
    return reduceLosses(weight === undefined ? losses : tf.mul(losses, weight), reduction);
  }) as Reduced<R>;
};

// PyTorch checks both on the CPU too; NaN fails, as there.
const checkUnitInterval = (loss: string, argument: string, x: Tensor): void => {
  readTensors('check', [x], ([values]) => {
    for (let i = 0; i < values!.length; i++) {
      const v = values![i] as number;
      if (!(v >= 0 && v <= 1)) throw new LossError(loss, argument, 'values in [0, 1]', `${formatFloat32(v)} at flat index ${i}`);
    }
  });
};
