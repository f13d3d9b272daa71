/**
 * The applicatives the Traversable laws run in (Identity, Option, Either, Array, State), each with
 * an arbitrary of its effects, a way to observe an effect as plain data (a `State` by running it),
 * and the natural transformations between them.
 *
 * @internal
 */
import * as fc from 'fast-check';
import type { Applicative } from 'fp-ts/lib/Applicative.js';
import * as RA from 'fp-ts/lib/Array.js';
import * as E from 'fp-ts/lib/Either.js';
import * as I from 'fp-ts/lib/Identity.js';
import * as O from 'fp-ts/lib/Option.js';
import * as St from 'fp-ts/lib/State.js';

/** An applicative, untyped in its kind: the laws treat every effect alike. @internal */
export type AnyApplicative = Applicative<unknown>;

/** An applicative the laws run in, with what they need to generate and compare its effects. @internal */
export interface Effect {
  readonly name: string;
  readonly A: AnyApplicative;
  /** Effects holding values from `b`. */
  readonly arbitrary: (b: fc.Arbitrary<unknown>) => fc.Arbitrary<unknown>;
  /** The effect as plain data, its values passed through `inner`: what the laws compare and print. */
  readonly observe: (fx: unknown, inner: (x: unknown) => unknown) => unknown;
  /** The values an effect holds, for effects that hold finitely many (not State). */
  readonly contents?: (fx: unknown) => ReadonlyArray<unknown>;
  /** Whether one effect may hold several values, so that traversals multiply (Array). */
  readonly branches: boolean;
}

const untyped = (A: unknown): AnyApplicative => A as AnyApplicative;

/** An applicative's operations on untyped effects (what composing two of them needs). */
interface LooseApplicative {
  readonly URI: string;
  readonly of: (a: unknown) => unknown;
  readonly map: (fa: unknown, f: (a: unknown) => unknown) => unknown;
  readonly ap: (fab: unknown, fa: unknown) => unknown;
}

/** The states a `State` effect is observed from. */
const INITIAL_STATES: ReadonlyArray<number> = [0, 1, -3];
const states = fc.integer({ min: -3, max: 3 });

/** @internal */
export const IdentityEffect: Effect = {
  name: 'Identity',
  A: untyped(I.Applicative),
  arbitrary: (b) => b,
  observe: (fx, inner) => inner(fx),
  contents: (fx) => [fx],
  branches: false,
};

/** @internal */
export const OptionEffect: Effect = {
  name: 'Option',
  A: untyped(O.Applicative),
  arbitrary: (b) => fc.oneof({ weight: 1, arbitrary: fc.constant(O.none) }, { weight: 4, arbitrary: b.map(O.some) }),
  observe: (fx, inner) => {
    const o = fx as O.Option<unknown>;
    return O.isNone(o) ? o : O.some(inner(o.value));
  },
  contents: (fx) => {
    const o = fx as O.Option<unknown>;
    return O.isSome(o) ? [o.value] : [];
  },
  branches: false,
};

/** @internal */
export const EitherEffect: Effect = {
  name: 'Either',
  A: untyped(E.Applicative),
  arbitrary: (b) => fc.oneof({ weight: 1, arbitrary: fc.string({ maxLength: 2 }).map(E.left) }, { weight: 4, arbitrary: b.map(E.right) }),
  observe: (fx, inner) => {
    const e = fx as E.Either<unknown, unknown>;
    return E.isLeft(e) ? e : E.right(inner(e.right));
  },
  contents: (fx) => {
    const e = fx as E.Either<unknown, unknown>;
    return E.isRight(e) ? [e.right] : [];
  },
  branches: false,
};

/** @internal */
export const ArrayEffect: Effect = {
  name: 'Array',
  A: untyped(RA.Applicative),
  arbitrary: (b) => fc.array(b, { maxLength: 2 }),
  observe: (fx, inner) => (fx as ReadonlyArray<unknown>).map((x) => inner(x)),
  contents: (fx) => fx as ReadonlyArray<unknown>,
  branches: true,
};

/** `State<number, _>`, observed by running it from a few initial states. @internal */
export const StateEffect: Effect = {
  name: 'State',
  A: untyped(St.Applicative),
  arbitrary: (b) => fc.func<[number], [unknown, number]>(fc.tuple(b, states)),
  observe: (fx, inner) =>
    INITIAL_STATES.map((from) => {
      const [value, state] = (fx as St.State<number, unknown>)(from);
      return { from, value: inner(value), state };
    }),
  branches: false,
};

/**
 * The composition `F∘G` of two applicatives (effects of `F` holding effects of `G`).
 * @internal
 */
export const compose = (F: Effect, G: Effect): Effect => {
  const outer = F.A as unknown as LooseApplicative;
  const inner = G.A as unknown as LooseApplicative;
  const A: LooseApplicative = {
    URI: `${F.name}∘${G.name}`,
    of: (a) => outer.of(inner.of(a)),
    map: (fga, f) => outer.map(fga, (ga) => inner.map(ga, f)),
    ap: (fgab, fga) =>
      outer.ap(
        outer.map(fgab, (gab) => (ga: unknown) => inner.ap(gab, ga)),
        fga,
      ),
  };
  return {
    name: `${F.name}∘${G.name}`,
    A: A as unknown as AnyApplicative,
    arbitrary: (b) => F.arbitrary(G.arbitrary(b)),
    observe: (fx, observeInner) => F.observe(fx, (gx) => G.observe(gx, observeInner)),
    branches: F.branches || G.branches,
  };
};

/** A natural transformation `F ~> G` that is an applicative morphism. @internal */
export interface Transformation {
  readonly name: string;
  readonly from: Effect;
  readonly to: Effect;
  readonly run: (fx: unknown) => unknown;
}

/** @internal */
export const transformations: ReadonlyArray<Transformation> = [
  { name: 'Array.head: Array ~> Option', from: ArrayEffect, to: OptionEffect, run: (fx) => RA.head(fx as Array<unknown>) },
  {
    name: 'toArray: Option ~> Array',
    from: OptionEffect,
    to: ArrayEffect,
    run: (fx) => {
      const o = fx as O.Option<unknown>;
      return O.isSome(o) ? [o.value] : [];
    },
  },
  {
    name: 'Option.fromEither: Either ~> Option',
    from: EitherEffect,
    to: OptionEffect,
    run: (fx) => O.fromEither(fx as E.Either<unknown, unknown>),
  },
  {
    name: 'Either.fromOption: Option ~> Either',
    from: OptionEffect,
    to: EitherEffect,
    run: (fx) => E.fromOption(() => 'none')(fx as O.Option<unknown>),
  },
];
