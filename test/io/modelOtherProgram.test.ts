/** A model saved with saveModel is loaded and run by another program that has not its source. */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apply, dispose, initialize, io, nn, random, setMode, tf } from '../../src/index.js';
import { saveModel } from '../../src/node/index.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('io/saveModel: another program loads and runs the model', function () {
  this.timeout(60000);

  it('gives bit-identical outputs in a separate process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-model-'));
    try {
      const arch = nn.Sequential.create([
        nn.Conv2d.create(1, 3, 3, { padding: 1 }),
        nn.BatchNorm2d.create(3),
        nn.MaxPool2d.create(2),
        nn.Flatten.create(),
        nn.Linear.create(3 * 2 * 2, 4),
      ]);
      const model = setMode(initialize(arch)(random.key(5)), 'eval');
      const path = join(dir, 'model.safetensors');
      await saveModel(path, model);
      const x = tf.randomNormal([2, 1, 4, 4], 0, 1, 'float32', 1);
      const y = apply(model, x) as tf.Tensor;
      const input = JSON.stringify({ shape: x.shape, values: Array.from(x.dataSync()) });
      const out = execFileSync(process.execPath, ['--import', 'tsx', resolve(here, 'fixtures/loadModelAndRun.ts'), path, input], {
        encoding: 'utf8',
        env: { ...process.env, PARALLAX_BACKEND: tf.getBackend() },
      });
      const theirs = JSON.parse(out) as { shape: number[]; values: number[] };
      expect(theirs.shape).to.deep.equal(y.shape);
      expect(theirs.values.map((v) => Math.fround(v))).to.deep.equal(Array.from(y.dataSync()));
      dispose([model, x, y]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
