/** The core's fp-ts instances beyond the traversals: Eq, Semigroup, Monoid and Show of modules. */
import { expect } from 'chai';
import fc from 'fast-check';
import { pipe } from 'fp-ts/lib/function.js';
import { concatAll } from 'fp-ts/lib/Monoid.js';
import * as N from 'fp-ts/lib/number.js';
import * as O from 'fp-ts/lib/Option.js';
import type { Semigroup } from 'fp-ts/lib/Semigroup.js';
import * as Str from 'fp-ts/lib/string.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { Sequential } from '../../src/nn/Sequential.js';
import { key } from '../../src/random/PRNGKey.js';
import { leavesOf } from '../../src/testing/index.js';
import { getEq, getMonoid, getSemigroup, getShow, map, mapModule, ModuleError, toArray, zipWith } from '../../src/tree/index.js';
import { values } from '../support/tensors.js';
import { Leaf, Node, nodeArb } from '../support/trees.js';

type Tensor = tf.Tensor;

const ints = fc.integer({ min: -5, max: 5 });
const trees = nodeArb(ints);
/** Three trees of one shape (the kit's leavesOf over a generated shape). */
const sameShapeTriples = trees.chain((t) => fc.tuple(fc.constant(t), leavesOf(t, ints), leavesOf(t, ints)));
const E = getEq(N.Eq);

describe('getEq', () => {
  it('is reflexive and symmetric, and transitive on trees of one shape', () => {
    fc.assert(
      fc.property(trees, trees, (x, y) => {
        expect(E.equals(x, x)).to.equal(true);
        expect(E.equals(x, y)).to.equal(E.equals(y, x));
      }),
    );
    fc.assert(
      fc.property(sameShapeTriples, ([x, y, z]) => {
        if (E.equals(x, y) && E.equals(y, z)) expect(E.equals(x, z)).to.equal(true);
      }),
    );
  });

  it('equal exactly when the leaves are equal, for trees of one shape', () => {
    fc.assert(
      fc.property(sameShapeTriples, ([x, y]) => {
        const leavesEqual = toArray(x).every((a, i) => a === toArray(y)[i]);
        expect(E.equals(x, y)).to.equal(leavesEqual);
        expect(
          E.equals(
            x,
            Node.Functor.map(x, (a) => a + 1),
          ),
        ).to.equal(false);
      }),
    );
  });

  it('tells apart kinds, constants, array lengths and contexts, with equal leaves', () => {
    const leaf = Leaf.make({ w: 1, b: 2, tag: 'a' });
    const node = Node.make({ first: leaf, scale: 1, children: [], p: 3, ctx: { mode: 'eval', key: O.none }, rest: [] });
    expect(E.equals(node, node)).to.equal(true);
    expect(E.equals(node, Node.make({ ...node }))).to.equal(true);
    expect(E.equals(node, Node.make({ ...node, scale: 2 }))).to.equal(false);
    expect(E.equals(node, Node.make({ ...node, first: Leaf.make({ ...leaf, tag: 'b' }) }))).to.equal(false);
    expect(E.equals(node, Node.make({ ...node, children: [leaf] }))).to.equal(false);
    expect(E.equals(node, Node.make({ ...node, rest: [leaf] }))).to.equal(false);
    expect(E.equals(node, Node.make({ ...node, ctx: { mode: 'train', key: O.none } }))).to.equal(false);
    expect(E.equals(node, Node.make({ ...node, p: 4 }))).to.equal(false);
    expect(E.equals(node, leaf)).to.equal(false);
    // NaN constants are the same constant
    expect(E.equals(Node.make({ ...node, scale: NaN }), Node.make({ ...node, scale: NaN }))).to.equal(true);
  });

  it('compares leaves with the given Eq only', () => {
    const shapes = mapModule(Linear.create(2, 3), (p) => p.shape.length);
    const parity = getEq<number>({ equals: (x, y) => x % 2 === y % 2 });
    expect(
      parity.equals(
        shapes,
        mapModule(shapes, (n) => n + 2),
      ),
    ).to.equal(true);
    expect(
      parity.equals(
        shapes,
        mapModule(shapes, (n) => n + 1),
      ),
    ).to.equal(false);
  });
});

