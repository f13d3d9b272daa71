/**
 * The Functor, Foldable and Traversable laws of module instances, as fast-check properties over a
 * module's shape (or an arbitrary of modules) with arbitrary functions (`fc.func`).
 *
 * `fc.func` functions see every argument they receive, so an instance that calls `f(a, i)` where
 * fp-ts's contract is `f(a)` breaks these laws — as it breaks them for real callers whose functions
 * read their second argument. Each law is a {@link Law}: run it with `check()`, or run a whole
 * group with {@link checkFunctorLaws}, {@link checkFoldableLaws}, {@link checkTraversableLaws}.
 *
 * @since 0.2.0
 */
import * as fc from 'fast-check';
import * as RA from 'fp-ts/lib/Array.js';
import type { Monoid } from 'fp-ts/lib/Monoid.js';
import * as Str from 'fp-ts/lib/string.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';
import { getEq } from '../tree/Eq.js';
import type { AnyModule } from '../tree/Field.js';
import { Foldable, Functor, Traversable } from '../tree/instances.js';
import { fromArray, toArray } from '../tree/leaves.js';
import { isOptionsRecord, unknownOption } from '../tree/optionKeys.js';
import { isModule } from '../tree/walk.js';
import { leavesOf } from './arbitraries.js';
import {
  type AnyApplicative,
  ArrayEffect,
  compose,
  type Effect,
  EitherEffect,
  IdentityEffect,
  OptionEffect,
  StateEffect,
  transformations,
} from './effects.js';
import { type LawInputs, lawReporter, LawViolation } from './report.js';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The type classes whose laws the kit checks. @category model @since 0.2.0 */
export type TypeClass = 'Functor' | 'Foldable' | 'Traversable';

/**
 * One law of one type class, ready to run: `check()` runs it as a fast-check property and throws a
 * `LawError` (with the counterexample printed through `Show`) when it does not hold.
 * @category model
 * @since 0.2.0
 */
export interface Law {
  readonly typeClass: TypeClass;
  /** What the law says, e.g. `'composition: map(fa, g ∘ f) = map(map(fa, f), g)'`. */
  readonly name: string;
  readonly check: () => void;
}

/** A `Functor` under test: the library's, a definition's (`nn.Linear.Functor`), or your own. @category model @since 0.2.0 */
export interface FunctorUnderTest {
  readonly map: (fa: never, f: never) => unknown;
}
/** A `Foldable` under test. @category model @since 0.2.0 */
export interface FoldableUnderTest {
  readonly reduce: (fa: never, b: never, f: never) => unknown;
  readonly reduceRight: (fa: never, b: never, f: never) => unknown;
  readonly foldMap: (M: never) => unknown;
}
/** A `Traversable` under test (it is a `Functor` too). @category model @since 0.2.0 */
export interface TraversableUnderTest extends FunctorUnderTest {
  readonly traverse: (F: never) => unknown;
  readonly sequence: (F: never) => unknown;
}

/** The fast-check parameters a law run takes (the reporter is the kit's). @category model @since 0.2.0 */
export type LawParameters = Pick<
  fc.Parameters<unknown>,
  'numRuns' | 'seed' | 'path' | 'endOnFailure' | 'verbose' | 'timeout' | 'interruptAfterTimeLimit' | 'markInterruptAsFailure'
>;

/**
 * What the laws run on: a module (its shape; leaves are generated, see `leaves`) or an arbitrary of
 * modules (used as it is: its modules' leaves are the functions' inputs).
 * @category model
 * @since 0.2.0
 */
export type LawSubject<A> = AnyModule<unknown> | fc.Arbitrary<AnyModule<A>>;

/**
 * Options of the law checks.
 * @category model
 * @since 0.2.0
 */
