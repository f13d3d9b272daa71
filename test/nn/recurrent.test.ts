/**
 * LSTMCell, GRUCell, LSTM and GRU against PyTorch's gate equations written here in plain JS (float64
 * loops over the parameter arrays, gate order i,f,g,o and r,z,n), stacked layers and initial state,
 * inter-layer dropout against a mask drawn from the documented key, finite-difference gradients,
 * init bounds, PyTorch names, shape errors and leaks.
 */
import { expect } from 'chai';
import * as O from 'fp-ts/lib/Option.js';
import { tf } from '../../src/engine/backend.js';
import { initialize } from '../../src/init/initialize.js';
import { GRU } from '../../src/nn/GRU.js';
import { GRUCell } from '../../src/nn/GRUCell.js';
import { LSTM, pytorchRecurrentName } from '../../src/nn/LSTM.js';
import { LSTMCell } from '../../src/nn/LSTMCell.js';
import { stateDictKeys } from '../../src/io/stateDictEntries.js';
import { bernoulli } from '../../src/random/bernoulli.js';
import { foldIn } from '../../src/random/foldIn.js';
import { newState } from '../../src/random/newState.js';
import { key } from '../../src/random/PRNGKey.js';
import type { AnyModule } from '../../src/tree/Field.js';
import { fromArray, leafEntries, type Relabel, toArray } from '../../src/tree/Module.js';
import { show } from '../../src/tree/Show.js';
import { checkGradients, expectClose, expectNoLeak, Holder, seeded, weightedSum } from './helpers.js';

type Tensor = tf.Tensor;
type Vec = number[];
type Mat = number[][];

const sig = (x: number): number => 1 / (1 + Math.exp(-x));
const mat = (t: Tensor): Mat => t.arraySync() as Mat;
const vec = (t: Tensor): Vec => (t.size === 0 ? [] : (t.arraySync() as Vec));
/** W x (+ b) for a row-major W [rows, cols]. */
const affine = (W: Mat, x: Vec, b: Vec): Vec => W.map((row, r) => row.reduce((s, w, c) => s + w * x[c]!, b[r] ?? 0));

interface CellParams {
  readonly wih: Mat;
  readonly whh: Mat;
  readonly bih: Vec;
  readonly bhh: Vec;
  readonly H: number;
}
const params = (c: { weight_ih: Tensor; weight_hh: Tensor; bias_ih: Tensor; bias_hh: Tensor; hiddenSize: number }): CellParams => ({
  wih: mat(c.weight_ih),
  whh: mat(c.weight_hh),
  bih: vec(c.bias_ih),
  bhh: vec(c.bias_hh),
  H: c.hiddenSize,
});

/** PyTorch's LSTMCell equations for one example. */
const lstmRef = (p: CellParams, x: Vec, h: Vec, c: Vec): [Vec, Vec] => {
  const gi = affine(p.wih, x, p.bih);
  const gh = affine(p.whh, h, p.bhh);
  const H = p.H;
  const g = (k: number, j: number): number => gi[k * H + j]! + gh[k * H + j]!;
  const c2 = c.map((cj, j) => sig(g(1, j)) * cj + sig(g(0, j)) * Math.tanh(g(2, j)));
  const h2 = c2.map((cj, j) => sig(g(3, j)) * Math.tanh(cj));
  return [h2, c2];
};

/** PyTorch's GRUCell equations for one example. */
const gruRef = (p: CellParams, x: Vec, h: Vec): Vec => {
  const gi = affine(p.wih, x, p.bih);
  const gh = affine(p.whh, h, p.bhh);
  const H = p.H;
  return h.map((hj, j) => {
    const r = sig(gi[j]! + gh[j]!);
    const z = sig(gi[H + j]! + gh[H + j]!);
    const n = Math.tanh(gi[2 * H + j]! + r * gh[2 * H + j]!);
    return (1 - z) * n + z * hj;
  });
};

