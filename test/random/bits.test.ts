import assert from 'node:assert/strict';
import { bits, key, type PRNGKey } from '../../src/random/index.js';
import { casesOf, schemes } from './reference.js';

describe('random/bits', () => {
  for (const partitionable of schemes) {
    it(`equals jax.random.bits bit for bit, partitionable=${partitionable}`, () => {
      const ref = casesOf(partitionable);
      const k42 = key(42, { partitionable });
      assert.deepEqual(Array.from(bits(k42, [7])), ref('bits(k42,(7,))'));
      assert.deepEqual(Array.from(bits(k42, [2, 3])), ref('bits(k42,(2,3))'));
      assert.equal(bits(k42, [0]).length, 0);
      assert.equal(bits(k42, []).length, 1);
      assert.equal(bits(k42, [3, 0, 2]).length, 0);
    });
  }

  it('partitionable bits of a shape are a prefix of a longer draw; legacy ones are not', () => {
    const p = key(42);
    assert.deepEqual(Array.from(bits(p, [2, 3])), Array.from(bits(p, [7])).slice(0, 6));
    const l = key(42, { partitionable: false });
    assert.notDeepEqual(Array.from(bits(l, [6])), Array.from(bits(l, [7])).slice(0, 6));
  });

  it('looks uniform: each bit set about half the time over 1e5 draws', () => {
    for (const partitionable of schemes) {
      const b = bits(key(3, { partitionable }), [100_000]);
      for (let bit = 0; bit < 32; bit++) {
        let ones = 0;
        for (let i = 0; i < b.length; i++) ones += (b[i]! >>> bit) & 1;
        // binomial(1e5, 1/2): sd = 158; 6 sd
        assert.ok(Math.abs(ones - 50_000) < 950, `bit ${bit}`);
      }
    }
  });

  it('rejects bad shapes and keys', () => {
    const k = key(0);
    assert.throws(() => bits(k, [2, -1]), { message: 'bits: shape[1] must be a non-negative integer, got -1' });
    assert.throws(() => bits(k, [1.5]), /bits: shape\[0\] must be a non-negative integer, got 1.5/);
    assert.throws(() => bits(k, 3 as unknown as number[]), /bits: shape must be an array/);
    assert.throws(() => bits(k, [2 ** 20, 2 ** 20]), /bits: shape .* has 1099511627776 elements/);
    assert.throws(() => bits(7 as unknown as PRNGKey, [1]), /bits: key must be a PRNGKey/);
  });
});
