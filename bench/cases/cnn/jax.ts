/** Case 3 in jax-js (NCHW / OIHW, `lax.conv`), the whole step `jit`-compiled on its wasm device. */
import { type Array as JArray, jit, lax, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';
import { kernelOf } from '../../data.js';
import type { Runner } from '../../harness.js';
import { CNN, cnnData, FLAT } from './spec.js';

type Params = { k1: JArray; b1: JArray; k2: JArray; b2: JArray; w: JArray; b: JArray };

const loss = (p: Params, x: JArray, y: JArray): JArray => {
  const h1 = nn.relu(lax.conv(x, p.k1, [1, 1], 'VALID').add(p.b1.reshape([1, CNN.c1, 1, 1])));
  const h2 = nn.relu(lax.conv(h1, p.k2, [2, 2], 'VALID').add(p.b2.reshape([1, CNN.c2, 1, 1])));
  const logits = np.matmul(h2.reshape([CNN.batch, FLAT]), p.w).add(p.b);
  return np.mean(np.sum(y.mul(nn.logSoftmax(logits, -1)), -1)).neg();
};

const step = jit((p: Params, x: JArray, y: JArray): [JArray, Params] => {
  const [l, g] = valueAndGrad(loss)(tree.ref(p), x, y) as unknown as [JArray, Params];
  return [l, tree.map((a: JArray, b: JArray) => a.sub(b.mul(CNN.lr)), p, g) as Params];
});

export const setup = (): Runner => {
  const d = cnnData();
  const x = np.array(d.x).reshape([CNN.batch, 1, CNN.size, CNN.size]);
  const y = np.array(d.y).reshape([CNN.batch, CNN.classes]);
  let params: Params = {
    k1: np.array(d.conv1.weight).reshape([CNN.c1, 1, 3, 3]),
    b1: np.array(d.conv1.bias),
    k2: np.array(d.conv2.weight).reshape([CNN.c2, CNN.c1, 3, 3]),
    b2: np.array(d.conv2.bias),
    w: np.array(kernelOf(d.fc)).reshape([FLAT, CNN.classes]),
    b: np.array(d.fc.bias),
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
