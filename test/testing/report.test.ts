/** parallax-ts/testing counterexamples: how values and modules print, printable, LawError. */
import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import { tf } from '../../src/engine/backend.js';
import { Linear } from '../../src/nn/Linear.js';
import {
  counterexampleShow,
  describeValue,
  functorLaws,
  LawError,
  type LawParameters,
  printable,
  traversableLaws,
} from '../../src/testing/index.js';
import { type AnyModule, fromArray, Functor, mapModule, toArray, Traversable } from '../../src/tree/index.js';
import { Leaf, Node } from '../support/trees.js';

describe('describeValue / counterexampleShow', () => {
  it('prints data, fp-ts sums and functions without their source', () => {
    expect(describeValue([O.some(1), O.none, E.left('e'), E.right('r'), (x: number) => x + 41])).to.equal(
      '[some(1), none, left("e"), right("r"), <function>]',
    );
    expect(describeValue({ a: -0, b: [undefined, null], c: 'x' })).to.equal('{ a: -0, b: [undefined, null], c: "x" }');
    expect(describeValue({})).to.equal('{}');
    const [f] = fc.sample(fc.func(fc.integer()), 1);
    expect(describeValue(f)).to.equal('<function>');
  });

  it('prints small tensors with their values, large ones by shape, lazy parameters by shape', () => {
    const small = tf.tensor([1, 2.5], [2]);
    const large = tf.zeros([3, 3]);
    expect(describeValue(small)).to.equal('float32[2] [1, 2.5]');
    expect(describeValue(large)).to.equal('float32[3, 3]');
    tf.dispose([small, large]);
    expect(describeValue(small)).to.equal('float32[2] (disposed)');
    expect(describeValue(Linear.create(2, 3).bias)).to.equal('uninitialized[3]');
  });

  it('prints a module through Show, its leaves through describeValue: nesting, paths and leaf values', () => {
    const leaf = Leaf.make<unknown>({ w: 'a', b: [1, 2], tag: 't' });
    const node = Node.make<unknown>({
      first: leaf,
      scale: 2,
      children: [leaf],
      p: O.some(3),
      ctx: { mode: 'eval', key: O.none },
      rest: [],
    });
    const expected = [
      'Node(scale=2, { p: some(3) }',
      '  (first): Leaf(t) { w: "a", b: [1, 2] (buffer) }',
      '  (children.0): Leaf(t) { w: "a", b: [1, 2] (buffer) }',
      ')',
    ].join('\n');
    expect(counterexampleShow.show(node)).to.equal(expected);
    expect(describeValue(node)).to.equal(expected);
  });
});

describe('printable', () => {
  it('makes fast-check print a module through Show, changing nothing else about it', () => {
    const m = mapModule(Linear.create(2, 3), (p) => p.shape.length);
    const copy = { ...m };
    expect(printable(m)).to.equal(m);
    expect(fc.stringify(m)).to.equal('Linear(2, 3) { weight: 2, bias: 1 }');
    expect(Object.keys(m)).to.deep.equal(Object.keys(copy));
    expect(m).to.deep.equal(copy);
    expect(Functor.map(m, (n) => n)).to.deep.equal(m);
  });

  it('leaves a frozen record alone', () => {
    const frozen = Linear.create(2, 3);
    expect(Object.isFrozen(frozen)).to.equal(true);
    expect(printable(frozen)).to.equal(frozen);
  });
});

describe('LawError', () => {
  it('names the law, prints the module and what the instance threw, and gives the replay seed and path', () => {
    const throwing = {
      ...Functor,
      map: () => {
        throw new Error('boom');
      },
    };
    const [identity] = functorLaws(Linear.create(2, 3), { instances: { Functor: throwing }, parameters: { seed: 5 } });
    let error: unknown;
    try {
      identity!.check();
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(LawError);
    const e = error as LawError;
    expect(e.law).to.equal('Functor identity: map(fa, a ↦ a) = fa');
    expect(e.seed).to.equal(5);
    expect(e.path).to.be.a('string');
    expect(e.message).to.contain('Law failed: Functor identity');
    expect(e.message).to.contain('module fa:\nLinear(2, 3) { weight: 0, bias: 0 }');
    expect(e.message).to.contain('threw Error: boom');
    expect(e.message).to.contain(`replay with parameters { seed: 5, path: ${JSON.stringify(e.path)} }`);
  });

  it('replaying with the reported seed and path finds the same counterexample', () => {
    interface Ap {
      readonly of: (a: unknown) => unknown;
      readonly map: (fa: unknown, f: (a: unknown) => unknown) => unknown;
      readonly ap: (fab: unknown, fa: unknown) => unknown;
    }
    // Lawless on purpose: runs the effects from the last leaf to the first.
    const lastToFirst = {
      ...Traversable,
      traverse: (F: Ap) => (ta: AnyModule<unknown>, f: (a: unknown) => unknown) => {
        const leaves = toArray(ta);
        let acc = F.of([]);
        for (let k = leaves.length - 1; k >= 0; k--)
          acc = F.ap(
            F.map(acc, (bs) => (b: unknown) => [b, ...(bs as unknown[])]),
            f(leaves[k]),
          );
        return F.map(acc, (bs) => fromArray(ta, bs as unknown[]));
      },
    };
    const orderLaw = (parameters: LawParameters) =>
      traversableLaws(Linear.create(2, 3), { instances: { Traversable: lastToFirst }, parameters }).find((l) =>
        l.name.startsWith('effects in leaf order'),
      )!;
    const failure = (parameters: LawParameters): LawError => {
      try {
        orderLaw(parameters).check();
      } catch (e) {
        if (e instanceof LawError) return e;
        throw e;
      }
      throw new Error('expected the order law to fail');
    };
    const first = failure({ seed: 11 });
    expect(first.message).to.contain('traverse(State)(fa, f):');
    expect(first.message).to.contain('f: a generated function (fc.func), not printed');
    const replayed = failure({ seed: first.seed, path: first.path! });
    expect(counterexampleShow.show(replayed.module!)).to.equal(counterexampleShow.show(first.module!));
    // the lawful instance passes the same law
    traversableLaws(Linear.create(2, 3), { parameters: { seed: 11 } })
      .find((l) => l.name.startsWith('effects in leaf order'))!
      .check();
  });
});
