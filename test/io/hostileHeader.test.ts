/**
 * Hostile headers (issue 10, reproduction 3): deep nesting, huge arrays and floods of bad entries
 * are `SafetensorsError`s for every reader — never a `RangeError` from a recursive description of
 * the bad value — and the error lists a bounded number of problems, so memory and message stay
 * small whatever the file holds.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeCheckpoint } from '../../src/io/checkpoint.js';

import { readSafetensorsFile, readSafetensorsFileSync } from '../../src/node/files.js';
import { MAX_HEADER_PROBLEMS } from '../../src/io/header.js';
import { decodeModel } from '../../src/io/model.js';

import { parseSafetensors, SafetensorsError } from '../../src/io/safetensors.js';
import { decodeStateDict } from '../../src/io/stateDictFile.js';

import { decodeTensors } from '../../src/io/tensors.js';
import { describeJson } from '../../src/nn/configCodecs.js';
import { Linear } from '../../src/nn/Linear.js';
import { sgd } from '../../src/optim/sgd.js';

/** A file made of a header text and no data. */
const fileOf = (header: string): Uint8Array => {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length);
  new DataView(out.buffer).setUint32(0, h.length, true);
  out.set(h, 8);
  return out;
};

const readers: ReadonlyArray<readonly [string, (bytes: Uint8Array) => unknown]> = [
  ['parseSafetensors', parseSafetensors],
  ['decodeTensors', decodeTensors],
  ['decodeStateDict', (b) => decodeStateDict(b, Linear.create(2, 1))],
  ['decodeModel', (b) => decodeModel(b)],
  ['decodeCheckpoint', (b) => decodeCheckpoint(b, { params: Linear.create(2, 1), optimizer: sgd(0.1) })],
];

describe('io: hostile headers', () => {
  it('reproduction 3: `{"w":` + 5,000 `[` is a SafetensorsError for every reader (1,000,000 too), describing the value in 80 characters', () => {
    for (const [depth, which] of [
      [5000, readers],
      [1_000_000, readers.slice(0, 1)],
    ] as const) {
      const bytes = fileOf(`{"w":${'['.repeat(depth)}${']'.repeat(depth)}}`);
      for (const [name, read] of which) {
        assert.throws(
          () => read(bytes),
          (e: unknown) => {
            assert.ok(e instanceof SafetensorsError, `${name}: ${String(e)}`);
            assert.deepEqual(e.problems, [`tensor "w": expected a tensor entry { dtype, shape, data_offsets }; got ${'['.repeat(77)}...`]);
            return true;
          },
        );
      }
    }
  });

  it('deep nesting in the metadata and in the file readers: the same typed error, naming the file', async () => {
    const bytes = fileOf(`{"__metadata__":{"a":${'{"b":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`);
    assert.throws(() => parseSafetensors(bytes), {
      name: 'SafetensorsError',
      message: /"__metadata__" entry "a": expected string; got \{"b":\{"b":/,
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallax-header-'));
    try {
      const file = path.join(dir, 'deep.safetensors');
      fs.writeFileSync(file, bytes);
      assert.throws(
        () => readSafetensorsFileSync(file),
        (e: unknown) => e instanceof SafetensorsError && e.message.startsWith(`${file}: `),
      );
      await assert.rejects(readSafetensorsFile(file), SafetensorsError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a shape of a million bad dimensions is one problem, naming the first', () => {
    const shape = Array(1_000_000).fill('"a"').join(',');
    assert.throws(
      () => parseSafetensors(fileOf(`{"w":{"dtype":"F32","shape":[2,-1,${shape}],"data_offsets":[0,0]}}`)),
      (e: unknown) => {
        assert.ok(e instanceof SafetensorsError);
        assert.deepEqual(e.problems, ['tensor "w", shape[1]: expected a non-negative integer; got -1']);
        return true;
      },
    );
  });

  it(`20,000 bad entries: the first ${MAX_HEADER_PROBLEMS} problems are listed, the rest counted`, () => {
    const entries = Array.from({ length: 20_000 }, (_, i) => `"w${i}":{"dtype":"X","shape":[],"data_offsets":[0,0]}`);
    assert.throws(
      () => parseSafetensors(fileOf(`{${entries.join(',')}}`)),
      (e: unknown) => {
        assert.ok(e instanceof SafetensorsError);
        assert.equal(e.problems.length, MAX_HEADER_PROBLEMS + 1);
        assert.match(e.problems[0]!, /^tensor "w0", dtype: expected one of F64, F32, F16, BF16, I64, I32, I8, U8, BOOL; got "X"$/);
        assert.equal(e.problems[MAX_HEADER_PROBLEMS], 'and 19900 more problems (not listed)');
        assert.ok(e.message.length < 20_000, `${e.message.length} characters`);
        return true;
      },
    );
    // Layout problems (here: 20,000 overlapping tensors) are capped the same way.
    const overlapping = Array.from({ length: 20_000 }, (_, i) => `"w${i}":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}`);
    const bytes = fileOf(`{${overlapping.join(',')}}`);
    const withData = new Uint8Array(bytes.length + 1);
    withData.set(bytes);
    assert.throws(
      () => parseSafetensors(withData),
      (e: unknown) =>
        e instanceof SafetensorsError &&
        e.problems.length === MAX_HEADER_PROBLEMS + 1 &&
        e.problems[MAX_HEADER_PROBLEMS] === 'and 19899 more problems (not listed)',
    );
  });

  it('describeJson: bounded, iterative, safe on cycles, huge strings and non-JSON values', () => {
    assert.equal(describeJson(undefined), 'nothing');
    assert.equal(describeJson({ a: [1, 'x', null, true] }), '{"a":[1,"x",null,true]}');
    assert.equal(describeJson(Number.NaN), 'NaN');
    assert.equal(describeJson([undefined, () => 1]), '[undefined,a function]');
    assert.equal(describeJson({ a: undefined, b: 2 }), '{"b":2}');
    assert.equal(describeJson(10n), '10n');
    assert.equal(describeJson(JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)), 10), '[[[[[[[...');
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic.self = cyclic;
    assert.equal(describeJson(cyclic, 30), '{"name":"c","self":{"name":...');
    assert.equal(describeJson('x'.repeat(10_000_000), 12), '"xxxxxxxx...');
    assert.equal(describeJson(new Date(0)), '"1970-01-01T00:00:00.000Z"');
  });
});
