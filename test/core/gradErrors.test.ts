/** valueAndGrad's error paths: a failing loss leaves tf.memory().numTensors as it was, whatever is differentiated. */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { valueAndGrad } from '../../src/grad/valueAndGrad.js';
import { initialize } from '../../src/init/initialize.js';
import { Linear } from '../../src/nn/Linear.js';
import { key } from '../../src/random/PRNGKey.js';

type Tensor = tf.Tensor;

describe('valueAndGrad: error paths leak nothing', () => {
  // An aux tensor made inside the loss, then a non-scalar loss: the aux tensor was already kept
  // alive for the caller, and must be freed when the call fails.
  const badLoss = (m: Linear<Tensor>) => ({ loss: tf.add(m.weight, 1), aux: { made: tf.ones([3]) } });

  for (const [what, trainable] of [
    ['every parameter differentiated', undefined],
    ['nothing differentiated (trainable: () => false)', () => false],
  ] as const) {
    it(`a non-scalar loss with an aux tensor, ${what}`, () => {
      const params = initialize(Linear.create(2, 3))(key(1));
      const before = tf.memory().numTensors;
      expect(() => valueAndGrad(badLoss, trainable === undefined ? {} : { trainable })(params)).to.throw(/scalar.*shape \[3, 2\]/);
      expect(tf.memory().numTensors).to.equal(before);
      dispose(params);
    });
  }
});
