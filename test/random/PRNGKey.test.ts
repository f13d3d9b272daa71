import assert from 'node:assert/strict';
import { Eq, RandomError, Show, isPRNGKey, key, keyData, wrapKeyData, type PRNGKey } from '../../src/random/index.js';
import { casesOf, schemes } from './reference.js';

describe('random/PRNGKey', () => {
  for (const partitionable of schemes) {
    it(`key(seed) equals jax.random.PRNGKey(seed) (vectors made with jax_enable_x64=False), partitionable=${partitionable}`, () => {
      const ref = casesOf(partitionable);
      // seeds both of JAX's settings read alike: the default takes them, and so do both x64 modes
      for (const seed of [0, 1, 42, 2147483647]) {
        for (const options of [{ partitionable }, { partitionable, x64: false }, { partitionable, x64: true }]) {
          const k = key(seed, options);
          assert.deepEqual(keyData(k), ref(`PRNGKey(${seed})`), `seed ${seed}, ${JSON.stringify(options)}`);
          assert.equal(k.partitionable, partitionable);
        }
      }
      // a negative seed is JAX's default setting's only with { x64: false }
      assert.deepEqual(keyData(key(-1, { partitionable, x64: false })), ref('PRNGKey(-1)'));
      // JAX (x64 off, outside jit) wraps 4294967301 to 5: here that is asked for explicitly, never done silently
      assert.throws(() => key(4294967301, { partitionable, x64: false }), { name: 'RandomError', message: /sharing the key of 5/ });
      assert.deepEqual(keyData(key(4294967301 % 2 ** 32, { partitionable, x64: false })), ref('PRNGKey(4294967301)'));
    });
  }

  // JAX's own table (tests/random_test.py, test_prng_seeds_and_keys): seed -> key words, per setting.
  const jaxTable: ReadonlyArray<readonly [number, readonly [number, number] | 'refused', readonly [number, number]]> = [
    // [seed, x64 off (int32 seeds, as under jit), x64 on]
    [0, [0, 0], [0, 0]],
    [3, [0, 3], [0, 3]],
    [-1, [0, 4294967295], [4294967295, 4294967295]],
    [-2, [0, 4294967294], [4294967295, 4294967294]],
    [-3, [0, 4294967293], [4294967295, 4294967293]],
    [2 ** 31 - 1 + 100, 'refused', [0, 2147483747]],
    [-(2 ** 31) - 100, 'refused', [4294967295, 2147483548]],
    [-(2 ** 31) - 101, 'refused', [4294967295, 2147483547]],
  ];

  it("follows JAX's threefry_seed in both settings, and refuses what the two read differently unless told which", () => {
    for (const [seed, x32, x64] of jaxTable) {
      assert.deepEqual(keyData(key(seed, { x64: true })), x64, `x64 on, seed ${seed}`);
      assert.deepEqual(keyData(key(BigInt(seed), { x64: true })), x64, `x64 on, seed ${seed}n`);
      if (x32 === 'refused') assert.throws(() => key(seed, { x64: false }), { name: 'RandomError', message: /must be an int32/ });
      else assert.deepEqual(keyData(key(seed, { x64: false })), x32, `x64 off, seed ${seed}`);
      if (seed >= 0 && seed < 2 ** 32) assert.deepEqual(keyData(key(seed)), x64, `default, seed ${seed}`);
      else
        assert.throws(
          () => key(seed),
          { name: 'RandomError', message: /where JAX's two settings make different keys/ },
          `default, seed ${seed}`,
        );
    }
    // 2^31 <= seed < 2^32: JAX outside jit gives [0, seed] with x64 off, and so does x64 on
    assert.deepEqual(keyData(key(3_000_000_000)), [0, 3_000_000_000]);
    assert.deepEqual(keyData(key(3_000_000_000, { x64: true })), [0, 3_000_000_000]);
  });

  it('never lets two seeds share a key silently: key(2 ** 32) is not key(0)', () => {
    assert.throws(
      () => key(2 ** 32),
      (e: unknown) => {
        assert.ok(e instanceof RandomError);
        assert.equal(e.fn, 'key');
        assert.equal(e.argument, 'seed');
        assert.equal(e.actual, 2 ** 32);
        assert.match(e.message, /\{ x64: true \}\) is jax_enable_x64's key \[1, 0\]/);
        return true;
      },
    );
    assert.deepEqual(keyData(key(2 ** 32, { x64: true })), [1, 0]);
    assert.throws(() => key(2 ** 32, { x64: false }), /sharing the key of 0/);
    // over all of int64, x64 keys are distinct: the words are the seed's two's-complement halves
    const seeds = [-(2n ** 63n), -(2n ** 32n), -1n, 0n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 63n - 1n];
    const words = seeds.map((s) => keyData(key(s, { x64: true })).join(','));
    assert.equal(new Set(words).size, seeds.length);
  });

  it('takes BigInt seeds exactly (int64), and refuses numbers that are not exact integers', () => {
    assert.deepEqual(keyData(key(5n)), [0, 5]);
    assert.deepEqual(keyData(key(2n ** 40n + 7n, { x64: true })), [256, 7]);
    assert.deepEqual(keyData(key(-(2n ** 63n), { x64: true })), [2147483648, 0]);
    assert.deepEqual(keyData(key(2n ** 63n - 1n, { x64: true })), [2147483647, 4294967295]);
    assert.deepEqual(keyData(key(-2n, { x64: false })), [0, 0xfffffffe]);
    assert.throws(() => key(2n ** 63n, { x64: true }), { name: 'RandomError', message: /seed must fit in int64/ });
    assert.throws(() => key(-1n), { name: 'RandomError', message: /choose one/ });
    // 2 ** 53 + 2 is exact but its neighbours are not: a number beyond MAX_SAFE_INTEGER is refused
    assert.throws(() => key(2 ** 53 + 2, { x64: true }), { name: 'RandomError', message: /beyond Number.MAX_SAFE_INTEGER.*BigInt/ });
    assert.deepEqual(keyData(key(2n ** 53n + 2n, { x64: true })), [2097152, 2]);
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

  it('defaults to the partitionable scheme', () => {
    assert.equal(key(0).partitionable, true);
    assert.equal(key(0, {}).partitionable, true);
    assert.equal(key(0, { x64: true }).partitionable, true);
  });

  it('Eq and Show', () => {
    assert.equal(Eq.equals(key(3), wrapKeyData([0, 3])), true);
    assert.equal(Eq.equals(key(3), key(4)), false);
    assert.equal(Eq.equals(key(3), key(3, { partitionable: false })), false);
    assert.equal(Show.show(key(42)), 'PRNGKey([0, 42])');
    assert.equal(Show.show(key(42, { partitionable: false })), 'PRNGKey([0, 42], legacy)');
  });

  it('rejects bad seeds, options and data with clear errors', () => {
    assert.throws(() => key(1.5), { name: 'RandomError', message: 'key: seed must be an integer (number or bigint), got 1.5' });
    assert.throws(() => key(Number.NaN), /key: seed must be an integer/);
    assert.throws(() => key(Infinity), /key: seed must be an integer/);
    assert.throws(() => key('3' as unknown as number), /key: seed must be an integer .* got "3"/);
    assert.throws(() => key(2n ** 63n), /key: seed must fit in int64/);
    assert.throws(() => key(2 ** 64), /key: seed must fit in int64/);
    assert.throws(() => key(0, { partitionable: 'yes' as unknown as boolean }), /options.partitionable must be a boolean/);
    assert.throws(() => key(0, { x64: 1 as unknown as boolean }), { name: 'RandomError', message: /options.x64 must be a boolean, got 1/ });
    assert.throws(() => wrapKeyData([0, 2 ** 32]), /wrapKeyData: data must be two uint32/);
    assert.throws(() => keyData([0, 0] as unknown as PRNGKey), /keyData: key must be a PRNGKey/);
  });
});
