import { expect } from 'chai';
import { isRight } from 'fp-ts/lib/Either.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { MaxPool2d } from '../../src/nn/MaxPool2d.js';
import { assertSameShape } from '../../src/tree/Module.js';
import { show } from '../../src/tree/Show.js';
import { checkGradients, expectClose, expectNoLeak, Holder, seeded, weightedSum } from './helpers.js';
import { naiveMaxPool2d } from './pooling.js';

describe('nn.MaxPool2d', () => {
  it('hand-computed 2x2 pooling', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 1, 4, 4]);
    const y = MaxPool2d.forward(MaxPool2d.create(2), x);
    expect(y.arraySync()).to.deep.equal([
      [
        [
          [6, 8],
          [14, 16],
        ],
      ],
    ]);
    // ceil mode on 5x5 with k 2: the last window holds only the last row/column
    const x5 = tf.tensor4d(
      Array.from({ length: 25 }, (_, i) => i),
      [1, 1, 5, 5],
    );
    const y5 = MaxPool2d.forward(MaxPool2d.create(2, { ceilMode: true }), x5);
    expect(y5.arraySync()).to.deep.equal([
      [
        [
          [6, 8, 9],
          [16, 18, 19],
          [21, 23, 24],
        ],
      ],
    ]);
    // padding 1 with k 3, s 2 on 4x4 (−∞ padding: negative inputs stay negative)
    const neg = tf.neg(x);
    const yp = MaxPool2d.forward(MaxPool2d.create(3, { stride: 2, padding: 1 }), neg);
    expect(yp.arraySync()).to.deep.equal([
      [
        [
          [-1, -2],
          [-5, -6],
        ],
      ],
    ]);
    dispose([x, y, x5, y5, neg, yp]);
  });

  const cases = [
    { k: [3, 3], s: [2, 2], p: [1, 1], ceil: false },
    { k: [3, 2], s: [2, 3], p: [1, 0], ceil: true },
    { k: [2, 2], s: [1, 1], p: [0, 1], ceil: false },
    { k: [3, 3], s: [3, 3], p: [0, 0], ceil: true },
  ] as const;
  for (const c of cases) {
    it(`matches PyTorch's definition: k ${c.k}, s ${c.s}, p ${c.p}, ceil ${c.ceil}`, () => {
      const m = MaxPool2d.create([...c.k] as [number, number], {
        stride: [...c.s] as [number, number],
        padding: [...c.p] as [number, number],
        ceilMode: c.ceil,
      });
      const x = seeded([2, 3, 7, 8], 3);
      const y = expectNoLeak(() => MaxPool2d.forward(m, x));
      const e = naiveMaxPool2d(x, { k: [...c.k], s: [...c.s], p: [...c.p], ceil: c.ceil });
      expectClose(y, e, 0);
      dispose([x, y, e]);
    });
  }

  it('unbatched input without leaks; gradient matches finite differences', () => {
    const m = MaxPool2d.create(2, { stride: 1, padding: 1, ceilMode: true });
    const x = seeded([3, 5, 4], 8);
    const y = expectNoLeak(() => MaxPool2d.forward(m, x));
    const yb = MaxPool2d.forward(m, tf.expandDims(x, 0));
    expect(y.shape).to.deep.equal([3, 6, 5]);
    expectClose(y.dataSync(), yb.dataSync());
    checkGradients((xx) => weightedSum(MaxPool2d.forward(m, xx!)), [x], { samples: 12, h: 1e-3 });
    dispose([x, y, yb]);
  });

  it('errors name the path and shapes; bad arguments; config round trip', () => {
    const h = Holder.make<tf.Tensor>({ body: [MaxPool2d.create(2)] });
    const x = tf.zeros([4, 4]);
    expect(() => Holder.forward(h, x)).to.throw('MaxPool2d at "body.0": expected input of shape [N, C, H, W] or [C, H, W], got [4, 4]');
    const small = tf.zeros([1, 1, 1, 5]);
    expect(() => Holder.forward(h, small)).to.throw('smaller than the kernel');
    expect(() => MaxPool2d.create(2, { padding: 2 })).to.throw('at most half');
    const m = MaxPool2d.create([3, 2], { stride: 1, padding: [1, 0], ceilMode: true });
    const c = MaxPool2d.toConfig(m);
    assertSameShape(MaxPool2d.fromConfig(c), m);
    const d = MaxPool2d.configCodec.decode(JSON.parse(JSON.stringify(c)));
    expect(isRight(d) && MaxPool2d.fromConfig(d.right).stride).to.deep.equal([1, 1]);
    expect(MaxPool2d.create(3).stride).to.deep.equal([3, 3]);
    dispose([x, small]);
  });

  it('prints like PyTorch; toConfig spells out every option', () => {
    expect(show(MaxPool2d.create(2)).split('\n')[0]).to.equal('MaxPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))');
    expect(show(MaxPool2d.create(3, { stride: 2, padding: 1, ceilMode: true })).split('\n')[0]).to.equal(
      'MaxPool2d(kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), ceil_mode=true)',
    );
    expect(JSON.stringify(MaxPool2d.toConfig(MaxPool2d.create(2)))).to.equal(
      '{"kernelSize":[2,2],"stride":[2,2],"padding":[0,0],"ceilMode":false}',
    );
  });
});
