import { expect } from 'chai';
import { isRight } from 'fp-ts/lib/Either.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { valueAndGrad } from '../../src/grad/valueAndGrad.js';
import { initialize } from '../../src/init/initialize.js';
import { stateDictKeys } from '../../src/io/stateDictEntries.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/nn/BatchNorm.js';
import { key } from '../../src/random/PRNGKey.js';
import { setMode } from '../../src/random/newState.js';
import { applyWithState, assertSameShape, leafInfos } from '../../src/tree/Module.js';
import { show } from '../../src/tree/Show.js';
import { arr, checkGradients, expectClose, Holder, seeded, weightedSum } from './helpers.js';

const EPS = 1e-5;

describe('nn.BatchNorm1d / BatchNorm2d', () => {
  const x = () =>
    tf.tensor2d([
      [1, 10],
      [3, 20],
      [5, 60],
    ]);

  it('leaves: params weight/bias, buffers runningMean, runningVar, numBatchesTracked (init 1, 0, 0, 1, 0) under PyTorch state-dict keys', () => {
    const m = initialize(BatchNorm1d.create(2))(key(0));
    expect(leafInfos(m)).to.deep.equal([
      { path: 'weight', kind: 'param' },
      { path: 'bias', kind: 'param' },
      { path: 'runningMean', kind: 'buffer' },
      { path: 'runningVar', kind: 'buffer' },
      { path: 'numBatchesTracked', kind: 'buffer' },
    ]);
    expect(stateDictKeys(m)).to.deep.equal(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(stateDictKeys(BatchNorm2d.create(2))).to.deep.equal(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect([arr(m.weight), arr(m.bias), arr(m.runningMean), arr(m.runningVar)]).to.deep.equal([
      [1, 1],
      [0, 0],
      [0, 0],
      [1, 1],
    ]);
    expect(m.numBatchesTracked.dtype).to.equal('int32');
    expect(m.numBatchesTracked.shape).to.deep.equal([]);
    expect(m.ctx.mode).to.equal('eval');
    dispose(m);
  });

  it('train mode: batch statistics (biased variance); running stats updated with momentum 0.1 and the unbiased variance (hand-derived)', () => {
    const m = setMode(initialize(BatchNorm1d.create(2))(key(0)), 'train');
    const input = x();
    // channel 0: 1, 3, 5 → mean 3, biased var 8/3, unbiased 4; channel 1: 10, 20, 60 → mean 30, biased 1400/3, unbiased 700
    const before = tf.memory().numTensors;
    const [y, m1] = BatchNorm1d.forwardWithState(m, input);
    expect(tf.memory().numTensors - before, 'y and three new buffers, nothing else').to.equal(4);
    const s0 = Math.sqrt(8 / 3 + EPS);
    const s1 = Math.sqrt(1400 / 3 + EPS);
    expectClose(y.dataSync(), [-2 / s0, -20 / s1, 0, -10 / s1, 2 / s0, 30 / s1], 1e-5);
    expectClose(m1.runningMean.dataSync(), [0.3, 3.0], 1e-6);
    expectClose(m1.runningVar.dataSync(), [0.9 + 0.4, 0.9 + 70], 1e-6);
    expect(m1.numBatchesTracked.dataSync()[0]).to.equal(1);
    // a second step from m1: mean 0.9·0.3 + 0.3, var 0.9·1.3 + 0.4 ...
    const [y2, m2] = BatchNorm1d.forwardWithState(m1, input);
    expectClose(m2.runningMean.dataSync(), [0.57, 5.7], 1e-6);
    expectClose(m2.runningVar.dataSync(), [1.57, 133.81], 1e-5);
    expect(m2.numBatchesTracked.dataSync()[0]).to.equal(2);
    // the old module is untouched and still usable; parameters are shared
    expect(arr(m.runningMean)).to.deep.equal([0, 0]);
    expect(m.runningMean.isDisposed).to.equal(false);
    expect(m1.weight).to.equal(m.weight);
    // plain forward in train mode: batch statistics, no update returned
    const yf = BatchNorm1d.forward(m, input);
    expectClose(yf.dataSync(), y.dataSync(), 1e-6);
    dispose([
      y,
      y2,
      yf,
      m1.runningMean,
      m1.runningVar,
      m1.numBatchesTracked,
      m2.runningMean,
      m2.runningVar,
      m2.numBatchesTracked,
      m,
      input,
    ]);
  });

  it('eval mode: running statistics, and forwardWithState returns the same module', () => {
    const m = BatchNorm1d.make({
      ...initialize(BatchNorm1d.create(2))(key(0)),
      runningMean: tf.tensor1d([0.3, 3]),
      runningVar: tf.tensor1d([1.3, 70.9]),
      weight: tf.tensor1d([2, -1]),
      bias: tf.tensor1d([0.5, 1]),
    });
    const input = x();
    const before = tf.memory().numTensors;
    const [y, same] = BatchNorm1d.forwardWithState(m, input);
    expect(tf.memory().numTensors - before, 'only y is new').to.equal(1);
    expect(same).to.equal(m);
    const e = [
      ((1 - 0.3) / Math.sqrt(1.3 + EPS)) * 2 + 0.5,
      ((10 - 3) / Math.sqrt(70.9 + EPS)) * -1 + 1,
      ((3 - 0.3) / Math.sqrt(1.3 + EPS)) * 2 + 0.5,
      ((20 - 3) / Math.sqrt(70.9 + EPS)) * -1 + 1,
      ((5 - 0.3) / Math.sqrt(1.3 + EPS)) * 2 + 0.5,
      ((60 - 3) / Math.sqrt(70.9 + EPS)) * -1 + 1,
    ];
    expectClose(y.dataSync(), e, 1e-5);
    dispose([m, input, y]);
  });

  it('momentum null: cumulative average of the batch statistics', () => {
    const m = setMode(initialize(BatchNorm1d.create(2, { momentum: null }))(key(0)), 'train');
    const a = x();
    const b = tf.tensor2d([
      [0, 0],
      [2, 0],
      [4, 0],
    ]);
    const [ya, m1] = BatchNorm1d.forwardWithState(m, a);
    expectClose(m1.runningMean.dataSync(), [3, 30], 1e-6);
    expectClose(m1.runningVar.dataSync(), [4, 700], 1e-5);
    const [yb, m2] = BatchNorm1d.forwardWithState(m1, b);
    expectClose(m2.runningMean.dataSync(), [2.5, 15], 1e-6);
    expectClose(m2.runningVar.dataSync(), [4, 350], 1e-5);
    dispose([m, m1, m2, a, b, ya, yb]);
  });

  it('BatchNorm1d on [N, C, L] and BatchNorm2d on [N, C, H, W]: statistics over every axis but C (loops)', () => {
    // One train-mode step of each kind, from a fresh layer with seeded weight and bias.
    const cases = [
      {
        shape: [3, 2, 4],
        step: (c: number, input: tf.Tensor) => {
          const m0 = initialize(BatchNorm1d.create(c, { momentum: 0.25 }))(key(0));
          dispose([m0.weight, m0.bias]);
          const m = setMode(BatchNorm1d.make({ ...m0, weight: seeded([c], 1), bias: seeded([c], 2) }), 'train');
          return [m, ...BatchNorm1d.forwardWithState(m, input)] as const;
        },
      },
      {
        shape: [2, 3, 2, 3],
        step: (c: number, input: tf.Tensor) => {
          const m0 = initialize(BatchNorm2d.create(c, { momentum: 0.25 }))(key(0));
          dispose([m0.weight, m0.bias]);
          const m = setMode(BatchNorm2d.make({ ...m0, weight: seeded([c], 1), bias: seeded([c], 2) }), 'train');
          return [m, ...BatchNorm2d.forwardWithState(m, input)] as const;
        },
      },
    ];
    for (const { shape, step } of cases) {
      const c = shape[1]!;
      const input = seeded(shape, 3);
      const [m, y, m1] = step(c, input);
      const xs = arr(input);
      const per = xs.length / shape[0] / c; // positions per (sample, channel)
      const w = arr(m.weight);
      const b = arr(m.bias);
      const expected = new Array<number>(xs.length);
      const rm: number[] = [];
      const rv: number[] = [];
      for (let ch = 0; ch < c; ch++) {
        const idx: number[] = [];
        for (let n = 0; n < shape[0]; n++) for (let p = 0; p < per; p++) idx.push((n * c + ch) * per + p);
        const vals = idx.map((i) => xs[i]!);
        const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
        const ss = vals.reduce((s, v) => s + (v - mean) ** 2, 0);
        idx.forEach((i) => (expected[i] = ((xs[i]! - mean) / Math.sqrt(ss / vals.length + EPS)) * w[ch]! + b[ch]!));
        rm.push(0.25 * mean);
        rv.push(0.75 + (0.25 * ss) / (vals.length - 1));
      }
      expectClose(y.dataSync(), expected, 1e-5);
      expectClose(m1.runningMean.dataSync(), rm, 1e-5);
      expectClose(m1.runningVar.dataSync(), rv, 1e-5);
      dispose([m, m1, input, y]);
    }
  });

  it('trackRunningStats: false uses batch statistics in eval too and has no state; affine: false has no parameters', () => {
    const m = initialize(BatchNorm1d.create(2, { trackRunningStats: false, affine: false }))(key(0));
    expect(m.runningMean.shape).to.deep.equal([0]);
    expect(m.weight.shape).to.deep.equal([0]);
    const input = x();
    const [y, same] = BatchNorm1d.forwardWithState(m, input);
    expect(same).to.equal(m);
    expectClose(y.dataSync().slice(0, 1), [-2 / Math.sqrt(8 / 3 + EPS)], 1e-5);
    dispose([m, input, y]);
  });

  it('gradients: train-mode forward matches finite differences; buffers get zero gradients', () => {
    const base = setMode(initialize(BatchNorm2d.create(2))(key(0)), 'train');
    const m = BatchNorm2d.make({ ...base, weight: seeded([2], 1), bias: seeded([2], 2) });
    const input = seeded([2, 2, 2, 2], 3);
    checkGradients(
      (xx, w, b) => weightedSum(BatchNorm2d.forward(BatchNorm2d.make({ ...m, weight: w!, bias: b! }), xx!)),
      [input, m.weight, m.bias],
      { samples: 8 },
    );
    const { grads, value } = valueAndGrad((mm: typeof m) => weightedSum(BatchNorm2d.forward(mm, input)))(m);
    expect(arr(grads.runningMean)).to.deep.equal([0, 0]);
    expect(arr(grads.runningVar)).to.deep.equal([0, 0]);
    expect(arr(grads.weight).some((v) => v !== 0)).to.equal(true);
    dispose([base, m.weight, m.bias, input, grads, value]);
  });

  it('generic applyWithState threads the state; errors name the path and shapes; one value per channel is refused in train mode', () => {
    const m = setMode(initialize(BatchNorm2d.create(3))(key(0)), 'train');
    const input = seeded([2, 3, 2, 2], 1);
    const [y, m1] = applyWithState(m, input);
    expect(m1.numBatchesTracked.dataSync()[0]).to.equal(1);
    const h = Holder.make({ body: [m] });
    const bad = tf.zeros([2, 3]);
    expect(() => Holder.forward(h, bad)).to.throw('BatchNorm2d at "body.0": expected input of shape [N, 3, H, W], got [2, 3]');
    const one = tf.zeros([1, 3, 1, 1]);
    expect(() => BatchNorm2d.forward(m, one)).to.throw('expected more than 1 value per channel');
    const h1 = Holder.make({ body: [initialize(BatchNorm1d.create(4))(key(0))] });
    expect(() => Holder.forward(h1, bad)).to.throw('BatchNorm1d at "body.0": expected input of shape [N, 4] or [N, 4, L], got [2, 3]');
    dispose([m, input, y, m1.runningMean, m1.runningVar, m1.numBatchesTracked, bad, one, h1]);
  });

  it("BatchNorm1d and BatchNorm2d are two kinds from one declaration: own names and URIs, each refuses the other's modules", () => {
    expect([BatchNorm1d.name, BatchNorm1d.URI]).to.deep.equal(['BatchNorm1d', 'parallax-ts/nn/BatchNorm1d']);
    expect([BatchNorm2d.name, BatchNorm2d.URI]).to.deep.equal(['BatchNorm2d', 'parallax-ts/nn/BatchNorm2d']);
    expect(show(BatchNorm1d.create(3, { momentum: null })).split('\n')[0]).to.match(
      /^BatchNorm1d\(3, eps=0\.00001, momentum=None, affine=true, track_running_stats=true\)/,
    );
    expect(show(BatchNorm2d.create(4, { affine: false })).split('\n')[0]).to.match(
      /^BatchNorm2d\(4, eps=0\.00001, momentum=0\.1, affine=false, track_running_stats=true\)/,
    );
    const bn1 = initialize(BatchNorm1d.create(3))(key(0));
    const bn2 = initialize(BatchNorm2d.create(3))(key(0));
    const x2 = tf.zeros([2, 3]);
    const x4 = tf.zeros([2, 3, 2, 2]);
    expect(() => BatchNorm1d.forward(bn2 as never, x2)).to.throw('BatchNorm1d.forward: expected a BatchNorm1d module, got BatchNorm2d');
    expect(() => BatchNorm2d.forwardWithState(bn1 as never, x4)).to.throw(
      'BatchNorm2d.forwardWithState: expected a BatchNorm2d module, got BatchNorm1d',
    );
    // the same constructor checks, named after each kind
    expect(() => BatchNorm1d.create(3, { momentum: 2 })).to.throw('BatchNorm1d.create: momentum must be a number in [0, 1] or null, got 2');
    expect(() => BatchNorm2d.fromConfig({ numFeatures: 3, eps: -1 })).to.throw(
      'BatchNorm2d.fromConfig: eps must be a finite number ≥ 0, got -1',
    );
    dispose([bn1, bn2, x2, x4]);
  });

  it('config round trip', () => {
    const m = BatchNorm2d.create(5, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: false });
    const d = BatchNorm2d.configCodec.decode(JSON.parse(JSON.stringify(BatchNorm2d.toConfig(m))));
    expect(isRight(d)).to.equal(true);
    if (isRight(d)) assertSameShape(BatchNorm2d.fromConfig(d.right), m);
    assertSameShape(BatchNorm1d.fromConfig(BatchNorm1d.toConfig(BatchNorm1d.create(3))), BatchNorm1d.create(3));
  });
});
