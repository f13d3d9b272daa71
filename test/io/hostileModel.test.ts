/**
 * Model files that ask for more than they hold (issue 10, reproductions 1, 3 and 7): an
 * architecture is built only within what the file's tensors can fill, so a 146-byte file asking
 * for a billion-layer LSTM is a typed error in milliseconds, not an out-of-memory death; trees of
 * any depth and width that `saveModel` writes, `loadModel` reads back; a missing or invalid
 * architecture is the library's `ConfigError`.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../src/engine/backend.js';
import { initialize } from '../../src/init/initialize.js';
import { jsonText } from '../../src/io/jsonText.js';
import { ARCHITECTURE_KEY, decodeModel, encodeModel } from '../../src/io/model.js';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { stateDictKeys } from '../../src/io/stateDictEntries.js';
import { encodeStateDict } from '../../src/io/stateDictFile.js';

import { ConfigError, toConfig } from '../../src/nn/config.js';
import { Linear } from '../../src/nn/Linear.js';
import { Sequential } from '../../src/nn/Sequential.js';
import { key } from '../../src/random/PRNGKey.js';
import type { AnyModule } from '../../src/tree/Field.js';
import { leafEntries } from '../../src/tree/Module.js';
import { loadModel, loadModelSync, saveModel, saveModelSync } from '../../src/node/index.js';

type Tensor = tf.Tensor;

/** A safetensors file with no tensors whose metadata holds `architecture` (JSON). */
const architectureOnly = (architecture: unknown): Uint8Array =>
  serializeSafetensors({}, { [ARCHITECTURE_KEY]: JSON.stringify(architecture) });

/** Frees a module's tensors leaf by leaf (iteratively: `dispose` recurses, and these trees are deep). */
const free = (m: AnyModule<unknown>): void => {
  for (const [, leaf] of leafEntries(m)) if (leaf instanceof tf.Tensor) leaf.dispose();
};

/** Every leaf as its raw 32-bit words, in order. */
const words = (m: AnyModule<unknown>): number[][] =>
  leafEntries(m).map(([, leaf]) => Array.from(new Uint32Array(((leaf as Tensor).dataSync() as Float32Array).slice().buffer)));

const nested = (depth: number): AnyModule<unknown> => {
  let m: AnyModule<unknown> = Linear.create(2, 2);
  for (let i = 0; i < depth; i++) m = Sequential.create([m]) as AnyModule<unknown>;
  return m;
};

