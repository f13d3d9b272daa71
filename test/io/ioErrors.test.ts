/**
 * Every error is the library's (issue 10, reproduction 7, io parts): a full disk (ENOSPC) or any
 * other file-system failure is a `FileError` naming the file asked for (not the temporary file),
 * with the system's code and the original error as `cause`, and the old file untouched; reading a
 * missing file, a directory, or a path that is no string is a `FileError` too; arguments of the
 * wrong kind are the library's errors naming the argument.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { atomicWriteFile, atomicWriteFileSync } from '../../src/node/atomicWrite.js';
import { CheckpointError, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { decodeModel, encodeModel } from '../../src/io/model.js';
import { decodeStateDict, encodeStateDict } from '../../src/io/stateDictFile.js';
import { compile } from '../../src/compile/compile.js';
import { builtinLayers } from '../../src/nn/config.js';
import { FileError } from '../../src/io/FileError.js';
import { readSafetensorsFile, readSafetensorsFileSync } from '../../src/node/files.js';
import { loadStateDict } from '../../src/io/loadStateDict.js';
import { StateDictError } from '../../src/io/StateDictError.js';
import { Linear } from '../../src/nn/Linear.js';
import { sgd } from '../../src/optim/sgd.js';
import { initTrainState } from '../../src/optim/trainStep.js';
import { key } from '../../src/random/PRNGKey.js';
import {
  loadCheckpointSync,
  loadModelSync,
  saveCheckpointSync,
  saveModel,
  saveModelSync,
  saveStateDictSync,
} from '../../src/node/index.js';

const nodeFs = createRequire(import.meta.url)('node:fs') as typeof fs;

/** Runs `f` with `fs.writeSync` and `FileHandle#write` failing as a full disk does (ENOSPC). */
const withFullDisk = async <A>(f: () => Promise<A> | A): Promise<A> => {
  const enospc = (syscall: string): NodeJS.ErrnoException =>
    Object.assign(new Error(`ENOSPC: no space left on device, ${syscall}`), { code: 'ENOSPC', errno: -28, syscall });
  const writeSync = nodeFs.writeSync;
  const handleWrite = (await fs.promises.open(os.devNull, 'r').then(async (h) => {
    const proto = Object.getPrototypeOf(h) as { write: unknown };
    await h.close();
    return proto;
  })) as { write: (...args: unknown[]) => unknown };
  const write = handleWrite.write;
  nodeFs.writeSync = (() => {
    throw enospc('write');
  }) as typeof fs.writeSync;
  handleWrite.write = () => Promise.reject(enospc('write'));
  syncBuiltinESMExports();
  try {
    return await f();
  } finally {
    nodeFs.writeSync = writeSync;
    handleWrite.write = write;
    syncBuiltinESMExports();
  }
};

