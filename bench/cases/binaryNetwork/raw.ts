/** Case 1 hand-written in tfjs-core: kernels `[in, out]`, the shared dense2 is one pair of tensors used twice. */
import { tf } from '../../../src/engine/backend.js';
import { kernelOf } from '../../data.js';
import type { Runner } from '../../harness.js';
import { BINARY, binaryData } from './spec.js';

export const setup = (): Runner => {
  const d = binaryData();
  const x = tf.tensor1d(d.x);
  let params: tf.Tensor[] = [d.dense1, d.dense2, d.dense3].flatMap((w) => [
    tf.tensor2d(kernelOf(w), [w.inFeatures, w.outFeatures]),
    tf.tensor1d(w.bias),
  ]);
  const loss = (w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor, w3: tf.Tensor, b3: tf.Tensor): tf.Scalar => {
    const h1 = tf.relu(tf.add(tf.matMul(tf.reshape(x, [1, BINARY.inputSize]), w1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
    const h3 = tf.relu(tf.add(tf.matMul(h2, w2), b2));
    return tf.reshape(tf.sigmoid(tf.add(tf.matMul(h3, w3), b3)), []);
  };
  const valueAndGrads = tf.valueAndGrads(loss as (...xs: tf.Tensor[]) => tf.Scalar);
  return {
    run: () => {
      const [value, ...next] = tf.tidy(() => {
        const { value, grads } = valueAndGrads(params);
        return [value, ...params.map((p, i) => tf.sub(p, tf.mul(grads[i]!, BINARY.lr)))];
      });
      const l = value!.dataSync()[0]!;
      tf.dispose([value!, ...params]);
      params = next;
      return l;
    },
    dispose: () => tf.dispose([x, ...params]),
  };
};
