/**
 * The parallax contenders' shared step, the README way: `valueAndGrad` for the gradient tree, SGD
 * as `zipWith(params, grads, (p, g) => p - lr·g)` inside `tidy`, and the replaced params disposed.
 * Also the layers whose initializers hand out given weights, so every contender starts equal.
 */
import { type AnySpec, dispose, type ModuleOf, nn, tf, tidy, zipWith } from '../../src/index.js';
import type { DenseWeights } from '../data.js';
import type { Runner } from '../harness.js';

type Tensor = tf.Tensor;

/** An initializer that ignores its key and returns `values` in the requested shape. */
export const fixedInit = (values: Float32Array) => (shape: ReadonlyArray<number>) => (): Tensor => tf.tensor(values, [...shape]);

/** A `Linear` holding the given weights (PyTorch layout). */
export const fixedLinear = (w: DenseWeights) =>
  nn.Linear.create(w.inFeatures, w.outFeatures, { weightInit: fixedInit(w.weight), biasInit: fixedInit(w.bias) });

/**
 * A runner that takes one SGD step per `run` from `initial` (which it owns from then on) and
 * reports the loss; `inputs` are freed with it.
 */
export const sgdRunner = <S extends AnySpec>(
  initial: ModuleOf<S, Tensor>,
  lossAndGrad: (m: ModuleOf<S, Tensor>) => { readonly value: Tensor; readonly grads: ModuleOf<S, Tensor> },
  lr: number,
  inputs: ReadonlyArray<Tensor>,
): Runner => {
  let params = initial;
  return {
    run: () => {
      const { next, loss } = tidy(() => {
        const { value, grads } = lossAndGrad(params);
        return { next: zipWith(params, grads, (p, g) => tf.sub(p, tf.mul(g, lr))), loss: value };
      });
      const l = loss.dataSync()[0]!;
      dispose([params, loss]);
      params = next;
      return l;
    },
    dispose: () => dispose([params, ...inputs]),
  };
};