export interface LawOptions<A = number> {
  /** The leaves put into a module subject; default integers in `[-1000, 1000]`. */
  readonly leaves?: fc.Arbitrary<A>;
  /**
   * The instances under test; default the library's. A definition has all three, so
   * `{ instances: MyBlock }` checks `MyBlock.Functor`, `MyBlock.Foldable`, `MyBlock.Traversable`.
   */
  readonly instances?: {
    readonly Functor?: FunctorUnderTest;
    readonly Foldable?: FoldableUnderTest;
    readonly Traversable?: TraversableUnderTest;
  };
  /** fast-check parameters of every run, e.g. `{ numRuns: 50 }` or `{ seed, path }` to replay a failure. */
  readonly parameters?: LawParameters;
  /**
   * How many leaves an `Array`-valued function may map to two values in one run (default 6; the
   * others get at most one): an `Array` traversal has one result per combination, so this bounds
   * it by 2^6.
   */
  readonly maxBranchingLeaves?: number;
}

// -------------------------------------------------------------------------------------
// the machinery of a law
// -------------------------------------------------------------------------------------

type Fn = (...args: ReadonlyArray<unknown>) => unknown;
interface LooseFunctor {
  readonly map: (fa: unknown, f: Fn) => unknown;
}
interface LooseFoldable {
  readonly reduce: (fa: unknown, b: unknown, f: Fn) => unknown;
  readonly reduceRight: (fa: unknown, b: unknown, f: Fn) => unknown;
  readonly foldMap: (M: Monoid<unknown>) => (fa: unknown, f: Fn) => unknown;
}
interface LooseTraversable extends LooseFunctor {
  readonly traverse: (F: AnyApplicative) => (ta: unknown, f: Fn) => unknown;
  readonly sequence: (F: AnyApplicative) => (ta: unknown) => unknown;
}

/** Structural equality of law results: modules by kind, structure and leaves; data field by field. */
const sameValue = (x: unknown, y: unknown): boolean => {
  if (isModule(x) || isModule(y)) return isModule(x) && isModule(y) && moduleEq.equals(x, y);
  if (Object.is(x, y)) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) || Array.isArray(y)) {
    return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => sameValue(v, y[i]));
  }
  const kx = Object.keys(x);
  const rx = x as Record<string, unknown>;
  const ry = y as Record<string, unknown>;
  return kx.length === Object.keys(y).length && kx.every((k) => k in ry && sameValue(rx[k], ry[k]));
};
const moduleEq = getEq<unknown>({ equals: sameValue });

const expectSame = (leftName: string, left: unknown, rightName: string, right: unknown): void => {
  if (!sameValue(left, right)) throw new LawViolation(leftName, left, rightName, right);
};

const law = <T extends LawInputs>(
  typeClass: TypeClass,
  name: string,
  inputs: fc.Arbitrary<T>,
  holds: (t: T) => void,
  parameters: LawParameters | undefined,
): Law => ({
  typeClass,
  name,
  check: () =>
    fc.assert(
      fc.property(inputs, (t) => {
        holds(t);
      }),
      { ...parameters, reporter: lawReporter(`${typeClass} ${name}`) as (details: fc.RunDetails<[T]>) => void },
    ),
});

const defaultLeaves = fc.integer({ min: -1000, max: 1000 });
/** What generated functions return: `f` strings, `g` integers (different types catch mix-ups). */
const resultsOfF = fc.string({ maxLength: 3 });
const resultsOfG = fc.integer({ min: -20, max: 20 });

/** The options every law check takes (`typeClasses` is `describeModuleLaws`'s, passed on to it). */
const LAW_OPTIONS = ['leaves', 'instances', 'parameters', 'maxBranchingLeaves', 'typeClasses'];

/** Refuses options that are not an object, or hold a key the checks do not take. */
const checkLawOptions = (options: unknown): void => {
  if (!isOptionsRecord(options)) throw new ArgumentError(`law checks: options must be an object, got ${describeData(options)}`);
  const unknown = unknownOption(options, LAW_OPTIONS);
  if (unknown !== undefined) {
    throw new ArgumentError(
      `law checks: unknown option ${describeData(unknown)}; the options are ${LAW_OPTIONS.join(', ')} ` +
        "(fast-check's own, such as numRuns or seed, go in parameters: { numRuns: 50 })",
    );
  }
};

const modulesOf = <A>(subject: LawSubject<A>, options: LawOptions<A>): fc.Arbitrary<AnyModule<unknown>> =>
  isModule(subject) ? leavesOf(subject, (options.leaves ?? defaultLeaves) as fc.Arbitrary<unknown>) : subject;

