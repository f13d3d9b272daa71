/**
 * The wasm conv2d gradient kernels (see src/engine/wasmConv2dGradients.ts) against the cpu
 * backend's own kernels, for both the filter and the input, and a hand-derived tiny case.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { expectClose } from '../support/tensors.js';

type Shape4 = [number, number, number, number];

/** Gradients of `Σ weights · conv2d(x, w)` with respect to x and w, as plain arrays. */
const grads = (xs: Shape4, ws: Shape4, stride: number | [number, number], pad: 'valid' | 'same'): [Float32Array, Float32Array] =>
  tf.tidy(() => {
    const x = tf.randomNormal(xs, 0, 1, 'float32', 7) as tf.Tensor4D;
    const w = tf.randomNormal(ws, 0, 1, 'float32', 8) as tf.Tensor4D;
    const weights = tf.randomNormal(tf.conv2d(x, w, stride, pad).shape, 0, 1, 'float32', 9);
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), weights)),
    )([x, w]);
    return [gx!.dataSync() as Float32Array, gw!.dataSync() as Float32Array];
  });

describe('engine: wasm conv2d gradients', () => {
  after(async () => {
    await tf.setBackend('cpu');
  });

  const cases: Array<[Shape4, Shape4, number | [number, number], 'valid' | 'same']> = [
    [[2, 7, 6, 3], [3, 2, 3, 4], 1, 'valid'],
    [[2, 7, 6, 3], [3, 2, 3, 4], 1, 'same'], // even kernel width: 'same' pads one more on the right
    [[1, 5, 5, 1], [3, 3, 1, 2], 1, 'same'],
    [[3, 6, 6, 2], [4, 4, 2, 3], 1, 'same'],
    // strides > 1: a dilated convolution for the filter, the original kernel for the input
    [[2, 9, 8, 3], [3, 2, 3, 4], 2, 'valid'],
    [[2, 9, 8, 3], [3, 2, 3, 4], 2, 'same'],
    [[1, 10, 7, 2], [3, 3, 2, 2], 3, 'same'],
    [[2, 8, 7, 3], [3, 3, 3, 4], 2, 'valid'], // the last row of x is in no window: the filter gradient's extra row is dropped
    [[1, 11, 11, 2], [3, 2, 2, 3], [3, 2], 'valid'], // unequal strides; the last two rows and the last column in no window
    [[4, 26, 26, 8], [3, 3, 8, 16], 2, 'valid'], // the bench CNN's second layer
  ];
  for (const [xs, ws, stride, pad] of cases) {
    it(`input and filter gradients equal the cpu backend's: x ${xs}, w ${ws}, stride ${stride}, ${pad}`, async () => {
      await tf.setBackend('cpu');
      const [ex, ew] = grads(xs, ws, stride, pad);
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const [ax, aw] = grads(xs, ws, stride, pad);
      expect(tf.memory().numTensors).to.equal(before);
      expectClose(ax, ex, 1e-4, 1e-4, 'dx');
      expectClose(aw, ew, 1e-4, 1e-4, 'dw');
    });
  }

  it('matches hand-derived gradients of Σ conv2d(x, w) for a 1×1 filter: dw = Σ x, dx = w', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const w = tf.tensor4d([5], [1, 1, 1, 1]);
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'valid')))([x, w]);
    expect(Array.from(gw!.dataSync())).to.deep.equal([10]);
    expect(Array.from(gx!.dataSync())).to.deep.equal([5, 5, 5, 5]);
    tf.dispose([x, w, gx!, gw!]);
  });

  it('frees its intermediates: the wasm backend holds no more data after repeated steps', async () => {
    await tf.setBackend('wasm');
    const step = () => grads([4, 8, 8, 3], [3, 3, 3, 5], 1, 'same');
    step();
    const before = tf.backend().numDataIds();
    for (let i = 0; i < 5; i++) step();
    expect(tf.backend().numDataIds()).to.equal(before);
  });
});
