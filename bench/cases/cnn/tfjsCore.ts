/**
 * Case 3 hand-written in tfjs-core, NHWC, on whichever tfjs-core it is given (`raw` and
 * `stock-tfjs`): `tf.conv2d`, `tf.valueAndGrads`, update inside `tf.tidy`.
 */
import type { Scalar, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import type { Runner } from '../../harness.js';
import type { Tf } from '../tfjsCore.js';
import { CNN, cnnData, fcKernelNhwc, FLAT, hwio } from './spec.js';

export const tfjsCoreSetup = (tf: Tf) => (): Runner => {
  const d = cnnData();
  const x = tf.tensor4d(d.x, [CNN.batch, CNN.size, CNN.size, 1]);
  const y = tf.tensor2d(d.y, [CNN.batch, CNN.classes]);
  let params: Tensor[] = [
    tf.tensor4d(hwio(d.conv1), [3, 3, 1, CNN.c1]),
    tf.tensor1d(d.conv1.bias),
    tf.tensor4d(hwio(d.conv2), [3, 3, CNN.c1, CNN.c2]),
    tf.tensor1d(d.conv2.bias),
    tf.tensor2d(fcKernelNhwc(d.fc), [FLAT, CNN.classes]),
    tf.tensor1d(d.fc.bias),
  ];
  const loss = (k1: Tensor, b1: Tensor, k2: Tensor, b2: Tensor, w: Tensor, b: Tensor): Scalar => {
    const h1 = tf.relu(tf.add(tf.conv2d(x, k1 as Tensor4D, 1, 'valid'), b1));
    const h2 = tf.relu(tf.add(tf.conv2d(h1 as Tensor4D, k2 as Tensor4D, 2, 'valid'), b2));
    const logits = tf.add(tf.matMul(tf.reshape(h2, [CNN.batch, FLAT]), w), b);
    return tf.losses.softmaxCrossEntropy(y, logits) as Scalar;
  };
  const valueAndGrads = tf.valueAndGrads(loss as (...xs: Tensor[]) => Scalar);
  return {
    run: () => {
      const [value, ...next] = tf.tidy(() => {
        const { value, grads } = valueAndGrads(params);
        return [value, ...params.map((p, i) => tf.sub(p, tf.mul(grads[i]!, CNN.lr)))];
      });
      const l = value!.dataSync()[0]!;
      tf.dispose([value!, ...params]);
      params = next;
      return l;
    },
    dispose: () => tf.dispose([x, y, ...params]),
  };
};
