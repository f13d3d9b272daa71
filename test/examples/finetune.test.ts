/**
 * The fine-tuning example's pieces: the digit ranges, freezing through `trainStep`'s `trainable`
 * (the loaded body keeps its exact bits, the new head moves; without the mask the body moves too,
 * so the check is not vacuous), and a tiny end-to-end run (1 epoch each) that leaks nothing.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialize, io, leafEntries, nn, random, ready, tf } from '../../src/index.js';
import { digitRange } from '../../examples/finetune/digits.js';
import { fit } from '../../examples/finetune/fit.js';
import { baseModel, headOnly, runFinetune, withNewHead } from '../../examples/finetune/run.js';
import { type Digits, loadMnist, PIXELS, subset } from '../../examples/mnist/data.js';
import { loadModel, saveModel } from '../../src/node/index.js';

/** Each leaf's float32 bits by path, read with plain tfjs calls. */
const bitsOf = (m: nn.Sequential<tf.Tensor>): Map<string, number[]> =>
  new Map(leafEntries(m).map(([info, x]) => [info.path, Array.from(new Uint32Array(new Float32Array(x.dataSync()).buffer))]));

describe('examples/finetune', function () {
  this.timeout(60000);
  let train: Digits;
  let test: Digits;
  let dir: string;

  before(async () => {
    await ready('wasm');
    const data = loadMnist();
    train = subset(data.train, 400, 0);
    test = subset(data.test, 200, 1);
    dir = mkdtempSync(join(tmpdir(), 'finetune-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('digitRange keeps only the range, relabelled from 0, images unchanged', () => {
    const upper = digitRange(train, 5, 5);
    const expected: number[] = [];
    for (let i = 0; i < train.count; i++) if (train.labels[i]! >= 5) expected.push(i);
    expect(upper.count).to.equal(expected.length);
    expected.forEach((src, row) => {
      expect(upper.labels[row]).to.equal(train.labels[src]! - 5);
      expect(upper.images[row * PIXELS + 300]).to.equal(train.images[src * PIXELS + 300]);
    });
  });

  it('training with the head-only mask keeps the loaded body bit-identical and moves the head', async () => {
    const before = tf.memory().numTensors;
    const path = join(dir, 'base.safetensors');
    const base = initialize(baseModel())(random.key(3));
    await saveModel(path, base);
    tf.dispose(leafEntries(base).map(([, x]) => x));

    const run = async (masked: boolean) => {
      const loaded = (await loadModel(path)) as nn.Sequential<tf.Tensor>;
      const model = withNewHead(loaded, initialize(nn.Linear.create(128, 5))(random.key(4)));
      // The loaded model's old head is not in `model`: ours to free.
      tf.dispose(leafEntries(loaded.layers[2]!).map(([, x]) => x));
      const initial = bitsOf(model);
      const options = { epochs: 1, batchSize: 32, learningRate: 1e-2, seed: 0 };
      const { model: tuned } = fit(model, digitRange(train, 5, 5), masked ? { ...options, trainable: headOnly(model) } : options);
      const after = bitsOf(tuned);
      tf.dispose(leafEntries(tuned).map(([, x]) => x));
      const moved = [...initial].filter(([p, bits]) => after.get(p)!.some((b, i) => b !== bits[i])).map(([p]) => p);
      return moved.sort();
    };
    // Paths: layers.1 is the MLP body, layers.2 the new head.
    expect(await run(true)).to.deep.equal(['layers.2.bias', 'layers.2.weight']);
    expect(await run(false)).to.include.members(['layers.1.layers.0.weight', 'layers.1.layers.1.weight', 'layers.2.weight']);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('withNewHead refuses a loaded model that is not the base model (its kind is only known at run time)', () => {
    const head = initialize(nn.Linear.create(128, 5))(random.key(5));
    const other = initialize(nn.Sequential.create([nn.Linear.create(784, 128), nn.Linear.create(128, 5)]))(random.key(6));
    expect(() => withNewHead(head, head)).to.throw('expected a saved Sequential, got Linear');
    expect(() => withNewHead(other, head)).to.throw('expected a saved Sequential of Flatten, MLP, Linear, got one of Linear, Linear');
    tf.dispose([...leafEntries(head), ...leafEntries(other)].map(([, x]) => x));
  });

  it('runFinetune: end to end, frozen leaves unchanged, head changed, no leaks', async () => {
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const report = await runFinetune({
      train,
      test,
      path: join(dir, 'e2e.safetensors'),
      pretrainEpochs: 1,
      finetuneEpochs: 1,
      batchSize: 32,
      learningRate: 1e-3,
      headLearningRate: 1e-2,
      seed: 0,
      log: (line) => lines.push(line),
    });
    expect(report.changedFrozen).to.deep.equal([]);
    expect(report.frozenLeaves).to.equal(4);
    expect(report.headChanged).to.equal(true);
    expect(report.baseAccuracy).to.be.within(0, 1);
    expect(lines.some((l) => l.startsWith('frozen leaves bit-identical to the loaded ones: yes'))).to.equal(true);
    expect(tf.memory().numTensors).to.equal(before);
  });
});
