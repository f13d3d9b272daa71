import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tf } from '../../src/engine/backend.js';
import * as init from '../../src/init/index.js';
import { key, split, type PRNGKey } from '../../src/random/index.js';
import { expectCloseF32, readReference } from '../random/reference.js';

interface InitReference {
  readonly note: string;
  readonly cases: Record<string, { readonly shape: number[]; readonly values: number[] }>;
}
const reference = readReference<InitReference>('jax-initializers.json');

/** Reads a tensor's values and disposes it. */
const take = (t: tf.Tensor): number[] => {
  const v = Array.from(t.dataSync() as Float32Array);
  t.dispose();
  return v;
};

const stats = (v: ReadonlyArray<number>) => {
  let s = 0,
    s2 = 0;
  for (const x of v) {
    s += x;
    s2 += x * x;
  }
  const mean = s / v.length;
  return { mean, variance: s2 / v.length - mean * mean, min: Math.min(...v), max: Math.max(...v) };
};

describe('init', () => {
  describe("equal jax.nn.initializers' draws (key 0, shape (3, 3, 2, 4), within 2 ulp)", () => {
    const table: Record<string, init.Initializer> = {
      'glorot_normal(3, 3, 2, 4)': init.glorotNormal(),
      'glorot_uniform(3, 3, 2, 4)': init.glorotUniform(),
      'lecun_normal(3, 3, 2, 4)': init.lecunNormal(),
      'he_normal(3, 3, 2, 4)': init.heNormal(),
      'he_uniform(3, 3, 2, 4)': init.heUniform(),
      'normal(0.01)(3, 3, 2, 4)': init.normal(0.01),
      'truncated_normal(0.01)(3, 3, 2, 4)': init.truncatedNormal(0.01),
      'uniform(0.01)(3, 3, 2, 4)': init.uniform(0.01),
    };
    it('covers every reference case', () => {
      assert.deepEqual(Object.keys(table).sort(), Object.keys(reference.cases).sort());
    });
    for (const [name, initializer] of Object.entries(table)) {
      it(name, () => {
        const { shape, values } = reference.cases[name]!;
        const t = initializer(shape)(key(0));
        assert.deepEqual(t.shape, shape);
        assert.equal(t.dtype, 'float32');
        expectCloseF32(take(t), values, name);
      });
    }
    it('the aliases and defaults are the same initializers', () => {
      const shape = [3, 3, 2, 4];
      const k = key(0);
      assert.deepEqual(take(init.xavierNormal()(shape)(k)), take(init.glorotNormal()(shape)(k)));
      assert.deepEqual(take(init.xavierUniform()(shape)(k)), take(init.glorotUniform()(shape)(k)));
      assert.deepEqual(take(init.kaimingNormal()(shape)(k)), take(init.heNormal()(shape)(k)));
      assert.deepEqual(take(init.kaimingUniform()(shape)(k)), take(init.heUniform()(shape)(k)));
      assert.deepEqual(take(init.normal()(shape)(k)), take(init.normal(0.01)(shape)(k)));
      assert.deepEqual(take(init.glorotNormal()(shape)(k)), take(init.varianceScaling(1, 'fanAvg', 'truncatedNormal')(shape)(k)));
    });
  });

  it('computeFans: JAX layout by default, (out, in) with inAxis -1 / outAxis -2', () => {
    assert.deepEqual(init.computeFans([3, 3, 2, 4]), { fanIn: 18, fanOut: 36 });
    assert.deepEqual(init.computeFans([5, 10]), { fanIn: 5, fanOut: 10 });
    assert.deepEqual(init.computeFans([10, 5], { inAxis: -1, outAxis: -2 }), { fanIn: 5, fanOut: 10 });
    assert.deepEqual(init.computeFans([8, 2, 3, 3], { inAxis: 1, outAxis: 0 }), { fanIn: 18, fanOut: 72 });
  });

  it('a Linear-style (out, in) weight with { inAxis: -1, outAxis: -2 } is the transpose-equivalent draw', () => {
    // same variance either way: glorot on [in, out] vs [out, in] with swapped axes
    const a = stats(take(init.glorotUniform()([300, 100])(key(1))));
    const b = stats(take(init.glorotUniform({ inAxis: -1, outAxis: -2 })([100, 300])(key(1))));
    const bound = Math.sqrt(6 / 400);
    for (const s of [a, b]) {
      assert.ok(s.min >= -bound && s.max < bound);
      assert.ok(Math.abs(s.variance - 1 / 200) < 0.0003, `variance ${s.variance}`);
    }
    // heUniform uses fanIn only, so the axes matter: fanIn = 100 both ways here
    const he = stats(take(init.heUniform({ inAxis: -1, outAxis: -2 })([300, 100])(key(2))));
    assert.ok(Math.abs(he.variance - 2 / 100) < 0.001, `variance ${he.variance}`);
  });

  it('variance is scale / fan for every mode and distribution', () => {
    const shape = [200, 300];
    const fan = { fanIn: 200, fanOut: 300, fanAvg: 250, fanGeoAvg: Math.sqrt(200 * 300) } as const;
    for (const mode of ['fanIn', 'fanOut', 'fanAvg', 'fanGeoAvg'] as const) {
      for (const distribution of ['truncatedNormal', 'normal', 'uniform'] as const) {
        const v = stats(take(init.varianceScaling(3, mode, distribution)(shape)(key(7))));
        const expected = 3 / fan[mode];
        // 60000 draws: relative sd of the sample variance <= sqrt(2/n) = 0.6%; allow 4%
        assert.ok(Math.abs(v.variance / expected - 1) < 0.04, `${mode} ${distribution}: ${v.variance} vs ${expected}`);
        assert.ok(Math.abs(v.mean) < 6 * Math.sqrt(expected / 60000), `${mode} ${distribution} mean ${v.mean}`);
        if (distribution === 'truncatedNormal') {
          const limit = (2 * Math.sqrt(expected)) / 0.87962566103423978;
          assert.ok(v.min > -limit && v.max < limit);
        }
      }
    }
  });

  it('is a Reader: deterministic in the key, different for different keys', () => {
    const draw = init.heNormal()([4, 4]);
    const [k1, k2] = split(key(3)) as [PRNGKey, PRNGKey];
    assert.deepEqual(take(draw(k1)), take(draw(k1)));
    assert.notDeepEqual(take(draw(k1)), take(draw(k2)));
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const t = init.lecunNormal()([3, 5])(key(seed));
        const ok = t.shape[0] === 3 && t.shape[1] === 5 && take(t).every(Number.isFinite);
        return ok;
      }),
      { numRuns: 50 },
    );
  });

  it('constants: zeros, ones, constant(v)', () => {
    assert.deepEqual(take(init.zeros([2, 3])(key(0))), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(take(init.ones([3])(key(0))), [1, 1, 1]);
    const c = init.constant(0.1)([2, 2])(key(0));
    assert.deepEqual(c.shape, [2, 2]);
    assert.deepEqual(take(c), [0.1, 0.1, 0.1, 0.1].map(Math.fround));
    const scalar = init.zeros([])(key(0));
    assert.deepEqual(scalar.shape, []);
    scalar.dispose();
  });

  it('normal / truncatedNormal / uniform have their documented ranges and spreads', () => {
    const u = stats(take(init.uniform(0.5)([20_000])(key(1))));
    assert.ok(u.min >= 0 && u.max < 0.5 && Math.abs(u.mean - 0.25) < 0.01);
    const n = stats(take(init.normal(2)([20_000])(key(1))));
    assert.ok(Math.abs(Math.sqrt(n.variance) - 2) < 0.06);
    const t = stats(take(init.truncatedNormal(2)([20_000])(key(1))));
    assert.ok(t.min > -4 && t.max < 4 && Math.abs(Math.sqrt(t.variance) - 2 * 0.8796) < 0.05);
    const oneSided = stats(take(init.truncatedNormal(1, 0, Infinity)([1000])(key(1))));
    assert.ok(oneSided.min > 0);
  });

  it('orthogonal: orthonormal rows or columns, times scale, any column axis', () => {
    const gram = (m: number[], rows: number, cols: number, byRows: boolean): number[][] => {
      const n = byRows ? rows : cols;
      const g = Array.from({ length: n }, () => new Array<number>(n).fill(0));
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) {
          let s = 0;
          const len = byRows ? cols : rows;
          for (let i = 0; i < len; i++) s += byRows ? m[a * cols + i]! * m[b * cols + i]! : m[i * cols + a]! * m[i * cols + b]!;
          g[a]![b] = s;
        }
      return g;
    };
    const isIdentity = (g: number[][], scale2: number) =>
      g.every((row, a) => row.every((x, b) => Math.abs(x - (a === b ? scale2 : 0)) < 1e-5));
    assert.ok(isIdentity(gram(take(init.orthogonal()([6, 6])(key(0))), 6, 6, false), 1));
    assert.ok(isIdentity(gram(take(init.orthogonal()([8, 3])(key(1))), 8, 3, false), 1), 'tall: orthonormal columns');
    assert.ok(isIdentity(gram(take(init.orthogonal(2)([3, 8])(key(2))), 3, 8, true), 4), 'wide: orthonormal rows, scale 2');
    // a conv kernel [kh, kw, in, out] = [2, 2, 3, 5]: 12 rows of 5 columns
    assert.ok(isIdentity(gram(take(init.orthogonal()([2, 2, 3, 5])(key(3))), 12, 5, false), 1));
    // columnAxis 0 of [5, 12] is the transpose layout of [12, 5]
    const t = init.orthogonal(1, 0)([5, 12])(key(4));
    assert.deepEqual(t.shape, [5, 12]);
    assert.ok(isIdentity(gram(take(t), 5, 12, true), 1));
    // the same key gives the same draw, and the draw is the transposed layout of columnAxis -1
    const a = take(init.orthogonal(1, 0)([5, 12])(key(4)));
    const b = take(init.orthogonal()([12, 5])(key(4)));
    for (let r = 0; r < 12; r++) for (let c = 0; c < 5; c++) assert.equal(a[c * 12 + r], b[r * 5 + c]);
  });

  it('rejects bad parameters, shapes and keys with clear errors; no tensor leaks', () => {
    const before = tf.memory().numTensors;
    assert.throws(() => init.varianceScaling(0, 'fanIn', 'normal'), {
      message: 'varianceScaling: scale must be a positive finite number, got 0',
    });
    assert.throws(
      () => init.varianceScaling(1, 'fan_in' as init.FanMode, 'normal'),
      /varianceScaling: mode must be one of "fanIn", "fanOut", "fanAvg", "fanGeoAvg", got "fan_in"/,
    );
    assert.throws(
      () => init.varianceScaling(1, 'fanIn', 'truncated_normal' as init.Distribution),
      /varianceScaling: distribution must be one of/,
    );
    assert.throws(() => init.glorotNormal()([5]), /glorotNormal: cannot tell input and output sizes of a rank-1 shape \[5\]/);
    assert.throws(() => init.heUniform({ inAxis: 2 })([3, 4]), {
      message: 'heUniform: inAxis must be an integer in [-2, 1] for shape [3, 4], got 2',
    });
    assert.throws(() => init.lecunNormal({ inAxis: -1, outAxis: 1 })([3, 4]), /lecunNormal: inAxis and outAxis must be different axes/);
    assert.throws(() => init.glorotUniform()([3, -4]), { message: 'glorotUniform: shape[1] must be a non-negative integer, got -4' });
    assert.throws(() => init.normal(-1), { message: 'normal: stddev must be a positive finite number, got -1' });
    assert.throws(() => init.truncatedNormal(1, 2, -2), /truncatedNormal: lower must be less than upper/);
    assert.throws(() => init.uniform(Number.NaN), /uniform: scale must be a positive finite number, got NaN/);
    assert.throws(() => init.constant(Number.NaN), /constant: value must be a number, got NaN/);
    assert.throws(() => init.orthogonal()([4]), /orthogonal: needs a shape with at least 2 axes, got \[4\]/);
    assert.throws(() => init.orthogonal(1, 3)([4, 4]), /orthogonal: columnAxis must be an integer in \[-2, 1\]/);
    assert.throws(() => init.glorotNormal()([2, 2])(42 as unknown as PRNGKey), /glorotNormal: key must be a PRNGKey/);
    assert.throws(() => init.zeros([2])('k' as unknown as PRNGKey), /zeros: key must be a PRNGKey/);
    assert.equal(tf.memory().numTensors, before);
    const empty = init.glorotNormal()([0, 3])(key(0));
    assert.deepEqual(empty.shape, [0, 3]);
    empty.dispose();
  });
});
