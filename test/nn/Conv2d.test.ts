import { expect } from 'chai';
import fc from 'fast-check';
import { isRight } from 'fp-ts/lib/Either.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { Conv2d } from '../../src/nn/Conv2d.js';
import { key } from '../../src/random/PRNGKey.js';
import { assertSameShape, fromArray, toArray } from '../../src/tree/Module.js';
import { show } from '../../src/tree/Show.js';
import { checkGradients, expectClose, expectNoLeak, Holder, naiveConv2d, seeded, weightedSum } from './helpers.js';

type Tensor = tf.Tensor;

/** An initialized Conv2d with deterministic weights. */
const conv = (inC: number, outC: number, k: number | [number, number], opts: Parameters<typeof Conv2d.create>[3] = {}, seed = 1) => {
  const m = Conv2d.create(inC, outC, k, opts);
  return fromArray(
    m,
    toArray(m).map((p, i) => seeded([...p.shape], seed + i)),
  );
};

describe('nn.Conv2d', () => {
  const cases: Array<{
    name: string;
    inC: number;
    outC: number;
    k: number | [number, number];
    opts: Parameters<typeof Conv2d.create>[3];
    pad: [[number, number], [number, number]];
    hw: [number, number];
  }> = [
    {
      name: 'plain 3x3',
      inC: 2,
      outC: 3,
      k: 3,
      opts: {},
      pad: [
        [0, 0],
        [0, 0],
      ],
      hw: [5, 6],
    },
    {
      name: 'stride 2, padding 1',
      inC: 2,
      outC: 2,
      k: 3,
      opts: { stride: 2, padding: 1 },
      pad: [
        [1, 1],
        [1, 1],
      ],
      hw: [7, 6],
    },
    {
      name: 'rectangular kernel, padding pair, stride pair',
      inC: 1,
      outC: 2,
      k: [2, 3],
      opts: { stride: [1, 2], padding: [2, 1] },
      pad: [
        [2, 2],
        [1, 1],
      ],
      hw: [4, 7],
    },
    {
      name: "'same' with an even kernel (extra padding after)",
      inC: 2,
      outC: 2,
      k: [4, 3],
      opts: { padding: 'same' },
      pad: [
        [1, 2],
        [1, 1],
      ],
      hw: [5, 5],
    },
    {
      name: "'same' with dilation 2",
      inC: 1,
      outC: 1,
      k: 3,
      opts: { padding: 'same', dilation: 2 },
      pad: [
        [2, 2],
        [2, 2],
      ],
      hw: [6, 5],
    },
    {
      name: 'dilation 2 with stride 2 (tfjs alone refuses both)',
      inC: 2,
      outC: 3,
      k: 3,
      opts: { dilation: 2, stride: 2, padding: 1 },
      pad: [
        [1, 1],
        [1, 1],
      ],
      hw: [9, 8],
    },
    {
      name: 'groups 2',
      inC: 4,
      outC: 6,
      k: 3,
      opts: { groups: 2, padding: 1 },
      pad: [
        [1, 1],
        [1, 1],
      ],
      hw: [5, 5],
    },
    {
      name: 'depthwise (groups = inChannels) with multiplier 2, stride 2',
      inC: 3,
      outC: 6,
      k: 3,
      opts: { groups: 3, stride: 2 },
      pad: [
        [0, 0],
        [0, 0],
      ],
      hw: [7, 7],
    },
    {
      name: 'no bias',
      inC: 2,
      outC: 2,
      k: 1,
      opts: { bias: false },
      pad: [
        [0, 0],
        [0, 0],
      ],
      hw: [3, 3],
    },
    {
      name: "'valid'",
      inC: 1,
      outC: 1,
      k: 2,
      opts: { padding: 'valid' },
      pad: [
        [0, 0],
        [0, 0],
      ],
      hw: [3, 4],
    },
  ];
  for (const c of cases) {
    it(`matches a loop implementation: ${c.name}`, () => {
      const m = conv(c.inC, c.outC, c.k, c.opts);
      const x = seeded([2, c.inC, ...c.hw], 42);
      const y = expectNoLeak(() => Conv2d.forward(m, x));
      const expected = naiveConv2d(x, m.weight, m.useBias ? m.bias : null, {
        stride: m.stride,
        padding: c.pad,
        dilation: m.dilation,
        groups: m.groups,
      });
      expectClose(y, expected, 1e-5);
      dispose([m, x, y, expected]);
    });
  }

  it('matches a loop implementation on random configurations (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          groups: fc.integer({ min: 1, max: 3 }),
          inPer: fc.integer({ min: 1, max: 2 }),
          outPer: fc.integer({ min: 1, max: 2 }),
          kh: fc.integer({ min: 1, max: 3 }),
          kw: fc.integer({ min: 1, max: 3 }),
          sh: fc.integer({ min: 1, max: 3 }),
          sw: fc.integer({ min: 1, max: 3 }),
          dh: fc.integer({ min: 1, max: 2 }),
          dw: fc.integer({ min: 1, max: 2 }),
          ph: fc.integer({ min: 0, max: 2 }),
          pw: fc.integer({ min: 0, max: 2 }),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        (p) => {
          const inC = p.groups * p.inPer;
          const outC = p.groups * p.outPer;
          const m = conv(
            inC,
            outC,
            [p.kh, p.kw],
            { stride: [p.sh, p.sw], dilation: [p.dh, p.dw], padding: [p.ph, p.pw], groups: p.groups },
            p.seed,
          );
          const x = seeded([1, inC, 7, 6], p.seed + 100);
          const y = Conv2d.forward(m, x);
          const e = naiveConv2d(x, m.weight, m.bias, {
            stride: m.stride,
            padding: [
              [p.ph, p.ph],
              [p.pw, p.pw],
            ],
            dilation: m.dilation,
            groups: p.groups,
          });
          try {
            expectClose(y, e, 1e-5);
          } finally {
            dispose([m, x, y, e]);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('takes unbatched [C, H, W] input like PyTorch', () => {
    const m = conv(2, 3, 3, { padding: 1 });
    const x = seeded([2, 5, 5], 3);
    const y = expectNoLeak(() => Conv2d.forward(m, x));
    const xb = tf.expandDims(x, 0);
    const yb = Conv2d.forward(m, xb);
    expect(y.shape).to.deep.equal([3, 5, 5]);
    expectClose(y.dataSync(), yb.dataSync());
    dispose([m, x, y, xb, yb]);
  });

  it('gradients (input, weight, bias) match central finite differences, with stride, dilation and groups', () => {
    const m = conv(4, 4, 3, { stride: 2, dilation: 2, groups: 2, padding: 1 });
    const x = seeded([1, 4, 7, 7], 5);
    checkGradients((xx, w, b) => weightedSum(Conv2d.forward(Conv2d.make({ ...m, weight: w!, bias: b! }), xx!)), [x, m.weight, m.bias]);
    const dw = conv(2, 4, 3, { groups: 2, padding: 'same' });
    const x2 = seeded([2, 2, 4, 4], 6);
    checkGradients((xx, w) => weightedSum(Conv2d.forward(Conv2d.make({ ...dw, weight: w! }), xx!)), [x2, dw.weight]);
    dispose([m, x, dw, x2]);
  });

  it('default init is PyTorch’s U(±1/√fanIn) for weight and bias, fanIn = in/groups·kH·kW', () => {
    const m = initialize(Conv2d.create(8, 16, [3, 2], { groups: 2 }))(key(0));
    expect(m.weight.shape).to.deep.equal([16, 4, 3, 2]);
    expect(m.bias.shape).to.deep.equal([16]);
    const bound = 1 / Math.sqrt(4 * 3 * 2);
    for (const t of [m.weight, m.bias]) {
      const v = Array.from(t.dataSync());
      expect(Math.max(...v.map(Math.abs))).to.be.at.most(bound);
    }
    const w = Array.from(m.weight.dataSync());
    // 384 uniform draws: the extremes come close to the bound, and the variance is bound²/3
    expect(Math.max(...w.map(Math.abs))).to.be.above(0.95 * bound);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance).to.be.closeTo((bound * bound) / 3, (0.15 * (bound * bound)) / 3);
    dispose(m);
  });

  it('a wrong channel count or rank names the path, the expected and the actual shape', () => {
    const h = Holder.make({ body: [conv(3, 2, 3)] });
    const x = tf.zeros([2, 4, 5, 5]);
    expect(() => Holder.forward(h, x)).to.throw('Conv2d at "body.0": expected input of shape [N, 3, H, W] or [3, H, W], got [2, 4, 5, 5]');
    const x2 = tf.zeros([5, 5]);
    expect(() => Holder.forward(h, x2)).to.throw('got [5, 5]');
    const x3 = tf.zeros([1, 3, 5, 5], 'int32');
    expect(() => Holder.forward(h, x3)).to.throw('expected input of dtype float32, got int32');
    dispose([h, x, x2, x3]);
  });

  it('rejects bad constructor arguments', () => {
    expect(() => Conv2d.create(3, 4, 3, { groups: 2 })).to.throw('inChannels (3) must be divisible by groups (2)');
    expect(() => Conv2d.create(3, 3, 3, { padding: 'same', stride: 2 })).to.throw("padding 'same' needs stride 1");
    expect(() => Conv2d.create(3, 3, 0)).to.throw('kernelSize must be');
  });

  it('config: toConfig / fromConfig round trip, JSON decoding and its errors', () => {
    const m = Conv2d.create(4, 8, [3, 5], { stride: 2, padding: [1, 2], dilation: [1, 2], groups: 2, bias: false });
    const c = Conv2d.toConfig(m);
    const back = Conv2d.fromConfig(c);
    assertSameShape(m, back);
    expect(toArray(back).map((p) => p.shape)).to.deep.equal(toArray(m).map((p) => p.shape));
    const decoded = Conv2d.configCodec.decode(JSON.parse(JSON.stringify(c)));
    expect(isRight(decoded)).to.equal(true);
    if (isRight(decoded)) assertSameShape(Conv2d.fromConfig(decoded.right), m);
    expect(isRight(Conv2d.configCodec.decode({ inChannels: 1, outChannels: 1, kernelSize: 3, padding: 'full' }))).to.equal(false);
    expect(isRight(Conv2d.configCodec.decode({ inChannels: 1, outChannels: 1, kernelSize: 3, bais: true }))).to.equal(false);
  });

  it("prints like PyTorch (pairs as (h, w)); an int padding prints, 'valid' does not", () => {
    expect(show(Conv2d.create(3, 8, 3))).to.include('Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(0, 0)) {');
    expect(show(Conv2d.create(1, 1, 2, { padding: 'valid' }))).to.include('Conv2d(1, 1, kernel_size=(2, 2), stride=(1, 1)) {');
    expect(show(Conv2d.create(2, 2, [4, 3], { padding: 'same' }))).to.include(
      'Conv2d(2, 2, kernel_size=(4, 3), stride=(1, 1), padding=same) {',
    );
    expect(show(Conv2d.create(4, 8, [3, 5], { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2, bias: false }))).to.include(
      'Conv2d(4, 8, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2, bias=false) {',
    );
  });

  it('checks its arguments in order: channels, kernel, stride, dilation, groups, then padding', () => {
    expect(() => Conv2d.create(3, 3, 3, { dilation: [1, 0], stride: 0 })).to.throw(
      'Conv2d.create: stride must be an integer >= 1 or a pair of them, got 0',
    );
    expect(() => Conv2d.create(3, 3, 3, { dilation: 0, groups: 2 })).to.throw('Conv2d.create: dilation must be');
    expect(() => Conv2d.create(3, 3, 3, { groups: 2, padding: -1 })).to.throw(
      'Conv2d.create: inChannels (3) must be divisible by groups (2)',
    );
    expect(() => Conv2d.create(3, 3, 3, { padding: [1, -1] })).to.throw(
      'Conv2d.create: padding must be an integer >= 0 or a pair of them, got [1,-1]',
    );
  });
});
