/** Checkpoints: round trips, mismatch reports, header validation, crash safety, bit-identical resume. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose, forEachTensor } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { serializeSafetensors } from '../../src/io/safetensors.js';
import { tensorsToRaw } from '../../src/io/tensors.js';
import { writeSafetensorsFileSync } from '../../src/node/files.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { Sequential } from '../../src/nn/Sequential.js';
import * as optim from '../../src/optim/index.js';
import { Eq as KeyEq, key } from '../../src/random/PRNGKey.js';
import { type AnyModule, type Relabel, toArray } from '../../src/tree/Module.js';
import { Toy } from '../optim/toy.js';
import { loadCheckpoint, loadCheckpointSync, saveCheckpoint } from '../../src/node/index.js';

type Tensor = tf.Tensor;

const here = nodePath.dirname(fileURLToPath(import.meta.url));

/** An uninitialized model: a restore template as it is (lazy leaves carry the shapes). */
const mlp = (hidden: number) => Sequential.create([Linear.create(3, hidden), Dropout.create(0.3), Linear.create(hidden, 2)]);
/** The initialized model's type, computed from its layers: `Sequential.forward` returns a Tensor. */
type Net = Relabel<ReturnType<typeof mlp>, Tensor>;

/** Every tensor of a structure as raw bits, in traversal order (for bitwise comparisons). */
const bits = (u: unknown): number[][] => {
  const out: number[][] = [];
  forEachTensor(u, (t) => out.push(Array.from(new Uint32Array(new Float32Array(t.dataSync() as Float32Array).buffer))));
  return out;
};

const makeStep = () =>
  optim.trainStep({
    loss: (m: Net, batch: { x: Tensor; y: Tensor }) => tf.mean(tf.square(tf.sub(Sequential.forward(m, batch.x), batch.y))),
    optimizer: optim.chain(optim.clipByGlobalNorm(1), optim.adam(optim.cosineDecay(0.05, 40))),
    // Freeze the last layer's bias: its optimizer state is null and must round-trip as such.
    trainable: (info) => info.path !== 'layers.2.bias',
  });

/** The batch of a given step: deterministic, so that runs can be compared. */
const batchAt = (step: number) => ({
  x: tf.randomNormal([4, 3], 0, 1, 'float32', 100 + step),
  y: tf.randomNormal([4, 2], 0, 1, 'float32', 200 + step),
});

const train = <S>(step: optim.TrainStep<Net, { x: Tensor; y: Tensor }, S>, s: optim.TrainState<Net, S>, n: number) => {
  for (let i = 0; i < n; i++) {
    const batch = batchAt(s.step);
    s = step(s, batch)[0];
    dispose(batch);
  }
  return s;
};

