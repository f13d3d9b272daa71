/**
 * The wasm `Transpose` (src/engine/wasmTranspose.ts): `mergeAxes` on hand-worked cases, and every
 * permutation of ranks 3–5 (with and without size-1 axes) equal to the cpu backend's, no data left.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { mergeAxes } from '../../src/engine/wasmTranspose.js';

const permutations = (n: number): number[][] =>
  n === 0 ? [[]] : permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));

const transposed = (shape: number[], perm: number[]): [number[], number[]] =>
  tf.tidy(() => {
    const size = shape.reduce((a, b) => a * b, 1);
    const y = tf.transpose(
      tf.tensor(
        Float32Array.from({ length: size }, (_, i) => i),
        shape,
      ),
      perm,
    );
    return [y.shape, Array.from(y.dataSync())];
  });

describe('engine: wasm Transpose', () => {
  after(async () => {
    await tf.setBackend('cpu');
  });

  it('mergeAxes: NCHW ↔ NHWC become rank-3 swaps; nothing to merge gives undefined', () => {
    expect(mergeAxes([32, 8, 26, 26], [0, 2, 3, 1])).to.deep.equal([
      [32, 8, 676],
      [0, 2, 1],
    ]);
    expect(mergeAxes([32, 26, 26, 8], [0, 3, 1, 2])).to.deep.equal([
      [32, 676, 8],
      [0, 2, 1],
    ]);
    // OIHW → HWIO: [O, I, H·W] → [H·W, I, O]
    expect(mergeAxes([16, 8, 3, 3], [2, 3, 1, 0])).to.deep.equal([
      [16, 8, 9],
      [2, 1, 0],
    ]);
    expect(mergeAxes([2, 3, 4], [2, 1, 0])).to.equal(undefined);
    // size-1 axes dropped: [2, 1, 3] with perm [2, 1, 0] is a 2-D transpose
    expect(mergeAxes([2, 1, 3], [2, 1, 0])).to.deep.equal([
      [2, 3],
      [1, 0],
    ]);
    // an identity after merging: one axis
    expect(mergeAxes([2, 1, 3], [1, 0, 2])).to.deep.equal([[6], [0]]);
    expect(mergeAxes([1, 1, 1], [2, 0, 1])).to.deep.equal([[1], [0]]);
  });

  for (const shape of [
    [2, 3, 4],
    [2, 1, 3, 4],
    [3, 2, 1, 2, 2],
    [1, 1, 4],
  ]) {
    it(`every permutation of ${JSON.stringify(shape)} equals the cpu backend's, without leaks`, async () => {
      for (const perm of permutations(shape.length)) {
        await tf.setBackend('cpu');
        const expected = transposed(shape, perm);
        await tf.setBackend('wasm');
        const before = [tf.memory().numTensors, tf.backend().numDataIds()];
        expect(transposed(shape, perm), `perm ${perm}`).to.deep.equal(expected);
        expect([tf.memory().numTensors, tf.backend().numDataIds()]).to.deep.equal(before);
      }
    });
  }
});
