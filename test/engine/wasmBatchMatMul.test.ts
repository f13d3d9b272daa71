/**
 * The wasm `BatchMatMul` (src/engine/wasmBatchMatMul.ts) against the cpu backend's kernel: every
 * transpose-flag combination, on shapes that take each of its paths (small: the original kernel;
 * single `b`: explicit transposes and one stacked product, or the swapped product for few rows;
 * batches on both sides: one product per entry), with batch broadcasting and ranks 2–4; the
 * gradients; errors; and no data left behind.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { expectClose } from '../support/tensors.js';

/** Deterministic values in [-1, 1) (a linear congruential generator), the same on both backends. */
const data = (n: number, seed: number): Float32Array => {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
};

const size = (shape: number[]): number => shape.reduce((p, d) => p * d, 1);

/** `matMul(a, b, ta, tb)` on the active backend, as a shape and flat values. */
const product = (as: number[], bs: number[], ta: boolean, tb: boolean): [number[], Float32Array] =>
  tf.tidy(() => {
    const y = tf.matMul(tf.tensor(data(size(as), 1), as), tf.tensor(data(size(bs), 2), bs), ta, tb);
    return [y.shape, y.dataSync() as Float32Array];
  });

/** The operands' shapes for an `[…, m, k] · […, k, n]` product stored as the flags say. */
const shapes = (batchA: number[], batchB: number[], m: number, k: number, n: number, ta: boolean, tb: boolean): [number[], number[]] => [
  [...batchA, ...(ta ? [k, m] : [m, k])],
  [...batchB, ...(tb ? [n, k] : [k, n])],
];

const flagCombos: Array<[boolean, boolean]> = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

// [label, batch of a, batch of b, m, k, n]
const cases: Array<[string, number[], number[], number, number, number]> = [
  ['small 2-D (original kernel)', [], [], 3, 4, 5],
  ['2-D above the size rule', [], [], 40, 30, 20],
  ['MLP-sized 2-D', [], [], 64, 196, 32],
  ['2-D with few rows (flagged: run swapped, (op(b)ᵀ · op(a)ᵀ)ᵀ)', [], [], 16, 64, 96],
  ['few rows against a [1, k, n] b', [], [1], 16, 64, 96],
  ['batch of a against one b (stacked)', [3], [], 20, 24, 28],
  ['rank-4 a against a [1, k, n] b', [2, 3], [1], 12, 16, 20],
  ['one a against a batch of b', [], [3], 96, 64, 96],
  ['small batches on both sides (original kernel)', [4], [4], 8, 6, 5],
  ['large batches on both sides (one product per entry)', [3], [3], 96, 64, 96],
  ['rank-4 batches on both sides', [2, 2], [2, 2], 96, 64, 96],
  ['broadcast [1]-batch a against rank-4 b', [1, 1], [2, 2], 96, 64, 96],
];

describe('engine: wasm BatchMatMul', () => {
  after(async () => {
    await tf.setBackend('cpu');
  });

  for (const [label, batchA, batchB, m, k, n] of cases) {
    it(`${label}: every flag combination equals the cpu backend's product`, async () => {
      for (const [ta, tb] of flagCombos) {
        const [as, bs] = shapes(batchA, batchB, m, k, n, ta, tb);
        await tf.setBackend('cpu');
        const [eShape, expected] = product(as, bs, ta, tb);
        await tf.setBackend('wasm');
        const before = [tf.memory().numTensors, tf.backend().numDataIds()];
        const [shape, actual] = product(as, bs, ta, tb);
        expect([tf.memory().numTensors, tf.backend().numDataIds()], 'data left behind').to.deep.equal(before);
        expect(shape, `shape, flags ${ta} ${tb}`).to.deep.equal(eShape);
        expectClose(actual, expected, 1e-4, 1e-4, `${as} · ${bs}, flags ${ta} ${tb}`);
      }
    });
  }

  it("gradients of a flagged product (tfjs's matMul gradient uses flags itself) equal the cpu backend's", async () => {
    const grads = (): Float32Array[] =>
      tf.tidy(() => {
        const a = tf.tensor(data(2 * 64 * 96, 3), [2, 64, 96]);
        // tfjs's matMul gradient does not sum over broadcast batch axes, so b has a's batch here.
        const b = tf.tensor(data(2 * 128 * 96, 4), [2, 128, 96]);
        const r = tf.tensor(data(2 * 64 * 128, 5), [2, 64, 128]);
        const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, false, true), r)))([a, b]);
        return g.map((t) => t.dataSync() as Float32Array);
      });
    await tf.setBackend('cpu');
    const expected = grads();
    await tf.setBackend('wasm');
    const actual = grads();
    expectClose(actual[0]!, expected[0]!, 1e-4, 1e-4, 'da');
    expectClose(actual[1]!, expected[1]!, 1e-4, 1e-4, 'db');
  });

  it('matches a hand-computed product with both flags: [[1, 3], [2, 4]]ᵀ · [[5, 6], [7, 8]]ᵀ', async () => {
    await tf.setBackend('wasm');
    const y = tf.tidy(() =>
      tf.matMul(
        tf.tensor2d([
          [1, 3],
          [2, 4],
        ]),
        tf.tensor2d([
          [5, 6],
          [7, 8],
        ]),
        true,
        true,
      ),
    );
    // aᵀ = [[1, 2], [3, 4]], bᵀ = [[5, 7], [6, 8]]
    expect(Array.from(y.dataSync())).to.deep.equal([17, 23, 39, 53]);
    y.dispose();
  });

  it("mismatched inner dimensions still throw tfjs's error", async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    expect(() => tf.tidy(() => tf.matMul(tf.ones([40, 30]), tf.ones([20, 31]), false, true))).to.throw(/inner shapes/);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('repeated products on every path leave no tensors, no wasm data and no heap growth', async () => {
    await tf.setBackend('wasm');
    const wasm = tf.backend() as unknown as { numDataIds(): number; wasm: { HEAPU8: Uint8Array } };
    const round = (): void => {
      for (const [, batchA, batchB, m, k, n] of cases) {
        for (const [ta, tb] of flagCombos) {
          const [as, bs] = shapes(batchA, batchB, m, k, n, ta, tb);
          tf.tidy(() => tf.matMul(tf.ones(as), tf.ones(bs), ta, tb).dataSync());
        }
      }
    };
    round();
    const before = [tf.memory().numTensors, wasm.numDataIds(), wasm.wasm.HEAPU8.length];
    for (let i = 0; i < 5; i++) round();
    expect([tf.memory().numTensors, wasm.numDataIds(), wasm.wasm.HEAPU8.length]).to.deep.equal(before);
  });
});
