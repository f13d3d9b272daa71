/**
 * The cosine embedding loss, PyTorch's `cosine_embedding_loss`.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { readTensors } from '../engine/trace.js';
import { checkLossOptions, checkSameShape, checkTensor, numberOption } from './arguments.js';
import { describeArgument, formatFloat32, LossError } from './LossError.js';
import { checkReduction, reduceLosses, type Reduced, type Reduction } from './Reduction.js';
import type { MarginOptions } from './MarginOptions.js';
import { clampMinZero } from './subgradients.js';
import { formatShape } from '../tree/ModuleError.js';

type Tensor = tf.Tensor;

// PyTorch adds this to each squared norm, so a zero vector gives cos = 0 rather than 0/0.
const EPSILON = 1e-12;

/**
 * Whether pairs of vectors are alike (`y = 1`) or unlike (`y = −1`), by their cosine similarity
 * `cos(a, b) = a·b / √((|a|² + 1e-12)(|b|² + 1e-12))` (PyTorch's ε):
 *
 * `ℓᵢ = 1 − cos(aᵢ, bᵢ)` if `yᵢ = 1`, `max(0, cos(aᵢ, bᵢ) − margin)` if `yᵢ = −1`,
 *
 * reduced by `'mean'` (default), `'sum'` or `'none'` (shape `[N]`). `input1`, `input2` are float32
 * `[N, D]` (or `[D]`, one pair) of the same shape, `target` is `[N]` (or `[]`), int32 or float32.
 * At `cos − margin = 0` the gradient passes, as PyTorch's `clamp_min`.
 *
 * Errors (a `LossError`): inputs not float32, not of the same shape or of rank other than 1 or 2, a
 * target of another shape, or a target value other than 1 or −1 (the target is read to check it;
 * PyTorch silently gives such pairs a loss of 0).
 * @example
 * import { losses, tf } from 'parallax-ts'
 * const a = tf.tensor2d([[1, 0], [1, 0]])
 * const b = tf.tensor2d([[0, 1], [1, 1]])
 * const loss = losses.cosineEmbeddingLoss(a, b, tf.tensor1d([1, -1], 'int32'), { margin: 0.5, reduction: 'none' })
 * // [1 − 0, max(0, 0.7071 − 0.5)] = [1, 0.2071]
 * @category losses
 * @since 0.2.0
 */
export const cosineEmbeddingLoss = <R extends Reduction = 'mean'>(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  options: MarginOptions<R> = {},
): Reduced<R> => {
  const loss = 'cosineEmbeddingLoss';
  const a = checkTensor(loss, 'input1', input1);
  const b = checkTensor(loss, 'input2', input2);
  if (a.rank !== 1 && a.rank !== 2) throw new LossError(loss, 'input1', 'a float32 tensor of shape [N, D] or [D]', describeArgument(a));
  checkSameShape(loss, 'input2', b, 'input1', a);
  const y = checkTensor(loss, 'target', target, ['int32', 'float32']);
  const pairs = a.shape.slice(0, -1);
  if (y.rank !== pairs.length || y.shape.some((d, i) => d !== pairs[i])) {
    throw new LossError(
      loss,
      'target',
      `a tensor of shape ${formatShape(pairs)} (one label per pair of input1's ${formatShape(a.shape)})`,
      describeArgument(y),
    );
  }
  readTensors('check', [y], ([labels]) => {
    for (let i = 0; i < labels!.length; i++) {
      const v = labels![i] as number;
      if (v !== 1 && v !== -1) throw new LossError(loss, 'target', 'labels 1 or -1', `${formatFloat32(v)} at flat index ${i}`);
    }
  });
  checkLossOptions(loss, options, { margin: true, reduction: true });
  const reduction = checkReduction<Reduction>(loss, options.reduction, ['mean', 'sum', 'none']);
  const margin = numberOption(loss, 'margin', options.margin, 0, Number.isFinite, 'a finite number');
  return tf.tidy(() => {
    const axis = a.rank - 1;
    const dot = tf.sum(tf.mul(a, b), axis);
    const norms = tf.mul(tf.add(tf.sum(tf.square(a), axis), EPSILON), tf.add(tf.sum(tf.square(b), axis), EPSILON));
    const cos = tf.div(dot, tf.sqrt(norms));
    const losses = tf.where(tf.equal(y, 1), tf.sub(1, cos), clampMinZero(tf.sub(cos, margin)));
    return reduceLosses(losses, reduction);
  }) as Reduced<R>;
};
