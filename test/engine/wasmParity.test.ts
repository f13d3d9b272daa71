/**
 * Every nn layer and the optimizers give the same forward values and gradients on the wasm backend
 * as on the cpu backend (float32 tolerance). The cpu backend is the reference: its kernels are the
 * ones the layer tests check by hand and by finite differences; this file runs the same layers on
 * wasm, so a wasm kernel that is missing (an error here) or wrong (a mismatch here — as wasm's own
 * MaxPoolGrad was for windows of values <= 0) fails the normal `npm test`.
 *
 * Each case is built once: parameters drawn on cpu with `initialize`, inputs from a fixed sequence;
 * then on each backend the same numbers become tensors, and we compare the outputs, the gradients of
 * `Σ_i sum(out_i · r_i)` (fixed `r_i`) with respect to every parameter (via `valueAndGrad`) and to
 * every float input (via `tf.grads`), and check that neither tensors nor wasm data were left behind.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { valueAndGrad } from '../../src/grad/valueAndGrad.js';
import { initialize } from '../../src/init/initialize.js';
import * as nn from '../../src/nn/index.js';
import * as optim from '../../src/optim/index.js';
import { key } from '../../src/random/PRNGKey.js';
import { newState } from '../../src/random/newState.js';
import type { AnyModule } from '../../src/tree/Field.js';
import type { ParamInit } from '../../src/tree/ParamInit.js';
import { applyWithState, fromArray, toArray } from '../../src/tree/Module.js';
import { expectClose } from '../support/tensors.js';

type Tensor = tf.Tensor;
type Backend = 'cpu' | 'wasm';
type Mod = AnyModule<Tensor>;

const RTOL = 1e-4;
const ATOL = 1e-5;

/** A fixed pseudo-random sequence in [-1, 1) (an LCG), so both backends see the same numbers. */
const sequence = (n: number, seed: number): number[] => {
  let s = (seed * 2654435761 + 12345) >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
};
const size = (shape: ReadonlyArray<number>): number => shape.reduce((a, b) => a * b, 1);

interface Data {
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  readonly values: number[];
}
/** Floats `offset + scale · u`, `u` from the fixed sequence in [-1, 1). */
const float = (shape: number[], seed: number, scale = 1, offset = 0): Data => ({
  shape,
  dtype: 'float32',
  values: sequence(size(shape), seed).map((v) => offset + v * scale),
});
const ints = (shape: number[], values: number[]): Data => ({ shape, dtype: 'int32', values });
const toTensor = (d: Data): Tensor => tf.tensor(d.values, d.shape, d.dtype);
const toData = (t: Tensor): Data => ({
  shape: [...t.shape],
  dtype: t.dtype === 'int32' ? 'int32' : 'float32',
  values: Array.from(t.dataSync()),
});

interface LayerCase {
  readonly name: string;
  /** The layer, uninitialized. */
  readonly module: () => AnyModule<ParamInit<Tensor>>;
  readonly inputs: ReadonlyArray<Data>;
  /** Threads keys and this mode through the layer before the forward pass. */
  readonly mode?: 'train' | 'eval';
  /** The outputs to compare (all enter the loss). */
  readonly run: (m: Mod, xs: Tensor[]) => Tensor[];
}

// Layers are called through their defs; casts keep this table short (each def checks its own module).
const fwd =
  (def: { forward: (m: never, ...xs: never[]) => unknown }) =>
  (m: Mod, xs: Tensor[]): Tensor[] => {
    const out = (def.forward as (m: Mod, ...xs: Tensor[]) => Tensor | ReadonlyArray<Tensor | ReadonlyArray<Tensor>>)(m, ...xs);
    return out instanceof tf.Tensor ? [out] : (out.flat() as Tensor[]);
  };