const identity = (x: unknown): unknown => x;

/**
 * `h` with its array results cut to one element except at values of `domain` (the multiset of
 * arguments a traversal will pass it, one per leaf) where it has more, as long as at most `limit`
 * leaves get such values: still a function of its arguments (all of them passed on), and an Array
 * traversal over it has at most 2^limit results.
 */
const bounded = (h: Fn, domain: ReadonlyArray<unknown>, limit: number): Fn => {
  const occurrences = new Map<string, { readonly value: unknown; n: number }>();
  for (const x of domain) {
    const key = fc.stringify(x);
    const seen = occurrences.get(key);
    if (seen === undefined) occurrences.set(key, { value: x, n: 1 });
    else seen.n += 1;
  }
  const branching = new Set<string>();
  let leaves = 0;
  for (const [key, { value, n }] of occurrences) {
    if (leaves + n <= limit && (h(value) as ReadonlyArray<unknown>).length > 1) {
      branching.add(key);
      leaves += n;
    }
  }
  return (...args) => {
    const results = h(...args) as ReadonlyArray<unknown>;
    return branching.has(fc.stringify(args[0])) ? results : results.slice(0, 1);
  };
};

// -------------------------------------------------------------------------------------
// laws
// -------------------------------------------------------------------------------------

/**
 * The Functor laws — identity, composition — and that `map` is leafwise (each leaf `a` becomes
 * `f(a)`, everything else is kept), with arbitrary functions `f`, `g`.
 * @example
 * import { nn } from 'parallax-ts'
 * import { functorLaws } from 'parallax-ts/testing'
 * for (const law of functorLaws(nn.Linear.create(2, 3))) law.check()
 * @category laws
 * @since 0.2.0
 */
export const functorLaws = <A = number>(subject: LawSubject<A>, options: LawOptions<A> = {}): ReadonlyArray<Law> => {
  checkLawOptions(options);
  const F = (options.instances?.Functor ?? Functor) as unknown as LooseFunctor;
  const fa = modulesOf(subject, options);
  const f = fc.func<unknown[], unknown>(resultsOfF);
  const g = fc.func<unknown[], unknown>(resultsOfG);
  const p = options.parameters;
  return [
    law(
      'Functor',
      'identity: map(fa, a ↦ a) = fa',
      fc.record({ fa }),
      (t) =>
        expectSame(
          'map(fa, a ↦ a)',
          F.map(t.fa, (a) => a),
          'fa',
          t.fa,
        ),
      p,
    ),
    law(
      'Functor',
      'composition: map(fa, g ∘ f) = map(map(fa, f), g)',
      fc.record({ fa, f, g }),
      (t) =>
        expectSame(
          'map(fa, g ∘ f)',
          F.map(t.fa, (a) => t.g(t.f(a))),
          'map(map(fa, f), g)',
          F.map(F.map(t.fa, t.f), t.g),
        ),
      p,
    ),
    law(
      'Functor',
      'leafwise: map(fa, f) is fa with each leaf a replaced by f(a)',
      fc.record({ fa, f }),
      (t) =>
        expectSame(
          'map(fa, f)',
          F.map(t.fa, t.f),
          'fa with each leaf a replaced by f(a)',
          fromArray(
            t.fa,
            toArray(t.fa).map((a) => t.f(a)),
          ),
        ),
      p,
    ),
  ];
};

/**
 * The Foldable laws: `reduce`, `reduceRight` and `foldMap` agree with the leaves in order
 * (`toArray`), and `foldMap` agrees with `reduce` — with arbitrary functions.
 * @example
 * import { nn } from 'parallax-ts'
 * import { foldableLaws } from 'parallax-ts/testing'
 * for (const law of foldableLaws(nn.Linear.create(2, 3))) law.check()
 * @category laws
 * @since 0.2.0
 */
