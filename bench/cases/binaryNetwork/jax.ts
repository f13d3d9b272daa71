/** Case 1 in jax-js: the whole step `jit`-compiled on its wasm device; dense2 is one pair of arrays used twice. */
import { type Array as JArray, jit, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';
import { kernelOf } from '../../data.js';
import type { Runner } from '../../harness.js';
import { BINARY, binaryData } from './spec.js';

type Params = { w1: JArray; b1: JArray; w2: JArray; b2: JArray; w3: JArray; b3: JArray };

const loss = (p: Params, x: JArray): JArray => {
  const h1 = nn.relu(np.matmul(x.reshape([1, BINARY.inputSize]), p.w1).add(p.b1));
  const h2 = nn.relu(np.matmul(h1, p.w2.ref).add(p.b2.ref));
  const h3 = nn.relu(np.matmul(h2, p.w2).add(p.b2));
  return nn.sigmoid(np.matmul(h3, p.w3).add(p.b3)).reshape([]);
};

const step = jit((p: Params, x: JArray): [JArray, Params] => {
  const [l, g] = valueAndGrad(loss)(tree.ref(p), x) as unknown as [JArray, Params];
  return [l, tree.map((a: JArray, b: JArray) => a.sub(b.mul(BINARY.lr)), p, g) as Params];
});

export const setup = (): Runner => {
  const d = binaryData();
  const x = np.array(d.x);
  const pair = (w: typeof d.dense1): [JArray, JArray] => [np.array(kernelOf(w)).reshape([w.inFeatures, w.outFeatures]), np.array(w.bias)];
  const [w1, b1] = pair(d.dense1);
  const [w2, b2] = pair(d.dense2);
  const [w3, b3] = pair(d.dense3);
  let params: Params = { w1, b1, w2, b2, w3, b3 };
  return {
    run: () => {
      const [l, next] = step(params, x.ref);
      params = next;
      return (l.dataSync() as Float32Array)[0]!;
    },
    dispose: () => {
      tree.dispose(params);
      x.dispose();
    },
  };
};