describe('io: checkpoints', () => {
  let dir = '';
  beforeEach(() => (dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'parallax-ckpt-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips params, optimizer state (counts, moments, frozen nulls), key, step and metadata', async () => {
    const before = tf.memory().numTensors;
    const step = makeStep();
    const s = train(step, step.init(initialize(mlp(5))(key(3)), key(4)), 3);
    const path = nodePath.join(dir, 'ckpt.safetensors');
    await saveCheckpoint(path, s, { metadata: { epoch: 2, config: { lr: 0.05, tags: ['a'] } } });
    const { state, metadata } = await loadCheckpoint(path, { params: mlp(5), optimizer: step.optimizer });
    expect(bits(state.params)).to.deep.equal(bits(s.params));
    expect(bits(state.optState)).to.deep.equal(bits(s.optState));
    const structure = (u: unknown): string => JSON.stringify(u, (_k, v) => (v instanceof tf.Tensor ? v.shape : v));
    expect(structure(state.optState)).to.equal(structure(s.optState), 'same structure, counts and null moments');
    // Typed per link, moments of the model's kind: no cast.
    const [, [adamState, lrState]] = state.optState;
    const mu: Relabel<Net, Tensor | null> = adamState.mu;
    expect(adamState.count).to.equal(3);
    expect(lrState.count).to.equal(3);
    expect(toArray(mu)[3]).to.equal(null, 'the frozen bias has no moment');
    expect(mu.layers[2].bias).to.equal(null, 'the frozen bias has no moment, at its own path');
    expect(KeyEq.equals(state.key, s.key)).to.equal(true);
    expect(state.step).to.equal(3);
    expect(metadata).to.deep.equal({ epoch: 2, config: { lr: 0.05, tags: ['a'] } });
    // In memory, with an initialized template.
    const again = decodeCheckpoint(encodeCheckpoint(s), { params: s.params, optimizer: step.optimizer });
    expect(bits(again.state.params)).to.deep.equal(bits(s.params));
    dispose([s.params, s.optState, state.params, state.optState, again.state.params, again.state.optState]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('a fresh model (lazy leaves) is a template as it is: no cast, and the restored params are typed as tensors', () => {
    const step = makeStep();
    const s = train(step, step.init(initialize(mlp(4))(key(1)), key(2)), 2);
    const before = tf.memory().numTensors;
    // `mlp(4)` is a Sequential<ParamInit<Tensor>>: the template type must accept it with the
    // optimizer, and the result must be Sequential<Tensor>, usable where the model is expected.
    const { state } = decodeCheckpoint(encodeCheckpoint(s), { params: mlp(4), optimizer: step.optimizer });
    const restored: Net = state.params;
    expect(bits(restored)).to.deep.equal(bits(s.params));
    const batch = batchAt(state.step);
    const resumed = step({ ...state, params: restored }, batch)[0];
    dispose(batch);
    expect(resumed.step).to.equal(3);
    dispose([resumed.params, resumed.optState]);
    expect(tf.memory().numTensors).to.equal(before);
    dispose([s.params, s.optState]);
  });

  it('restoring into a model of the wrong shape lists every mismatch, and allocates nothing', () => {
    const step = makeStep();
    const s = step.init(initialize(mlp(5))(key(0)), key(1));
    const path = nodePath.join(dir, 'ckpt.safetensors');
    fs.writeFileSync(path, encodeCheckpoint(s));
    const before = tf.memory().numTensors;
    const problemsOf = (params: AnyModule<unknown>): { message: string; problems: ReadonlyArray<string> } => {
      try {
        loadCheckpointSync(path, { params, optimizer: step.optimizer });
      } catch (e) {
        expect(e).to.be.instanceOf(CheckpointError);
        return { message: (e as Error).message, problems: (e as CheckpointError).problems };
      }
      throw new Error('expected a CheckpointError');
    };

    // Hidden size 4 instead of 5: layers.0.weight, layers.0.bias, layers.2.weight, each in params, mu and nu.
    const narrow = problemsOf(mlp(4));
    expect(narrow.message).to.contain(path);
    for (const p of ['params.layers.0.weight', 'params.layers.0.bias', 'params.layers.2.weight']) {
      expect(narrow.problems.some((x) => x.startsWith(`wrong shape: "${p}"`))).to.equal(true, p);
    }
    expect(narrow.problems.filter((x) => x.startsWith('wrong shape')).length).to.equal(9);
    expect(narrow.message).to.contain('"params.layers.0.weight" is float32[5, 3] in the checkpoint, the model expects float32[4, 3]');

    // An extra layer: its tensors and their moments are missing.
    const bigger = Sequential.create([Linear.create(3, 5), Dropout.create(0.3), Linear.create(5, 2), Linear.create(2, 2)]);
    const missing = problemsOf(bigger).problems;
    expect(missing).to.include.members([
      'missing: "params.layers.3.weight" (float32[2, 2]) is not in the checkpoint',
      'missing: "params.layers.3.bias" (float32[2]) is not in the checkpoint',
    ]);
    expect(missing.filter((x) => x.startsWith('missing')).length).to.equal(6);

    // A layer fewer: the checkpoint's extra tensors are unexpected.
    const smaller = Sequential.create([Linear.create(3, 5), Dropout.create(0.3)]);
    const unexpected = problemsOf(smaller).problems;
    expect(unexpected).to.include('unexpected: "params.layers.2.weight" (float32[2, 5]) has no place in the model');
    // weight, bias and (only) the weight's two moments: the bias is frozen.
    expect(unexpected.filter((x) => x.startsWith('unexpected')).length).to.equal(4);

    expect(tf.memory().numTensors).to.equal(before);
    dispose([s.params, s.optState]);
  });

  it('rejects files that are not checkpoints or whose header is invalid, naming the problem', () => {
    const w = tf.ones([2]);
    const toyTemplate = { params: Toy.make({ a: w, b: w, stat: w, label: '' }), optState: {} };
    const plain = nodePath.join(dir, 'plain.safetensors');
    writeSafetensorsFileSync(plain, tensorsToRaw({ w }));
    expect(() => loadCheckpointSync(plain, toyTemplate)).to.throw(CheckpointError, /not a parallax-ts checkpoint/);
    const header = {
      format: 'parallax-ts/checkpoint',
      version: 2,
      step: -1,
      key: { data: [0, 1], scheme: 'partitionable' },
      params: [],
      optState: { tensors: [], scalars: {} },
      metadata: {},
    };
    const bytes = serializeSafetensors(new Map(), { 'parallax-ts/checkpoint': JSON.stringify(header) });
    let err: unknown;
    try {
      decodeCheckpoint(bytes, toyTemplate);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(CheckpointError);
    expect((err as Error).message).to.match(/invalid checkpoint header/);
    expect((err as CheckpointError).problems.length).to.be.greaterThanOrEqual(2, 'version and step');
    w.dispose();
  });

  it('resuming continues bit-identically: N steps straight equals N/2, save, restore, N/2', async () => {
    const before = tf.memory().numTensors;
    const N = 16;
    const step = makeStep();
    const start = () => step.init(initialize(mlp(6))(key(11)), key(12));
    const straight = train(step, start(), N);

    const half = train(step, start(), N / 2);
    const path = nodePath.join(dir, 'half.safetensors');
    await saveCheckpoint(path, half);
    dispose([half.params, half.optState]);
    const { state } = await loadCheckpoint(path, { params: mlp(6), optimizer: step.optimizer });
    const resumed = train(step, state, N / 2);

    expect(resumed.step).to.equal(N);
    expect(KeyEq.equals(resumed.key, straight.key)).to.equal(true);
    expect(bits(resumed.params)).to.deep.equal(bits(straight.params));
    expect(bits(resumed.optState)).to.deep.equal(bits(straight.optState));
    dispose([straight.params, straight.optState, resumed.params, resumed.optState]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('a process killed (SIGKILL) mid-save leaves the previous checkpoint intact and loadable', async function () {
    this.timeout(60_000);
    const SIZE = 2 ** 22; // 16 MB per tree, so a save takes a while
    const path = nodePath.join(dir, 'ckpt.safetensors');
    const child = spawn(process.execPath, ['--import', 'tsx', nodePath.join(here, 'fixtures', 'checkpointWriter.ts'), path, String(SIZE)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastSaved = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      for (const m of d.toString().matchAll(/saved (\d+)/g)) lastSaved = Number(m[1]);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Wait until a checkpoint exists and the next save's temporary file is being written, then kill.
    const deadline = Date.now() + 45_000;
    let killedMidSave = false;
    try {
      while (Date.now() < deadline && child.exitCode === null) {
        if (lastSaved >= 2 && fs.readdirSync(dir).some((f) => f.endsWith('.tmp'))) {
          child.kill('SIGKILL');
          killedMidSave = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
    } finally {
      if (!killedMidSave) child.kill('SIGKILL');
    }
    const signal = await exited;
    expect(stderr).to.equal('');
    expect(killedMidSave).to.equal(true, 'the child was killed while a save was in progress');
    expect(signal).to.equal('SIGKILL');

    const filled = (v: number) => Toy.make({ a: tf.fill([SIZE], v), b: tf.fill([2], v), stat: tf.fill([1], v), label: 'toy' });
    const like = { params: filled(0), optState: { count: 0, m: filled(0) } };
    const { state, metadata } = loadCheckpointSync(path, like);
    const k = state.step;
    // The file is one complete version: the last one reported, or one whose rename beat the report.
    expect([lastSaved, lastSaved + 1]).to.include(k);
    expect(metadata).to.deep.equal({ version: k });
    expect(state.optState.count).to.equal(k);
    const a = state.params.a.dataSync();
    expect(a.length).to.equal(SIZE);
    expect(a.every((x) => x === k)).to.equal(true);
    expect(state.optState.m.a.dataSync().every((x) => x === -k)).to.equal(true);
    expect(KeyEq.equals(state.key, key(k))).to.equal(true);
    dispose([like, state.params, state.optState]);
  });
});
