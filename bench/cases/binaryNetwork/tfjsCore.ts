/**
 * Case 1 hand-written in tfjs-core, on whichever tfjs-core it is given (`raw` and `stock-tfjs`):
 * kernels `[in, out]`, the shared dense2 is one pair of tensors used twice.
 */
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { kernelOf } from '../../data.js';
import type { Runner } from '../../harness.js';
import type { Tf } from '../tfjsCore.js';
import { BINARY, binaryData } from './spec.js';

export const tfjsCoreSetup = (tf: Tf) => (): Runner => {
  const d = binaryData();
  const x = tf.tensor1d(d.x);
  let params: Tensor[] = [d.dense1, d.dense2, d.dense3].flatMap((w) => [
    tf.tensor2d(kernelOf(w), [w.inFeatures, w.outFeatures]),
    tf.tensor1d(w.bias),
  ]);
  const loss = (w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, w3: Tensor, b3: Tensor): Scalar => {
    const h1 = tf.relu(tf.add(tf.matMul(tf.reshape(x, [1, BINARY.inputSize]), w1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
    const h3 = tf.relu(tf.add(tf.matMul(h2, w2), b2));
    return tf.reshape(tf.sigmoid(tf.add(tf.matMul(h3, w3), b3)), []);
  };
  const valueAndGrads = tf.valueAndGrads(loss as (...xs: Tensor[]) => Scalar);
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