export const foldableLaws = <A = number>(subject: LawSubject<A>, options: LawOptions<A> = {}): ReadonlyArray<Law> => {
  checkLawOptions(options);
  const F = (options.instances?.Foldable ?? Foldable) as unknown as LooseFoldable;
  const fa = modulesOf(subject, options);
  const b = fc.string({ maxLength: 3 });
  const step = fc.func<unknown[], unknown>(fc.string({ maxLength: 3 }));
  const toList = fc.func<unknown[], unknown>(fc.array(resultsOfG, { maxLength: 2 }));
  const p = options.parameters;
  const ListMonoid = RA.getMonoid<unknown>() as Monoid<unknown>;
  return [
    law(
      'Foldable',
      'reduce: reduce(fa, b, f) = f(…f(f(b, a0), a1)…, an) over the leaves',
      fc.record({ fa, b, f: step }),
      (t) => {
        let acc: unknown = t.b;
        for (const a of toArray(t.fa)) acc = t.f(acc, a);
        expectSame('reduce(fa, b, f)', F.reduce(t.fa, t.b, t.f), 'f(…f(f(b, a0), a1)…, an)', acc);
      },
      p,
    ),
    law(
      'Foldable',
      'reduceRight: reduceRight(fa, b, f) = f(a0, f(a1, …f(an, b)…)) over the leaves',
      fc.record({ fa, b, f: step }),
      (t) => {
        const leaves = toArray(t.fa);
        let acc: unknown = t.b;
        for (let k = leaves.length - 1; k >= 0; k--) acc = t.f(leaves[k], acc);
        expectSame('reduceRight(fa, b, f)', F.reduceRight(t.fa, t.b, t.f), 'f(a0, f(a1, …f(an, b)…))', acc);
      },
      p,
    ),
    law(
      'Foldable',
      'foldMap: foldMap(M)(fa, f) = f(a0) <> f(a1) <> … <> f(an) over the leaves (M: string concatenation)',
      fc.record({ fa, f: fc.func<unknown[], unknown>(resultsOfF) }),
      (t) => {
        const expected = toArray(t.fa).reduce<string>((acc, a) => acc + (t.f(a) as string), '');
        expectSame('foldMap(M)(fa, f)', F.foldMap(Str.Monoid as Monoid<unknown>)(t.fa, t.f), 'f(a0) <> f(a1) <> … <> f(an)', expected);
      },
      p,
    ),
    law(
      'Foldable',
      'foldMap agrees with reduce: foldMap(M)(fa, f) = reduce(fa, M.empty, (b, a) ↦ M.concat(b, f(a))) (M: array concatenation)',
      fc.record({ fa, f: toList }),
      (t) =>
        expectSame(
          'foldMap(M)(fa, f)',
          F.foldMap(ListMonoid)(t.fa, t.f),
          'reduce(fa, M.empty, (b, a) ↦ M.concat(b, f(a)))',
          F.reduce(t.fa, ListMonoid.empty, (acc, a) => ListMonoid.concat(acc, t.f(a))),
        ),
      p,
    ),
  ];
};

/** The pairs `F∘G` the composition law is checked with: each effect inside and outside. */
const compositions: ReadonlyArray<readonly [Effect, Effect]> = [
  [ArrayEffect, OptionEffect],
  [OptionEffect, ArrayEffect],
  [EitherEffect, StateEffect],
  [StateEffect, EitherEffect],
];

/**
 * The Traversable laws with arbitrary functions: identity (and `traverse` in `Identity` is `map`),
 * composition (for `Array∘Option`, `Option∘Array`, `Either∘State`, `State∘Either`), naturality
 * (for `Array ~> Option`, `Option ~> Array`, `Either ~> Option`, `Option ~> Either`),
 * `sequence = traverse(identity)` (in `Option`, `Either`, `Array`, `State`), and that effects run
 * in leaf order (a `State` threaded through the leaves by hand).
 * @example
 * import { nn } from 'parallax-ts'
 * import { traversableLaws } from 'parallax-ts/testing'
 * for (const law of traversableLaws(nn.Linear.create(2, 3))) law.check()
 * @category laws
 * @since 0.2.0
 */
