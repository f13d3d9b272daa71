import { expect } from 'chai';
import { isRight } from 'fp-ts/lib/Either.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { RMSNorm } from '../../src/nn/RMSNorm.js';
import { key } from '../../src/random/PRNGKey.js';
import { assertSameShape } from '../../src/tree/Module.js';
import { show } from '../../src/tree/Show.js';
import { arr, checkGradients, expectClose, expectNoLeak, Holder, seeded, weightedSum } from './helpers.js';

describe('nn.RMSNorm', () => {
  it('hand-computed: [3, 4] has rms √12.5', () => {
    const m = initialize(RMSNorm.create(2, { eps: 0 }))(key(0));
    const x = tf.tensor1d([3, 4]);
    const y = RMSNorm.forward(m, x);
    expectClose(y.dataSync(), [3 / Math.sqrt(12.5), 4 / Math.sqrt(12.5)], 1e-6);
    dispose([m, x, y]);
  });

  it('over the trailing shape, times weight (loops), default eps = float32 epsilon', () => {
    const m = RMSNorm.make({ ...RMSNorm.create([2, 3]), weight: seeded([2, 3], 1) });
    expect(m.eps).to.equal(null);
    const x = seeded([4, 2, 3], 2);
    const y = expectNoLeak(() => RMSNorm.forward(m, x));
    const xs = arr(x);
    const w = arr(m.weight);
    const e: number[] = [];
    for (let i = 0; i < xs.length; i += 6) {
      const b = xs.slice(i, i + 6);
      const ms = b.reduce((a, v) => a + v * v, 0) / 6;
      e.push(...b.map((v, j) => (v / Math.sqrt(ms + 1.1920928955078125e-7)) * w[j]!));
    }
    expectClose(y.dataSync(), e, 1e-5);
    // tiny inputs show the eps: rms of 1e-4 is 1e-4, and 1e-8 + eps ≠ 1e-8
    const tiny = tf.fill([6], 1e-4).reshape([1, 2, 3]);
    const yt = RMSNorm.forward(RMSNorm.make({ ...m, weight: tf.ones([2, 3]) }), tiny);
    expect(yt.dataSync()[0]).to.be.closeTo(1e-4 / Math.sqrt(1e-8 + 2 ** -23), 1e-5);
    dispose([m, x, y, tiny, yt]);
  });

  it('gradients (input, weight) match central finite differences', () => {
    const m = RMSNorm.make({ ...RMSNorm.create(4), weight: seeded([4], 1) });
    const x = seeded([3, 4], 3);
    checkGradients((xx, w) => weightedSum(RMSNorm.forward(RMSNorm.make({ ...m, weight: w! }), xx!)), [x, m.weight], { samples: 8 });
    dispose([m, x]);
  });

  it('prints as PyTorch: normalizedShape as a Python tuple, the default eps as None', () => {
    expect(show(RMSNorm.create(16)).split('\n')[0]).to.match(/^RMSNorm\(\(16,\), eps=None, elementwise_affine=true\) \{/);
    expect(show(RMSNorm.create([2, 3], { eps: 1e-6, elementwiseAffine: false })).split('\n')[0]).to.match(
      /^RMSNorm\(\(2, 3\), eps=0\.000001, elementwise_affine=false\) \{/,
    );
  });

  it('wrong shape names the path; config round trip', () => {
    const h = Holder.make({ body: [initialize(RMSNorm.create(3))(key(0))] });
    const x = tf.zeros([3, 4]);
    expect(() => Holder.forward(h, x)).to.throw('RMSNorm at "body.0": expected input of shape [..., 3], got [3, 4]');
    const m = RMSNorm.create([3], { eps: 1e-6, elementwiseAffine: false });
    expect(m.weight.shape).to.deep.equal([0]);
    const d = RMSNorm.configCodec.decode(JSON.parse(JSON.stringify(RMSNorm.toConfig(m))));
    expect(isRight(d)).to.equal(true);
    if (isRight(d)) assertSameShape(RMSNorm.fromConfig(d.right), m);
    dispose([h, x]);
  });
});
