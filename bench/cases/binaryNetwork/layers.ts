/**
 * Case 1 in tfjs-layers: a functional model applying one `dense` layer object twice (shared
 * weights), `trainOnBatch` on a batch of one with SGD(0.3); the loss is the network's output.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../../../src/engine/backend.js';
import { kernelOf } from '../../data.js';
import type { Runner } from '../../harness.js';
import { BINARY, binaryData } from './spec.js';

export const setup = (): Runner => {
  const d = binaryData();
  const x = tf.tensor2d(d.x, [1, BINARY.inputSize]);
  const unusedTarget = tf.zeros([1, 1]);
  const input = tfl.input({ shape: [BINARY.inputSize] });
  const dense1 = tfl.layers.dense({ units: BINARY.hiddenSize, activation: 'relu' });
  const dense2 = tfl.layers.dense({ units: BINARY.hiddenSize, activation: 'relu' });
  const dense3 = tfl.layers.dense({ units: 1, activation: 'sigmoid' });
  const output = dense3.apply(dense2.apply(dense2.apply(dense1.apply(input)))) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  const weights = [d.dense1, d.dense2, d.dense3].flatMap((w) => [
    tf.tensor2d(kernelOf(w), [w.inFeatures, w.outFeatures]),
    tf.tensor1d(w.bias),
  ]);
  model.setWeights(weights);
  tf.dispose(weights);
  model.compile({ optimizer: tf.train.sgd(BINARY.lr), loss: (_yTrue: tf.Tensor, yPred: tf.Tensor) => tf.reshape(yPred, [-1]) });
  return {
    run: async () => (await model.trainOnBatch(x, unusedTarget)) as number,
    dispose: () => {
      model.dispose();
      model.optimizer.dispose();
      tf.dispose([x, unusedTarget]);
    },
  };
};
