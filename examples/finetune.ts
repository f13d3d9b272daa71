/**
 * Fine-tuning a saved model: train an MLP on digits 0–4 and save it; then, as a second program
 * would, load it, put a new head on it for digits 5–9 and train only that head, checking that the
 * loaded layers did not move by a single bit. The pieces live in `finetune/`.
 *
 * Run: `npm run example:finetune` (about 10 s on the wasm backend).
 */
import { mkdirSync } from 'node:fs';
import { ready, tf } from '../src/index.js';
import { runFinetune } from './finetune/run.js';
import { loadMnist } from './mnist/data.js';

const main = async (): Promise<void> => {
  const backend = await ready();
  console.log(`backend: ${backend}`);
  const started = performance.now();
  const { train, test } = loadMnist();
  mkdirSync('out', { recursive: true });
  const report = await runFinetune({
    train,
    test,
    path: 'out/finetune-base.safetensors',
    pretrainEpochs: 3,
    // A lone linear head learns slowly at the base model's rate: more epochs, a higher rate.
    finetuneEpochs: 10,
    batchSize: 64,
    learningRate: 1e-3,
    headLearningRate: 1e-2,
    seed: 0,
    log: (line) => console.log(line),
  });
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`tensors alive at exit: ${tf.memory().numTensors}`);
  if (report.changedFrozen.length > 0 || !report.headChanged) process.exitCode = 1;
};

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
