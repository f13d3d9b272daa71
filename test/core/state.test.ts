/** RNG and mode threading: newState as a State<PRNGKey, _> traversal, Dropout, reuse. */
import { expect } from 'chai';
import * as O from 'fp-ts/lib/Option.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { bernoulli } from '../../src/random/bernoulli.js';
import { newState, reuse, setMode } from '../../src/random/newState.js';
import { key, keyData, type PRNGKey } from '../../src/random/PRNGKey.js';
import { foldIn } from '../../src/random/foldIn.js';
import { split } from '../../src/random/split.js';
import { anyModules, defineModule } from '../../src/tree/index.js';
import { values } from '../support/tensors.js';
import { initialize } from '../../src/init/initialize.js';
import { BinaryNetwork } from '../support/trees.js';

type Tensor = tf.Tensor;
const fields = { layers: anyModules() };
const Bag = defineModule('test/Bag', { name: 'Bag', fields });
const keyOf = (d: Dropout<unknown>): PRNGKey => O.getOrElseW(() => undefined)(d.ctx.key)!;

describe('newState / setMode / reuse', () => {
  it('hands each stochastic module its own key, split in leaf order, and returns the next key', () => {
    const bag = Bag.make({ layers: [Dropout.create(0.5), Dropout.create(0.1)] });
    const k = key(42);
    const [trained, next] = newState(bag, 'train')(k);
    const [s1, own1] = split(k) as [PRNGKey, PRNGKey];
    const [s2, own2] = split(s1) as [PRNGKey, PRNGKey];
    const [d1, d2] = trained.layers as readonly [Dropout<never>, Dropout<never>];
    expect(keyData(keyOf(d1))).to.deep.equal(keyData(own1));
    expect(keyData(keyOf(d2))).to.deep.equal(keyData(own2));
    expect(keyData(next)).to.deep.equal(keyData(s2));
    expect(d1.ctx.mode).to.equal('train');
    expect(d1.rate).to.equal(0.5);
    // the input tree is untouched
    expect((bag.layers[0] as Dropout<never>).ctx.mode).to.equal('eval');
  });

  it('setMode sets the mode everywhere and drops keys', () => {
    const [trained] = newState(Bag.make({ layers: [Dropout.create(0.5)] }), 'train')(key(0));
    const evald = setMode(trained, 'eval');
    const d = evald.layers[0] as Dropout<never>;
    expect(d.ctx).to.deep.equal({ mode: 'eval', key: O.none });
  });

  it('rejects an unknown mode and a bad key', () => {
    expect(() => newState(Dropout.create(0.5), 'training' as never)).to.throw(/mode must be "train" or "eval", got "training"/);
    expect(() => newState(Dropout.create(0.5), 'train')(7 as never)).to.throw(/newState: key must be a PRNGKey/);
  });

  it('Dropout: train mode drops with probability rate and scales by 1/(1-rate); eval is the identity', () => {
    const x = tf.ones([4000]);
    const [d] = newState(Dropout.create(0.25), 'train')(key(1));
    const y = Dropout.forward(d, x);
    // The mask is JAX's bernoulli(key, 1 - rate) for the module's key.
    const mask = bernoulli(keyOf(d), 0.75, [4000]);
    const expected = Array.from(mask.dataSync(), (m) => (m ? 1 / 0.75 : 0));
    expect(values(y).map((v) => Math.fround(v))).to.deep.equal(expected.map((v) => Math.fround(v)));
    const kept = expected.filter((v) => v > 0).length / 4000;
    expect(kept).to.be.within(0.75 - 0.03, 0.75 + 0.03);
    expect(Dropout.forward(setMode(d, 'eval'), x)).to.equal(x);
    dispose([x, y, mask]);
  });

  it('reuse(m, i) folds the use index into the key: two uses draw two masks', () => {
    const [d] = newState(Dropout.create(0.5), 'train')(key(3));
    const r1 = reuse(d, 1);
    expect(keyData(keyOf(r1))).to.deep.equal(keyData(foldIn(keyOf(d), 1)));
    const x = tf.ones([64]);
    const a = values(Dropout.forward(reuse(d, 0), x));
    const b = values(Dropout.forward(r1, x));
    expect(a).to.not.deep.equal(b);
    x.dispose();
  });

  it('names the path of a derived submodule record too (reuse(m.dropout, 0) is not the field itself)', () => {
    const net = setMode(initialize(BinaryNetwork.create(5, 4))(key(0)), 'train');
    const x = tf.ones([5]);
    expect(() => BinaryNetwork.forward(net, x)).to.throw(/^Dropout at "dropout": train mode needs a key/);
    dispose([net, x]);
  });

  it('Dropout in train mode without a key is a clear error naming the path', () => {
    const bag = setMode(Bag.make({ layers: [Dropout.create(0.5)] }), 'train');
    // a Bag with a forward pass: a kind of its own (its own URI), holding the same layers
    const Seq = defineModule('test/CallableBag', {
      name: 'CallableBag',
      fields,
      forward: (m, x: Tensor) => Dropout.forward(m.layers[0] as Dropout<Tensor>, x),
    });
    const x = tf.ones([2]);
    expect(() => Seq.forward(Seq.make({ layers: bag.layers }), x)).to.throw(/Dropout at "layers.0": train mode needs a key/);
    x.dispose();
  });
});
