/** Case 2 in tfjs-layers: a `sequential` of two dense layers, `trainOnBatch` with SGD and the same loss. */
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../../../src/engine/backend.js';
import { kernelOf } from '../../data.js';
import type { Runner } from '../../harness.js';
import { MLP, mlpData } from './spec.js';

export const setup = (): Runner => {
  const d = mlpData();
  const x = tf.tensor2d(d.x, [MLP.batch, MLP.inFeatures]);
  const y = tf.tensor2d(d.y, [MLP.batch, MLP.classes]);
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [MLP.inFeatures], units: MLP.hidden, activation: 'relu' }),
      tfl.layers.dense({ units: MLP.classes }),
    ],
  });
  const weights = [
    tf.tensor2d(kernelOf(d.fc1), [MLP.inFeatures, MLP.hidden]),
    tf.tensor1d(d.fc1.bias),
    tf.tensor2d(kernelOf(d.fc2), [MLP.hidden, MLP.classes]),
    tf.tensor1d(d.fc2.bias),
  ];
  model.setWeights(weights); // assigns copies into the layers' variables
  tf.dispose(weights);
  model.compile({
    optimizer: tf.train.sgd(MLP.lr),
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
