import { expect } from 'chai';
import { isRight } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { AdaptiveAvgPool2d } from '../../src/nn/AdaptiveAvgPool2d.js';
import { GlobalAvgPool2d, globalAvgPool2d } from '../../src/nn/GlobalAvgPool2d.js';
import { assertSameShape } from '../../src/tree/Module.js';
import { show } from '../../src/tree/Show.js';
import { checkGradients, expectClose, expectNoLeak, Holder, seeded, weightedSum } from './helpers.js';

/** PyTorch's adaptive bins by definition: mean of x[.., floor(i·H/oh) : ceil((i+1)·H/oh), ...]. */
const naiveAdaptive = (x: tf.Tensor, oh: number, ow: number): tf.Tensor =>
  tf.tidy(() => {
    const [, , H, W] = x.shape as number[];
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < oh; i++) {
      const cols: tf.Tensor[] = [];
      const h0 = Math.floor((i * H!) / oh);
      const h1 = Math.ceil(((i + 1) * H!) / oh);
      for (let j = 0; j < ow; j++) {
        const w0 = Math.floor((j * W!) / ow);
        const w1 = Math.ceil(((j + 1) * W!) / ow);
        cols.push(tf.mean(tf.slice(x, [0, 0, h0, w0], [-1, -1, h1 - h0, w1 - w0]), [2, 3]));
      }
      rows.push(tf.stack(cols, 2));
    }
    return tf.stack(rows, 2);
  });

describe('nn.AdaptiveAvgPool2d and GlobalAvgPool2d', () => {
  it('hand-computed: 3 columns into 2 overlapping bins', () => {
    const x = tf.tensor4d([1, 2, 4], [1, 1, 1, 3]);
    const y = AdaptiveAvgPool2d.forward(AdaptiveAvgPool2d.create([1, 2]), x);
    expectClose(y.dataSync(), [1.5, 3]);
    dispose([x, y]);
  });

  for (const [h, w, oh, ow] of [
    [7, 9, 3, 4],
    [6, 6, 3, 3],
    [5, 4, 5, 4],
    [4, 7, 1, 1],
    [3, 5, 6, 2],
  ] as const) {
    it(`matches PyTorch's bins: ${h}x${w} -> ${oh}x${ow}`, () => {
      const x = seeded([2, 3, h, w], h * w);
      const y = expectNoLeak(() => AdaptiveAvgPool2d.forward(AdaptiveAvgPool2d.create([oh, ow]), x));
      const e = naiveAdaptive(x, oh, ow);
      expectClose(y, e, 1e-5);
      dispose([x, y, e]);
    });
  }

  it('null keeps an input size; unbatched input; gradient matches finite differences', () => {
    const m = AdaptiveAvgPool2d.create([null, 2]);
    const x = seeded([3, 4, 5], 1);
    const y = expectNoLeak(() => AdaptiveAvgPool2d.forward(m, x));
    expect(y.shape).to.deep.equal([3, 4, 2]);
    checkGradients((xx) => weightedSum(AdaptiveAvgPool2d.forward(AdaptiveAvgPool2d.create([3, 2]), xx!)), [x], { samples: 10 });
    dispose([x, y]);
  });

  it('global average pooling: [N, C, H, W] -> [N, C], as a module and in pipe', () => {
    const x = seeded([2, 3, 4, 5], 2);
    const y = expectNoLeak(() => GlobalAvgPool2d.forward(GlobalAvgPool2d.create(), x));
    const e = tf.mean(tf.reshape(x, [2, 3, 20]), 2);
    expectClose(y, e, 1e-6);
    const viaPipe = pipe(x, globalAvgPool2d);
    expectClose(viaPipe, e, 1e-6);
    const a = AdaptiveAvgPool2d.forward(AdaptiveAvgPool2d.create(1), x);
    expectClose(a.dataSync(), e.dataSync(), 1e-6);
    dispose([x, y, e, viaPipe, a]);
  });

  it('errors name the path and shapes; config round trips', () => {
    const h = Holder.make<tf.Tensor>({ body: [AdaptiveAvgPool2d.create(2), GlobalAvgPool2d.create()] });
    const x = tf.zeros([3, 4]);
    expect(() => Holder.forward(h, x)).to.throw(
      'AdaptiveAvgPool2d at "body.0": expected input of shape [N, C, H, W] or [C, H, W], got [3, 4]',
    );
    const m = AdaptiveAvgPool2d.create([null, 3]);
    const d = AdaptiveAvgPool2d.configCodec.decode(JSON.parse(JSON.stringify(AdaptiveAvgPool2d.toConfig(m))));
    expect(isRight(d)).to.equal(true);
    if (isRight(d)) assertSameShape(AdaptiveAvgPool2d.fromConfig(d.right), m);
    assertSameShape(GlobalAvgPool2d.fromConfig(GlobalAvgPool2d.toConfig(GlobalAvgPool2d.create())), GlobalAvgPool2d.create());
    expect(() => AdaptiveAvgPool2d.create(0)).to.throw('outputSize must be');
    dispose(x);
  });

  it('prints like PyTorch (None for a kept size)', () => {
    expect(show(AdaptiveAvgPool2d.create(2)).split('\n')[0]).to.equal('AdaptiveAvgPool2d(output_size=(2, 2))');
    expect(show(AdaptiveAvgPool2d.create([null, 3])).split('\n')[0]).to.equal('AdaptiveAvgPool2d(output_size=(None, 3))');
    expect(show(GlobalAvgPool2d.create()).split('\n')[0]).to.equal('GlobalAvgPool2d()');
  });
});
