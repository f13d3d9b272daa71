import assert from 'node:assert/strict';
import { key, normal, uniform, type PRNGKey } from '../../src/random/index.js';
import { tf } from '../../src/engine/backend.js';
import { casesOf, expectCloseF32, expectExactF32, schemes } from './reference.js';

/** Reads a tensor's values and disposes it. */
const take = (t: tf.Tensor): Float32Array => {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
};

describe('random/uniform and normal', () => {
  for (const partitionable of schemes) {
    describe(`partitionable=${partitionable}`, () => {
      const ref = casesOf(partitionable);
      const k42 = key(42, { partitionable });

      it('uniform equals jax.random.uniform bit for bit', () => {
        const u = uniform(k42, [7]);
        assert.equal(u.dtype, 'float32');
        assert.deepEqual(u.shape, [7]);
        expectExactF32(take(u), ref('uniform(k42,(7,))'), 'uniform(k42,(7,))');
        const v = uniform(k42, [3, 4], { minval: -2, maxval: 3 });
        assert.deepEqual(v.shape, [3, 4]);
        expectExactF32(take(v), ref('uniform(k42,(3,4),-2,3)'), 'uniform(k42,(3,4),-2,3)');
      });

      it('normal equals jax.random.normal within 2 ulp', () => {
        const z = normal(k42, [7]);
        assert.equal(z.dtype, 'float32');
        expectCloseF32(take(z), ref('normal(k42,(7,))'), 'normal(k42,(7,))');
        const w = normal(k42, [4, 5]);
        assert.deepEqual(w.shape, [4, 5]);
        expectCloseF32(take(w), ref('normal(k42,(4,5))'), 'normal(k42,(4,5))');
      });
    });
  }

  it('uniform stays in [minval, maxval) with the right moments (1e5 draws)', () => {
    const n = 100_000;
    const v = take(uniform(key(1), [n], { minval: -3, maxval: 5 }));
    let sum = 0,
      sq = 0,
      min = Infinity,
      max = -Infinity;
    for (const x of v) {
      sum += x;
      sq += x * x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    const mean = sum / n,
      variance = sq / n - mean * mean;
    assert.ok(min >= -3);
    assert.ok(max < 5);
    // mean 1, sd of the mean 8/sqrt(12)/sqrt(n) = 0.0073; variance 64/12 = 5.333
    assert.ok(Math.abs(mean - 1) < 6 * 0.0073);
    assert.ok(Math.abs(variance - 64 / 12) < 0.1);
  });

  it('normal has mean 0, variance 1, skew 0, kurtosis 3 (1e5 draws)', () => {
    for (const partitionable of schemes) {
      const n = 100_000;
      const v = take(normal(key(5, { partitionable }), [n]));
      let m1 = 0,
        m2 = 0,
        m3 = 0,
        m4 = 0;
      for (const x of v) {
        m1 += x;
        m2 += x * x;
        m3 += x ** 3;
        m4 += x ** 4;
      }
      m1 /= n;
      m2 /= n;
      m3 /= n;
      m4 /= n;
      // standard errors: mean 1/sqrt(n) = .0032, var sqrt(2/n) = .0045, skew sqrt(15/n) = .012, m4 sqrt(96/n) = .031
      assert.ok(Math.abs(m1) < 6 * 0.0032, 'mean');
      assert.ok(Math.abs(m2 - 1) < 6 * 0.0045, 'variance');
      assert.ok(Math.abs(m3) < 6 * 0.012, 'third moment');
      assert.ok(Math.abs(m4 - 3) < 6 * 0.031, 'fourth moment');
      assert.equal(v.every(Number.isFinite), true);
    }
  });

  it('leaks no tensors and returns new arrays each call', () => {
    const before = tf.memory().numTensors;
    const a = uniform(key(0), [3]);
    const b = uniform(key(0), [3]);
    assert.notEqual(a, b);
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
    a.dispose();
    b.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('rejects bad bounds, shapes and keys without making tensors', () => {
    const before = tf.memory().numTensors;
    const k = key(0);
    assert.throws(() => uniform(k, [2], { minval: 1, maxval: 1 }), {
      message: 'uniform: minval must be less than maxval (as float32), got minval=1, maxval=1',
    });
    assert.throws(() => uniform(k, [2], { minval: 2 }), /uniform: minval must be less than maxval/);
    assert.throws(() => uniform(k, [2], { maxval: Number.NaN }), { message: 'uniform: maxval must be a finite number, got NaN' });
    assert.throws(() => uniform(k, [2], { minval: -Infinity }), /uniform: minval must be a finite number/);
    assert.throws(() => uniform(k, [2], { minval: -3e38, maxval: 3e38 }), /overflows float32/);
    assert.throws(() => uniform(k, [-2]), { message: 'uniform: shape[0] must be a non-negative integer, got -2' });
    assert.throws(() => normal(k, [2, 0.5]), /normal: shape\[1\] must be a non-negative integer/);
    assert.throws(() => normal('key' as unknown as PRNGKey, [2]), /normal: key must be a PRNGKey/);
    assert.equal(tf.memory().numTensors, before);
  });
});
