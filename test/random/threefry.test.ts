import assert from 'node:assert/strict';
import fc from 'fast-check';
import { threefry2x32, threefry2x32Blocks } from '../../src/random/index.js';
import { randomReference } from './reference.js';

describe('random/threefry2x32', () => {
  it('matches the Random123 known answers', () => {
    assert.equal(randomReference.threefry2x32_known_answers.length, 3);
    for (const { key, count, out } of randomReference.threefry2x32_known_answers) {
      assert.deepEqual(threefry2x32(key, count), out, `key ${key} count ${count}`);
    }
  });

  it('the vectorised blocks agree with the single block, in place too', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(u32, u32, fc.array(fc.tuple(u32, u32), { minLength: 1, maxLength: 20 }), (k0, k1, counts) => {
        const x0 = Uint32Array.from(counts, (c) => c[0]);
        const x1 = Uint32Array.from(counts, (c) => c[1]);
        const o0 = new Uint32Array(counts.length);
        const o1 = new Uint32Array(counts.length);
        threefry2x32Blocks(k0, k1, x0, x1, o0, o1);
        counts.forEach((c, i) => assert.deepEqual([o0[i], o1[i]], threefry2x32([k0, k1], c)));
        threefry2x32Blocks(k0, k1, x0, x1, x0, x1);
        assert.deepEqual(Array.from(x0), Array.from(o0));
        assert.deepEqual(Array.from(x1), Array.from(o1));
      }),
      { numRuns: 200 },
    );
  });

  it('rejects words that are not uint32 and mismatched arrays', () => {
    assert.throws(() => threefry2x32([0, -1], [0, 0]), /threefry2x32: key must be a pair of uint32/);
    assert.throws(() => threefry2x32([0, 0], [0, 2 ** 32]), /threefry2x32: count must be a pair of uint32/);
    assert.throws(() => threefry2x32([0, 0.5] as [number, number], [0, 0]), /key/);
    assert.throws(() => threefry2x32([0] as unknown as [number, number], [0, 0]), /key/);
    const a = new Uint32Array(2);
    assert.throws(() => threefry2x32Blocks(0, 0, a, new Uint32Array(3), a, a), /equal length/);
    // Every argument is named, never a TypeError from inside the rounds.
    assert.throws(() => threefry2x32Blocks(0, 0, [0, 1] as never, a, a, a), {
      name: 'RandomError',
      message: 'threefry2x32Blocks: x0 must be a Uint32Array, got [0,1]',
    });
    assert.throws(() => threefry2x32Blocks(0, 0, a, a, a, null as never), {
      name: 'RandomError',
      message: 'threefry2x32Blocks: out1 must be a Uint32Array, got null',
    });
    assert.throws(() => threefry2x32Blocks(-1, 0, a, a, a, a), {
      name: 'RandomError',
      message: 'threefry2x32Blocks: k0 must be a uint32 integer, got -1',
    });
    assert.throws(() => threefry2x32Blocks(0, 2n as never, a, a, a, a), {
      name: 'RandomError',
      message: 'threefry2x32Blocks: k1 must be a uint32 integer, got 2n',
    });
  });
});