export const traversableLaws = <A = number>(subject: LawSubject<A>, options: LawOptions<A> = {}): ReadonlyArray<Law> => {
  checkLawOptions(options);
  const T = (options.instances?.Traversable ?? Traversable) as unknown as LooseTraversable;
  const fa = modulesOf(subject, options);
  const limit = options.maxBranchingLeaves ?? 6;
  const p = options.parameters;
  const funcOf = (E: Effect, results: fc.Arbitrary<unknown>) => fc.func<unknown[], unknown>(E.arbitrary(results));
  const I = IdentityEffect;

  const identityLaws = [
    law(
      'Traversable',
      'identity: traverse(Identity)(fa, of) = fa',
      fc.record({ fa }),
      (t) => expectSame('traverse(Identity)(fa, of)', T.traverse(I.A)(t.fa, I.A.of), 'fa', t.fa),
      p,
    ),
    law(
      'Traversable',
      'traverse in Identity is map: traverse(Identity)(fa, f) = map(fa, f)',
      fc.record({ fa, f: fc.func<unknown[], unknown>(resultsOfF) }),
      (t) => expectSame('traverse(Identity)(fa, f)', T.traverse(I.A)(t.fa, t.f), 'map(fa, f)', T.map(t.fa, t.f)),
      p,
    ),
  ];

  const compositionLaws = compositions.map(([F, G]) => {
    const FG = compose(F, G);
    return law(
      'Traversable',
      `composition in ${FG.name}: traverse(${FG.name})(fa, x ↦ ${F.name}.map(f(x), g)) = ${F.name}.map(traverse(${F.name})(fa, f), t ↦ traverse(${G.name})(t, g))`,
      fc.record({ fa, f: funcOf(F, resultsOfF), g: funcOf(G, resultsOfG) }),
      (t) => {
        const leaves = toArray(t.fa);
        const f = F.branches ? bounded(t.f, leaves, limit) : t.f;
        const g = G.branches
          ? bounded(
              t.g,
              leaves.flatMap((a) => F.contents!(f(a))),
              limit,
            )
          : t.g;
        const left = T.traverse(FG.A)(t.fa, (x) => F.A.map(f(x) as never, g));
        const right = F.A.map(T.traverse(F.A)(t.fa, f) as never, (ta) => T.traverse(G.A)(ta, g));
        expectSame(
          `traverse(${FG.name})(fa, x ↦ ${F.name}.map(f(x), g))`,
          FG.observe(left, identity),
          `${F.name}.map(traverse(${F.name})(fa, f), t ↦ traverse(${G.name})(t, g))`,
          FG.observe(right, identity),
        );
      },
      p,
    );
  });

  const naturalityLaws = transformations.map((nt) =>
    law(
      'Traversable',
      `naturality for ${nt.name}: t(traverse(${nt.from.name})(fa, f)) = traverse(${nt.to.name})(fa, t ∘ f)`,
      fc.record({ fa, f: funcOf(nt.from, resultsOfF) }),
      (t) => {
        const f = nt.from.branches ? bounded(t.f, toArray(t.fa), limit) : t.f;
        expectSame(
          `t(traverse(${nt.from.name})(fa, f))`,
          nt.to.observe(nt.run(T.traverse(nt.from.A)(t.fa, f)), identity),
          `traverse(${nt.to.name})(fa, t ∘ f)`,
          nt.to.observe(
            T.traverse(nt.to.A)(t.fa, (x) => nt.run(f(x))),
            identity,
          ),
        );
      },
      p,
    ),
  );

  const sequenceLaws = [OptionEffect, EitherEffect, ArrayEffect, StateEffect].map((E) =>
    law(
      'Traversable',
      `sequence in ${E.name}: sequence(${E.name})(fa with each leaf a replaced by f(a)) = traverse(${E.name})(fa, f)`,
      fc.record({ fa, f: funcOf(E, resultsOfF) }),
      (t) => {
        const leaves = toArray(t.fa);
        const f = E.branches ? bounded(t.f, leaves, limit) : t.f;
        const effects = fromArray(
          t.fa,
          leaves.map((a) => f(a)),
        );
        expectSame(
          `sequence(${E.name})(fa with each leaf a replaced by f(a))`,
          E.observe(T.sequence(E.A)(effects), identity),
          `traverse(${E.name})(fa, f)`,
          E.observe(T.traverse(E.A)(t.fa, f), identity),
        );
      },
      p,
    ),
  );

  const orderLaw = law(
    'Traversable',
    'effects in leaf order: traverse(State)(fa, f) threads the state through f(a0), f(a1), …, f(an)',
    fc.record({ fa, f: funcOf(StateEffect, resultsOfF) }),
    (t) => {
      const leaves = toArray(t.fa);
      const byHand = (s0: number): readonly [unknown, number] => {
        let s = s0;
        const results: unknown[] = [];
        for (const a of leaves) {
          const [b, next] = (t.f(a) as (s: number) => readonly [unknown, number])(s);
          results.push(b);
          s = next;
        }
        return [fromArray(t.fa, results), s];
      };
      expectSame(
        'traverse(State)(fa, f)',
        StateEffect.observe(T.traverse(StateEffect.A)(t.fa, t.f), identity),
        'f(a0), f(a1), …, f(an) run in order',
        StateEffect.observe(byHand, identity),
      );
    },
    p,
  );

  return [...identityLaws, ...compositionLaws, ...naturalityLaws, ...sequenceLaws, orderLaw];
};

