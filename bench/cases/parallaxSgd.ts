/**
 * The parallax contenders' shared step, the README way: `valueAndGrad` for the gradient tree, SGD
 * as `zipWith(params, grads, (p, g) => p - lr·g)` inside `tidy`, and the replaced params disposed.
 * The `parallax-compiled` contender is that very step wrapped in `compile`. Also the layers whose
 * initializers hand out given weights, so every contender starts equal.
 */
import { type AnySpec, compile, dispose, type ModuleOf, nn, tf, tidy, zipWith } from '../../src/index.js';
import type { DenseWeights } from '../data.js';
import type { Runner } from '../harness.js';

type Tensor = tf.Tensor;

/** An initializer that ignores its key and returns `values` in the requested shape. */
export const fixedInit = (values: Float32Array) => (shape: ReadonlyArray<number>) => (): Tensor => tf.tensor(values, [...shape]);

/** A `Linear` holding the given weights (PyTorch layout). */
export const fixedLinear = (w: DenseWeights) =>
  nn.Linear.create(w.inFeatures, w.outFeatures, { weightInit: fixedInit(w.weight), biasInit: fixedInit(w.bias) });

type LossAndGrad<S extends AnySpec, I> = (
  m: ModuleOf<S, Tensor>,
  inputs: I,
) => { readonly value: Tensor; readonly grads: ModuleOf<S, Tensor> };

/** One SGD step: new params and the loss; it consumes (disposes) `params`. */
const sgdStep =
  <S extends AnySpec, I>(lossAndGrad: LossAndGrad<S, I>, lr: number) =>
  (params: ModuleOf<S, Tensor>, inputs: I) => {
    const out = tidy(() => {
      const { value, grads } = lossAndGrad(params, inputs);
      return { params: zipWith(params, grads, (p, g) => tf.sub(p, tf.mul(g, lr))), loss: value };
    });
    dispose(params);
    return out;
  };

/** A runner taking one `step` per `run` from `initial` (owned from then on), reading the loss outside the step. */
const runnerOf = <S extends AnySpec, I>(
  step: ReturnType<typeof sgdStep<S, I>>,
  initial: ModuleOf<S, Tensor>,
  inputs: I,
  owned: ReadonlyArray<Tensor>,
  compiled?: { readonly dispose: () => void; readonly stats: () => object },
): Runner => {
  let params = initial;
  return {
    run: () => {
      const out = step(params, inputs);
      const l = out.loss.dataSync()[0]!;
      out.loss.dispose();
      params = out.params;
      return l;
    },
    dispose: () => {
      compiled?.dispose();
      dispose([params, ...owned]);
    },
    ...(compiled === undefined ? {} : { info: () => ({ ...compiled.stats() }) }),
  };
};

/**
 * A runner that takes one SGD step per `run` from `initial` (which it owns from then on) and
 * reports the loss; `owned` tensors (those inside `inputs`) are freed with it.
 */
export const sgdRunner = <S extends AnySpec, I>(
  initial: ModuleOf<S, Tensor>,
  lossAndGrad: LossAndGrad<S, I>,
  lr: number,
  inputs: I,
  owned: ReadonlyArray<Tensor>,
): Runner => runnerOf(sgdStep(lossAndGrad, lr), initial, inputs, owned);

/**
 * The `parallax-compiled` runner: the same step as {@link sgdRunner} wrapped in `compile` (it
 * consumes the params, so replays do too); the loss is read outside it (a compiled function may
 * not read values). `info` reports `compile`'s counters, so the table shows whether steps replayed.
 */
export const compiledSgdRunner = <S extends AnySpec, I>(
  initial: ModuleOf<S, Tensor>,
  lossAndGrad: LossAndGrad<S, I>,
  lr: number,
  inputs: I,
  owned: ReadonlyArray<Tensor>,
): Runner => {
  const step = compile(sgdStep(lossAndGrad, lr));
  return runnerOf(step, initial, inputs, owned, step);
};
