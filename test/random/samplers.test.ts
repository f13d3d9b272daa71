import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tf } from '../../src/engine/backend.js';
import {
  bernoulli,
  categorical,
  erf32,
  gumbel,
  key,
  nextAfterF32,
  permutation,
  randint,
  split,
  truncatedNormal,
  type PRNGKey,
} from '../../src/random/index.js';
import { casesOf, expectCloseF32, schemes } from './reference.js';

/** Reads a tensor's values as numbers and disposes it. */
const take = (t: tf.Tensor): number[] => {
  const v = Array.from(t.dataSync() as ArrayLike<number>, Number);
  t.dispose();
  return v;
};

const moments = (v: ReadonlyArray<number>): { mean: number; variance: number } => {
  let s = 0,
    s2 = 0;
  for (const x of v) {
    s += x;
    s2 += x * x;
  }
  const mean = s / v.length;
  return { mean, variance: s2 / v.length - mean * mean };
};

describe('random/samplers', () => {
  for (const partitionable of schemes) {
    describe(`equal JAX's draws, partitionable=${partitionable}`, () => {
      const ref = casesOf(partitionable);
      const k42 = key(42, { partitionable });

      it('truncatedNormal within 2 ulp', () => {
        const t = truncatedNormal(k42, -2, 2, [6]);
        assert.equal(t.dtype, 'float32');
        expectCloseF32(take(t), ref('truncated_normal(k42,-2,2,(6,))'), 'truncated_normal(k42,-2,2,(6,))');
      });

      it('bernoulli exactly', () => {
        const b = bernoulli(k42, 0.3, [16]);
        assert.equal(b.dtype, 'bool');
        assert.deepEqual(take(b).map(Boolean), ref<boolean>('bernoulli(k42,0.3,(16,))'));
      });

      it('randint exactly', () => {
        const r = randint(k42, [8], 0, 10);
        assert.equal(r.dtype, 'int32');
        assert.deepEqual(take(r), ref('randint(k42,(8,),0,10)'));
      });

      it('permutation exactly', () => {
        const p = permutation(k42, 10);
        assert.equal(p.dtype, 'int32');
        assert.deepEqual(take(p), ref('permutation(k42,10)'));
      });

      it('categorical exactly, from an array or a tensor', () => {
        assert.deepEqual(take(categorical(k42, [0, 1, 2], { shape: [6] })), ref('categorical(k42,logits=[0,1,2],(6,))'));
        const logits = tf.tensor([0, 1, 2]);
        const c = categorical(k42, logits, { shape: [6] });
        assert.equal(c.dtype, 'int32');
        assert.deepEqual(take(c), ref('categorical(k42,logits=[0,1,2],(6,))'));
        logits.dispose();
      });
    });
  }

  it('truncatedNormal stays inside (lower, upper) with the truncated moments', () => {
    const v = take(truncatedNormal(key(2), -2, 2, [100_000]));
    assert.ok(v.every((x) => x > -2 && x < 2));
    const { mean, variance } = moments(v);
    // the standard normal truncated to (-2, 2): mean 0, sd 0.87962566
    assert.ok(Math.abs(mean) < (6 * 0.88) / Math.sqrt(1e5), `mean ${mean}`);
    assert.ok(Math.abs(variance - 0.87962566103423978 ** 2) < 0.01, `variance ${variance}`);
    const onesided = take(truncatedNormal(key(3), 1, Infinity, [20_000]));
    assert.ok(onesided.every((x) => x > 1 && Number.isFinite(x)));
    // E[z | z > 1] = phi(1) / (1 - Phi(1)) = 1.5251
    assert.ok(Math.abs(moments(onesided).mean - 1.5251) < 0.02);
    const narrow = take(truncatedNormal(key(4), 0.5, 0.5000001, [100]));
    assert.ok(narrow.every((x) => x > 0.5 && x < 0.5000001 + 1e-7));
  });

  it('bernoulli frequency matches p, and p = 0 / p = 1 are exact', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.nat(), (p, seed) => {
        const n = 20_000;
        const hits = take(bernoulli(key(seed), p, [n])).reduce((a, b) => a + b, 0);
        return Math.abs(hits / n - p) < 6 * Math.sqrt((p * (1 - p)) / n);
      }),
      { numRuns: 20 },
    );
    assert.ok(take(bernoulli(key(0), 1, [1000])).every((x) => x === 1));
    assert.ok(take(bernoulli(key(0), 0, [1000])).every((x) => x === 0));
    assert.deepEqual(bernoulli(key(0), 0.5).shape, []);
  });

  it('randint covers [minval, maxval) uniformly, for any span', () => {
    const v = take(randint(key(8), [60_000], -3, 3));
    const counts = new Map<number, number>();
    for (const x of v) counts.set(x, (counts.get(x) ?? 0) + 1);
    assert.deepEqual(
      [...counts.keys()].sort((a, b) => a - b),
      [-3, -2, -1, 0, 1, 2],
    );
    for (const c of counts.values()) assert.ok(Math.abs(c - 10_000) < 6 * Math.sqrt((10_000 * 5) / 6));
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 2 }),
        fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        fc.nat(),
        (lo, span, seed) => {
          const hi = Math.min(lo + span, 2 ** 31 - 1);
          return take(randint(key(seed), [50], lo, hi)).every((x) => Number.isInteger(x) && x >= lo && x < hi);
        },
      ),
      { numRuns: 200 },
    );
    assert.deepEqual(take(randint(key(1), [5], 7, 8)), [7, 7, 7, 7, 7]);
  });

  it('permutation is a permutation, uniform over positions, two rounds past n = 1625', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.nat(), (n, seed) => {
        const p = take(permutation(key(seed), n));
        return p.length === n && [...p].sort((a, b) => a - b).every((x, i) => x === i);
      }),
      { numRuns: 50 },
    );
    // where does 0 land? uniform over 5 positions across 5000 keys
    const where = [0, 0, 0, 0, 0];
    for (const k of split(key(11), 5000)) where[take(permutation(k, 5)).indexOf(0)]! += 1;
    for (const c of where) assert.ok(Math.abs(c - 1000) < 6 * Math.sqrt(800), `${where}`);
  });

  it('categorical frequencies follow softmax(logits); -Infinity masks; batched logits and axis', () => {
    const n = 30_000;
    const v = take(categorical(key(5), [0, Math.log(2), Math.log(3), -Infinity], { shape: [n] }));
    const freq = [0, 1, 2, 3].map((c) => v.filter((x) => x === c).length / n);
    [1 / 6, 2 / 6, 3 / 6, 0].forEach((p, c) => assert.ok(Math.abs(freq[c]! - p) < 0.015, `category ${c}: ${freq[c]}`));
    // batch of two rows along axis -1, and the same logits transposed with axis 0
    const rows = tf.tensor([
      [0, 20, 0],
      [20, 0, 0],
    ]);
    assert.deepEqual(take(categorical(key(1), rows)), [1, 0]);
    assert.deepEqual(categorical(key(1), rows, { shape: [4, 2] }).shape, [4, 2]);
    const cols = tf.tensor([
      [0, 20],
      [20, 0],
      [0, 0],
    ]);
    assert.deepEqual(take(categorical(key(1), cols, { axis: 0 })), [1, 0]);
    const broadcast = tf.tensor([[0, 30, 0]]);
    assert.deepEqual(take(categorical(key(1), broadcast, { shape: [3, 2] })), [1, 1, 1, 1, 1, 1]);
    rows.dispose();
    cols.dispose();
    broadcast.dispose();
  });

  it('gumbel has mean γ and variance π²/6', () => {
    const v = take(gumbel(key(6), [100_000]));
    assert.ok(v.every(Number.isFinite));
    const { mean, variance } = moments(v);
    assert.ok(Math.abs(mean - 0.5772156649) < (6 * 1.2825) / Math.sqrt(1e5), `mean ${mean}`);
    assert.ok(Math.abs(variance - Math.PI ** 2 / 6) < 0.05, `variance ${variance}`);
  });

  it('erf32 and nextAfterF32', () => {
    for (const [x, e] of [
      [0, 0],
      [0.5, 0.5204998778130465],
      [-1, -0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
    ] as const) {
      assert.ok(Math.abs(erf32(x) - e) < 3e-7, `erf(${x}) = ${erf32(x)}`);
    }
    assert.equal(erf32(Infinity), 1);
    assert.equal(erf32(-5), -1);
    assert.equal(nextAfterF32(1, 2), 1 + 2 ** -23);
    assert.equal(nextAfterF32(1, 0), 1 - 2 ** -24);
    assert.equal(nextAfterF32(-2, Infinity), -2 + 2 ** -23);
    assert.equal(nextAfterF32(0, -1), -(2 ** -149));
    assert.equal(nextAfterF32(-Infinity, 0), -Math.fround(3.4028234663852886e38));
  });

  it('rejects bad arguments with clear errors and makes no tensors', () => {
    const before = tf.memory().numTensors;
    const k = key(0);
    assert.throws(() => truncatedNormal(k, 2, -2, [3]), {
      message: 'truncatedNormal: lower must be less than upper (as float32), got lower=2, upper=-2',
    });
    assert.throws(() => truncatedNormal(k, Number.NaN, 2, [3]), /truncatedNormal: lower must be a number/);
    assert.throws(() => truncatedNormal(k, -2, 2, [-3]), /truncatedNormal: shape\[0\] must be a non-negative integer/);
    assert.throws(() => bernoulli(k, 1.5, [3]), { message: 'bernoulli: p must be a probability in [0, 1], got 1.5' });
    assert.throws(() => bernoulli(k, -0.1, [3]), /bernoulli: p must be a probability/);
    assert.throws(() => bernoulli(k, Number.NaN, [3]), /bernoulli: p must be a probability in \[0, 1\], got NaN/);
    assert.throws(() => randint(k, [3], 5, 5), { message: 'randint: minval must be less than maxval, got minval=5, maxval=5' });
    assert.throws(() => randint(k, [3], 0.5, 5), /randint: minval must be an int32 integer, got 0.5/);
    assert.throws(() => randint(k, [3], 0, 2 ** 31), /randint: maxval must be an int32 integer/);
    assert.throws(() => permutation(k, -1), { message: 'permutation: n must be an integer in [0, 2^31 - 1], got -1' });
    assert.throws(() => permutation(k, 2.5), /permutation: n must be an integer/);
    assert.throws(() => categorical(k, [0, Number.NaN]), /categorical: logits must not contain NaN \(element 1\)/);
    assert.throws(() => categorical(k, []), /categorical: logits have no categories/);
    assert.throws(() => categorical(k, [0, 1], { axis: 1 }), /categorical: axis must be an integer in \[-1, 0\]/);
    const anyShape = categorical(k, [0, 1], { shape: [3, 2] }); // batch shape [] fits any shape
    assert.deepEqual(anyShape.shape, [3, 2]);
    anyShape.dispose();
    const batch = tf.tensor([
      [0, 1],
      [1, 0],
    ]);
    assert.throws(() => categorical(k, batch, { shape: [3] }), {
      message: "categorical: shape [3] must end with the logits' batch shape [2] (size-1 dimensions broadcast)",
    });
    batch.dispose();
    assert.throws(
      () => categorical(k, 'abc' as unknown as number[]),
      /categorical: logits must be a float32 tensor or an array of numbers/,
    );
    const ints = tf.tensor([1, 2], [2], 'int32');
    assert.throws(() => categorical(k, ints), /categorical: logits must be a float32 tensor, got dtype int32/);
    ints.dispose();
    assert.throws(() => gumbel(k, [1, -1]), /gumbel: shape\[1\] must be a non-negative integer/);
    for (const f of [
      () => bernoulli(0 as unknown as PRNGKey, 0.5),
      () => randint({} as PRNGKey, [1], 0, 2),
      () => permutation(null as unknown as PRNGKey, 2),
      () => gumbel([0, 0] as unknown as PRNGKey, [1]),
    ]) {
      assert.throws(f, /key must be a PRNGKey/);
    }
    assert.equal(tf.memory().numTensors, before);
  });
});
