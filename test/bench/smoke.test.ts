/**
 * The benchmark's contenders really compute the same thing: on case 2 (MLP 784→256→10, batch 64,
 * softmax cross-entropy, SGD) every contender's first loss equals a float64 forward pass written
 * here in plain JavaScript, and their second losses (after one SGD update each) agree with
 * hand-written tfjs-core's, all within 1e-5; the parallax contenders of cases 1 and 3 take the same
 * steps as raw tfjs-core's, and case 4's initializes every parameter. The bench itself is not part of
 * `npm test`.
 */
import { defaultDevice, init as jaxInit } from '@jax-js/jax';
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import * as binaryParallax from '../../bench/cases/binaryNetwork/parallax.js';
import * as binaryRaw from '../../bench/cases/binaryNetwork/raw.js';
import * as cnnParallax from '../../bench/cases/cnn/parallax.js';
import * as cnnRaw from '../../bench/cases/cnn/raw.js';
import * as initParallax from '../../bench/cases/init/parallax.js';
import { INIT } from '../../bench/cases/init/spec.js';
import * as jax from '../../bench/cases/mlp/jax.js';
import * as layers from '../../bench/cases/mlp/layers.js';
import * as parallax from '../../bench/cases/mlp/parallax.js';
import * as raw from '../../bench/cases/mlp/raw.js';
import { MLP, mlpData } from '../../bench/cases/mlp/spec.js';
import type { Runner } from '../../bench/harness.js';

/** Mean softmax cross-entropy of the MLP at its starting weights, in float64. */
const referenceLoss = (): number => {
  const d = mlpData();
  let total = 0;
  const h = new Float64Array(MLP.hidden);
  const logits = new Float64Array(MLP.classes);
  for (let n = 0; n < MLP.batch; n++) {
    for (let j = 0; j < MLP.hidden; j++) {
      let s = d.fc1.bias[j]!;
      for (let i = 0; i < MLP.inFeatures; i++) s += d.x[n * MLP.inFeatures + i]! * d.fc1.weight[j * MLP.inFeatures + i]!;
      h[j] = Math.max(0, s);
    }
    for (let k = 0; k < MLP.classes; k++) {
      let s = d.fc2.bias[k]!;
      for (let j = 0; j < MLP.hidden; j++) s += h[j]! * d.fc2.weight[k * MLP.hidden + j]!;
      logits[k] = s;
    }
    const max = Math.max(...logits);
    const logSumExp = max + Math.log(logits.reduce((acc, l) => acc + Math.exp(l - max), 0));
    for (let k = 0; k < MLP.classes; k++) total -= d.y[n * MLP.classes + k]! * (logits[k]! - logSumExp);
  }
  return total / MLP.batch;
};

const twoLosses = async (setup: () => Runner | Promise<Runner>): Promise<[number, number]> => {
  const r = await setup();
  try {
    return [await r.run(), await r.run()];
  } finally {
    r.dispose();
  }
};

describe('bench: the contenders compute identical math', () => {
  before(async () => {
    await jaxInit('wasm');
    defaultDevice('wasm');
  });

  it('first loss equals a float64 reference and second losses agree with raw tfjs-core, for every contender', async () => {
    const expected = referenceLoss();
    const before = tf.memory().numTensors;
    const rawLosses = await twoLosses(raw.setup);
    expect(rawLosses[0]).to.be.closeTo(expected, 1e-5);
    for (const [name, setup] of [
      ['parallax', parallax.setup],
      ['tfjs-layers', layers.setup],
      ['jax-js', jax.setup],
    ] as const) {
      const [first, second] = await twoLosses(setup);
      expect(first, `${name} first loss`).to.be.closeTo(expected, 1e-5);
      expect(second, `${name} loss after one SGD step`).to.be.closeTo(rawLosses[1], 1e-5);
      expect(second, `${name} loss decreased`).to.be.lessThan(first);
    }
    expect(tf.memory().numTensors, 'tensors left behind by the tfjs contenders').to.equal(before);
  });

  it('cases 1 and 3: the parallax contender takes the same two steps as raw tfjs-core (within 1e-5), leaking nothing', async () => {
    const before = tf.memory().numTensors;
    for (const [name, parallax, raw] of [
      ['binary-network-step', binaryParallax.setup, binaryRaw.setup],
      ['cnn-28x28-b32', cnnParallax.setup, cnnRaw.setup],
    ] as const) {
      const expected = await twoLosses(raw);
      const [first, second] = await twoLosses(parallax);
      expect(first, `${name} first loss`).to.be.closeTo(expected[0], 1e-5);
      expect(second, `${name} loss after one SGD step`).to.be.closeTo(expected[1], 1e-5);
      expect(second, `${name} loss decreased`).to.be.lessThan(first);
    }
    expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
  });

  it('case 4: the parallax contender initializes every one of the 10,006,000 parameters and frees them', async () => {
    const before = tf.memory().numTensors;
    const r = initParallax.setup();
    expect(await r.run()).to.equal(INIT.params);
    r.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });
});