const layerCases: LayerCase[] = [
  { name: 'Linear', module: () => nn.Linear.create(4, 3), inputs: [float([2, 4], 1)], run: fwd(nn.Linear) },
  { name: 'MLP', module: () => nn.MLP.create([4, 6, 3]), inputs: [float([3, 4], 2)], run: fwd(nn.MLP) },
  {
    name: 'Conv1d (stride 2, dilation 2, groups 2)',
    module: () => nn.Conv1d.create(4, 6, 3, { stride: 2, dilation: 2, groups: 2, padding: 1 }),
    inputs: [float([2, 4, 11], 3)],
    run: fwd(nn.Conv1d),
  },
  {
    name: 'Conv1d (depthwise, groups = in)',
    module: () => nn.Conv1d.create(3, 6, 3, { groups: 3, padding: 1 }),
    inputs: [float([2, 3, 7], 4)],
    run: fwd(nn.Conv1d),
  },
  {
    name: 'Conv2d (padding 1)',
    module: () => nn.Conv2d.create(3, 4, 3, { padding: 1 }),
    inputs: [float([2, 3, 6, 5], 5)],
    run: fwd(nn.Conv2d),
  },
  {
    name: 'Conv2d (depthwise, stride 2)',
    module: () => nn.Conv2d.create(4, 8, 3, { stride: 2, padding: 1, groups: 4 }),
    inputs: [float([2, 4, 7, 6], 6)],
    run: fwd(nn.Conv2d),
  },
  {
    name: 'Conv2d (groups 2, dilation 2, unbatched)',
    module: () => nn.Conv2d.create(4, 6, [3, 2], { dilation: 2, groups: 2 }),
    inputs: [float([4, 8, 7], 7)],
    run: fwd(nn.Conv2d),
  },
  {
    name: 'ConvTranspose2d (stride 2, output padding)',
    module: () => nn.ConvTranspose2d.create(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }),
    inputs: [float([2, 4, 4, 3], 8)],
    run: fwd(nn.ConvTranspose2d),
  },
  {
    name: 'ConvTranspose2d (groups 2, unbatched)',
    module: () => nn.ConvTranspose2d.create(4, 4, 3, { groups: 2, stride: 2 }),
    inputs: [float([4, 3, 3], 9)],
    run: fwd(nn.ConvTranspose2d),
  },
  {
    name: 'ConvTranspose2d (depthwise)',
    module: () => nn.ConvTranspose2d.create(3, 3, 2, { groups: 3 }),
    inputs: [float([1, 3, 4, 4], 10)],
    run: fwd(nn.ConvTranspose2d),
  },
  // Windows of negative values only, next to -Infinity padding: where wasm's own MaxPoolGrad was wrong.
  {
    name: 'MaxPool2d (overlapping, padding, ceil mode, negative windows)',
    module: () => nn.MaxPool2d.create(2, { stride: 1, padding: 1, ceilMode: true }),
    inputs: [float([2, 3, 5, 4], 11)],
    run: fwd(nn.MaxPool2d),
  },
  {
    name: 'MaxPool2d (unbatched, all values below zero)',
    module: () => nn.MaxPool2d.create(3, { stride: 2 }),
    inputs: [float([2, 7, 7], 12, 0.5, -1)],
    run: fwd(nn.MaxPool2d),
  },
  {
    name: 'AvgPool2d (padding, ceil mode, excluding pad)',
    module: () => nn.AvgPool2d.create(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    inputs: [float([2, 3, 6, 5], 13)],
    run: fwd(nn.AvgPool2d),
  },
  {
    name: 'AdaptiveAvgPool2d',
    module: () => nn.AdaptiveAvgPool2d.create([2, 3]),
    inputs: [float([2, 3, 5, 7], 14)],
    run: fwd(nn.AdaptiveAvgPool2d),
  },
  { name: 'GlobalAvgPool2d', module: () => nn.GlobalAvgPool2d.create(), inputs: [float([2, 3, 4, 5], 15)], run: fwd(nn.GlobalAvgPool2d) },
  { name: 'Flatten', module: () => nn.Flatten.create(), inputs: [float([2, 3, 2, 2], 16)], run: fwd(nn.Flatten) },
  {
    name: 'Embedding (repeated rows, padding index)',
    module: () => nn.Embedding.create(6, 3, { paddingIdx: 0 }),
    inputs: [ints([2, 4], [1, 3, 3, 0, 5, 1, 1, 2])],
    run: fwd(nn.Embedding),
  },
  { name: 'LayerNorm', module: () => nn.LayerNorm.create([3, 4]), inputs: [float([2, 3, 4], 17)], run: fwd(nn.LayerNorm) },
  { name: 'RMSNorm', module: () => nn.RMSNorm.create(5), inputs: [float([3, 5], 18)], run: fwd(nn.RMSNorm) },
  { name: 'GroupNorm', module: () => nn.GroupNorm.create(2, 4), inputs: [float([2, 4, 3, 3], 19)], run: fwd(nn.GroupNorm) },
  {
    name: 'BatchNorm1d (train: batch statistics and running-stat updates)',
    module: () => nn.BatchNorm1d.create(3),
    mode: 'train',
    inputs: [float([5, 3], 20)],
    run: (m, xs) => {
      const [y, next] = applyWithState(m, ...xs);
      return [y as Tensor, ...toArray(next)];
    },
  },
  {
    name: 'BatchNorm2d (eval)',
    module: () => nn.BatchNorm2d.create(3),
    mode: 'eval',
    inputs: [float([2, 3, 3, 2], 21)],
    run: fwd(nn.BatchNorm2d),
  },
  { name: 'Dropout (train)', module: () => nn.Dropout.create(0.3), mode: 'train', inputs: [float([4, 5], 22)], run: fwd(nn.Dropout) },
  { name: 'LSTMCell', module: () => nn.LSTMCell.create(3, 4), inputs: [float([2, 3], 23)], run: fwd(nn.LSTMCell) },
  { name: 'GRUCell', module: () => nn.GRUCell.create(3, 4), inputs: [float([2, 3], 24), float([2, 4], 25)], run: fwd(nn.GRUCell) },
  {
    name: 'LSTM (2 layers, dropout, train)',
    module: () => nn.LSTM.create(3, 4, { numLayers: 2, dropout: 0.25 }),
    mode: 'train',
    inputs: [float([2, 5, 3], 26)],
    run: fwd(nn.LSTM),
  },
  { name: 'GRU', module: () => nn.GRU.create(3, 4), inputs: [float([2, 4, 3], 27)], run: fwd(nn.GRU) },
  {
    name: 'MultiheadAttention (causal, weights per head)',
    module: () => nn.MultiheadAttention.create(8, 2),
    inputs: [float([2, 4, 8], 28)],
    run: (m, [x]) => {
      const { output, weights } = nn.MultiheadAttention.attend(m as never, x!, x!, x!, { causal: true, averageWeights: false });
      return [output, weights as Tensor];
    },
  },
  {
    name: 'Sequential (conv, max pool, flatten, linear)',
    module: () =>
      nn.Sequential.create([
        nn.Conv2d.create(2, 3, 3, { padding: 1 }),
        nn.MaxPool2d.create(2),
        nn.Flatten.create(),
        nn.Linear.create(12, 2),
      ]),
    inputs: [float([2, 2, 4, 4], 29)],
    run: fwd(nn.Sequential),
  },
  {
    name: 'activations (relu, gelu, geluTanh, silu, tanh, sigmoid, softmax, logSoftmax, leakyRelu, elu)',
    module: () => nn.Flatten.create({ startDim: 0 }),
    inputs: [float([3, 4], 30, 3)],
    run: (_m, [x]) =>
      [nn.relu, nn.gelu, nn.geluTanh, nn.silu, nn.tanh, nn.sigmoid, nn.softmax, nn.logSoftmax, nn.leakyRelu, nn.elu].map((f) =>
        (f as (t: Tensor) => Tensor)(x!),
      ),
  },
];

