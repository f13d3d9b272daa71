/** Case 3 in tfjs-layers (NHWC): conv2d, conv2d, flatten, dense; `trainOnBatch` with SGD and the same loss. */
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../../../src/engine/backend.js';
import type { Runner } from '../../harness.js';
import { CNN, cnnData, fcKernelNhwc, FLAT, hwio } from './spec.js';

export const setup = (): Runner => {
  const d = cnnData();
  const x = tf.tensor4d(d.x, [CNN.batch, CNN.size, CNN.size, 1]);
  const y = tf.tensor2d(d.y, [CNN.batch, CNN.classes]);
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [CNN.size, CNN.size, 1], filters: CNN.c1, kernelSize: 3, activation: 'relu' }),
      tfl.layers.conv2d({ filters: CNN.c2, kernelSize: 3, strides: 2, activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: CNN.classes }),
    ],
  });
  const weights = [
    tf.tensor4d(hwio(d.conv1), [3, 3, 1, CNN.c1]),
    tf.tensor1d(d.conv1.bias),
    tf.tensor4d(hwio(d.conv2), [3, 3, CNN.c1, CNN.c2]),
    tf.tensor1d(d.conv2.bias),
    tf.tensor2d(fcKernelNhwc(d.fc), [FLAT, CNN.classes]),
    tf.tensor1d(d.fc.bias),
  ];
  model.setWeights(weights);
  tf.dispose(weights);
  model.compile({
    optimizer: tf.train.sgd(CNN.lr),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  return {
    run: async () => (await model.trainOnBatch(x, y)) as number,
    dispose: () => {
      model.dispose();
      model.optimizer.dispose();
      tf.dispose([x, y]);
    },
  };
};
