/**
 * Case 1: the original Parallax example's `BinaryNetwork` training step (src/examples/binaryNetwork.ts):
 * one input vector of 5 → dense1 (5→10) → relu → dense2 (10→10) → relu → dense2 again (shared
 * weights, gradient summed over both uses) → relu → dense3 (10→1) → sigmoid → scalar; the "loss" is
 * that output, SGD with learning rate 0.3. Tiny tensors: this case measures dispatch and bookkeeping.
 *
 * Dropout is left out of every contender (the example has Dropout(0.2) after the second dense2):
 * with it, the contenders would draw different masks and no longer do identical math.
 */
import { denseWeights, type DenseWeights } from '../../data.js';

export const BINARY = { inputSize: 5, hiddenSize: 10, lr: 0.3 } as const;

export interface BinaryData {
  readonly x: Float32Array;
  readonly dense1: DenseWeights;
  readonly dense2: DenseWeights;
  readonly dense3: DenseWeights;
}

/** The example's input `ones([5])` and the same starting weights for every contender. */
export const binaryData = (): BinaryData => ({
  x: new Float32Array(BINARY.inputSize).fill(1),
  dense1: denseWeights(21, BINARY.inputSize, BINARY.hiddenSize),
  dense2: denseWeights(23, BINARY.hiddenSize, BINARY.hiddenSize),
  dense3: denseWeights(25, BINARY.hiddenSize, 1),
});
