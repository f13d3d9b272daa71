/**
 * Case 2 hand-written in tfjs-core, on whichever tfjs-core it is given (`raw` and `stock-tfjs`):
 * kernels `[in, out]`, `tf.valueAndGrads`, update inside `tf.tidy`.
 */
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { kernelOf } from '../../data.js';
import type { Runner } from '../../harness.js';
import type { Tf } from '../tfjsCore.js';
import { MLP, mlpData } from './spec.js';

export const tfjsCoreSetup = (tf: Tf) => (): Runner => {
  const d = mlpData();
  const x = tf.tensor2d(d.x, [MLP.batch, MLP.inFeatures]);
  const y = tf.tensor2d(d.y, [MLP.batch, MLP.classes]);
  let params: Tensor[] = [
    tf.tensor2d(kernelOf(d.fc1), [MLP.inFeatures, MLP.hidden]),
    tf.tensor1d(d.fc1.bias),
    tf.tensor2d(kernelOf(d.fc2), [MLP.hidden, MLP.classes]),
    tf.tensor1d(d.fc2.bias),
  ];
  const loss = (w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor): Scalar => {
    const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
    return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h, w2), b2)) as Scalar;
  };
  const valueAndGrads = tf.valueAndGrads(loss as (...xs: Tensor[]) => Scalar);
  return {
    run: () => {
      const [value, ...next] = tf.tidy(() => {
        const { value, grads } = valueAndGrads(params);
        return [value, ...params.map((p, i) => tf.sub(p, tf.mul(grads[i]!, MLP.lr)))];
      });
      const l = value!.dataSync()[0]!;
      tf.dispose([value!, ...params]);
      params = next;
      return l;
    },
    dispose: () => tf.dispose([x, y, ...params]),
  };
};
