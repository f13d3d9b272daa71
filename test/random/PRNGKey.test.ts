import assert from 'node:assert/strict';
import { Eq, Show, isPRNGKey, key, keyData, wrapKeyData, type PRNGKey } from '../../src/random/index.js';
import { casesOf, schemes } from './reference.js';

describe('random/PRNGKey', () => {
  for (const partitionable of schemes) {
    it(`key(seed) equals jax.random.PRNGKey(seed), partitionable=${partitionable}`, () => {
      const ref = casesOf(partitionable);
      for (const seed of [0, 1, 42, 2147483647, -1, 4294967301]) {
        const k = key(seed, { partitionable });
        assert.deepEqual(keyData(k), ref(`PRNGKey(${seed})`), `seed ${seed}`);
        assert.equal(k.partitionable, partitionable);
      }
      assert.deepEqual(keyData(key(4294967301n, { partitionable })), ref('PRNGKey(4294967301)'));
    });
  }

  it('defaults to the partitionable scheme and takes int64 seeds', () => {
    assert.equal(key(0).partitionable, true);
    assert.equal(key(0, {}).partitionable, true);
    assert.deepEqual(keyData(key(-(2n ** 63n))), [0, 0]);
    assert.deepEqual(keyData(key(2n ** 63n - 1n)), [0, 0xffffffff]);
    assert.deepEqual(keyData(key(-2)), [0, 0xfffffffe]);
  });

  it('is an immutable value', () => {
    const k = key(7);
    assert.equal(Object.isFrozen(k), true);
    assert.equal(Object.isFrozen(k.data), true);
    try {
      (k.data as unknown as number[])[0] = 1; // throws in strict mode, ignored in sloppy mode
    } catch {
      // either way the key must not change
    }
    assert.deepEqual(keyData(k), [0, 7]);
  });

  it('isPRNGKey accepts keys only', () => {
    assert.equal(isPRNGKey(key(0)), true);
    assert.equal(isPRNGKey(wrapKeyData([1, 2], { partitionable: false })), true);
    for (const bad of [
      null,
      undefined,
      0,
      [0, 0],
      { data: [0, 0] },
      { _tag: 'PRNGKey', data: [0, -1], partitionable: true },
      { _tag: 'PRNGKey', data: [0, 0] },
    ]) {
      assert.equal(isPRNGKey(bad), false, JSON.stringify(bad));
    }
  });

  it('Eq and Show', () => {
    assert.equal(Eq.equals(key(3), wrapKeyData([0, 3])), true);
    assert.equal(Eq.equals(key(3), key(4)), false);
    assert.equal(Eq.equals(key(3), key(3, { partitionable: false })), false);
    assert.equal(Show.show(key(42)), 'PRNGKey([0, 42])');
    assert.equal(Show.show(key(42, { partitionable: false })), 'PRNGKey([0, 42], legacy)');
  });

  it('rejects bad seeds, options and data with clear errors', () => {
    assert.throws(() => key(1.5), { message: 'key: seed must be an integer (number or bigint), got 1.5' });
    assert.throws(() => key(Number.NaN), /key: seed must be an integer/);
    assert.throws(() => key(Infinity), /key: seed must be an integer/);
    assert.throws(() => key('3' as unknown as number), /key: seed must be an integer .* got "3"/);
    assert.throws(() => key(2n ** 63n), /key: seed must fit in int64/);
    assert.throws(() => key(2 ** 64), /key: seed must fit in int64/);
    assert.throws(() => key(0, { partitionable: 'yes' as unknown as boolean }), /options.partitionable must be a boolean/);
    assert.throws(() => wrapKeyData([0, 2 ** 32]), /wrapKeyData: data must be two uint32/);
    assert.throws(() => keyData([0, 0] as unknown as PRNGKey), /keyData: key must be a PRNGKey/);
  });
});
