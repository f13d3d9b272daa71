import { expect } from 'chai';
import { isRight } from 'fp-ts/lib/Either.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { GroupNorm } from '../../src/nn/GroupNorm.js';
import { key } from '../../src/random/PRNGKey.js';
import { assertSameShape } from '../../src/tree/Module.js';
import { arr, checkGradients, expectClose, expectNoLeak, Holder, seeded, weightedSum } from './helpers.js';
import { normalizeBlocks } from './norms.js';

describe('nn.GroupNorm', () => {
  it('normalizes each (sample, group) block over channels and positions, then per-channel affine (loops)', () => {
    // [N=2, C=6, H=2, W=3] with 3 groups: each group is 2 channels × 6 positions = 12 consecutive values
    const m = GroupNorm.make({ ...GroupNorm.create(3, 6), weight: seeded([6], 1), bias: seeded([6], 2) });
    const x = seeded([2, 6, 2, 3], 3);
    const y = expectNoLeak(() => GroupNorm.forward(m, x));
    const w = arr(m.weight);
    const b = arr(m.bias);
    const e = normalizeBlocks(arr(x), 12, 1e-5).map((v, i) => {
      const c = Math.floor(i / 6) % 6;
      return v * w[c]! + b[c]!;
    });
    expectClose(y.dataSync(), e, 1e-5);
    dispose([m, x, y]);
  });

  it('[N, C] input and affine: false; 1 group = LayerNorm over (C, *); C groups = InstanceNorm', () => {
    const x = seeded([3, 4], 5);
    const y = GroupNorm.forward(initialize(GroupNorm.create(2, 4, { affine: false }))(key(0)), x);
    expectClose(y.dataSync(), normalizeBlocks(arr(x), 2, 1e-5), 1e-5);
    const x3 = seeded([2, 4, 5], 6);
    const inst = GroupNorm.forward(initialize(GroupNorm.create(4, 4))(key(0)), x3);
    expectClose(inst.dataSync(), normalizeBlocks(arr(x3), 5, 1e-5), 1e-5);
    dispose([x, y, x3, inst]);
  });

  it('gradients (input, weight, bias) match central finite differences', () => {
    const m = GroupNorm.make({ ...GroupNorm.create(2, 4), weight: seeded([4], 1), bias: seeded([4], 2) });
    const x = seeded([2, 4, 3], 4);
    checkGradients(
      (xx, w, b) => weightedSum(GroupNorm.forward(GroupNorm.make({ ...m, weight: w!, bias: b! }), xx!)),
      [x, m.weight, m.bias],
      { samples: 8 },
    );
    dispose([m, x]);
  });

  it('wrong channels name the path; bad groups; config round trip', () => {
    const h = Holder.make({ body: [initialize(GroupNorm.create(2, 4))(key(0))] });
    const x = tf.zeros([2, 3, 5]);
    expect(() => Holder.forward(h, x)).to.throw('GroupNorm at "body.0": expected input of shape [N, 4, *], got [2, 3, 5]');
    expect(() => GroupNorm.create(3, 4)).to.throw('divisible');
    const m = GroupNorm.create(2, 8, { eps: 1e-3, affine: false });
    const d = GroupNorm.configCodec.decode(JSON.parse(JSON.stringify(GroupNorm.toConfig(m))));
    expect(isRight(d)).to.equal(true);
    if (isRight(d)) assertSameShape(GroupNorm.fromConfig(d.right), m);
    dispose([h, x]);
  });
});
