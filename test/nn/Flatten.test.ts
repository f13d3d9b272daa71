import { expect } from 'chai';
import { isRight } from 'fp-ts/lib/Either.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { Flatten } from '../../src/nn/Flatten.js';
import { assertSameShape } from '../../src/tree/Module.js';
import { show } from '../../src/tree/Show.js';
import { checkGradients, expectNoLeak, Holder, seeded, weightedSum } from './helpers.js';

describe('nn.Flatten', () => {
  it('merges axes 1..-1 by default, keeping row-major order', () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const y = expectNoLeak(() => Flatten.forward(Flatten.create(), x));
    expect(y.arraySync()).to.deep.equal([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    dispose([x, y]);
  });

  it('custom and negative dims', () => {
    const x = tf.zeros([2, 3, 4, 5]);
    expect(Flatten.forward(Flatten.create({ startDim: 0, endDim: 1 }), x).shape).to.deep.equal([6, 4, 5]);
    expect(Flatten.forward(Flatten.create({ startDim: -3, endDim: -2 }), x).shape).to.deep.equal([2, 12, 5]);
    expect(Flatten.forward(Flatten.create({ startDim: 2, endDim: 2 }), x).shape).to.deep.equal([2, 3, 4, 5]);
    tf.dispose(x);
  });

  it('gradient is the reshaped upstream gradient (finite differences)', () => {
    const x = seeded([2, 3, 2], 1);
    checkGradients((xx) => weightedSum(Flatten.forward(Flatten.create(), xx!)), [x]);
    x.dispose();
  });

  it('too-small input names the path; config round trip', () => {
    const h = Holder.make<tf.Tensor>({ body: [Flatten.create()] });
    const x = tf.zeros([3]);
    expect(() => Holder.forward(h, x)).to.throw('Flatten at "body.0": expected input with axes 1 and -1');
    expect(() => Holder.forward(h, x)).to.throw('got [3]');
    const m = Flatten.create({ startDim: 2, endDim: -2 });
    const d = Flatten.configCodec.decode(JSON.parse(JSON.stringify(Flatten.toConfig(m))));
    expect(isRight(d)).to.equal(true);
    if (isRight(d)) assertSameShape(Flatten.fromConfig(d.right), m);
    x.dispose();
  });

  it('prints like PyTorch; a non-integer dim is refused', () => {
    expect(show(Flatten.create()).split('\n')[0]).to.equal('Flatten(start_dim=1, end_dim=-1)');
    expect(() => Flatten.create({ startDim: 1.5 })).to.throw('Flatten.create: startDim must be an integer, got 1.5');
  });
});
