/**
 * What a checkpoint says is checked, not only how it is laid out (issue 10, reproduction 4): an
 * optimizer count must be a non-negative integer (an Adam count of −5 gave NaN parameters after one
 * step; 0.5 and 1e308 were taken too), a key exactly two uint32 words (a third was dropped
 * silently), every moment of the shape and dtype its parameter and optimizer give — and every
 * violation is listed in the one `CheckpointError`, with nothing allocated.
 */
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { CHECKPOINT_METADATA_KEY, CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { Linear } from '../../src/nn/Linear.js';
import { adam } from '../../src/optim/adam.js';
import { chain } from '../../src/optim/chain.js';
import { clipByGlobalNorm } from '../../src/optim/clipByGlobalNorm.js';
import { initTrainState } from '../../src/optim/trainStep.js';
import { key } from '../../src/random/PRNGKey.js';

type Header = {
  step: unknown;
  key: { data: unknown; scheme: unknown };
  optState: { tensors: string[]; scalars: Record<string, unknown> };
};

/** The checkpoint with its header (the JSON inside the metadata) edited by `edit`. */
const withHeader = (bytes: Uint8Array, edit: (h: Header) => void): Uint8Array => {
  const file = parseSafetensors(bytes);
  const header = JSON.parse(file.metadata[CHECKPOINT_METADATA_KEY]!) as Header;
  edit(header);
  return serializeSafetensors(file.tensors, { [CHECKPOINT_METADATA_KEY]: JSON.stringify(header) });
};

/** The checkpoint with one tensor's dtype or shape changed in its safetensors header (the bytes reinterpreted). */
const retyped = (bytes: Uint8Array, name: string, dtype: 'I32', shape?: number[]): Uint8Array => {
  const file = parseSafetensors(bytes);
  const tensors = new Map(file.tensors);
  const t = tensors.get(name)!;
  tensors.set(name, { dtype, shape: shape ?? t.shape, data: t.data });
  return serializeSafetensors(tensors, file.metadata);
};

const problemsOf = (f: () => unknown): ReadonlyArray<string> => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CheckpointError, String(e));
    return e.problems;
  }
  return assert.fail('expected a CheckpointError');
};

describe('io: checkpoint semantics are validated', () => {
  const opt = adam(1e-3);
  const template = () => ({ params: Linear.create(2, 3), optimizer: opt });
  let bytes: Uint8Array;
  before(() => {
    const params = initialize(Linear.create(2, 3))(key(0));
    const state = initTrainState(params, opt, key(1));
    bytes = encodeCheckpoint(state);
    dispose([params, state.optState]);
  });

  it('reproduction 4: an Adam count of -5, 0.5 or 1e308 is refused, naming the value; a valid one restores', () => {
    const before = tf.memory().numTensors;
    for (const count of [-5, 0.5, 1e308, 2 ** 53]) {
      const bad = withHeader(bytes, (h) => {
        h.optState.scalars['optState.0.count'] = count;
      });
      assert.deepEqual(
        problemsOf(() => decodeCheckpoint(bad, template())),
        [`bad value: optimizer counter "optState.0.count" is ${count} in the checkpoint, expected a non-negative integer up to 2^53 - 1`],
      );
    }
    assert.equal(tf.memory().numTensors, before);
    const good = withHeader(bytes, (h) => {
      h.optState.scalars['optState.0.count'] = 7;
    });
    const { state } = decodeCheckpoint(good, template());
    assert.equal((state.optState as unknown as ReadonlyArray<{ count: number }>)[0]!.count, 7);
    dispose([state.params, state.optState]);
  });

  it('reproduction 4: a key of three words (or one, or a word past uint32) is refused, not truncated', () => {
    for (const data of [[1, 2, 3], [1], [1, 2 ** 32], [-1, 0]]) {
      const bad = withHeader(bytes, (h) => {
        h.key.data = data;
      });
      assert.deepEqual(
        problemsOf(() => decodeCheckpoint(bad, template())),
        [`key.data: expected [word, word] (exactly two uint32s), got ${JSON.stringify(data)}`],
      );
    }
  });

  it('a negative or fractional step is refused', () => {
    for (const step of [-1, 1.5]) {
      const bad = withHeader(bytes, (h) => {
        h.step = step;
      });
      assert.deepEqual(
        problemsOf(() => decodeCheckpoint(bad, template())),
        [`step: expected a non-negative integer, got ${step}`],
      );
    }
  });

  it("every moment must have its parameter's shape and the dtype the optimizer gives; every violation is listed at once", () => {
    const before = tf.memory().numTensors;
    let bad = retyped(bytes, 'optState.0.mu.weight', 'I32');
    bad = retyped(bad, 'optState.0.nu.bias', 'I32', [1, 3]);
    bad = withHeader(bad, (h) => {
      h.optState.scalars['optState.0.count'] = -1;
    });
    assert.deepEqual(
      problemsOf(() => decodeCheckpoint(bad, template())),
      [
        'wrong dtype: "optState.0.mu.weight" is int32[3, 2] in the checkpoint, the model expects float32[3, 2]',
        'wrong shape: "optState.0.nu.bias" is int32[1, 3] in the checkpoint, the model expects float32[3]',
        'bad value: optimizer counter "optState.0.count" is -1 in the checkpoint, expected a non-negative integer up to 2^53 - 1',
      ],
    );
    assert.equal(tf.memory().numTensors, before);
  });

  it('counts of chained transforms are checked wherever they sit; the template is an argument named in its error', () => {
    const chained = chain(clipByGlobalNorm(1), adam(1e-3));
    const params = initialize(Linear.create(2, 3))(key(0));
    const state = initTrainState(params, chained, key(1));
    const ok = encodeCheckpoint(state);
    dispose([params, state.optState]);
    const counts = Object.keys(JSON.parse(parseSafetensors(ok).metadata[CHECKPOINT_METADATA_KEY]!).optState.scalars as object);
    assert.ok(counts.length > 0);
    const bad = withHeader(ok, (h) => {
      for (const c of counts) h.optState.scalars[c] = -2;
    });
    assert.deepEqual(
      problemsOf(() => decodeCheckpoint(bad, { params: Linear.create(2, 3), optimizer: chained })),
      counts.map((c) => `bad value: optimizer counter "${c}" is -2 in the checkpoint, expected a non-negative integer up to 2^53 - 1`),
    );
    assert.throws(() => decodeCheckpoint(ok, null as never), {
      name: 'CheckpointError',
      message: 'decodeCheckpoint: argument template: expected { params, optimizer } or { params, optState }, got null',
    });
    assert.throws(() => decodeCheckpoint(ok, { params: Linear.create(2, 3), optimizer: {} } as never), { name: 'CheckpointError' });
  });
});