/** A module with deterministic values in every (non-empty) leaf. */
const seededModule = <M extends AnyModule<unknown>>(lazy: M, seed: number): Relabel<M, Tensor> => {
  const shapes = toArray(lazy).map((p) => (p as { shape: number[] }).shape);
  return fromArray(
    lazy,
    shapes.map((s, i) => seeded([...s], seed + i)),
  );
};

const zeros = (n: number): Vec => new Array<number>(n).fill(0);

describe('nn.LSTMCell / nn.GRUCell', () => {
  it('LSTMCell matches the gate equations (i, f, g, o), with and without a given state', () => {
    const cell = seededModule(LSTMCell.create(3, 4), 1);
    const x = seeded([2, 3], 10);
    const h = seeded([2, 4], 11);
    const c = seeded([2, 4], 12);
    const p = params(cell);
    const xs = mat(x);
    const [h1, c1] = LSTMCell.forward(cell, x, [h, c]);
    const ref = xs.map((xi, n) => lstmRef(p, xi, mat(h)[n]!, mat(c)[n]!));
    expectClose(
      h1.dataSync(),
      ref.flatMap((r) => r[0]),
      1e-5,
    );
    expectClose(
      c1.dataSync(),
      ref.flatMap((r) => r[1]),
      1e-5,
    );
    const [h0, c0] = LSTMCell.forward(cell, x);
    const ref0 = xs.map((xi) => lstmRef(p, xi, zeros(4), zeros(4)));
    expectClose(
      h0.dataSync(),
      ref0.flatMap((r) => r[0]),
      1e-5,
    );
    expectClose(
      c0.dataSync(),
      ref0.flatMap((r) => r[1]),
      1e-5,
    );
    // unbatched
    const [hu] = LSTMCell.forward(cell, tf.tensor1d(xs[1]!), [tf.tensor1d(mat(h)[1]!), tf.tensor1d(mat(c)[1]!)]);
    expect(hu.shape).to.deep.equal([4]);
    expectClose(hu.dataSync(), ref[1]![0], 1e-5);
  });

  it('GRUCell matches the gate equations (r, z, n with r applied to the hidden projection incl. its bias)', () => {
    const cell = seededModule(GRUCell.create(3, 4), 2);
    const x = seeded([2, 3], 20);
    const h = seeded([2, 4], 21);
    const p = params(cell);
    const h1 = GRUCell.forward(cell, x, h);
    expectClose(
      h1.dataSync(),
      mat(x).flatMap((xi, n) => gruRef(p, xi, mat(h)[n]!)),
      1e-5,
    );
    const h0 = GRUCell.forward(cell, x);
    expectClose(
      h0.dataSync(),
      mat(x).flatMap((xi) => gruRef(p, xi, zeros(4))),
      1e-5,
    );
    const noBias = seededModule(GRUCell.create(3, 4, { bias: false }), 3);
    expect(noBias.bias_ih.shape).to.deep.equal([0]);
    const hb = GRUCell.forward(noBias, x, h);
    expectClose(
      hb.dataSync(),
      mat(x).flatMap((xi, n) => gruRef(params(noBias), xi, mat(h)[n]!)),
      1e-5,
    );
  });

  it('gradients of both cells match central finite differences', () => {
    const lstm = seededModule(LSTMCell.create(2, 3), 4);
    const x = seeded([2, 2], 30);
    const h = seeded([2, 3], 31);
    const c = seeded([2, 3], 32);
    checkGradients(
      (xx, hh, cc, wih, bhh) => {
        const [h1, c1] = LSTMCell.forward({ ...lstm, weight_ih: wih, bias_hh: bhh } as LSTMCell<Tensor>, xx, [hh, cc]);
        return tf.add(weightedSum(h1, 5), weightedSum(c1, 6)) as tf.Scalar;
      },
      [x, h, c, lstm.weight_ih, lstm.bias_hh],
    );
    const gru = seededModule(GRUCell.create(2, 3), 5);
    checkGradients(
      (xx, hh, whh, bhh) => weightedSum(GRUCell.forward({ ...gru, weight_hh: whh, bias_hh: bhh } as GRUCell<Tensor>, xx, hh)),
      [x, h, gru.weight_hh, gru.bias_hh],
    );
  });

  it("default init is PyTorch's U(±1/√hidden) for every parameter; names and shapes are PyTorch's", () => {
    const H = 16;
    const cell: LSTMCell<Tensor> = initialize(LSTMCell.create(5, H))(key(0));
    expect(leafEntries(cell).map(([i, t]) => [i.path, t.shape])).to.deep.equal([
      ['weight_ih', [4 * H, 5]],
      ['weight_hh', [4 * H, H]],
      ['bias_ih', [4 * H]],
      ['bias_hh', [4 * H]],
    ]);
    for (const [info, t] of leafEntries(cell)) {
      const a = Array.from(t.dataSync()).map(Math.abs);
      expect(Math.max(...a), info.path)
        .to.be.at.most(1 / Math.sqrt(H))
        .and.above(0.8 / Math.sqrt(H));
    }
    const gru: GRUCell<Tensor> = initialize(GRUCell.create(5, H))(key(0));
    expect(gru.weight_ih.shape).to.deep.equal([3 * H, 5]);
    tf.dispose([...toArray(cell), ...toArray(gru)]);
  });

  it('wrong shapes are ModuleErrors with expected and actual shapes', () => {
    const cell = seededModule(LSTMCell.create(3, 4), 1);
    expect(() => LSTMCell.forward(cell, tf.zeros([2, 5]))).to.throw(
      /LSTMCell at the root module: expected input of shape \[N, 3\] or \[3\], got \[2, 5\]/,
    );
    expect(() => LSTMCell.forward(cell, tf.zeros([2, 3]), [tf.zeros([2, 4]), tf.zeros([3, 4])])).to.throw(
      /expected c of shape \[2, 4\], got \[3, 4\]/,
    );
    const gru = seededModule(GRUCell.create(3, 4), 1);
    expect(() => GRUCell.forward(gru, tf.zeros([2, 3]), tf.zeros([2, 5]))).to.throw(/expected h of shape \[2, 4\], got \[2, 5\]/);
  });
});

