/** Case 3 hand-written in tfjs-core, NHWC: `tf.conv2d`, `tf.valueAndGrads`, update inside `tf.tidy`. */
import { tf } from '../../../src/engine/backend.js';
import type { Runner } from '../../harness.js';
import { CNN, cnnData, fcKernelNhwc, FLAT, hwio } from './spec.js';

export const setup = (): Runner => {
  const d = cnnData();
  const x = tf.tensor4d(d.x, [CNN.batch, CNN.size, CNN.size, 1]);
  const y = tf.tensor2d(d.y, [CNN.batch, CNN.classes]);
  let params: tf.Tensor[] = [
    tf.tensor4d(hwio(d.conv1), [3, 3, 1, CNN.c1]),
    tf.tensor1d(d.conv1.bias),
    tf.tensor4d(hwio(d.conv2), [3, 3, CNN.c1, CNN.c2]),
    tf.tensor1d(d.conv2.bias),
    tf.tensor2d(fcKernelNhwc(d.fc), [FLAT, CNN.classes]),
    tf.tensor1d(d.fc.bias),
  ];
  const loss = (k1: tf.Tensor, b1: tf.Tensor, k2: tf.Tensor, b2: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Scalar => {
    const h1 = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, k1 as tf.Tensor4D, 1, 'valid'), b1));
    const h2 = tf.relu(tf.add(tf.conv2d(h1 as tf.Tensor4D, k2 as tf.Tensor4D, 2, 'valid'), b2));
    const logits = tf.add(tf.matMul(tf.reshape(h2, [CNN.batch, FLAT]), w), b);
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  };
  const valueAndGrads = tf.valueAndGrads(loss as (...xs: tf.Tensor[]) => tf.Scalar);
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
