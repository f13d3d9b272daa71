import assert from 'node:assert/strict';
import fc from 'fast-check';
import { foldIn, key, keyData, split, type PRNGKey } from '../../src/random/index.js';
import { casesOf, schemes } from './reference.js';

const words = (ks: ReadonlyArray<PRNGKey>): number[] => ks.flatMap((k) => [...keyData(k)]);

describe('random/split and foldIn', () => {
  for (const partitionable of schemes) {
    describe(`partitionable=${partitionable}`, () => {
      const ref = casesOf(partitionable);
      const k42 = key(42, { partitionable });

      it('split equals jax.random.split bit for bit', () => {
        for (const n of [2, 3, 5]) assert.deepEqual(words(split(k42, n)), ref(`split(k42,${n})`), `n=${n}`);
        assert.deepEqual(words(split(k42)), ref('split(k42,2)'));
      });

      it('foldIn equals jax.random.fold_in bit for bit', () => {
        for (const d of [0, 1, 7, 2147483648, 4294967295]) {
          assert.deepEqual(keyData(foldIn(k42, d)), ref(`fold_in(k42,${d})`), `data=${d}`);
        }
      });

      it('derived keys keep the scheme', () => {
        assert.equal(
          split(k42, 3).every((k) => k.partitionable === partitionable),
          true,
        );
        assert.equal(foldIn(k42, 3).partitionable, partitionable);
        assert.deepEqual(split(k42, 0), []);
      });

      it('splits of one key never collide (1e5 draws)', () => {
        const seen = new Set<string>();
        for (const k of split(k42, 100_000)) seen.add(`${k.data[0]},${k.data[1]}`);
        seen.add(`${k42.data[0]},${k42.data[1]}`);
        assert.equal(seen.size, 100_001);
      });

      it('split keys are distinct from each other and from the parent, for any seed', () => {
        fc.assert(
          fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 64 }), (seed, n) => {
            const k = key(seed, { partitionable, x64: false });
            const all = [k, ...split(k, n)].map((x) => `${x.data[0]},${x.data[1]}`);
            return new Set(all).size === n + 1;
          }),
          { numRuns: 300 },
        );
      });

      it('foldIn with distinct data gives distinct keys', () => {
        fc.assert(
          fc.property(
            fc.integer({ min: 0, max: 2 ** 32 - 1 }),
            fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 2, maxLength: 50 }),
            (seed, data) => {
              const k = key(seed, { partitionable });
              return new Set(data.map((d) => keyData(foldIn(k, d)).join(','))).size === data.length;
            },
          ),
          { numRuns: 300 },
        );
        const k = key(0, { partitionable });
        const seen = new Set<string>();
        for (let d = 0; d < 100_000; d++) seen.add(keyData(foldIn(k, d)).join(','));
        assert.equal(seen.size, 100_000);
      });
    });
  }

  it('partitionable split(k, n)[i] is foldIn(k, i) and independent of n', () => {
    const k = key(9);
    const five = split(k, 5);
    assert.deepEqual(words(split(k, 3)), words(five.slice(0, 3)));
    five.forEach((s, i) => assert.deepEqual(keyData(s), keyData(foldIn(k, i))));
  });

  it('rejects bad n, data and keys with clear errors', () => {
    const k = key(0);
    assert.throws(() => split(k, 1.5), { name: 'RandomError', message: 'split: n must be an integer in [0, 4194304], got 1.5' });
    assert.throws(() => split(k, -1), /split: n must be an integer/);
    assert.throws(() => split(k, 2 ** 31), /split: n must be an integer/);
    assert.throws(() => split(k, Number.NaN), /split: n must be an integer/);
    assert.throws(() => split({ data: [0, 0] } as unknown as PRNGKey), /split: key must be a PRNGKey/);
    assert.throws(() => foldIn(k, -1), { message: 'foldIn: data must be an integer in [0, 2^32 - 1] (a uint32), got -1' });
    assert.throws(() => foldIn(k, 2 ** 32), /foldIn: data must be an integer/);
    assert.throws(() => foldIn(k, 0.5), /foldIn: data must be an integer/);
    assert.throws(() => foldIn(null as unknown as PRNGKey, 0), /foldIn: key must be a PRNGKey, .*got null|foldIn: key must be a PRNGKey/);
  });
});
