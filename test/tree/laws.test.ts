/**
 * Functor, Foldable and Traversable laws of the module instances, property-based with arbitrary
 * functions (fc.func, which see every argument they are given), through the library's own testing
 * kit: on generated nested trees and on built-in layers. Then what the laws leave unsaid (constants
 * kept, paths, the any-module and per-definition instances agree), and that the kit can fail.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import * as I from 'fp-ts/lib/Identity.js';
import * as O from 'fp-ts/lib/Option.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { LSTM } from '../../src/nn/LSTM.js';
import { Sequential } from '../../src/nn/Sequential.js';
import {
  counterexampleShow,
  describeModuleLaws,
  foldableLaws,
  functorLaws,
  type Law,
  LawError,
  traversableLaws,
} from '../../src/testing/index.js';
import * as M from '../../src/tree/Module.js';
import { Node, nodeArb } from '../support/trees.js';

const trees = nodeArb(fc.integer({ min: -1000, max: 1000 }));
const strings = fc.string({ maxLength: 3 });

describe('tree laws (property-based, fc.func, through parallax-ts/testing)', () => {
  describeModuleLaws('generated nested trees, any-module instances', trees);
  describeModuleLaws('generated nested trees, a definition’s own instances (Node.Functor, …)', trees, { instances: Node });
  describeModuleLaws('nn.Linear', Linear.create(3, 2));
  describeModuleLaws(
    'nn.Sequential of Linear and Dropout',
    Sequential.create([Linear.create(3, 4), Dropout.create(0.1), Linear.create(4, 2)]),
  );
  describeModuleLaws('nn.LSTM (two layers)', LSTM.create(3, 4, { numLayers: 2, dropout: 0.1 }));

  describe('beyond the laws', () => {
    it('the any-module instance agrees with the derived one', () => {
      fc.assert(
        fc.property(trees, fc.func(strings), (fa, f) => {
          expect(M.Functor.map(fa, f)).to.deep.equal(Node.Functor.map(fa, f));
          expect(M.Traversable.traverse(O.Applicative)(fa, (a) => O.some(f(a)))).to.deep.equal(
            Node.Traversable.traverse(O.Applicative)(fa, (a) => O.some(f(a))),
          );
        }),
      );
    });

    it('map keeps constants and contexts, changes only leaves', () => {
      fc.assert(
        fc.property(trees, fc.func(strings), (fa, f) => {
          const fb = Node.Functor.map(fa, f);
          expect(fb.scale).to.equal(fa.scale);
          expect(fb.ctx).to.equal(fa.ctx);
          expect(fb.first.tag).to.equal(fa.first.tag);
          expect(fb.children.map((c) => c.tag)).to.deep.equal(fa.children.map((c) => c.tag));
          expect(fb.p).to.equal(f(fa.p));
        }),
      );
    });

    it('toArray has one entry per leaf, matching leafInfos, count and foldMap', () => {
      fc.assert(
        fc.property(trees, (fa) => {
          expect(M.toArray(fa).length).to.equal(M.count(fa));
          expect(M.leafInfos(fa).length).to.equal(M.count(fa));
          expect(Node.Foldable.foldMap({ concat: (x: number, y: number) => x + y, empty: 0 })(fa, () => 1)).to.equal(M.count(fa));
        }),
      );
    });

    it('traverseWithIndex sees each leaf with its path, and its function gets exactly (info, leaf)', () => {
      fc.assert(
        fc.property(trees, (fa) => {
          const arities: number[] = [];
          const paths = Node.TraversableWithIndex.traverseWithIndex(I.Applicative)(fa, (...args: [M.LeafInfo, number]) => {
            arities.push(args.length);
            return args[0].path;
          });
          expect(M.toArray(paths)).to.deep.equal(M.leafInfos(fa).map((i) => i.path));
          expect(arities.every((n) => n === 2)).to.equal(true);
        }),
      );
    });

    it('effects run in leaf order', () => {
      fc.assert(
        fc.property(trees, (fa) => {
          const visited: number[] = [];
          Node.Traversable.traverse(I.Applicative)(fa, (n) => (visited.push(n), n));
          expect(visited).to.deep.equal(M.toArray(fa));
        }),
      );
    });
  });

  describe('the kit can fail', () => {
    // Lawless on purpose: each callback also gets the leaf's path, which fp-ts's contract does not give.
    const extraArgument = {
      ...M.Functor,
      map: (fa: M.AnyModule<unknown>, f: (a: unknown, extra?: unknown) => unknown) => M.mapModuleWithInfo(fa, (info, a) => f(a, info.path)),
    };
    const reduceWithIndexToo = {
      ...M.Foldable,
      reduce: (fa: M.AnyModule<unknown>, b: unknown, f: (b: unknown, a: unknown, i?: number) => unknown) =>
        M.toArray(fa).reduce((acc: unknown, a, i) => f(acc, a, i), b),
    };
    const byName = (laws: ReadonlyArray<Law>, prefix: string): Law => laws.find((l) => l.name.startsWith(prefix))!;
    const failureOf = (law: Law): LawError => {
      try {
        law.check();
      } catch (e) {
        if (e instanceof LawError) return e;
        throw e;
      }
      throw new Error(`expected ${law.name} to fail`);
    };

    it('an instance that passes an extra argument to the callback fails the Functor composition law', () => {
      const composition = byName(
        functorLaws(Linear.create(3, 2), { instances: { Functor: extraArgument }, parameters: { seed: 42 } }),
        'composition',
      );
      expect(() => composition.check()).to.throw(LawError, /Functor composition/);
      // the lawful instance passes the same law with the same seed
      byName(functorLaws(Linear.create(3, 2), { parameters: { seed: 42 } }), 'composition').check();
    });

    it('it fails on generated trees too, and the extra argument fails the Foldable and Traversable laws', () => {
      expect(() =>
        byName(functorLaws(trees, { instances: { Functor: extraArgument }, parameters: { seed: 7 } }), 'composition').check(),
      ).to.throw(LawError);
      expect(() =>
        byName(foldableLaws(trees, { instances: { Foldable: reduceWithIndexToo }, parameters: { seed: 7 } }), 'reduce:').check(),
      ).to.throw(LawError, /Foldable reduce/);
      const traverseWithPath = {
        ...M.Traversable,
        traverse: M.TraversableWithIndex.traverseWithIndex as unknown as typeof M.Traversable.traverse,
      };
      expect(() =>
        byName(
          traversableLaws(Linear.create(3, 2), { instances: { Traversable: traverseWithPath }, parameters: { seed: 7 } }),
          'effects in leaf order',
        ).check(),
      ).to.throw(LawError, /Traversable effects in leaf order/);
    });

    it('the failure message prints the module through Show, both sides of the law, and no function source', () => {
      const e = failureOf(
        byName(functorLaws(Linear.create(3, 2), { instances: { Functor: extraArgument }, parameters: { seed: 42 } }), 'composition'),
      );
      expect(e.module).to.not.equal(undefined);
      const shown = counterexampleShow.show(e.module!);
      expect(shown).to.match(/^Linear\(3, 2\) \{ weight: -?\d+, bias: -?\d+ \}$/);
      expect(e.message).to.contain(shown);
      expect(e.message).to.contain('map(fa, g ∘ f):');
      expect(e.message).to.contain('map(map(fa, f), g):');
      expect(e.message).to.contain(`seed: ${e.seed}`);
      // neither fc.func's generated source nor the lawless instance's own text
      expect(e.message).to.not.match(/=>|function\s*\(|return |outs\[|hash\(|stringify\(/);
      expect(e.message).to.not.contain(String(extraArgument.map));
      expect(e.message).to.contain('f, g: generated functions (fc.func), not printed');
    });

    it('on a nested tree the message shows the nesting and leaf values of the counterexample', () => {
      const e = failureOf(byName(functorLaws(trees, { instances: { Functor: extraArgument }, parameters: { seed: 3 } }), 'composition'));
      const shown = counterexampleShow.show(e.module!);
      expect(shown).to.match(/^Node\(scale=-?\d+,/);
      expect(shown).to.contain('(first): Leaf(');
      expect(e.message).to.contain(shown);
      expect(e.message).to.not.match(/=>|function\s*\(|outs\[/);
    });
  });
});
