/**
 * The wasm conv2d filter gradient (borrowed from wasm's Conv3DBackpropFilterV2) against the cpu
 * backend's own Conv2DBackpropFilter, and against a hand-written sum for a tiny case.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { expectClose } from '../support/tensors.js';

const filterGrad = (x: tf.Tensor4D, w: tf.Tensor4D, pad: 'valid' | 'same', weights: tf.Tensor): Float32Array =>
  tf.tidy(() => tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, ww as tf.Tensor4D, 1, pad), weights)))(w).dataSync() as Float32Array);

describe('engine: wasm Conv2DBackpropFilter', () => {
  after(async () => {
    await tf.setBackend('cpu');
  });

  for (const pad of ['valid', 'same'] as const) {
    it(`equals the cpu backend's filter gradient (stride 1, padding ${pad})`, async () => {
      type Shape4 = [number, number, number, number];
      const cases: Array<[Shape4, Shape4]> = [
        [[2, 7, 6, 3], [3, 2, 3, 4]],
        [[1, 5, 5, 1], [3, 3, 1, 2]],
      ];
      for (const [xs, ws] of cases) {
        const run = () =>
          tf.tidy(() => {
            const x = tf.randomNormal(xs, 0, 1, 'float32', 7) as tf.Tensor4D;
            const w = tf.randomNormal(ws, 0, 1, 'float32', 8) as tf.Tensor4D;
            const outShape = tf.conv2d(x, w, 1, pad).shape;
            const weights = tf.randomNormal(outShape, 0, 1, 'float32', 9);
            return filterGrad(x, w, pad, weights);
          });
        await tf.setBackend('cpu');
        const expected = run();
        await tf.setBackend('wasm');
        const before = tf.memory().numTensors;
        const actual = run();
        expect(tf.memory().numTensors).to.equal(before);
        expectClose(actual, expected, 1e-4, 1e-4, `${pad} ${xs}`);
      }
    });
  }

  it('matches a hand-derived gradient: 1×1 filter, dL/dw = Σ x (loss = sum of outputs)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const w = tf.tensor4d([5], [1, 1, 1, 1]);
    const g = tf.grad((ww: tf.Tensor) => tf.sum(tf.conv2d(x, ww as tf.Tensor4D, 1, 'valid')))(w);
    expect(Array.from(g.dataSync())).to.deep.equal([10]);
    tf.dispose([x, w, g]);
  });

  for (const [stride, pad] of [[2, 'valid'], [2, 'same'], [3, 'same']] as const) {
    it(`equals the cpu backend for stride ${stride}, padding ${pad} (computed by the cpu kernel)`, async () => {
      const run = () =>
        tf.tidy(() => {
          const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
          const w = tf.randomNormal([3, 2, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
          return tf.grad((ww: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, ww as tf.Tensor4D, stride, pad))))(w).dataSync();
        });
      await tf.setBackend('cpu');
      const expected = run();
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const actual = run();
      expect(tf.memory().numTensors).to.equal(before);
      expectClose(actual, expected, 1e-4, 1e-3, `stride ${stride} ${pad}`);
    });
  }
});