describe("io: every error is the library's", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallax-errors-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ENOSPC while saving (sync and async): a FileError naming the target, code ENOSPC, cause kept, old file byte-identical, no temporary file', async () => {
    const lin = initialize(Linear.create(2, 3))(key(0));
    const target = path.join(dir, 'model.safetensors');
    fs.writeFileSync(target, 'the previous model');
    const check = (e: unknown): boolean => {
      assert.ok(e instanceof FileError, String(e));
      assert.equal(e.path, target);
      assert.equal(e.code, 'ENOSPC');
      assert.equal(e.syscall, 'write');
      assert.match(
        e.message,
        new RegExp(`^cannot write ${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ENOSPC: write failed \\(no space left on the device`),
      );
      assert.ok(!e.message.includes('.tmp'), e.message);
      assert.equal((e.cause as NodeJS.ErrnoException).code, 'ENOSPC');
      return true;
    };
    await withFullDisk(async () => {
      assert.throws(() => saveModelSync(target, lin), check);
      await assert.rejects(saveModel(target, lin), check);
      assert.throws(() => atomicWriteFileSync(target, new Uint8Array(3)), check);
      await assert.rejects(atomicWriteFile(target, new Uint8Array(3)), check);
    });
    assert.equal(fs.readFileSync(target, 'utf8'), 'the previous model');
    assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
    dispose(lin);
  });

  it('reading a missing file, a directory, or a path that is no string: FileError naming the path', async () => {
    const missing = path.join(dir, 'missing.safetensors');
    for (const read of [() => readSafetensorsFileSync(missing), () => loadModelSync(missing)]) {
      assert.throws(
        read,
        (e: unknown) =>
          e instanceof FileError && e.code === 'ENOENT' && e.path === missing && e.message === `cannot read ${missing}: no such file`,
      );
    }
    await assert.rejects(readSafetensorsFile(missing), (e: unknown) => e instanceof FileError && e.code === 'ENOENT');
    assert.throws(
      () => readSafetensorsFileSync(dir),
      (e: unknown) => e instanceof FileError && e.path === dir && /not a regular file/.test(e.message),
    );
    assert.throws(
      () => readSafetensorsFileSync(42 as never),
      (e: unknown) =>
        e instanceof FileError &&
        e.message === 'readSafetensorsFileSync: argument path: expected a file path (a non-empty string), got number',
    );
    assert.throws(() => atomicWriteFileSync(undefined as never, new Uint8Array(1)), { name: 'FileError', message: /argument path/ });
  });

  it("a chunk source that throws is rethrown as it is (it is the caller's error, not the file system's)", () => {
    function* failing(): Generator<Uint8Array> {
      yield new Uint8Array(1);
      throw new RangeError('my source broke');
    }
    assert.throws(() => atomicWriteFileSync(path.join(dir, 'a.bin'), failing()), { name: 'RangeError', message: 'my source broke' });
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('wrong arguments: loadStateDict(m, null), loadCheckpoint(path, null), saveCheckpoint of a broken state', () => {
    assert.throws(
      () => loadStateDict(Linear.create(2, 1), null as never),
      (e: unknown) =>
        e instanceof StateDictError &&
        e.message ===
          'cannot load state dict into Linear: 1 problem\n  - loadStateDict: argument tensors: expected a Map or a record of tensors by state-dict key, got null',
    );
    const lin = initialize(Linear.create(2, 3))(key(0));
    const file = path.join(dir, 'ckpt.safetensors');
    const state = initTrainState(lin, sgd(0.1), key(1));
    saveCheckpointSync(file, state);
    assert.throws(() => loadCheckpointSync(file, null as never), {
      name: 'CheckpointError',
      message: 'loadCheckpointSync: argument template: expected { params, optimizer } or { params, optState }, got null',
    });
    const before = tf.memory().numTensors;
    assert.throws(
      () => saveCheckpointSync(file, { ...state, step: -1 }),
      (e: unknown) => e instanceof CheckpointError && e.message === 'saveCheckpoint: step must be a non-negative integer, got -1',
    );
    assert.throws(() => saveCheckpointSync(file, { ...state, key: 'k' as never }), CheckpointError);
    const gone = tf.zeros([3]);
    gone.dispose();
    assert.throws(
      () => saveCheckpointSync(file, { ...state, params: { ...lin, bias: gone } }),
      (e: unknown) => e instanceof CheckpointError && e.problems.includes('"params.bias" is a disposed tensor'),
    );
    assert.equal(tf.memory().numTensors, before);
    dispose([lin, state.optState]);
  });

  it('an option a reader or writer does not take is refused, naming the ones it takes (as compile does)', () => {
    const lin = initialize(Linear.create(2, 3))(key(0));
    const bytes = encodeStateDict(lin);
    assert.throws(() => encodeStateDict(lin, { meta: {} } as never), {
      name: 'SafetensorsError',
      message: 'encodeStateDict: options: expected only dtypes, metadata, got the unknown option "meta"',
    });
    assert.throws(() => saveStateDictSync(path.join(dir, 'sd.safetensors'), lin, { dtype: 'float16' } as never), {
      name: 'SafetensorsError',
      message: 'saveStateDictSync: options: expected only dtypes, metadata, got the unknown option "dtype"',
    });
    assert.throws(
      () => decodeStateDict(bytes, Linear.create(2, 3), { strict_: false } as never),
      (e: unknown) =>
        e instanceof StateDictError &&
        e.message.endsWith('decodeStateDict: argument options: expected only strict, got the unknown option "strict_"'),
    );
    assert.throws(
      () => encodeModel(lin, { registy: builtinLayers } as never),
      (e: unknown) =>
        String((e as Error).message).includes(
          'options: unknown option "registy"; the options are dtypes, metadata, registry, architecture',
        ),
    );
    assert.throws(
      () => decodeModel(encodeModel(lin), { registy: builtinLayers } as never),
      (e: unknown) =>
        String((e as Error).message).includes('options: unknown option "registy"; the options are registry, architecture, expect'),
    );
    const state = initTrainState(lin, sgd(0.1), key(1));
    assert.throws(() => encodeCheckpoint(state, { meta: {} } as never), {
      name: 'CheckpointError',
      message: 'saveCheckpoint: argument options: expected only metadata, got the unknown option "meta"',
    });
    assert.throws(() => compile((x: number) => x, { cache: 2 } as never), {
      name: 'CompileError',
      message: 'compile: unknown option "cache"; the options are cacheSize, check',
    });
    dispose([lin, state.optState]);
  });
});
