/**
 * Case 1: a training step of the original Parallax example's `BinaryNetwork` shape
 * (examples/binaryNetwork.ts): one input vector of 5 → dense1 (5→10) → relu → dense2 (10→10) → relu →
 * dense2 again (shared weights, gradient summed over both uses) → relu → dense3 (10→1) → sigmoid →
 * scalar; the "loss" is that output, SGD with learning rate 0.3. Tiny tensors: this case measures
 * dispatch and bookkeeping. (The example itself, like the original, uses tanh, a zero input and
 * Dropout; this case keeps the math it was measured with.)
 *
 * Dropout is left out of every contender: with it, the contenders would draw different masks and no
 * longer do identical math.
 */
import { denseWeights, type DenseWeights } from '../../data.js';

export const BINARY = { inputSize: 5, hiddenSize: 10, lr: 0.3 } as const;

export interface BinaryData {
  readonly x: Float32Array;
  readonly dense1: DenseWeights;
  readonly dense2: DenseWeights;
  readonly dense3: DenseWeights;
}

/** An input of ones (`[5]`) and the same starting weights for every contender. */
export const binaryData = (): BinaryData => ({
  x: new Float32Array(BINARY.inputSize).fill(1),
  dense1: denseWeights(21, BINARY.inputSize, BINARY.hiddenSize),
  dense2: denseWeights(23, BINARY.hiddenSize, BINARY.hiddenSize),
  dense3: denseWeights(25, BINARY.hiddenSize, 1),
});
