/** A training loop written the README's way keeps tf.memory().numTensors flat. */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose, tidy } from '../../src/engine/memory.js';
import { valueAndGrad } from '../../src/grad/valueAndGrad.js';
import { initialize } from '../../src/init/initialize.js';
import { newState } from '../../src/random/newState.js';
import { key, type PRNGKey } from '../../src/random/PRNGKey.js';
import { split } from '../../src/random/split.js';
import { zipWith } from '../../src/tree/Module.js';
import { BinaryNetwork } from '../support/trees.js';

type Tensor = tf.Tensor;

describe('memory', () => {
  it('keeps numTensors flat over 1,000 train-mode SGD steps', function () {
    this.timeout(120000);
    const x = tf.ones([5]);
    let params = initialize(BinaryNetwork.create(5, 10))(key(0));
    let rng = key(1);
    const step = valueAndGrad((m: BinaryNetwork<Tensor>, input: Tensor) => BinaryNetwork.forward(m, input));
    const counts: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const [stepKey, nextRng] = split(rng) as [PRNGKey, PRNGKey];
      rng = nextRng;
      const [net] = newState(params, 'train')(stepKey);
      const { next, loss } = tidy(() => {
        const { value, grads } = step(net, x);
        return { next: zipWith(net, grads, (p, g) => tf.sub(p, tf.mul(g, 0.3))), loss: value };
      });
      dispose([params, loss]);
      params = next;
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts.slice(1)).size, `tensor counts ${counts.slice(0, 5).join(',')}...${counts.slice(-3).join(',')}`).to.equal(1);
    dispose([params, x]);
  });
});
