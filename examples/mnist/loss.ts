/**
 * The classification loss and metric: softmax cross-entropy on logits, and the count of correct
 * predictions.
 *
 * @since 0.1.0
 */
import { tf } from '../../src/engine/backend.js';

/**
 * Mean softmax cross-entropy of `logits` `[B, C]` against integer `labels` `[B]`:
 * `mean_b(logsumexp(logits_b) - logits_b[label_b])`, computed with `logSoftmax` so large logits
 * do not overflow. Returns a new scalar (owned by the caller).
 * @example
 * softmaxCrossEntropy(tf.tensor2d([[0, 0]]), tf.tensor1d([1], 'int32')) // ln 2
 * @since 0.1.0
 */
export const softmaxCrossEntropy = (logits: tf.Tensor, labels: tf.Tensor): tf.Scalar =>
  tf.tidy(() => {
    const classes = logits.shape[logits.rank - 1]!;
    const logProbs = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logProbs, tf.oneHot(labels as tf.Tensor1D, classes)), -1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });

/**
 * How many rows of `logits` `[B, C]` have their largest entry at `labels` `[B]`, as a new
 * float32 scalar (owned by the caller).
 * @example
 * correctCount(tf.tensor2d([[0, 1], [1, 0]]), tf.tensor1d([1, 1], 'int32')) // 1
 * @since 0.1.0
 */
export const correctCount = (logits: tf.Tensor, labels: tf.Tensor): tf.Scalar =>
  tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'float32')) as tf.Scalar);
