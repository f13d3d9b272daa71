/** parallax-ts/testing arbitraries: leavesOf (any module's shape, generated leaves) and initializedOf (tensors). */
import { expect } from 'chai';
import fc from 'fast-check';
import * as O from 'fp-ts/lib/Option.js';
import { tf } from '../../src/engine/backend.js';
import { dispose, tidy } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { Sequential } from '../../src/nn/Sequential.js';
import { key } from '../../src/random/PRNGKey.js';
import { initializedOf, leavesOf } from '../../src/testing/index.js';
import { ArgumentError, assertSameShape, getEq, isParamInit, leafInfos, mapModule, specOf, toArray } from '../../src/tree/index.js';
import { Leaf, Node } from '../support/trees.js';

type Tensor = tf.Tensor;

const node = Node.make({
  first: Leaf.make({ w: 0, b: 0, tag: 'x' }),
  scale: 3,
  children: [Leaf.make({ w: 0, b: 0, tag: 'y' })],
  p: 0,
  ctx: { mode: 'train', key: O.none },
  rest: [Leaf.make({ w: 0, b: 0, tag: 'z' })],
});

const failureMessage = (run: () => void): string => {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a failure');
};

describe('leavesOf', () => {
  it('keeps the kind, structure, constants and contexts; leaves come from the arbitrary', () => {
    fc.assert(
      fc.property(leavesOf(node, fc.integer({ min: 10, max: 20 })), (m) => {
        assertSameShape(m, node);
        expect(specOf(m)).to.equal(specOf(node));
        expect(m.ctx).to.equal(node.ctx);
        expect(m.rest[0]).to.have.property('tag', 'z');
        expect(toArray(m)).to.have.length(toArray(node).length);
        for (const leaf of toArray(m)) expect(leaf).to.be.within(10, 20);
      }),
    );
  });

  it('takes a function of each leaf’s info and value, in leaf order', () => {
    const lazy = Linear.create(2, 3);
    const [m] = fc.sample(
      leavesOf(lazy, (info, p) => fc.constant(`${info.path}:${info.kind}:${isParamInit(p) ? p.shape.join('x') : '?'}`)),
      1,
    );
    expect(toArray(m!)).to.deep.equal(['weight:param:3x2', 'bias:param:3']);
    expect(leafInfos(m!)).to.deep.equal(leafInfos(lazy));
  });

  it('shrinks the leaves, not the structure', () => {
    const details = fc.check(
      fc.property(leavesOf(node, fc.integer({ min: 0, max: 1000 })), (m) => m.p <= 5),
      { seed: 1 },
    );
    expect(details.failed).to.equal(true);
    const [m] = details.counterexample!;
    expect(m.p).to.equal(6);
    expect(toArray(m).filter((x) => x !== 0)).to.deep.equal([6]);
    assertSameShape(m, node);
  });

  it('a module of a leaf-free kind has one value, itself', () => {
    const d = Dropout.create(0.3);
    const [m] = fc.sample(leavesOf(d, fc.integer()), 1);
    expect(getEq({ equals: Object.is }).equals(m!, d)).to.equal(true);
  });

  it('generated modules print through Show in the user’s own fc.assert failures', () => {
    const message = failureMessage(() =>
      fc.assert(fc.property(leavesOf(Linear.create(2, 3), fc.integer({ min: 1, max: 9 })), (m) => m.weight < 0)),
    );
    expect(message).to.match(/Counterexample: \[Linear\(2, 3\) \{ weight: 1, bias: 1 \}\]/);
    expect(message).to.not.contain('Symbol(');
  });
});

describe('initializedOf', () => {
  it('gives float32 tensors of each lazy leaf’s shape, within the bounds', () => {
    const lazy = Sequential.create([Linear.create(3, 2), Dropout.create(0.1), Linear.create(2, 1)]);
    const shapes = mapModule(lazy, (p) => p.shape);
    tidy(() =>
      fc.assert(
        fc.property(initializedOf(lazy, { min: -0.5, max: 2 }), (m) => {
          expect(mapModule(m, (t: Tensor) => t.shape)).to.deep.equal(shapes);
          for (const t of toArray(m)) {
            expect(t.dtype).to.equal('float32');
            for (const v of t.dataSync()) expect(v).to.be.within(-0.5, 2);
          }
        }),
        { numRuns: 30 },
      ),
    );
  });

  it('takes an initialized module too, and its modules run forward', () => {
    const params = initialize(Linear.create(4, 2))(key(0));
    tidy(() =>
      fc.assert(
        fc.property(initializedOf(params), (m) => {
          expect(toArray(m).every((t, i) => t !== toArray(params)[i])).to.equal(true);
          const y = Linear.forward(m, tf.ones([3, 4]));
          expect(y.shape).to.deep.equal([3, 2]);
          for (const v of y.dataSync()) expect(Math.abs(v)).to.be.at.most(5);
        }),
        { numRuns: 20 },
      ),
    );
    dispose(params);
  });

  it('the property owns the tensors: inside tidy, or disposed by the property, nothing leaks (also on failure)', () => {
    const lazy = Linear.create(3, 2);
    const before = tf.memory().numTensors;
    tidy(() =>
      fc.assert(
        fc.property(initializedOf(lazy), (m) => toArray(m).length === 2),
        { numRuns: 25 },
      ),
    );
    expect(tf.memory().numTensors).to.equal(before);
    fc.assert(
      fc.property(initializedOf(lazy), (m) => {
        dispose(m);
      }),
      { numRuns: 25 },
    );
    expect(tf.memory().numTensors).to.equal(before);
    const message = failureMessage(() =>
      tidy(() => fc.assert(fc.property(initializedOf(lazy, { min: 0, max: 1 }), (m) => m.bias.size > 2))),
    );
    expect(tf.memory().numTensors).to.equal(before);
    // the counterexample prints through Show, small tensors with their values
    expect(message).to.match(/Linear\(3, 2\) \{ weight: float32\[2, 3\] \[[^\]]*\], bias: float32\[2\] \[[^\]]*\] \}/);
  });

  it('rejects leaves that are neither lazy nor tensors, and bad bounds', () => {
    expect(() => initializedOf(mapModule(Linear.create(2, 3), () => 1) as never)).to.throw(
      ArgumentError,
      'initializedOf: leaf "weight" is neither a ParamInit nor a Tensor, got 1',
    );
    expect(() => initializedOf(Linear.create(2, 3), { min: 1, max: 0 })).to.throw(
      ArgumentError,
      'initializedOf: expected finite bounds with min <= max, got [1, 0] for Linear',
    );
    expect(() => initializedOf(Linear.create(2, 3), { max: Infinity })).to.throw(/finite bounds/);
  });
});