describe('getSemigroup / getMonoid', () => {
  it('concat is the leafwise concat, and associative', () => {
    const S = getSemigroup(Str.Semigroup);
    fc.assert(
      fc.property(sameShapeTriples, ([x, y, z]) => {
        const [a, b, c] = [x, y, z].map((t) => Node.Functor.map(t, String));
        expect(toArray(S.concat(a!, b!))).to.deep.equal(toArray(a!).map((s, i) => s + toArray(b!)[i]));
        expect(S.concat(S.concat(a!, b!), c!)).to.deep.equal(S.concat(a!, S.concat(b!, c!)));
        // constants and contexts are the first module's (equal to the second's)
        expect(S.concat(a!, b!).scale).to.equal(a!.scale);
      }),
    );
  });

  it('sums gradient trees of tensors leafwise, keeping the kind', () => {
    const SumGrads = getSemigroup<Tensor>({ concat: (x, y) => tf.add(x, y) });
    const g1 = initialize(Linear.create(2, 3))(key(0));
    const g2 = initialize(Linear.create(2, 3))(key(1));
    const total: Linear<Tensor> = SumGrads.concat(g1, g2);
    toArray(total).forEach((t, i) =>
      expect(values(t)).to.deep.equal(values(toArray(g1)[i]!).map((v, j) => Math.fround(v + values(toArray(g2)[i]!)[j]!))),
    );
    expect(total.inFeatures).to.equal(2);
    const asSemigroup: Semigroup<Linear<Tensor>> = SumGrads;
    expect(asSemigroup.concat).to.equal(SumGrads.concat);
    dispose([g1, g2, total]);
  });

  it('concat of two structures throws a ModuleError naming the path; two kinds do not compile', () => {
    const S = getSemigroup(N.SemigroupSum);
    const a = mapModule(Linear.create(2, 3), () => 1);
    expect(() =>
      S.concat(
        a,
        mapModule(Linear.create(2, 4), () => 1),
      ),
    ).to.throw(ModuleError, /trees differ at "outFeatures": 3 vs 4/);
    const d = pipe(
      Dropout.create(0.1),
      map((x: number) => x),
    );
    // @ts-expect-error a Linear and a Dropout are two kinds
    expect(() => S.concat(a, d)).to.throw(ModuleError, /Linear vs Dropout/);
  });

  it('getMonoid: empty is the template with the leaf empty; it is a left and right identity', () => {
    const template = Sequential.create([Linear.create(2, 3), Dropout.create(0.1), Linear.create(3, 1)]);
    const M = getMonoid(template, N.MonoidSum);
    expect(toArray(M.empty)).to.deep.equal([0, 0, 0, 0]);
    fc.assert(
      fc.property(leavesOf(template, ints), (x) => {
        expect(M.concat(M.empty, x)).to.deep.equal(x);
        expect(M.concat(x, M.empty)).to.deep.equal(x);
      }),
    );
  });

  it('getMonoid sums a list of per-step trees (the doc example)', () => {
    const layer = Linear.create(2, 3);
    const perStep = [1, 2, 3].map((step) =>
      pipe(
        layer,
        map((p) => step * p.shape.length),
      ),
    );
    const total: Linear<number> = concatAll(getMonoid(layer, N.MonoidSum))(perStep);
    expect(toArray(total)).to.deep.equal([12, 6]);
    expect(toArray(concatAll(getMonoid(layer, N.MonoidSum))([]))).to.deep.equal([0, 0]);
    expect(zipWith(total, total, (x, y) => x - y)).to.deep.equal(getMonoid(layer, N.MonoidSum).empty);
  });
});

describe('getShow', () => {
  it('takes any fp-ts Show of the leaves; without sizes there is no total', () => {
    const sizes = pipe(
      Linear.create(2, 3),
      map((p) => p.shape.length),
    );
    expect(getShow(N.Show).show(sizes)).to.equal('Linear(2, 3) { weight: 2, bias: 1 }');
    expect(getShow(Str.Show).show(mapModule(sizes, String))).to.equal('Linear(2, 3) { weight: "2", bias: "1" }');
  });

  it('a LeafShow’s size gives the total; a Show without size still counts tensors and lazy parameters', () => {
    const sizes = pipe(
      Linear.create(2, 3),
      map((p) => p.shape.length),
    );
    expect(getShow({ show: (n: number) => `#${n}`, size: (n: number) => n }).show(sizes)).to.equal(
      'Linear(2, 3) { weight: #2, bias: #1 }\n3 parameters',
    );
    expect(getShow({ show: () => 'p' }).show(Linear.create(2, 3))).to.equal('Linear(2, 3) { weight: p, bias: p }\n9 parameters');
  });
});
