import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { ARCHITECTURE_KEY, decodeModel, encodeModel } from '../../src/io/model.js';
import { parseSafetensors } from '../../src/io/safetensors.js';
import { stateDictKeys } from '../../src/io/stateDictEntries.js';
import { encodeStateDict } from '../../src/io/stateDictFile.js';

import { random } from '../../src/index.js';
import { builtinLayers, ConfigError, configurable, toConfig } from '../../src/nn/config.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { LSTM } from '../../src/nn/LSTM.js';
import { MLP } from '../../src/nn/MLP.js';
import { Sequential } from '../../src/nn/Sequential.js';
import * as t from 'io-ts/lib/index.js';
import { type AnyModule, apply, constant, defineModule, param, paramInit, specOf } from '../../src/tree/index.js';
import { makeNet, Net } from '../support/stateDictNet.js';
import { loadModel, loadModelSync, saveModel, saveModelSync } from '../../src/node/index.js';

type Tensor = tf.Tensor;

const sameBits = (a: Tensor, b: Tensor): void => {
  assert.deepEqual(a.shape, b.shape);
  assert.deepEqual(
    new Uint32Array((a.dataSync() as Float32Array).slice().buffer),
    new Uint32Array((b.dataSync() as Float32Array).slice().buffer),
  );
};

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'parallax-model-'));

