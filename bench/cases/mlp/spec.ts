/**
 * Case 2: MLP 784→256(relu)→10, batch 64, softmax cross-entropy (mean over the batch), one plain
 * SGD step (`p - lr·g`). Kernel-bound: two real matMuls forward, four backward.
 */
import { denseWeights, type DenseWeights, oneHot, uniformArray } from '../../data.js';

export const MLP = { inFeatures: 784, hidden: 256, classes: 10, batch: 64, lr: 0.1 } as const;

export interface MlpData {
  /** `[batch, 784]` */
  readonly x: Float32Array;
  /** one-hot `[batch, 10]` */
  readonly y: Float32Array;
  readonly fc1: DenseWeights;
  readonly fc2: DenseWeights;
}

/** The same inputs and starting weights for every contender. */
export const mlpData = (): MlpData => ({
  x: uniformArray(11, MLP.batch * MLP.inFeatures, 1),
  y: oneHot(MLP.batch, MLP.classes, 12),
  fc1: denseWeights(13, MLP.inFeatures, MLP.hidden),
  fc2: denseWeights(15, MLP.hidden, MLP.classes),
});
