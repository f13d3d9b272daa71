/**
 * Case 2 in jax-js (an outside reference, not on tfjs): the whole step — value, gradient and SGD
 * update — is one `jit`-compiled function on jax-js's own wasm device. jax-js arrays are
 * reference-counted: every call consumes its arguments, hence the `.ref`s.
 */
import { type Array as JArray, jit, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';
import type { Runner } from '../../harness.js';
import { kernelOf } from '../../data.js';
import { MLP, mlpData } from './spec.js';

type Params = { w1: JArray; b1: JArray; w2: JArray; b2: JArray };

const loss = (p: Params, x: JArray, y: JArray): JArray => {
  const h = nn.relu(np.matmul(x, p.w1).add(p.b1));
  const logits = np.matmul(h, p.w2).add(p.b2);
  return np.mean(np.sum(y.mul(nn.logSoftmax(logits, -1)), -1)).neg();
};

const step = jit((p: Params, x: JArray, y: JArray): [JArray, Params] => {
  const [l, g] = valueAndGrad(loss)(tree.ref(p), x, y) as unknown as [JArray, Params];
  return [l, tree.map((a: JArray, b: JArray) => a.sub(b.mul(MLP.lr)), p, g) as Params];
});

export const setup = (): Runner => {
  const d = mlpData();
  const x = np.array(d.x).reshape([MLP.batch, MLP.inFeatures]);
  const y = np.array(d.y).reshape([MLP.batch, MLP.classes]);
  let params: Params = {
    w1: np.array(kernelOf(d.fc1)).reshape([MLP.inFeatures, MLP.hidden]),
    b1: np.array(d.fc1.bias),
    w2: np.array(kernelOf(d.fc2)).reshape([MLP.hidden, MLP.classes]),
    b2: np.array(d.fc2.bias),
  };
  return {
    run: () => {
      const [l, next] = step(params, x.ref, y.ref);
      params = next;
      return (l.dataSync() as Float32Array)[0]!;
    },
    dispose: () => {
      tree.dispose(params);
      x.dispose();
      y.dispose();
    },
  };
};