describe('nn.LSTM / nn.GRU', () => {
  /** Runs the JS reference cells over [N][L][in], stacked; returns outputs [N][L][H] and final states per layer. */
  const runLstmRef = (layers: CellParams[], xs: number[][][], h0?: number[][][], c0?: number[][][], dropMasks?: number[][][][]) => {
    const H = layers[0]!.H;
    const hn: Vec[][] = [];
    const cn: Vec[][] = [];
    let seq = xs;
    layers.forEach((p, k) => {
      const hk: Vec[] = [];
      const ck: Vec[] = [];
      seq = seq.map((steps, n) => {
        let h = h0?.[k]![n] ?? zeros(H);
        let c = c0?.[k]![n] ?? zeros(H);
        const out = steps.map((x) => {
          [h, c] = lstmRef(p, x, h, c);
          return h;
        });
        hk.push(h);
        ck.push(c);
        return out;
      });
      if (dropMasks !== undefined && k < layers.length - 1)
        seq = seq.map((s, n) => s.map((v, t) => v.map((e, j) => e * dropMasks[k]![n]![t]![j]!)));
      hn.push(hk);
      cn.push(ck);
    });
    return { out: seq, hn, cn };
  };

  it('a 2-layer LSTM over a batch-first sequence matches the stacked reference (output, h_n, c_n)', () => {
    const lstm = seededModule(LSTM.create(3, 4, { numLayers: 2 }), 7);
    const x = seeded([2, 5, 3], 40);
    const h0 = seeded([2, 2, 4], 41);
    const c0 = seeded([2, 2, 4], 42);
    const [out, [hn, cn]] = LSTM.forward(lstm, x, [h0, c0]);
    const ref = runLstmRef(
      lstm.layers.map(params),
      x.arraySync() as number[][][],
      h0.arraySync() as number[][][],
      c0.arraySync() as number[][][],
    );
    expect(out.shape).to.deep.equal([2, 5, 4]);
    expect(hn.shape).to.deep.equal([2, 2, 4]);
    expectClose(out.dataSync(), ref.out.flat(2), 1e-5);
    expectClose(hn.dataSync(), ref.hn.flat(2), 1e-5);
    expectClose(cn.dataSync(), ref.cn.flat(2), 1e-5);
    // zero initial state by default; unbatched input
    const [outU, [hU]] = LSTM.forward(lstm, tf.tensor2d((x.arraySync() as number[][][])[0]!));
    const refU = runLstmRef(lstm.layers.map(params), [(x.arraySync() as number[][][])[0]!]);
    expect(outU.shape).to.deep.equal([5, 4]);
    expect(hU.shape).to.deep.equal([2, 4]);
    expectClose(outU.dataSync(), refU.out.flat(2), 1e-5);
    expectClose(hU.dataSync(), refU.hn.flat(2), 1e-5);
  });

  it('a 2-layer GRU matches the stacked reference', () => {
    const gru = seededModule(GRU.create(3, 4, { numLayers: 2 }), 8);
    const x = seeded([2, 4, 3], 50);
    const h0 = seeded([2, 2, 4], 51);
    const [out, hn] = GRU.forward(gru, x, h0);
    const ps = gru.layers.map(params);
    const h0a = h0.arraySync() as number[][][];
    let seq = x.arraySync() as number[][][];
    const finals: Vec[][] = [];
    ps.forEach((p, k) => {
      const fk: Vec[] = [];
      seq = seq.map((steps, n) => {
        let h = h0a[k]![n]!;
        const o = steps.map((xt) => (h = gruRef(p, xt, h)));
        fk.push(h);
        return o;
      });
      finals.push(fk);
    });
    expectClose(out.dataSync(), seq.flat(2), 1e-5);
    expectClose(hn.dataSync(), finals.flat(2), 1e-5);
  });

  it('inter-layer dropout in train mode uses bernoulli(foldIn(key, layer), 1 - p) on [N, L, H]; none after the last layer', () => {
    const p = 0.5;
    const lazy = LSTM.create(3, 4, { numLayers: 3, dropout: p });
    const seededLstm = seededModule(lazy, 9);
    const [lstm] = newState(seededLstm, 'train')(key(11));
    const k = O.isSome(lstm.ctx.key) ? lstm.ctx.key.value : expect.fail('no key');
    const x = seeded([2, 3, 3], 60);
    const masks = [0, 1].map(
      (layer) => tf.div(tf.cast(bernoulli(foldIn(k, layer), 1 - p, [2, 3, 4]), 'float32'), 1 - p).arraySync() as number[][][],
    );
    const [out, [hn]] = LSTM.forward(lstm, x);
    const ref = runLstmRef(lstm.layers.map(params), x.arraySync() as number[][][], undefined, undefined, masks);
    expectClose(out.dataSync(), ref.out.flat(2), 1e-5);
    // h_n holds each layer's own final state, before dropout (as PyTorch)
    expectClose(hn.dataSync(), ref.hn.flat(2), 1e-5);
    const [evalOut] = LSTM.forward(seededLstm, x);
    expectClose(evalOut.dataSync(), runLstmRef(lstm.layers.map(params), x.arraySync() as number[][][]).out.flat(2), 1e-5);
    expect(() => LSTM.forward({ ...seededLstm, ctx: { mode: 'train', key: O.none } } as LSTM<Tensor>, x)).to.throw(/needs a key/);
  });

  it('LSTM gradients through time match central finite differences', () => {
    const lstm = seededModule(LSTM.create(2, 2, { numLayers: 2 }), 12);
    const x = seeded([1, 3, 2], 70);
    const [l0, l1] = lstm.layers as [LSTMCell<Tensor>, LSTMCell<Tensor>];
    checkGradients(
      (xx, whh0, wih1) => {
        const m = {
          ...lstm,
          layers: [
            { ...l0, weight_hh: whh0 },
            { ...l1, weight_ih: wih1 },
          ],
        } as unknown as LSTM<Tensor>;
        const [out, [hn, cn]] = LSTM.forward(m, xx);
        return tf.addN([weightedSum(out, 1), weightedSum(hn, 2), weightedSum(cn, 3)]) as tf.Scalar;
      },
      [x, l0.weight_hh, l1.weight_ih],
    );
  });

  it("leaf paths layers.<k>.<name> map to PyTorch's weight_ih_l<k> names", () => {
    const lstm = LSTM.create(3, 4, { numLayers: 2 });
    expect(leafEntries(lstm).map(([i]) => pytorchRecurrentName(i.path))).to.deep.equal([
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'bias_hh_l0',
      'weight_ih_l1',
      'weight_hh_l1',
      'bias_ih_l1',
      'bias_hh_l1',
    ]);
    expect(lstm.layers[1]!.weight_ih.shape).to.deep.equal([16, 4]);
    // the state dict uses PyTorch's names (declared with the definitions' stateDictKeys)
    expect(stateDictKeys(lstm)).to.deep.equal(leafEntries(lstm).map(([i]) => pytorchRecurrentName(i.path)));
    expect(stateDictKeys(GRU.create(2, 3, { numLayers: 2 }))).to.deep.equal([
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'bias_hh_l0',
      'weight_ih_l1',
      'weight_hh_l1',
      'bias_ih_l1',
      'bias_hh_l1',
    ]);
    expect(stateDictKeys(LSTMCell.create(2, 3))).to.deep.equal(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    expect(pytorchRecurrentName('head.weight')).to.equal('head.weight');
  });

  it('wrong shapes name the expected and actual shapes and the path; an uninitialized LSTM says so', () => {
    const lstm = seededModule(LSTM.create(3, 4, { numLayers: 2 }), 7);
    expect(() => LSTM.forward(lstm, tf.zeros([2, 5]))).to.throw(
      /expected input of shape \[N, L, 3\] \(batch first\) or \[L, 3\], got \[2, 5\]/,
    );
    expect(() => LSTM.forward(lstm, tf.zeros([2, 5, 3]), [tf.zeros([1, 2, 4]), tf.zeros([2, 2, 4])])).to.throw(
      /expected h0 of shape \[2, 2, 4\], got \[1, 2, 4\]/,
    );
    const holder = Holder.make({ body: [lstm] });
    expect(() => Holder.forward(holder, tf.zeros([1, 2, 2]))).to.throw(/LSTM at "body\.0": expected input of shape/);
    const gru = seededModule(GRU.create(3, 4), 7);
    expect(() => GRU.forward(gru, tf.zeros([2, 5, 3]), tf.zeros([2, 4]))).to.throw(/expected h0 of shape \[1, 2, 4\], got \[2, 4\]/);
    expect(() => LSTM.forward(LSTM.create(3, 4) as never, tf.zeros([1, 2, 3]))).to.throw(/uninitialized/);
  });

  it('unbatched GRUCell and GRU, and a bias-free 2-layer LSTM, match the references', () => {
    const cell = seededModule(GRUCell.create(3, 4), 13);
    const x = seeded([3], 80);
    const h = seeded([4], 81);
    const h1 = GRUCell.forward(cell, x, h);
    expect(h1.shape).to.deep.equal([4]);
    expectClose(h1.dataSync(), gruRef(params(cell), vec(x), vec(h)), 1e-5);
    expectClose(GRUCell.forward(cell, x).dataSync(), gruRef(params(cell), vec(x), zeros(4)), 1e-5);
    const gru = seededModule(GRU.create(3, 4), 14);
    const xs = seeded([5, 3], 82);
    const [out, hn] = GRU.forward(gru, xs);
    expect(out.shape).to.deep.equal([5, 4]);
    expect(hn.shape).to.deep.equal([1, 4]);
    let hr = zeros(4);
    const steps = mat(xs).map((xt) => (hr = gruRef(params(gru.layers[0]!), xt, hr)));
    expectClose(out.dataSync(), steps.flat(), 1e-5);
    expectClose(hn.dataSync(), hr, 1e-5);
    const lstm = seededModule(LSTM.create(3, 4, { numLayers: 2, bias: false }), 15);
    expect(lstm.layers[1]!.bias_hh.shape).to.deep.equal([0]);
    const x3 = seeded([2, 3, 3], 83);
    const [o3, [h3, c3]] = LSTM.forward(lstm, x3);
    const ref = runLstmRef(lstm.layers.map(params), x3.arraySync() as number[][][]);
    expectClose(o3.dataSync(), ref.out.flat(2), 1e-5);
    expectClose(h3.dataSync(), ref.hn.flat(2), 1e-5);
    expectClose(c3.dataSync(), ref.cn.flat(2), 1e-5);
  });

  it('constructor arguments are checked and printed; a state of the wrong form is a ModuleError', () => {
    expect(() => LSTMCell.create(0, 4)).to.throw('LSTMCell.create: inputSize must be a positive integer, got 0');
    expect(() => GRUCell.create(3, 2.5)).to.throw('GRUCell.create: hiddenSize must be a positive integer, got 2.5');
    expect(() => LSTM.create(3, 4, { numLayers: 0 })).to.throw('LSTM.create: numLayers must be a positive integer, got 0');
    expect(() => GRU.create(3, 4, { dropout: 1 })).to.throw('GRU.create: dropout must be in [0, 1), got 1');
    expect(() => GRU.create(-1, 4)).to.throw('GRU.create: inputSize must be a positive integer, got -1');
    const firstLine = (m: Parameters<typeof show>[0]): string => show(m).split('\n')[0]!;
    expect(firstLine(LSTMCell.create(3, 4))).to.match(/^LSTMCell\(3, 4\) \{ weight_ih: /);
    expect(firstLine(GRUCell.create(3, 4, { bias: false }))).to.match(/^GRUCell\(3, 4, bias=false\) \{ weight_ih: /);
    expect(firstLine(LSTM.create(3, 4))).to.equal('LSTM(3, 4,');
    expect(firstLine(GRU.create(3, 4, { numLayers: 2, bias: false, dropout: 0.5 }))).to.equal(
      'GRU(3, 4, numLayers=2, bias=false, dropout=0.5,',
    );
    const cell = seededModule(LSTMCell.create(3, 4), 1);
    expect(() => LSTMCell.forward(cell, tf.zeros([2, 3]), [tf.zeros([2, 4])] as never)).to.throw(
      /LSTMCell at the root module: expected state to be a pair \[h, c\]/,
    );
    const lstm = seededModule(LSTM.create(3, 4), 1);
    expect(() => LSTM.forward(lstm, tf.zeros([2, 5, 3]), tf.zeros([1, 2, 4]) as never)).to.throw(
      /LSTM at the root module: expected state to be a pair \[h0, c0\]/,
    );
    const gru = seededModule(GRUCell.create(3, 4), 1);
    expect(() => GRUCell.forward(gru, tf.zeros([3]), tf.zeros([1, 4]))).to.throw(/expected h of shape \[4\], got \[1, 4\]/);
    expect(() => GRU.forward(seededModule(GRU.create(3, 4), 1), tf.zeros([2, 0, 3]))).to.throw(/expected a sequence of length ≥ 1/);
  });

  it('forward passes leak no tensors', () => {
    const lstm = seededModule(LSTM.create(3, 4, { numLayers: 2, dropout: 0.2 }), 7);
    const [lt] = newState(lstm, 'train')(key(2));
    const gru = seededModule(GRU.create(3, 4), 7);
    const cell = seededModule(LSTMCell.create(3, 4), 7);
    const x = seeded([2, 3, 3], 1);
    tf.dispose(expectNoLeak(() => LSTM.forward(lt, x)) as unknown as Tensor[]);
    tf.dispose(expectNoLeak(() => GRU.forward(gru, x)) as unknown as Tensor[]);
    const x2 = seeded([2, 3], 2);
    tf.dispose(expectNoLeak(() => LSTMCell.forward(cell, x2)) as unknown as Tensor[]);
  });
});
