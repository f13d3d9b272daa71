/**
 * The wasm kernels written in src/engine (wasmMaxPoolGrad.ts, wasmDepthwiseConv2dGradients.ts,
 * unsortedSegmentSum.ts): hand-derived small cases, the cpu
 * backend's results on larger ones, and no data left on either backend.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { expectClose } from '../support/tensors.js';

type Shape4 = [number, number, number, number];

/** Runs `f` on wasm and checks that neither tfjs nor the wasm or cpu backend kept any data. */
const onWasmWithoutLeaks = async <T>(f: () => T): Promise<T> => {
  await tf.setBackend('wasm');
  const cpu = tf.findBackend('cpu')!;
  const before = [tf.memory().numTensors, tf.backend().numDataIds(), cpu.numDataIds()];
  const out = f();
  expect([tf.memory().numTensors, tf.backend().numDataIds(), cpu.numDataIds()]).to.deep.equal(before);
  return out;
};

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

describe('engine: wasm kernels MaxPoolGrad, depthwise gradients, UnsortedSegmentSum', () => {
  after(async () => {
    await tf.setBackend('cpu');
  });

  describe('MaxPoolGrad', () => {
    /** d/dx of Σ r · maxPool(x), as a plain array. */
    const poolGrad = (x: number[], shape: Shape4, k: number | [number, number], s: number, pad: 'valid' | 'same', r?: number[]): number[] =>
      tf.tidy(() => {
        const f = (a: tf.Tensor) => {
          const y = tf.maxPool(a as tf.Tensor4D, k, s, pad);
          return tf.sum(tf.mul(y, r === undefined ? tf.onesLike(y) : tf.tensor(r, y.shape)));
        };
        return values(tf.grad(f)(tf.tensor4d(x, shape)));
      });

    it('a window of negative values sends its gradient to its maximum (wasm 4.22.0 sent it elsewhere)', async () => {
      // One 2×2 window: max is -1 at index 1.
      const g = await onWasmWithoutLeaks(() => poolGrad([-3, -1, -2, -4], [1, 2, 2, 1], 2, 2, 'valid'));
      expect(g).to.deep.equal([0, 1, 0, 0]);
    });

    it('windows of zeros (as after a ReLU) and ties: the first maximum takes the gradient, as on cpu and in PyTorch', async () => {
      const g = await onWasmWithoutLeaks(() => poolGrad([0, 0, 0, 0, 5, 2, 5, 1], [1, 2, 4, 1], 2, 2, 'valid', [10, 20]));
      // Window 1: rows 0-1, columns 0-1 = [0, 0 / 5, 2] → the 5 at flat index 4. Window 2: [0, 0 / 5, 1] → 5 at index 6.
      expect(g).to.deep.equal([0, 0, 0, 0, 10, 0, 20, 0]);
      const ties = await onWasmWithoutLeaks(() => poolGrad([0, 0, 0, 0], [1, 2, 2, 1], 2, 2, 'valid'));
      expect(ties).to.deep.equal([1, 0, 0, 0]);
    });

    it("overlapping windows accumulate; equals the cpu backend's kernel (valid and same padding, strides 1-2)", async () => {
      const shape: Shape4 = [2, 7, 6, 3];
      const x = Array.from({ length: 2 * 7 * 6 * 3 }, (_, i) => Math.sin(i * 1.7) * 2 - 0.5);
      for (const [k, s, pad] of [
        [2, 1, 'valid'],
        [3, 1, 'same'],
        [3, 2, 'same'],
        [2, 2, 'valid'],
      ] as const) {
        await tf.setBackend('cpu');
        const expected = poolGrad(x, shape, k, s, pad);
        const actual = await onWasmWithoutLeaks(() => poolGrad(x, shape, k, s, pad));
        expectClose(actual, expected, 0, 0, `k ${k} s ${s} ${pad}`);
      }
      // By hand: 1×2 windows [1, 3] and [3, 2] share their maximum, which gets both gradients.
      const g = await onWasmWithoutLeaks(() => poolGrad([1, 3, 2], [1, 1, 3, 1], [1, 2], 1, 'valid'));
      expect(g).to.deep.equal([0, 2, 0]);
    });
  });

  describe('DepthwiseConv2dNativeBackpropInput / BackpropFilter', () => {
    const grads = (xs: Shape4, ws: Shape4, stride: number, pad: 'valid' | 'same', dilation: number): [number[], number[]] =>
      tf.tidy(() => {
        const x = tf.tensor4d(
          Array.from({ length: xs.reduce((a, b) => a * b) }, (_, i) => Math.cos(i * 0.7)),
          xs,
        );
        const w = tf.tensor4d(
          Array.from({ length: ws.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 1.3)),
          ws,
        );
        const r = tf.tensor(
          Array.from({ length: tf.depthwiseConv2d(x, w, stride, pad, 'NHWC', dilation).size }, (_, i) => Math.cos(i * 2.1)),
        );
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
          const y = tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad, 'NHWC', dilation);
          return tf.sum(tf.mul(y, tf.reshape(r, y.shape)));
        })([x, w]);
        return [values(gx!), values(gw!)];
      });

    it('Σ depthwiseConv2d(x, w) with a 1×1 filter: dx = w per channel, dw = Σ x per channel (by hand)', async () => {
      const [gx, gw] = await onWasmWithoutLeaks(() =>
        tf.tidy(() => {
          const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 1, 3, 2]); // channels: [1, 3, 5] and [2, 4, 6]
          const w = tf.tensor4d([7, 8], [1, 1, 2, 1]);
          const [a, b] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
            tf.sum(tf.depthwiseConv2d(p as tf.Tensor4D, q as tf.Tensor4D, 1, 'valid')),
          )([x, w]);
          return [values(a!), values(b!)];
        }),
      );
      expect(gx).to.deep.equal([7, 8, 7, 8, 7, 8]);
      expect(gw).to.deep.equal([9, 12]);
    });

    for (const [xs, ws, stride, pad, dilation] of [
      [[2, 6, 5, 3], [3, 3, 3, 2], 1, 'same', 1],
      [[2, 7, 6, 2], [3, 2, 2, 1], 2, 'valid', 1],
      [[1, 8, 8, 2], [2, 2, 2, 3], 1, 'valid', 1], // tfjs has no depthwise gradient for dilation > 1 on any backend
    ] as Array<[Shape4, Shape4, number, 'valid' | 'same', number]>) {
      it(`equal the cpu backend's: x ${xs}, w ${ws}, stride ${stride}, ${pad}, dilation ${dilation}`, async () => {
        await tf.setBackend('cpu');
        const [ex, ew] = grads(xs, ws, stride, pad, dilation);
        const [ax, aw] = await onWasmWithoutLeaks(() => grads(xs, ws, stride, pad, dilation));
        expectClose(ax, ex, 1e-5, 1e-6, 'dx');
        expectClose(aw, ew, 1e-5, 1e-6, 'dw');
      });
    }
  });

  // The cpu kernels ignore dilation (tfjs-core refuses these gradients for dilation > 1), so the
  // reference here is the adjoint identity of a linear map: ⟨dy, conv(x, w)⟩ = ⟨dx, x⟩ = ⟨dw, w⟩.
  for (const [strides, dilations, pad] of [
    [
      [1, 1],
      [2, 2],
      [
        [0, 0],
        [2, 1],
        [1, 0],
        [0, 0],
      ],
    ],
    [[2, 1], [1, 1], 'same'],
  ] as Array<[[number, number], [number, number], tf.backend_util.ExplicitPadding | 'same']>) {
    it(`the kernels are the adjoints of the forward convolution: strides ${strides}, dilations ${dilations}, padding ${JSON.stringify(pad)}`, async () => {
      const xShape: Shape4 = [2, 9, 8, 3];
      const fShape: Shape4 = [3, 2, 3, 2];
      const attrs = { strides, dilations, pad };
      const [lhs, viaX, viaW] = await onWasmWithoutLeaks(() =>
        tf.tidy(() => {
          const x = tf.tensor4d(
            Array.from({ length: 2 * 9 * 8 * 3 }, (_, i) => Math.cos(i * 0.3)),
            xShape,
          );
          const w = tf.tensor4d(
            Array.from({ length: 3 * 2 * 3 * 2 }, (_, i) => Math.sin(i * 0.8)),
            fShape,
          );
          const y = tf.depthwiseConv2d(x, w, strides, pad, 'NHWC', dilations);
          const dy = tf.tensor(
            Array.from({ length: y.size }, (_, i) => Math.cos(i * 1.1)),
            y.shape,
          );
          const dx = tf
            .engine()
            .runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: xShape } as never) as tf.Tensor;
          const dw = tf
            .engine()
            .runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: fShape } as never) as tf.Tensor;
          expect(dx.shape).to.deep.equal(xShape);
          expect(dw.shape).to.deep.equal(fShape);
          return [tf.sum(tf.mul(dy, y)), tf.sum(tf.mul(dx, x)), tf.sum(tf.mul(dw, w))].map((t) => t.dataSync()[0]!);
        }),
      );
      expect(Math.abs(lhs!)).to.be.greaterThan(0.1); // not a trivially zero identity
      expectClose([viaX!, viaW!], [lhs!, lhs!], 1e-5, 1e-5, '⟨dx, x⟩, ⟨dw, w⟩');
    });
  }

  describe('UnsortedSegmentSum', () => {
    it('sums rows by segment id, with int32 ids and an empty segment (by hand)', async () => {
      const out = await onWasmWithoutLeaks(() =>
        tf.tidy(() => values(tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]), tf.tensor1d([2, 0, 2, 0], 'int32'), 4))),
      );
      expect(out).to.deep.equal([3 + 7, 4 + 8, 0, 0, 1 + 5, 2 + 6, 0, 0]);
    });

    it('matches a plain loop on both backends: rank-3 rows, ids out of range dropped, float32 and int32', async () => {
      const xs = Array.from({ length: 7 * 2 * 3 }, (_, i) => Math.round(Math.sin(i * 0.9) * 50) / 8);
      const ids = [4, 0, -1, 4, 9, 2, 0];
      // TensorFlow's definition: out[s] = sum of rows i with ids[i] = s; other ids are dropped.
      const expected = new Array<number>(6 * 6).fill(0);
      ids.forEach((id, i) => {
        if (id >= 0 && id < 6) for (let k = 0; k < 6; k++) expected[id * 6 + k] += xs[i * 6 + k]!;
      });
      for (const dtype of ['float32', 'int32'] as const) {
        const want =
          dtype === 'int32'
            ? expected.map((_, j) =>
                ids.reduce((acc, id, i) => (id === Math.floor(j / 6) ? acc + Math.trunc(xs[i * 6 + (j % 6)]!) : acc), 0),
              )
            : expected;
        const run = () => tf.tidy(() => values(tf.unsortedSegmentSum(tf.tensor3d(xs, [7, 2, 3], dtype), tf.tensor1d(ids, 'int32'), 6)));
        await tf.setBackend('cpu');
        expect(run().map((v) => Math.fround(v))).to.deep.equal(
          want.map((v) => Math.fround(v)),
          `cpu ${dtype}`,
        );
        const actual = await onWasmWithoutLeaks(run);
        expect(actual.map((v) => Math.fround(v))).to.deep.equal(
          want.map((v) => Math.fround(v)),
          `wasm ${dtype}`,
        );
      }
    });

    it("is gather's gradient: a row gathered three times gets three upstream rows", async () => {
      const g = await onWasmWithoutLeaks(() =>
        tf.tidy(() => {
          const table = tf.tensor2d([0, 0, 0, 0, 0, 0], [3, 2]);
          const up = tf.tensor2d([1, 10, 2, 20, 3, 30, 4, 40], [4, 2]);
          return values(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d([1, 1, 0, 1], 'int32')), up)))(table));
        }),
      );
      expect(g).to.deep.equal([3, 30, 1 + 2 + 4, 10 + 20 + 40, 0, 0]);
    });
  });
});