/** The layer's leaves as drawn on cpu from a fixed key. */
const drawLeaves = async (c: LayerCase): Promise<Data[]> => {
  await tf.setBackend('cpu');
  const m = initialize(c.module())(key(0));
  const leaves = toArray(m as AnyModule<Tensor>).map(toData);
  dispose(m);
  return leaves;
};

interface Measured {
  readonly outputs: number[][];
  readonly paramGrads: number[][];
  readonly inputGrads: number[][];
}

/** Outputs and gradients of `c` on `backend`; every tensor made here is freed. */
const measure = async (backend: Backend, c: LayerCase, leaves: Data[], inputs: ReadonlyArray<Data>): Promise<Measured> => {
  await tf.setBackend(backend);
  const numTensors = tf.memory().numTensors;
  const numDataIds = tf.backend().numDataIds();
  const result = tf.tidy(() => {
    let m = fromArray(c.module(), leaves.map(toTensor)) as Mod;
    if (c.mode !== undefined) m = newState(m, c.mode)(key(1))[0];
    const xs = inputs.map(toTensor);
    const outs = c.run(m, xs);
    const weights = outs.map((y, i) => tf.tensor(sequence(y.size, 100 + i), y.shape));
    const loss = (mm: Mod, ...args: Tensor[]): tf.Scalar =>
      tf.addN(c.run(mm, args).map((y, i) => tf.sum(tf.mul(y, weights[i]!)))) as tf.Scalar;
    const { grads } = valueAndGrad(loss)(m, ...xs);
    const floatAt = xs.flatMap((x, i) => (x.dtype === 'float32' ? [i] : []));
    const inputGrads =
      floatAt.length === 0
        ? []
        : tf.grads((...fs: Tensor[]) => loss(m, ...xs.map((x, i) => (floatAt.includes(i) ? fs[floatAt.indexOf(i)]! : x))))(
            floatAt.map((i) => xs[i]!),
          );
    return {
      outputs: outs.map((y) => Array.from(y.dataSync())),
      paramGrads: toArray(grads).map((g) => Array.from(g.dataSync())),
      inputGrads: inputGrads.map((g) => Array.from(g.dataSync())),
    };
  });
  expect(tf.memory().numTensors, `${backend}: tensors left behind`).to.equal(numTensors);
  expect(tf.backend().numDataIds(), `${backend}: backend data left behind`).to.equal(numDataIds);
  return result;
};

