import { expect } from 'chai';
import { isRight } from 'fp-ts/lib/Either.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { AvgPool2d } from '../../src/nn/AvgPool2d.js';
import { assertSameShape } from '../../src/tree/Module.js';
import { show } from '../../src/tree/Show.js';
import { checkGradients, expectClose, expectNoLeak, Holder, seeded, weightedSum } from './helpers.js';
import { naiveAvgPool2d } from './pooling.js';

describe('nn.AvgPool2d', () => {
  it('hand-computed cases, including both padding-divisor rules', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 1, 4, 4]);
    expect(AvgPool2d.forward(AvgPool2d.create(2), x).arraySync()).to.deep.equal([
      [
        [
          [3.5, 5.5],
          [11.5, 13.5],
        ],
      ],
    ]);
    // k 3, s 2, p 1: the top-left window covers 1, 2, 5, 6 and five zeros of padding
    const incl = AvgPool2d.forward(AvgPool2d.create(3, { stride: 2, padding: 1 }), x).arraySync() as number[][][][];
    expect(incl[0]![0]![0]![0]).to.be.closeTo(14 / 9, 1e-6);
    const excl = AvgPool2d.forward(AvgPool2d.create(3, { stride: 2, padding: 1, countIncludePad: false }), x).arraySync() as number[][][][];
    expect(excl[0]![0]![0]![0]).to.be.closeTo(14 / 4, 1e-6);
    const over = AvgPool2d.forward(AvgPool2d.create(2, { divisorOverride: 2 }), x).arraySync() as number[][][][];
    expect(over[0]![0]![0]![0]).to.be.closeTo(14 / 2, 1e-6);
    dispose(x);
  });

  const cases = [
    { k: [3, 3], s: [2, 2], p: [1, 1], ceil: false, countIncludePad: true, divisor: null },
    { k: [3, 3], s: [2, 2], p: [1, 1], ceil: true, countIncludePad: true, divisor: null },
    { k: [3, 2], s: [2, 3], p: [1, 1], ceil: true, countIncludePad: false, divisor: null },
    { k: [2, 2], s: [2, 2], p: [0, 0], ceil: true, countIncludePad: true, divisor: null },
    { k: [2, 3], s: [1, 2], p: [1, 0], ceil: false, countIncludePad: false, divisor: 5 },
  ] as const;
  for (const c of cases) {
    it(`matches PyTorch's definition: k ${c.k}, s ${c.s}, p ${c.p}, ceil ${c.ceil}, countIncludePad ${c.countIncludePad}, divisor ${c.divisor}`, () => {
      const m = AvgPool2d.create([...c.k] as [number, number], {
        stride: [...c.s] as [number, number],
        padding: [...c.p] as [number, number],
        ceilMode: c.ceil,
        countIncludePad: c.countIncludePad,
        divisorOverride: c.divisor,
      });
      const x = seeded([2, 2, 7, 8], 4);
      const y = expectNoLeak(() => AvgPool2d.forward(m, x));
      const e = naiveAvgPool2d(x, {
        k: [...c.k],
        s: [...c.s],
        p: [...c.p],
        ceil: c.ceil,
        countIncludePad: c.countIncludePad,
        divisor: c.divisor,
      });
      expectClose(y, e, 1e-5);
      dispose([x, y, e]);
    });
  }

  it('unbatched input; gradient matches finite differences', () => {
    const m = AvgPool2d.create(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false });
    const x = seeded([2, 6, 5], 8);
    const y = expectNoLeak(() => AvgPool2d.forward(m, x));
    const yb = AvgPool2d.forward(m, tf.expandDims(x, 0));
    expectClose(y.dataSync(), yb.dataSync());
    checkGradients((xx) => weightedSum(AvgPool2d.forward(m, xx!)), [x], { samples: 12 });
    dispose([x, y, yb]);
  });

  it('errors name the path and shapes; config round trip', () => {
    const h = Holder.make<tf.Tensor>({ body: [AvgPool2d.create(2)] });
    const x = tf.zeros([1, 2, 3, 4, 5]);
    expect(() => Holder.forward(h, x)).to.throw(
      'AvgPool2d at "body.0": expected input of shape [N, C, H, W] or [C, H, W], got [1, 2, 3, 4, 5]',
    );
    const m = AvgPool2d.create([3, 2], { stride: 1, padding: [1, 0], ceilMode: true, countIncludePad: false, divisorOverride: 3 });
    const c = AvgPool2d.toConfig(m);
    assertSameShape(AvgPool2d.fromConfig(c), m);
    const d = AvgPool2d.configCodec.decode(JSON.parse(JSON.stringify(c)));
    expect(isRight(d)).to.equal(true);
    if (isRight(d)) assertSameShape(AvgPool2d.fromConfig(d.right), m);
    dispose(x);
  });

  it('prints like PyTorch; bad divisorOverride and padding are refused', () => {
    expect(show(AvgPool2d.create(2)).split('\n')[0]).to.equal('AvgPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))');
    expect(
      show(AvgPool2d.create(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 3 })).split('\n')[0],
    ).to.equal('AvgPool2d(kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), ceil_mode=true, count_include_pad=false, divisor_override=3)');
    expect(() => AvgPool2d.create(2, { divisorOverride: 0 })).to.throw(
      'AvgPool2d.create: divisorOverride must be a positive integer, got 0',
    );
    // the window is checked first
    expect(() => AvgPool2d.create(2, { padding: 2, divisorOverride: 0 })).to.throw(
      'AvgPool2d.create: padding should be at most half of the kernel size',
    );
  });
});
