import { expect } from 'chai';
import { isRight } from 'fp-ts/lib/Either.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { LayerNorm } from '../../src/nn/LayerNorm.js';
import { key } from '../../src/random/PRNGKey.js';
import { assertSameShape } from '../../src/tree/Module.js';
import { show } from '../../src/tree/Show.js';
import { arr, checkGradients, expectClose, expectNoLeak, Holder, seeded, weightedSum } from './helpers.js';
import { normalizeBlocks } from './norms.js';

describe('nn.LayerNorm', () => {
  it('hand-computed: [1, 2, 3] normalizes to [−√1.5, 0, √1.5] (eps 0)', () => {
    const m = initialize(LayerNorm.create(3, { eps: 0 }))(key(0));
    const x = tf.tensor2d([[1, 2, 3]]);
    const y = LayerNorm.forward(m, x);
    expectClose(y.dataSync(), [-Math.sqrt(1.5), 0, Math.sqrt(1.5)], 1e-6);
    dispose([m, x, y]);
  });

  it('normalizes over the trailing shape, then weight and bias (loops)', () => {
    const m = LayerNorm.make({ ...LayerNorm.create([3, 4]), weight: seeded([3, 4], 1), bias: seeded([3, 4], 2) });
    const x = seeded([2, 5, 3, 4], 3);
    const y = expectNoLeak(() => LayerNorm.forward(m, x));
    const w = arr(m.weight);
    const b = arr(m.bias);
    const e = normalizeBlocks(arr(x), 12, 1e-5).map((v, i) => v * w[i % 12]! + b[i % 12]!);
    expectClose(y.dataSync(), e, 1e-5);
    dispose([m, x, y]);
  });

  it('without affine / without bias; unbatched input', () => {
    const x = seeded([4], 5);
    const plain = LayerNorm.forward(initialize(LayerNorm.create(4, { elementwiseAffine: false }))(key(0)), x);
    expectClose(plain.dataSync(), normalizeBlocks(arr(x), 4, 1e-5), 1e-5);
    const nb = initialize(LayerNorm.create(4, { bias: false }))(key(0));
    expect(nb.bias.shape).to.deep.equal([0]);
    expectClose(LayerNorm.forward(nb, x).dataSync(), plain.dataSync(), 1e-6);
    dispose([x, plain, nb]);
  });

  it('gradients (input, weight, bias) match central finite differences', () => {
    const m = LayerNorm.make({ ...LayerNorm.create(5), weight: seeded([5], 1), bias: seeded([5], 2) });
    const x = seeded([3, 5], 4);
    checkGradients(
      (xx, w, b) => weightedSum(LayerNorm.forward(LayerNorm.make({ ...m, weight: w!, bias: b! }), xx!)),
      [x, m.weight, m.bias],
      { samples: 8 },
    );
    dispose([m, x]);
  });

  it('prints as PyTorch: normalizedShape as a Python tuple', () => {
    expect(show(LayerNorm.create(16)).split('\n')[0]).to.match(/^LayerNorm\(\(16,\), eps=0\.00001, elementwise_affine=true\) \{/);
    expect(show(LayerNorm.create([2, 3], { eps: 1e-3, bias: false })).split('\n')[0]).to.match(
      /^LayerNorm\(\(2, 3\), eps=0\.001, elementwise_affine=true, bias=false\) \{/,
    );
  });

  it('wrong trailing shape names the path; config round trip', () => {
    const h = Holder.make({ body: [initialize(LayerNorm.create([2, 3]))(key(0))] });
    const x = tf.zeros([4, 3, 2]);
    expect(() => Holder.forward(h, x)).to.throw('LayerNorm at "body.0": expected input of shape [..., 2, 3], got [4, 3, 2]');
    const m = LayerNorm.create([2, 3], { eps: 1e-3, bias: false });
    const d = LayerNorm.configCodec.decode(JSON.parse(JSON.stringify(LayerNorm.toConfig(m))));
    expect(isRight(d)).to.equal(true);
    if (isRight(d)) assertSameShape(LayerNorm.fromConfig(d.right), m);
    dispose([h, x]);
  });
});
