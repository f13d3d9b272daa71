/**
 * Edge cases where a PyTorch user would notice a divergence, each against an expectation derived
 * here by hand or by a plain-JS loop that follows PyTorch's definition (no tfjs ops, no library
 * code in the expectation): softmax on all −∞ slices, `Linear` on rank-1 and rank-4 inputs,
 * adaptive pooling to a larger output, pooling windows at the ceil-mode edge, `BatchNorm1d` with
 * one sample, and `MultiheadAttention` with a float mask, a boolean padding mask and `causal`
 * combined (weights averaged over heads).
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { AdaptiveAvgPool2d } from '../../src/nn/AdaptiveAvgPool2d.js';
import { GlobalAvgPool2d } from '../../src/nn/GlobalAvgPool2d.js';
import { logSoftmax, softmax } from '../../src/nn/activations.js';
import { AvgPool2d } from '../../src/nn/AvgPool2d.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/nn/BatchNorm.js';
import { Conv1d } from '../../src/nn/Conv1d.js';
import { Conv2d } from '../../src/nn/Conv2d.js';
import { ConvTranspose2d } from '../../src/nn/ConvTranspose2d.js';
import { GroupNorm } from '../../src/nn/GroupNorm.js';
import { GRU } from '../../src/nn/GRU.js';
import { LayerNorm } from '../../src/nn/LayerNorm.js';
import { Linear } from '../../src/nn/Linear.js';
import { LSTM } from '../../src/nn/LSTM.js';
import { MaxPool2d } from '../../src/nn/MaxPool2d.js';
import { MultiheadAttention } from '../../src/nn/MultiheadAttention.js';
import { key } from '../../src/random/PRNGKey.js';
import { setMode } from '../../src/random/newState.js';
import { fromArray, toArray } from '../../src/tree/Module.js';
import { expectClose, seededValues } from './helpers.js';

type Tensor = tf.Tensor;

describe('nn: PyTorch edge cases', () => {
  it('softmax / logSoftmax: a slice whose every entry is −∞ gives NaN (as torch.softmax), other slices are unaffected', () => {
    const x = tf.tensor2d([
      [-Infinity, -Infinity, -Infinity],
      [0, -Infinity, Math.log(3)],
    ]);
    const s = Array.from(softmax(x).dataSync());
    const l = Array.from(logSoftmax(x).dataSync());
    expect(s.slice(0, 3).every(Number.isNaN)).to.equal(true);
    expect(l.slice(0, 3).every(Number.isNaN)).to.equal(true);
    // row 2: e^0 : 0 : e^{ln 3} = 1 : 0 : 3
    expectClose(s.slice(3), [0.25, 0, 0.75], 1e-6);
    expect(l[4]).to.equal(-Infinity);
    expectClose([l[3]!, l[5]!], [Math.log(0.25), Math.log(0.75)], 1e-6);
    // along axis 0: column 1 is all −∞
    const s0 = Array.from(softmax(x, 0).dataSync());
    expect(Number.isNaN(s0[1]!)).to.equal(true);
    dispose([x]);
  });

  it('Linear on rank-1 and rank-4 inputs: x Wᵀ + b over the last axis (loops)', () => {
    const m = initialize(Linear.create(3, 2))(key(1));
    const w = Array.from(m.weight.dataSync());
    const b = Array.from(m.bias.dataSync());
    const lin = (row: number[]): number[] => [0, 1].map((o) => b[o]! + row.reduce((acc, v, i) => acc + v * w[o * 3 + i]!, 0));
    const v = seededValues(3, 2);
    const y1 = Linear.forward(m, tf.tensor1d(v));
    expect(y1.shape).to.deep.equal([2]);
    expectClose(y1.dataSync(), lin(v), 1e-6);
    const xs = seededValues(2 * 1 * 4 * 3, 3);
    const y4 = Linear.forward(m, tf.tensor4d(xs, [2, 1, 4, 3]));
    expect(y4.shape).to.deep.equal([2, 1, 4, 2]);
    const expected = Array.from({ length: 8 }, (_, r) => lin(xs.slice(3 * r, 3 * r + 3))).flat();
    expectClose(y4.dataSync(), expected, 1e-6);
    dispose([m, y1, y4]);
  });

  it('AdaptiveAvgPool2d to an output larger than the input: bins [floor(i·H/oh), ceil((i+1)·H/oh)) overlap', () => {
    // 2×2 → 3×3: rows (and columns) bins {0}, {0, 1}, {1}
    const x = tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2]);
    const y = AdaptiveAvgPool2d.forward(AdaptiveAvgPool2d.create(3), x);
    expectClose(y.dataSync(), [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4], 1e-6);
    // 1×3 → 2×5 (H 1 → 2 repeats the row; W 3 → 5: bins {0}, {0,1}, {1}, {1,2}, {2})
    const x2 = tf.tensor4d([2, 4, 8], [1, 1, 1, 3]);
    const y2 = AdaptiveAvgPool2d.forward(AdaptiveAvgPool2d.create([2, 5]), x2);
    expectClose(y2.dataSync(), [2, 3, 4, 6, 8, 2, 3, 4, 6, 8], 1e-6);
    dispose([x, y, x2, y2]);
  });

  it('ceil mode: a last window that would start in the right padding is dropped; windows through the padding use PyTorch divisors', () => {
    // W = 5, k = 2, s = 2, p = 1, ceil: ceil((5 + 2 − 2) / 2) + 1 = 4 windows, but the 4th would start
    // at (4 − 1)·2 − 1 = 5, inside the right padding (PyTorch's rule: (4 − 1)·2 ≥ W + p), so 3 remain:
    // [−1, 0], [1, 2], [3, 4]
    const x = tf.tensor4d([1, 5, 2, 7, 3], [1, 1, 1, 5]);
    const opts = { stride: [1, 2] as const, padding: [0, 1] as const, ceilMode: true };
    const mx = MaxPool2d.forward(MaxPool2d.create([1, 2], opts), x);
    expect(Array.from(mx.dataSync())).to.deep.equal([1, 5, 7]);
    // W = 4 (same settings): 3 windows [−1, 0], [1, 2], [3, 4] where 4 is right padding
    const x4 = tf.tensor4d([1, 5, 2, 7], [1, 1, 1, 4]);
    expect(Array.from(MaxPool2d.forward(MaxPool2d.create([1, 2], opts), x4).dataSync())).to.deep.equal([1, 5, 7]);
    // averages: count_include_pad counts padding inside [−p, W + p) (2 per window here), not beyond
    const incl = AvgPool2d.forward(AvgPool2d.create([1, 2], opts), x4);
    expectClose(incl.dataSync(), [1 / 2, 7 / 2, 7 / 2], 1e-6);
    const excl = AvgPool2d.forward(AvgPool2d.create([1, 2], { ...opts, countIncludePad: false }), x4);
    expectClose(excl.dataSync(), [1, 7 / 2, 7], 1e-6);
    // k = 3, s = 2, p = 1 on W = 3, ceil: 2 windows, [−1, 1] and [1, 3]; 3 = W is padding, and the
    // divisor with count_include_pad is the window clipped to [−p, W + p): 3 for both
    const x3 = tf.tensor4d([3, 6, 9], [1, 1, 1, 3]);
    const k3 = { stride: [1, 2] as const, padding: [0, 1] as const, ceilMode: true };
    const a3 = AvgPool2d.forward(AvgPool2d.create([1, 3], k3), x3);
    // window 0: pad, 3, 6 → 9/3; window 1: 6, 9, pad → 15/3 (pool size min(1+3, 3+1) − 1 = 3)
    expectClose(a3.dataSync(), [3, 5], 1e-6);
    dispose([x, mx, x4, incl, excl, x3, a3]);
  });

  it('BatchNorm1d with one sample: [1, C, L] (L > 1) trains; [1, C] is refused in train mode and whenever batch statistics are used', () => {
    const m = setMode(initialize(BatchNorm1d.create(1))(key(0)), 'train');
    const x = tf.tensor3d([[[1, 3]]]); // mean 2, biased var 1, unbiased var 2
    const [y, m1] = BatchNorm1d.forwardWithState(m, x);
    const s = Math.sqrt(1 + 1e-5);
    expectClose(y.dataSync(), [-1 / s, 1 / s], 1e-6);
    expectClose(m1.runningMean.dataSync(), [0.1 * 2], 1e-6);
    expectClose(m1.runningVar.dataSync(), [0.9 * 1 + 0.1 * 2], 1e-6);
    const one = tf.tensor2d([[5]]);
    expect(() => BatchNorm1d.forwardWithState(m, one)).to.throw(/more than 1 value per channel/);
    const noStats = setMode(initialize(BatchNorm1d.create(1, { trackRunningStats: false }))(key(0)), 'eval');
    expect(() => BatchNorm1d.forward(noStats, one)).to.throw(/more than 1 value per channel/);
    // eval with running statistics: fine, (5 − 0) / √(1 + eps)
    const ev = BatchNorm1d.forward(setMode(m, 'eval'), one);
    expectClose(ev.dataSync(), [5 / s], 1e-6);
    dispose([m, x, y, m1.runningMean, m1.runningVar, m1.numBatchesTracked, one, noStats, ev]);
  });

  it('MultiheadAttention: float attnMask + boolean keyPaddingMask + causal combined, weights averaged over heads (plain-JS reference)', () => {
    const E = 4;
    const H = 2;
    const d = E / H;
    const lazy = MultiheadAttention.create(E, H);
    const leaves = toArray(lazy).map((p, i) =>
      tf.tensor(
        seededValues(
          p.shape.reduce((a, b) => a * b, 1),
          10 + i,
        ),
        [...p.shape],
      ),
    );
    const m = fromArray(lazy, leaves);
    const [N, L, S] = [2, 3, 3];
    const qv = seededValues(N * L * E, 20);
    const kv = seededValues(N * S * E, 21);
    const floatMask = [
      [0.5, 0, 0],
      [-1, 0.25, 0],
      [0, -2, 1],
    ];
    const padding = [
      [false, false, true],
      [false, true, false],
    ];
    const q = tf.tensor3d(qv, [N, L, E]);
    const k = tf.tensor3d(kv, [N, S, E]);
    const fm = tf.tensor2d(floatMask);
    const pm = tf.tensor2d(padding, [N, S], 'bool');
    const { output, weights } = MultiheadAttention.attend(m, q, k, k, { attnMask: fm, keyPaddingMask: pm, causal: true });

    // PyTorch's definition, in loops
    const W = Array.from(m.in_proj_weight.dataSync());
    const B = Array.from(m.in_proj_bias.dataSync());
    const Wo = Array.from(m.out_proj.weight.dataSync());
    const Bo = Array.from(m.out_proj.bias.dataSync());
    const proj = (x: number[], n: number, t: number, block: number): number[] =>
      Array.from(
        { length: E },
        (_, o) =>
          B[block * E + o]! +
          Array.from({ length: E }, (_, i) => W[(block * E + o) * E + i]! * x[(n * 3 + t) * E + i]!).reduce((a, c) => a + c, 0),
      );
    const out: number[] = [];
    const avg: number[] = [];
    for (let n = 0; n < N; n++) {
      const Q = [0, 1, 2].map((t) => proj(qv, n, t, 0));
      const K = [0, 1, 2].map((t) => proj(kv, n, t, 1));
      const V = [0, 1, 2].map((t) => proj(kv, n, t, 2));
      const concat = Array.from({ length: L }, () => new Array<number>(E).fill(0));
      const wsum = Array.from({ length: L }, () => new Array<number>(S).fill(0));
      for (let h = 0; h < H; h++) {
        for (let i = 0; i < L; i++) {
          const scores = Array.from({ length: S }, (_, j) => {
            if (j > i || padding[n]![j]) return -Infinity;
            let dot = 0;
            for (let c = 0; c < d; c++) dot += Q[i]![h * d + c]! * K[j]![h * d + c]!;
            return dot / Math.sqrt(d) + floatMask[i]![j]!;
          });
          const mx = Math.max(...scores);
          const e = scores.map((sc) => Math.exp(sc - mx));
          const z = e.reduce((a, c) => a + c, 0);
          const p = e.map((v) => v / z);
          p.forEach((v, j) => (wsum[i]![j]! += v / H));
          for (let c = 0; c < d; c++) concat[i]![h * d + c] = p.reduce((a, v, j) => a + v * V[j]![h * d + c]!, 0);
        }
      }
      for (let i = 0; i < L; i++) {
        for (let o = 0; o < E; o++) out.push(Bo[o]! + concat[i]!.reduce((a, v, c) => a + v * Wo[o * E + c]!, 0));
        avg.push(...wsum[i]!);
      }
    }
    expect(output.shape).to.deep.equal([N, L, E]);
    expect(weights.shape).to.deep.equal([N, L, S]);
    expectClose(output.dataSync(), out, 1e-5);
    expectClose(weights.dataSync(), avg, 1e-5);
    dispose([m, q, k, fm, pm, output, weights]);
  });

  it('LSTM / GRU refuse an empty sequence, as PyTorch ("Expected sequence length to be larger than 0 in RNN")', () => {
    const lstm = initialize(LSTM.create(2, 3, { numLayers: 2 }))(key(0));
    const gru = initialize(GRU.create(2, 3))(key(0));
    const before = tf.memory().numTensors;
    for (const x of [tf.zeros([2, 0, 2]), tf.zeros([0, 2])]) {
      expect(() => LSTM.forward(lstm, x)).to.throw(/sequence length.* 0|length ≥ 1/);
      expect(() => GRU.forward(gru, x)).to.throw(/sequence length.* 0|length ≥ 1/);
      x.dispose();
    }
    expect(tf.memory().numTensors).to.equal(before);
    dispose([lstm, gru]);
  });

  it('pooling refuses empty channel or spatial axes, as PyTorch (an empty batch is fine)', () => {
    // PyTorch: pool2d_shape_check / adaptive_avg_pool2d require non-zero C, H, W; with padding the
    // window would otherwise lie entirely in the padding (max −∞, mean 0 or 0/0)
    const layers: Array<[string, (x: Tensor) => Tensor]> = [
      ['MaxPool2d', (x) => MaxPool2d.forward(MaxPool2d.create(2, { padding: 1 }), x)],
      ['AvgPool2d', (x) => AvgPool2d.forward(AvgPool2d.create(2, { padding: 1, countIncludePad: false }), x)],
      ['AdaptiveAvgPool2d', (x) => AdaptiveAvgPool2d.forward(AdaptiveAvgPool2d.create(2), x)],
      ['GlobalAvgPool2d', (x) => GlobalAvgPool2d.forward(GlobalAvgPool2d.create(), x)],
    ];
    for (const [name, f] of layers) {
      for (const shape of [
        [1, 2, 0, 3],
        [1, 2, 3, 0],
        [1, 0, 3, 3],
        [2, 0, 3],
      ]) {
        const x = tf.zeros(shape);
        expect(() => f(x), `${name} ${JSON.stringify(shape)}`).to.throw(/non-empty/);
        x.dispose();
      }
      const empty = tf.zeros([0, 2, 5, 4]);
      const y = f(empty);
      // PyTorch's shapes: k 2, p 1, stride 2 → floor((5 + 2 − 2) / 2) + 1 = 3, floor((4 + 2 − 2) / 2) + 1 = 3
      const expected: Record<string, number[]> = {
        MaxPool2d: [0, 2, 3, 3],
        AvgPool2d: [0, 2, 3, 3],
        AdaptiveAvgPool2d: [0, 2, 2, 2],
        GlobalAvgPool2d: [0, 2],
      };
      expect(y.shape, name).to.deep.equal(expected[name]);
      dispose([empty, y]);
    }
  });

  it("an empty batch (N = 0) gives an empty output of PyTorch's shape, on cpu and on wasm", async () => {
    const k = key(0);
    // output shapes by PyTorch's formulas, e.g. ConvTranspose2d: (5 − 1)·2 + (3 − 1) + 1 = 11
    const cases: Array<[string, () => Tensor, number[]]> = [
      ['Linear', () => Linear.forward(initialize(Linear.create(3, 2))(k), tf.zeros([0, 3])), [0, 2]],
      ['Conv2d', () => Conv2d.forward(initialize(Conv2d.create(2, 3, 3, { padding: 1 }))(k), tf.zeros([0, 2, 5, 5])), [0, 3, 5, 5]],
      ['Conv2d groups', () => Conv2d.forward(initialize(Conv2d.create(2, 4, 3, { groups: 2 }))(k), tf.zeros([0, 2, 5, 5])), [0, 4, 3, 3]],
      ['Conv1d', () => Conv1d.forward(initialize(Conv1d.create(2, 3, 3))(k), tf.zeros([0, 2, 5])), [0, 3, 3]],
      [
        'ConvTranspose2d',
        () => ConvTranspose2d.forward(initialize(ConvTranspose2d.create(2, 3, 3, { stride: 2 }))(k), tf.zeros([0, 2, 5, 5])),
        [0, 3, 11, 11],
      ],
      ['MaxPool2d', () => MaxPool2d.forward(MaxPool2d.create(2), tf.zeros([0, 2, 4, 4])), [0, 2, 2, 2]],
      [
        'AvgPool2d',
        () => AvgPool2d.forward(AvgPool2d.create(3, { stride: 2, padding: 1, ceilMode: true }), tf.zeros([0, 2, 4, 4])),
        [0, 2, 3, 3],
      ],
      ['AdaptiveAvgPool2d', () => AdaptiveAvgPool2d.forward(AdaptiveAvgPool2d.create(3), tf.zeros([0, 2, 4, 4])), [0, 2, 3, 3]],
      ['GroupNorm', () => GroupNorm.forward(initialize(GroupNorm.create(2, 4))(k), tf.zeros([0, 4, 3])), [0, 4, 3]],
      ['LayerNorm', () => LayerNorm.forward(initialize(LayerNorm.create([3, 4]))(k), tf.zeros([0, 3, 4])), [0, 3, 4]],
      ['BatchNorm2d (eval)', () => BatchNorm2d.forward(initialize(BatchNorm2d.create(2))(k), tf.zeros([0, 2, 3, 3])), [0, 2, 3, 3]],
      ['LSTM', () => LSTM.forward(initialize(LSTM.create(3, 4))(k), tf.zeros([0, 5, 3]))[0], [0, 5, 4]],
      [
        'MultiheadAttention',
        () => MultiheadAttention.forward(initialize(MultiheadAttention.create(4, 2))(k), tf.zeros([0, 3, 4])),
        [0, 3, 4],
      ],
      [
        'MultiheadAttention weights',
        () => MultiheadAttention.attend(initialize(MultiheadAttention.create(4, 2))(k), tf.zeros([0, 3, 4])).weights,
        [0, 3, 3],
      ],
    ];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      for (const [name, f, shape] of cases) {
        const y = tf.tidy(f);
        expect(y.shape, `${name} on ${backend}`).to.deep.equal(shape);
        y.dispose();
      }
    }
  });
});
