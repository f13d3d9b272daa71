/**
 * The module doc example of parallax-ts/testing, as a user writes it: a residual block (LayerNorm,
 * two Linears, Dropout) declared in a few lines, and its law suite in one.
 */
import { expect } from 'chai';
import { defineModule, initialize, nn, random, submodule, tf } from '../../src/index.js';
import { describeModuleLaws } from '../../src/testing/index.js';

const Residual = defineModule('my-app/Residual', {
  name: 'Residual',
  fields: { norm: submodule(nn.LayerNorm), up: submodule(nn.Linear), down: submodule(nn.Linear), drop: submodule(nn.Dropout) },
  create: (d: number) => ({
    norm: nn.LayerNorm.create(d),
    up: nn.Linear.create(d, 4 * d),
    down: nn.Linear.create(4 * d, d),
    drop: nn.Dropout.create(0.1),
  }),
  forward: (m, x: tf.Tensor) =>
    tf.add(x, nn.Dropout.forward(m.drop, nn.Linear.forward(m.down, tf.relu(nn.Linear.forward(m.up, nn.LayerNorm.forward(m.norm, x)))))),
});
describeModuleLaws('Residual', Residual.create(8));

describe('the testing kit’s doc example', () => {
  it('declares a working block: its forward pass keeps the shape', () => {
    const block = initialize(Residual.create(8))(random.key(0));
    const x = tf.ones([2, 8]);
    const y = Residual.forward(block, x);
    expect(y.shape).to.deep.equal([2, 8]);
    tf.dispose([x, y]);
  });
});