const expectSame = (actual: number[][], expected: number[][], what: string): void => {
  expect(actual.length, `${what}: count`).to.equal(expected.length);
  actual.forEach((a, i) => expectClose(a, expected[i]!, RTOL, ATOL, `${what} ${i}`));
};

describe('engine: wasm parity — every nn layer and optimizer as on cpu', () => {
  after(async () => {
    await tf.setBackend('cpu');
  });

  for (const c of layerCases) {
    it(`${c.name}: outputs, parameter and input gradients`, async () => {
      const leaves = await drawLeaves(c);
      const expected = await measure('cpu', c, leaves, c.inputs);
      const actual = await measure('wasm', c, leaves, c.inputs);
      expectSame(actual.outputs, expected.outputs, 'output');
      expectSame(actual.paramGrads, expected.paramGrads, 'parameter gradient');
      expectSame(actual.inputGrads, expected.inputGrads, 'input gradient');
      // A case whose gradients were all zero would compare nothing useful.
      expect(
        [...expected.paramGrads, ...expected.inputGrads].some((g) => g.some((v) => v !== 0)),
        'some gradient is nonzero',
      ).to.equal(true);
    });
  }

  describe('optimizers: three training steps of a small MLP', () => {
    // The state type does not matter here: states are only passed back and disposed.
    const erase = <S>(t: optim.GradientTransformation<S>): optim.GradientTransformation<unknown> =>
      t as optim.GradientTransformation<unknown>;
    const opts: Array<[string, () => optim.GradientTransformation<unknown>]> = [
      ['sgd (nesterov momentum)', () => erase(optim.sgd(0.1, { momentum: 0.9, nesterov: true }))],
      ['adam', () => erase(optim.adam(0.01))],
      ['adamw', () => erase(optim.adamw(0.01, { weightDecay: 0.05 }))],
      ['rmsprop (momentum)', () => erase(optim.rmsprop(0.01, { momentum: 0.5 }))],
      ['adagrad', () => erase(optim.adagrad(0.1))],
      ['lion', () => erase(optim.lion(0.001))],
      ['clipByGlobalNorm then adam', () => erase(optim.chain(optim.clipByGlobalNorm(0.5), optim.adam(0.01)))],
    ];
    const x = float([6, 4], 40);
    const y = float([6, 3], 41);
    const loss = (m: Mod, xs: Tensor, ys: Tensor): tf.Scalar => tf.mean(tf.square(tf.sub(nn.MLP.forward(m as never, xs), ys)));

    const train = async (
      backend: Backend,
      opt: optim.GradientTransformation<unknown>,
      leaves: Data[],
    ): Promise<{ losses: number[]; params: number[][] }> => {
      await tf.setBackend(backend);
      const numTensors = tf.memory().numTensors;
      const numDataIds = tf.backend().numDataIds();
      const [xs, ys] = [toTensor(x), toTensor(y)];
      let params = fromArray(nn.MLP.create([4, 5, 3]), leaves.map(toTensor)) as Mod;
      let state = opt.init(params);
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        const { value, grads } = valueAndGrad(loss)(params, xs, ys);
        losses.push(value.dataSync()[0]!);
        const [updates, next] = opt.update(grads, state, params);
        const nextParams = optim.applyUpdates(params, updates);
        dispose([params, state, value, grads, updates]);
        params = nextParams;
        state = next;
      }
      const out = toArray(params).map((p) => Array.from(p.dataSync()));
      dispose([params, state, xs, ys]);
      expect(tf.memory().numTensors, `${backend}: tensors left behind`).to.equal(numTensors);
      expect(tf.backend().numDataIds(), `${backend}: backend data left behind`).to.equal(numDataIds);
      return { losses, params: out };
    };

    for (const [name, make] of opts) {
      it(`${name}: losses and parameters`, async () => {
        await tf.setBackend('cpu');
        const m = initialize(nn.MLP.create([4, 5, 3]))(key(3));
        const leaves = toArray(m).map(toData);
        dispose(m);
        const expected = await train('cpu', make(), leaves);
        const actual = await train('wasm', make(), leaves);
        expectClose(actual.losses, expected.losses, RTOL, ATOL, 'loss');
        expectSame(actual.params, expected.params, 'parameter');
        expect(expected.losses[2]).to.be.lessThan(expected.losses[0]!);
      });
    }
  });
});
