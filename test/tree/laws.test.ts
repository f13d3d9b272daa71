/**
 * Functor, Foldable and Traversable laws for derived module instances, property-based over
 * generated trees (fp-ts-laws has no Foldable/Traversable laws, so they are written here).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import * as A from 'fp-ts/lib/Array.js';
import { flow, identity, pipe } from 'fp-ts/lib/function.js';
import * as I from 'fp-ts/lib/Identity.js';
import * as N from 'fp-ts/lib/number.js';
import * as O from 'fp-ts/lib/Option.js';
import * as S from 'fp-ts/lib/string.js';
import { type Applicative, getApplicativeComposition } from 'fp-ts/lib/Applicative.js';
import type { HKT } from 'fp-ts/HKT.js';
import * as M from '../../src/tree/Module.js';
import { Node, nodeArb } from '../support/trees.js';

const T = Node.Traversable;
const trees = nodeArb(fc.integer({ min: -1000, max: 1000 }));
const f = (n: number): string => `<${n}>`;
const g = (s: string): number => s.length;

describe('tree laws (property-based, generated nested trees)', () => {
  describe('Functor', () => {
    it('identity: map(fa, id) = fa', () => {
      fc.assert(fc.property(trees, (fa) => void expect(T.map(fa, identity)).to.deep.equal(fa)));
    });
    it('composition: map(fa, g ∘ f) = map(map(fa, f), g)', () => {
      fc.assert(fc.property(trees, (fa) => void expect(T.map(fa, flow(f, g))).to.deep.equal(T.map(T.map(fa, f), g))));
    });
    it('the any-module instance agrees with the derived one', () => {
      fc.assert(fc.property(trees, (fa) => void expect(M.Functor.map(fa, f)).to.deep.equal(T.map(fa, f))));
    });
    it('keeps constants and contexts, changes only leaves', () => {
      fc.assert(
        fc.property(trees, (fa) => {
          const fb = T.map(fa, f);
          expect(fb.scale).to.equal(fa.scale);
          expect(fb.ctx).to.equal(fa.ctx);
          expect(fb.first.tag).to.equal(fa.first.tag);
          expect(fb.p).to.equal(f(fa.p));
        }),
      );
    });
  });

  describe('Foldable', () => {
    it('reduce agrees with toArray().reduce and with foldMap', () => {
      fc.assert(
        fc.property(trees, (fa) => {
          const viaReduce = T.reduce(fa, '', (acc, n) => `${acc}|${n}`);
          expect(viaReduce).to.equal(M.toArray(fa).reduce((acc, n) => `${acc}|${n}`, ''));
          expect(T.foldMap(S.Monoid)(fa, (n) => `|${n}`)).to.equal(viaReduce);
        }),
      );
    });
    it('reduceRight is reduce over the reversed leaves', () => {
      fc.assert(
        fc.property(trees, (fa) => {
          const right = T.reduceRight(fa, [] as number[], (n, acc) => [...acc, n]);
          expect(right).to.deep.equal([...M.toArray(fa)].reverse());
        }),
      );
    });
    it('toArray has one entry per leaf, matching leafInfos', () => {
      fc.assert(
        fc.property(trees, (fa) => {
          expect(M.toArray(fa).length).to.equal(M.count(fa));
          expect(M.leafInfos(fa).length).to.equal(M.count(fa));
          expect(T.foldMap(N.MonoidSum)(fa, () => 1)).to.equal(M.count(fa));
        }),
      );
    });
  });

  describe('Traversable', () => {
    it('identity: traverse(Identity)(fa, of) = fa', () => {
      fc.assert(fc.property(trees, (fa) => void expect(T.traverse(I.Applicative)(fa, I.of)).to.deep.equal(fa)));
    });

    it('composition: traverse(F∘G)(fa, x => F.map(f(x), g)) = F.map(traverse(F)(fa, f), t => traverse(G)(t, g))', () => {
      // F = Array (non-deterministic, order-sensitive), G = Option.
      const FG = getApplicativeComposition(A.Applicative, O.Applicative);
      const fx = (n: number): Array<number> => (n % 3 === 0 ? [n, n + 1] : [n]);
      const gx = (n: number): O.Option<string> => (n % 7 === 0 ? O.none : O.some(String(n)));
      fc.assert(
        fc.property(nodeArb(fc.integer({ min: -50, max: 50 }), 1), (fa) => {
          // The composed applicative has no fp-ts URI; use the HKT-generic overload.
          const FGh = FG as unknown as Applicative<'ArrayOption'>;
          const left: unknown = T.traverse(FGh)(fa, (x) => A.Functor.map(fx(x), gx) as unknown as HKT<'ArrayOption', string>);
          const right = pipe(
            T.traverse(A.Applicative)(fa, fx),
            A.map((t) => T.traverse(O.Applicative)(t, gx)),
          );
          expect(left).to.deep.equal(right);
        }),
      );
    });

    it('naturality: t(traverse(F)(fa, f)) = traverse(G)(fa, x => t(f(x))) for t = Array.head', () => {
      const fx = (n: number): Array<number> => (n % 2 === 0 ? [n, -n] : n % 5 === 0 ? [] : [n]);
      fc.assert(
        fc.property(nodeArb(fc.integer({ min: -50, max: 50 }), 1), (fa) => {
          const left = A.head(T.traverse(A.Applicative)(fa, fx));
          const right = T.traverse(O.Applicative)(fa, (x) => A.head(fx(x)));
          expect(left).to.deep.equal(right);
        }),
      );
    });

    it('sequence = traverse(identity), and effects run in leaf order', () => {
      fc.assert(
        fc.property(trees, (fa) => {
          const optTree = T.map(fa, (n) => (n > 900 ? O.none : O.some(n)));
          expect(T.sequence(O.Applicative)(optTree)).to.deep.equal(T.traverse(O.Applicative)(optTree, identity));
          const visited: number[] = [];
          T.traverse(I.Applicative)(fa, (n) => (visited.push(n), n));
          expect(visited).to.deep.equal(M.toArray(fa));
        }),
      );
    });

    it('traverseWithIndex sees each leaf with its path', () => {
      fc.assert(
        fc.property(trees, (fa) => {
          const paths = Node.TraversableWithIndex.traverseWithIndex(I.Applicative)(fa, (i, _n: number) => i.path);
          expect(M.toArray(paths)).to.deep.equal(M.leafInfos(fa).map((i) => i.path));
        }),
      );
    });
  });
});
