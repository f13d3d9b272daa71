/**
 * `parallax-ts/losses` (also the `losses` namespace): loss functions with PyTorch's semantics —
 * arguments (in camelCase), defaults, reductions and edge cases — as pure functions on tfjs tensors.
 * Each returns a new tensor owned by the caller (a scalar, or with `reduction: 'none'` the
 * unreduced losses) and keeps no intermediate tensors. Bad arguments throw a {@link LossError}
 * naming the argument, what was expected and what came.
 *
 * | PyTorch (`torch.nn.functional`) | parallax-ts |
 * | --- | --- |
 * | `cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)` | `crossEntropy(input, target, { weight, ignoreIndex, reduction, labelSmoothing })` |
 * | `nll_loss` | `nllLoss` |
 * | `mse_loss`, `l1_loss`, `smooth_l1_loss(beta)`, `huber_loss(delta)` | `mseLoss`, `l1Loss`, `smoothL1Loss({ beta })`, `huberLoss({ delta })` |
 * | `binary_cross_entropy`, `binary_cross_entropy_with_logits(pos_weight)` | `binaryCrossEntropy`, `binaryCrossEntropyWithLogits({ posWeight })` |
 * | `kl_div(log_target)` | `klDiv({ logTarget })` |
 * | `cosine_embedding_loss(margin)`, `margin_ranking_loss(margin)` | `cosineEmbeddingLoss`, `marginRankingLoss` |
 *
 * @example
 * import { initialize, nn, random, tf, valueAndGrad } from 'parallax-ts'
 * import { crossEntropy, mseLoss } from 'parallax-ts/losses'
 * const params = initialize(nn.Linear.create(4, 3))(random.key(0))
 * const loss = (m: nn.Linear<tf.Tensor>, x: tf.Tensor, y: tf.Tensor) => crossEntropy(nn.Linear.forward(m, x), y, { labelSmoothing: 0.1 })
 * const { value, grads } = valueAndGrad(loss)(params, tf.ones([2, 4]), tf.tensor1d([0, 2], 'int32'))
 * const sum: tf.Scalar = mseLoss(tf.ones([2, 3]), tf.zeros([2, 3]), { reduction: 'sum' }) // 6
 * @since 0.2.0
 */
export { LossError } from './LossError.js';
export type { Reduced, Reduction, ReductionOptions } from './Reduction.js';
export type { MarginOptions } from './MarginOptions.js';
export { crossEntropy, type CrossEntropyOptions } from './crossEntropy.js';
export { nllLoss, type NllLossOptions } from './nllLoss.js';
export { mseLoss } from './mseLoss.js';
export { l1Loss } from './l1Loss.js';
export { smoothL1Loss, type SmoothL1LossOptions } from './smoothL1Loss.js';
export { huberLoss, type HuberLossOptions } from './huberLoss.js';
export { binaryCrossEntropy, type BinaryCrossEntropyOptions } from './binaryCrossEntropy.js';
export { binaryCrossEntropyWithLogits, type BinaryCrossEntropyWithLogitsOptions } from './binaryCrossEntropyWithLogits.js';
export { klDiv, type KlDivOptions, type KlDivReduction } from './klDiv.js';
export { cosineEmbeddingLoss } from './cosineEmbeddingLoss.js';
export { marginRankingLoss } from './marginRankingLoss.js';
