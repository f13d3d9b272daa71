import { expect } from 'chai';
import { isRight } from 'fp-ts/lib/Either.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { valueAndGrad } from '../../src/grad/valueAndGrad.js';
import { initialize } from '../../src/init/initialize.js';
import { Embedding } from '../../src/nn/Embedding.js';
import { key } from '../../src/random/PRNGKey.js';
import { assertSameShape } from '../../src/tree/Module.js';
import { checkGradients, expectClose, expectNoLeak, Holder, seeded, weightedSum } from './helpers.js';

describe('nn.Embedding', () => {
  const table = () =>
    Embedding.make({
      weight: tf.tensor2d([
        [0, 1],
        [10, 11],
        [20, 21],
        [30, 31],
      ]),
      numEmbeddings: 4,
      embeddingDim: 2,
      paddingIdx: null,
    });

  it('looks up rows for indices of any shape', () => {
    const m = table();
    const idx = tf.tensor2d(
      [
        [3, 0, 1],
        [1, 1, 2],
      ],
      [2, 3],
      'int32',
    );
    const y = expectNoLeak(() => Embedding.forward(m, idx));
    expect(y.arraySync()).to.deep.equal([
      [
        [30, 31],
        [0, 1],
        [10, 11],
      ],
      [
        [10, 11],
        [10, 11],
        [20, 21],
      ],
    ]);
    const s = tf.scalar(2, 'int32');
    expect(Embedding.forward(m, s).arraySync()).to.deep.equal([20, 21]);
    dispose([m, idx, y, s]);
  });

  it('gradient: rows accumulate the upstream gradient of each use (finite differences); padding row gets none', () => {
    const w = seeded([5, 3], 1);
    const idx = tf.tensor1d([4, 0, 4, 2], 'int32');
    const m = Embedding.make({ weight: w, numEmbeddings: 5, embeddingDim: 3, paddingIdx: null });
    checkGradients((ww) => weightedSum(Embedding.forward(Embedding.make({ ...m, weight: ww! }), idx)), [w], { samples: 15 });
    const padded = Embedding.make({ weight: w, numEmbeddings: 5, embeddingDim: 3, paddingIdx: 4 });
    const { grads, value } = valueAndGrad((mm: typeof padded) => weightedSum(Embedding.forward(mm, idx)))(padded);
    const g = grads.weight.arraySync() as number[][];
    expect(
      g[4]!.every((v) => v === 0),
      `padding row gradient ${g[4]}`,
    ).to.equal(true);
    // row 0 is used once (position 1): its gradient is the weighting's row 1
    const r = seeded([4, 3], 99).arraySync() as number[][];
    expectClose(g[0]!, r[1]!, 1e-6);
    expectClose(g[2]!, r[3]!, 1e-6);
    dispose([w, idx, grads, value]);
  });

  it('init: N(0, 1), padding row zero; negative paddingIdx counts from the end', () => {
    const m = initialize(Embedding.create(200, 8, { paddingIdx: -1 }))(key(0));
    expect(m.paddingIdx).to.equal(199);
    const w = m.weight.arraySync() as number[][];
    expect(
      w[199]!.every((v) => v === 0),
      `padding row ${w[199]}`,
    ).to.equal(true);
    const flat = w.slice(0, 199).flat();
    const mean = flat.reduce((a, b) => a + b, 0) / flat.length;
    const variance = flat.reduce((a, b) => a + (b - mean) ** 2, 0) / flat.length;
    expect(mean).to.be.closeTo(0, 0.1);
    expect(variance).to.be.closeTo(1, 0.1);
    dispose(m);
  });

  it('wrong dtype or out-of-range index names the path; config round trip', () => {
    const h = Holder.make({ body: [table()] });
    const f = tf.tensor1d([1, 2]);
    expect(() => Holder.forward(h, f)).to.throw('Embedding at "body.0": expected indices of dtype int32, got float32');
    const big = tf.tensor1d([1, 4], 'int32');
    expect(() => Holder.forward(h, big)).to.throw('index 4 out of range [0, 4) in indices of shape [2]');
    const m = Embedding.create(10, 3, { paddingIdx: 0 });
    const d = Embedding.configCodec.decode(JSON.parse(JSON.stringify(Embedding.toConfig(m))));
    expect(isRight(d)).to.equal(true);
    if (isRight(d)) assertSameShape(Embedding.fromConfig(d.right), m);
    dispose([h, f, big]);
  });
});
