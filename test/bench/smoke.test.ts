/**
 * The benchmark's contenders really compute the same thing: on case 2 (MLP 784→256→10, batch 64,
 * softmax cross-entropy, SGD) every contender's first loss — `stock-tfjs` (stock tfjs-core in a
 * child process without parallax-ts) and `parallax-compiled` included — equals a float64 forward
 * pass written here in plain JavaScript, and their second losses (after one SGD update each) agree
 * with hand-written tfjs-core's, all within 1e-5; the parallax, compiled and stock contenders of
 * cases 1 and 3 take the same steps as raw tfjs-core's (stock tfjs cannot train case 3 on wasm: its
 * error is checked), and case 4's initializes every parameter. The bench itself is not part of
 * `npm test`.
 */
import { spawnSync } from 'node:child_process';
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
import { StockProcess, stockRunner } from '../../bench/stock/remote.js';

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
    await r.dispose();
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
      ['parallax-compiled', parallax.setupCompiled],
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
      ['binary-network-step compiled', binaryParallax.setupCompiled, binaryRaw.setup],
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

  it('case 3 compiled: the same two steps as raw tfjs-core, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const expected = await twoLosses(cnnRaw.setup);
    const [first, second] = await twoLosses(cnnParallax.setupCompiled);
    expect(first, 'first loss').to.be.closeTo(expected[0], 1e-5);
    expect(second, 'loss after one SGD step').to.be.closeTo(expected[1], 1e-5);
    expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
  });

  describe('stock-tfjs: the same code on stock tfjs-core, in a child process without parallax-ts', () => {
    let stock: StockProcess | undefined;
    const remote = (caseName: string) => () => stockRunner(stock!, caseName);

    before(async function () {
      this.timeout(60000);
      // The child is compiled JavaScript (tfjs-core's gradient files need bundling): build it first.
      const build = spawnSync(process.execPath, ['bench/build.mjs', '--stock-only'], { encoding: 'utf8' });
      expect(build.status, build.stderr).to.equal(0);
    });
    beforeEach(async () => {
      stock = new StockProcess(tf.getBackend());
      await stock.ready;
    });
    afterEach(async () => stock?.close());

    it('runs stock tfjs-core on the same backend, without parallax-ts kernels', async () => {
      const info = await stock!.info();
      expect(info.backend).to.equal(tf.getBackend());
      expect(info.tfjsCore).to.equal(tf.version_core);
      // parallax-ts registers Conv2DBackpropFilter (and more) for wasm; stock tfjs-backend-wasm 4.22 has none.
      if (info.backend === 'wasm') expect(info.hasConv2DBackpropFilter).to.equal(false);
      expect(info.kernels).to.be.at.most(tf.getKernelsForBackend(info.backend).length);
    });

    it('case 2: first loss equals the float64 reference, second agrees with raw tfjs-core', async () => {
      const rawLosses = await twoLosses(raw.setup);
      const [first, second] = await twoLosses(remote('mlp-784-256-10-b64'));
      expect(first, 'stock-tfjs first loss').to.be.closeTo(referenceLoss(), 1e-5);
      expect(second, 'stock-tfjs loss after one SGD step').to.be.closeTo(rawLosses[1], 1e-5);
    });

    it('cases 1 and 3: the same two steps as raw tfjs-core; on wasm case 3 cannot train (no Conv2DBackpropFilter)', async () => {
      const binary = await twoLosses(binaryRaw.setup);
      const [first, second] = await twoLosses(remote('binary-network-step'));
      expect(first).to.be.closeTo(binary[0], 1e-5);
      expect(second).to.be.closeTo(binary[1], 1e-5);
      if (tf.getBackend() === 'wasm') {
        let error = '';
        await twoLosses(remote('cnn-28x28-b32')).catch((e: unknown) => (error = String(e)));
        expect(error).to.match(/Conv2DBackpropFilter' not registered for backend 'wasm'/);
      } else {
        const cnn = await twoLosses(cnnRaw.setup);
        const [c1, c2] = await twoLosses(remote('cnn-28x28-b32'));
        expect(c1).to.be.closeTo(cnn[0], 1e-5);
        expect(c2).to.be.closeTo(cnn[1], 1e-5);
      }
    });
  });

  it('case 4: the parallax contender initializes every one of the 10,006,000 parameters and frees them', async () => {
    const before = tf.memory().numTensors;
    const r = initParallax.setup();
    expect(await r.run()).to.equal(INIT.params);
    r.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });
});