/**
 * All the laws the kit knows for a module: Functor, Foldable and Traversable.
 * @example
 * import { nn } from 'parallax-ts'
 * import { moduleLaws } from 'parallax-ts/testing'
 * moduleLaws(nn.Linear.create(2, 3)).map((law) => `${law.typeClass} ${law.name}`) // the laws' names
 * @category laws
 * @since 0.2.0
 */
export const moduleLaws = <A = number>(subject: LawSubject<A>, options: LawOptions<A> = {}): ReadonlyArray<Law> => [
  ...functorLaws(subject, options),
  ...foldableLaws(subject, options),
  ...traversableLaws(subject, options),
];

const checkAll = (laws: ReadonlyArray<Law>): void => {
  for (const l of laws) l.check();
};

/**
 * Checks the Functor laws ({@link functorLaws}); throws a `LawError` on the first that fails.
 * @example
 * import { nn } from 'parallax-ts'
 * import { checkFunctorLaws } from 'parallax-ts/testing'
 * checkFunctorLaws(nn.Linear.create(2, 3))
 * @category checks
 * @since 0.2.0
 */
export const checkFunctorLaws = <A = number>(subject: LawSubject<A>, options: LawOptions<A> = {}): void =>
  checkAll(functorLaws(subject, options));

/**
 * Checks the Foldable laws ({@link foldableLaws}); throws a `LawError` on the first that fails.
 * @example
 * import { nn } from 'parallax-ts'
 * import { checkFoldableLaws } from 'parallax-ts/testing'
 * checkFoldableLaws(nn.Linear.create(2, 3))
 * @category checks
 * @since 0.2.0
 */
export const checkFoldableLaws = <A = number>(subject: LawSubject<A>, options: LawOptions<A> = {}): void =>
  checkAll(foldableLaws(subject, options));

/**
 * Checks the Traversable laws ({@link traversableLaws}); throws a `LawError` on the first that fails.
 * @example
 * import { nn } from 'parallax-ts'
 * import { checkTraversableLaws } from 'parallax-ts/testing'
 * checkTraversableLaws(nn.Linear.create(2, 3))
 * @category checks
 * @since 0.2.0
 */
export const checkTraversableLaws = <A = number>(subject: LawSubject<A>, options: LawOptions<A> = {}): void =>
  checkAll(traversableLaws(subject, options));

/**
 * Checks every law the kit knows ({@link moduleLaws}); throws a `LawError` on the first that fails.
 * @example
 * import { nn } from 'parallax-ts'
 * import { checkModuleLaws } from 'parallax-ts/testing'
 * checkModuleLaws(nn.Sequential.create([nn.Linear.create(4, 8), nn.Dropout.create(0.1), nn.Linear.create(8, 2)]))
 * @category checks
 * @since 0.2.0
 */
export const checkModuleLaws = <A = number>(subject: LawSubject<A>, options: LawOptions<A> = {}): void =>
  checkAll(moduleLaws(subject, options));
