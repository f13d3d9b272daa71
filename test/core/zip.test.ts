/** zipWith and structural checks, and printing. */
import { expect } from 'chai';
import { pipe } from 'fp-ts/lib/function.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { key } from '../../src/random/PRNGKey.js';
import { count, leafInfos, mapModule, toArray, zipWith, zipWithIndex } from '../../src/tree/Module.js';
import { parameterCount, show } from '../../src/tree/Show.js';
import { twoLayer } from '../support/mlp.js';
import { BinaryNetwork } from '../support/trees.js';
import { values } from '../support/tensors.js';

type Tensor = tf.Tensor;

describe('zipWith', () => {
  it('combines leaf by leaf (the SGD update) and keeps constants', () => {
    const p = initialize(twoLayer([2, 3, 1], 2))(key(0));
    const g = mapModule(p, (t: Tensor) => tf.onesLike(t));
    const next = zipWith(p, g, (a, b) => tf.sub(a, tf.mul(b, 0.5)));
    (toArray(next) as Tensor[]).forEach((t, i) =>
      expect(values(t)).to.deep.equal(values(toArray(p)[i] as Tensor).map((v) => Math.fround(v - 0.5))),
    );
    expect(next.scale).to.equal(2);
    dispose([p, g, next]);
  });

  it('calls f with exactly the two leaves, and data-last zipWith(b, f)(a) is the same zip', () => {
    const a = mapModule(twoLayer([2, 3, 1]), (p) => p.shape.length);
    const b = mapModule(a, (n) => n * 10);
    const calls: number[][] = [];
    const summed = zipWith(a, b, (...args: number[]) => (calls.push(args), args[0]! + args[1]!));
    expect(calls).to.deep.equal([
      [2, 20],
      [1, 10],
      [2, 20],
      [1, 10],
    ]);
    expect(toArray(summed)).to.deep.equal([22, 11, 22, 11]);
    expect(
      pipe(
        a,
        zipWith(b, (x, y) => x + y),
      ),
    ).to.deep.equal(summed);
  });

  it('zipWithIndex passes each leaf its path, first', () => {
    const shapes = mapModule(twoLayer([2, 3, 1]), (p) => p.shape);
    const paths = toArray(zipWithIndex(shapes, shapes, (info, x, y) => (expect(x).to.equal(y), info.path)));
    expect(paths).to.deep.equal(['first.weight', 'first.bias', 'rest.0.weight', 'rest.0.bias']);
    expect(leafInfos(shapes).map((i) => i.path)).to.deep.equal(paths);
  });

  it('names the first differing path: array length, constant, kind', () => {
    const a = mapModule(twoLayer([2, 3, 1]), () => 0);
    expect(() =>
      zipWith(
        a,
        mapModule(twoLayer([2, 3, 1, 1]), () => 0),
        (x, y) => x + y,
      ),
    ).to.throw(/trees differ at "rest": 1 vs 2 submodules/);
    expect(() =>
      zipWith(
        a,
        mapModule(twoLayer([2, 4, 1]), () => 0),
        (x, y) => x + y,
      ),
    ).to.throw(/trees differ at "first.outFeatures": 3 vs 4/);
    const other = { ...a, first: Dropout.create(0.5) };
    expect(() => zipWith(a, other as never, (x: number, y: number) => x + y)).to.throw(/trees differ at "first": Linear vs Dropout/);
  });
});

describe('Show', () => {
  it('prints the nested structure, extra lines, leaves and the parameter count', () => {
    const net = BinaryNetwork.create(5, 10);
    const expected = [
      'BinaryNetwork(hidden=10,',
      '  (dense1): Linear(5, 10) { weight: uninitialized[10, 5], bias: uninitialized[10] }',
      '  (dense2): Linear(10, 10) { weight: uninitialized[10, 10], bias: uninitialized[10] }',
      '  (dense3): Linear(10, 1) { weight: uninitialized[1, 10], bias: uninitialized[1] }',
      '  (dropout): Dropout(rate=0.2)',
      ')',
      // 5*10+10 + 10*10+10 + 10+1
      '181 parameters',
    ].join('\n');
    expect(show(net)).to.equal(expected);
    const params = initialize(net)(key(0));
    expect(show(params)).to.contain('(dense1): Linear(5, 10) { weight: float32[10, 5], bias: float32[10] }');
    expect(parameterCount(params)).to.equal(181);
    expect(count(params)).to.equal(6);
    dispose(params);
  });

  it('prints a leaf module on one line', () => {
    expect(show(Linear.create(2, 3))).to.equal('Linear(2, 3) { weight: uninitialized[3, 2], bias: uninitialized[3] }\n9 parameters');
  });

  it('prints a tree of shapes (or any array leaves) with brackets, not as "3,2"', () => {
    const p = initialize(Linear.create(2, 3))(key(0));
    expect(show(mapModule(p, (t) => t.shape))).to.equal('Linear(2, 3) { weight: [3, 2], bias: [3] }');
    expect(show(mapModule(p, (t: Tensor): ReadonlyArray<unknown> => (t.rank === 1 ? [] : [[1, 2], 'a'])))).to.equal(
      'Linear(2, 3) { weight: [[1, 2], a], bias: [] }',
    );
    dispose(p);
  });
});