describe('io/model (architecture + weights in one file)', () => {
  it('Sequential of Linear/Dropout/Linear: saveModel → loadModel (async and sync) in a program without the source gives identical outputs', async () => {
    const dir = tmp();
    try {
      const model = initialize(Sequential.create([Linear.create(3, 8), Dropout.create(0.1), Linear.create(8, 4)]))(random.key(5));
      const x = tf.tensor([
        [1, -2, 0.5],
        [0, 3, -1],
      ]);
      const y = apply(model, x);
      const file = path.join(dir, 'model.safetensors');
      await saveModel(file, model, { metadata: { note: 'hello' } });
      const before = tf.memory().numTensors;
      const loaded = await loadModel(file);
      assert.equal(tf.memory().numTensors, before + 4);
      assert.equal(specOf(loaded).name, 'Sequential');
      const y2 = apply(loaded, x) as Tensor;
      sameBits(y2, y);
      // The file: a plain state dict under the model's keys, the architecture as JSON in the metadata.
      const parsed = parseSafetensors(new Uint8Array(fs.readFileSync(file)));
      assert.deepEqual([...parsed.tensors.keys()].sort(), [...stateDictKeys(model)].sort());
      assert.deepEqual(JSON.parse(parsed.metadata[ARCHITECTURE_KEY]!), toConfig(model));
      assert.equal(parsed.metadata.note, 'hello');
      saveModelSync(path.join(dir, 'sync.safetensors'), loaded);
      const again = loadModelSync(path.join(dir, 'sync.safetensors'));
      const y3 = apply(again, x) as Tensor;
      sameBits(y3, y);
      dispose([model, x, y, loaded, y2, again, y3]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('MLP and LSTM round-trip through bytes with identical outputs, leaking nothing', () => {
    const before = tf.memory().numTensors;
    const mlp = initialize(MLP.create([4, 6, 3]))(random.key(1));
    const lstm = initialize(LSTM.create(3, 5, { numLayers: 2 }))(random.key(2));
    const x = tf.tensor([[0.1, 0.2, -0.3, 0.4]]);
    const seq = tf.tensor([
      [
        [1, 0, -1],
        [0.5, 0.5, 0.5],
      ],
    ]);
    const mlp2 = decodeModel(encodeModel(mlp), { expect: MLP });
    const lstm2 = decodeModel(encodeModel(lstm), { expect: LSTM });
    const [a, b] = [apply(mlp, x), MLP.forward(mlp2, x)];
    sameBits(b, a);
    const out1 = apply(lstm, seq);
    const out2 = LSTM.forward(lstm2, seq);
    sameBits(out2[0], out1[0]);
    sameBits(out2[1][0], out1[1][0]);
    sameBits(out2[1][1], out1[1][1]);
    dispose([mlp, lstm, x, seq, mlp2, lstm2, a, b, out1, out2]);
    assert.equal(tf.memory().numTensors, before);
  });

  it('a custom architecture codec carries a user module', () => {
    const codec = {
      toConfig: (m: AnyModule<unknown>) => ({ kind: specOf(m).name }),
      fromConfig: (json: unknown) => {
        assert.deepEqual(json, { kind: 'Net' });
        return makeNet();
      },
    };
    const net = initialize(makeNet())(random.key(9));
    const x = tf.tensor([[1, 2, 3]]);
    const back = decodeModel(encodeModel(net, { architecture: codec }), { architecture: codec, expect: Net });
    const y1 = Net.forward(net, x);
    const y2 = Net.forward(back, x);
    sameBits(y2, y1);
    dispose([net, x, back, y1, y2]);
  });

  it('fails before writing: an unregistered layer, an uninitialized leaf, a reserved metadata key', async () => {
    const dir = tmp();
    try {
      const file = path.join(dir, 'm.safetensors');
      const net = initialize(makeNet())(random.key(0));
      await assert.rejects(saveModel(file, net), { message: /toConfig: Net is not a registered layer/ });
      assert.throws(() => saveModelSync(file, Linear.create(2, 1)), { message: /cannot save an uninitialized module/ });
      const lin = initialize(Linear.create(2, 1))(random.key(0));
      assert.throws(() => saveModelSync(file, lin, { metadata: { [ARCHITECTURE_KEY]: '{}' } }), {
        name: 'SafetensorsError',
        message: `saveModelSync: metadata key "${ARCHITECTURE_KEY}" is reserved for the architecture`,
      });
      assert.deepEqual(fs.readdirSync(dir), []);
      dispose([net, lin]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a weights-only file or a bad architecture is a clear error, leaking nothing', () => {
    const lin = initialize(Linear.create(2, 1))(random.key(0));
    const before = tf.memory().numTensors;
    assert.throws(() => decodeModel(encodeStateDict(lin)), {
      name: 'ConfigError',
      message:
        `decodeModel: no architecture in the file:\n  metadata["${ARCHITECTURE_KEY}"]: expected the architecture JSON, got nothing: ` +
        'the file holds weights only (load them into a module with loadStateDictFile(path, module))',
    });
    assert.throws(() => decodeModel(encodeStateDict(lin, { metadata: { [ARCHITECTURE_KEY]: '{' } })), {
      name: 'ConfigError',
      message: /^decodeModel: the architecture in the file's metadata is not valid JSON/,
    });
    // An architecture whose shapes disagree with the weights: the strict state-dict check reports it.
    const wrong = JSON.stringify({ type: 'Linear', config: { inFeatures: 3, outFeatures: 1, bias: true } });
    assert.throws(() => decodeModel(encodeStateDict(lin, { metadata: { [ARCHITECTURE_KEY]: wrong } })), {
      name: 'StateDictError',
      message: 'cannot load state dict into Linear: 1 problem\n  - shape mismatch for "weight": expected [1, 3], got [1, 2]',
    });
    assert.equal(tf.memory().numTensors, before);
    dispose(lin);
  });

  it('typed loading: { expect: Def } gives a module of that kind, or a ConfigError naming both kinds before any tensor is made', async () => {
    const dir = tmp();
    try {
      const model = initialize(Sequential.create([Linear.create(3, 8), Dropout.create(0.1), Linear.create(8, 4)]))(random.key(5));
      const x = tf.tensor([[1, -2, 0.5]]);
      const y = Sequential.forward(model, x);
      const file = path.join(dir, 'model.safetensors');
      await saveModel(file, model);
      // The kind is checked at run time and typed at compile time: no cast to reach `layers`.
      const loaded = await loadModel(file, { expect: Sequential });
      assert.equal(loaded.layers.length, 3);
      sameBits(Sequential.forward(loaded, x) as Tensor, y);
      const sync = loadModelSync(file, { expect: Sequential });
      sameBits(Sequential.forward(sync, x) as Tensor, y);
      const bytes = encodeModel(model);
      const decoded = decodeModel(bytes, { expect: Sequential });
      assert.equal(specOf(decoded).URI, Sequential.URI);

      // The wrong kind: a ConfigError with both kinds, nothing allocated, async, sync and from bytes.
      const before = tf.memory().numTensors;
      const mismatch = {
        name: 'ConfigError',
        message:
          `${file}: the model is a Sequential, not the Linear expected:\n` +
          '  type: expected a Linear (parallax-ts/nn/Linear), got a Sequential (parallax-ts/nn/Sequential)',
      };
      await assert.rejects(loadModel(file, { expect: Linear }), mismatch);
      assert.throws(() => loadModelSync(file, { expect: Linear }), mismatch);
      let error: unknown;
      try {
        decodeModel(bytes, { expect: MLP });
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems, ['type: expected a MLP (parallax-ts/nn/MLP), got a Sequential (parallax-ts/nn/Sequential)']);
      assert.match(error.message, /^decodeModel: the model is a Sequential, not the MLP expected:/);
      assert.equal(tf.memory().numTensors, before);
      dispose([model, x, y, loaded, sync, decoded]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a registry option carries user layers through saveModel / loadModel; without it they are refused', async () => {
    const OffsetDef = defineModule('test/io/Offset', {
      name: 'Offset',
      fields: { shift: param(), size: constant<number>() },
      create: (size: number) => ({ shift: paramInit([size], (shape) => () => tf.fill([...shape], 0.25)), size }),
      forward: (m, x: Tensor) => tf.add(x, m.shift),
    });
    const Offset = configurable(OffsetDef, t.type({ size: t.number }), {
      toConfig: (m) => ({ size: m.size }),
      fromConfig: (c) => OffsetDef.create(c.size),
    });
    const registry = builtinLayers.with(Offset);
    const dir = tmp();
    try {
      const model = initialize(Sequential.create([Linear.create(2, 3), Offset.create(3)]))(random.key(2));
      const x = tf.tensor([[0.5, -1]]);
      const y = Sequential.forward(model, x);
      const file = path.join(dir, 'model.safetensors');
      await assert.rejects(saveModel(file, model), { message: /toConfig: Offset is not a registered layer/ });
      assert.deepEqual(fs.readdirSync(dir), []);
      await saveModel(file, model, { registry });
      assert.deepEqual(
        JSON.parse(parseSafetensors(new Uint8Array(fs.readFileSync(file))).metadata[ARCHITECTURE_KEY]!),
        toConfig(model, registry),
      );
      const before = tf.memory().numTensors;
      await assert.rejects(loadModel(file), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.deepEqual(e.problems, [
          `config.layers.1.type: expected a registered layer name (${builtinLayers.names().join(', ')}), got "Offset"`,
        ]);
        return true;
      });
      assert.equal(tf.memory().numTensors, before);
      const loaded = await loadModel(file, { registry, expect: Sequential });
      sameBits(Sequential.forward(loaded, x) as Tensor, y);
      const again = decodeModel(encodeModel(loaded, { registry }), { registry });
      sameBits(apply(again, x) as Tensor, y);
      assert.throws(
        () =>
          decodeModel(encodeModel(model, { registry }), { registry, architecture: { toConfig, fromConfig: () => Linear.create(2, 3) } }),
        {
          name: 'ConfigError',
          message: 'decodeModel: invalid argument:\n  options: give a registry or an architecture codec, not both',
        },
      );
      dispose([model, x, y, loaded, again]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