describe('io: model files that ask for more than they hold', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallax-hostile-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reproduction 1: a file with no tensors whose architecture is an LSTM of 1e9 layers is a ConfigError within milliseconds', async () => {
    const bytes = architectureOnly({ type: 'LSTM', config: { inputSize: 3, hiddenSize: 4, numLayers: 1_000_000_000 } });
    assert.ok(bytes.length < 160, `${bytes.length} bytes`);
    const file = path.join(dir, 'lstm.safetensors');
    fs.writeFileSync(file, bytes);
    const before = tf.memory().numTensors;
    const heap = process.memoryUsage().heapUsed;
    const started = performance.now();
    for (const load of [() => decodeModel(bytes), () => loadModelSync(file)]) {
      assert.throws(load, (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.match(e.message, /the architecture does not fit the file's tensors/);
        assert.match(
          e.problems[0]!,
          /^architecture: declares more than \d+ parameter tensors, more than the file's 0 tensors \(0 elements\) can fill$/,
        );
        return true;
      });
    }
    await assert.rejects(loadModel(file), ConfigError);
    // Stopped at the first leaves past what 0 tensors can fill: no billion-element array, no time spent.
    assert.ok(performance.now() - started < 2000, `${performance.now() - started} ms`);
    assert.ok(process.memoryUsage().heapUsed - heap < 64 * 2 ** 20, 'heap grew by more than 64 MB');
    assert.equal(tf.memory().numTensors, before);
  });

  it('an architecture a little off is built and reported key by key; one far past the file (elements) is stopped while built', () => {
    const lin = initialize(Linear.create(2, 1))(key(0));
    const before = tf.memory().numTensors;
    const off = encodeStateDict(lin, { metadata: { [ARCHITECTURE_KEY]: JSON.stringify(toConfig(Linear.create(3, 1))) } });
    assert.throws(() => decodeModel(off), {
      name: 'StateDictError',
      message: /shape mismatch for "weight": expected \[1, 3\], got \[1, 2\]/,
    });
    // 2000 x 2000 = 4e6 weights from a file of 3 elements: past twice the file's elements plus 2^20.
    const far = encodeStateDict(lin, { metadata: { [ARCHITECTURE_KEY]: JSON.stringify(toConfig(Linear.create(2000, 2000))) } });
    assert.throws(
      () => decodeModel(far),
      (e: unknown) =>
        e instanceof ConfigError &&
        /declares more than 1048582 parameter elements, more than the file's 2 tensors \(3 elements\) can fill/.test(e.message),
    );
    assert.equal(tf.memory().numTensors, before);
    free(lin);
  });

  it('reproduction 7: no architecture, one that is not JSON, not a config, or from a codec that fails: ConfigError', () => {
    const lin = initialize(Linear.create(2, 1))(key(0));
    const before = tf.memory().numTensors;
    const cases: Array<readonly [Uint8Array, RegExp, object?]> = [
      [
        encodeStateDict(lin),
        /^decodeModel: no architecture in the file:\n {2}metadata\["parallax-ts\.architecture"\]: expected the architecture JSON, got nothing/,
      ],
      [
        encodeStateDict(lin, { metadata: { [ARCHITECTURE_KEY]: '{"type":' } }),
        /^decodeModel: the architecture in the file's metadata is not valid JSON/,
      ],
      [encodeStateDict(lin, { metadata: { [ARCHITECTURE_KEY]: '[1, 2]' } }), /\(root\): expected a layer config/],
      [
        encodeStateDict(lin, { metadata: { [ARCHITECTURE_KEY]: '{"type":"Linear","config":{"inFeatures":2,"outFeatures":0}}' } }),
        /config\.outFeatures: expected a positive integer, got 0/,
      ],
      [
        encodeStateDict(lin, { metadata: { [ARCHITECTURE_KEY]: '{}' } }),
        /^decodeModel: cannot build the architecture:\n {2}architecture: my codec failed/,
        {
          architecture: {
            toConfig: () => ({}),
            fromConfig: () => {
              throw new Error('my codec failed');
            },
          },
        },
      ],
    ];
    for (const [bytes, message, options] of cases) {
      assert.throws(
        () => decodeModel(bytes, options as never),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError, `${String(e)}`);
          assert.match(e.message, message);
          return true;
        },
      );
    }
    assert.throws(() => decodeModel(encodeModel(lin), null as never), {
      name: 'ConfigError',
      message: /options: expected an object like \{ registry \}, got null/,
    });
    assert.equal(tf.memory().numTensors, before);
    free(lin);
  });

  it('reproduction 3: a 2,000-deep tree (8,000 levels of JSON, past JSON.stringify) saves and loads back, files sync and async', async () => {
    const params = initialize(nested(2000) as never)(key(1)) as AnyModule<Tensor>;
    const file = path.join(dir, 'deep.safetensors');
    saveModelSync(file, params);
    const back = loadModelSync(file);
    assert.deepEqual(words(back), words(params));
    // (Compared as text: node's deepEqual recurses too.)
    assert.equal(jsonText(toConfig(back)), jsonText(toConfig(params)));
    assert.equal(stateDictKeys(back)[0], `${'0.'.repeat(2000)}weight`);
    await saveModel(file, back);
    const again = await loadModel(file);
    assert.deepEqual(words(again), words(params));
    for (const m of [params, back, again]) free(m);
  });

  it('a 20,000-wide Sequential saves and loads back', () => {
    const params = initialize(Sequential.create(Array.from({ length: 20_000 }, () => Linear.create(2, 2))))(key(2));
    const bytes = encodeModel(params);
    assert.equal(parseSafetensors(bytes).tensors.size, 40_000);
    const back = decodeModel(bytes, { expect: Sequential });
    assert.equal(back.layers.length, 20_000);
    assert.deepEqual(words(back), words(params));
    free(params);
    free(back);
  });

  it('the depth limit is the same both ways: 10,000 nested layers are written and read, 10,001 are refused before writing', () => {
    const ok = initialize(nested(9_999) as never)(key(3)) as AnyModule<Tensor>;
    const back = decodeModel(encodeModel(ok));
    assert.deepEqual(words(back), words(ok));
    free(ok);
    free(back);
    const tooDeep = initialize(nested(10_000) as never)(key(3)) as AnyModule<Tensor>;
    const file = path.join(dir, 'too-deep.safetensors');
    assert.throws(() => saveModelSync(file, tooDeep), {
      name: 'ConfigError',
      message: /layers nested deeper than 10000 levels \(the limit: maxDepth of nn\.ConfigLimits\)/,
    });
    assert.deepEqual(fs.readdirSync(dir), []);
    free(tooDeep);
  });
});
