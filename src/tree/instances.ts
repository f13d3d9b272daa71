/**
 * The fp-ts instances of module trees over their leaves: `Functor`, `Foldable`, `Traversable` and
 * their `…WithIndex` variants (indexed by {@link LeafInfo}), for every module kind at once.
 *
 * All module kinds share one URI, registered once in fp-ts's `URItoKind2`; the kind's spec sits in
 * the `E` slot. So `Functor` here is a `Functor2<URI>` that keeps each module's kind, and a
 * definition's own instances (`Linear.Functor`) are the same functions as `Functor2C<URI, S>`.
 *
 * Callbacks receive exactly fp-ts's arguments — `f(a)`, `f(b, a)`, `f(a, b)`, `f(i, a)` — so the
 * laws hold for any function, including ones that read every argument they are given.
 *
 * @category instances
 * @since 0.2.0
 */
import type { Applicative } from 'fp-ts/lib/Applicative.js';
import type { Foldable2 } from 'fp-ts/lib/Foldable.js';
import type { FoldableWithIndex2 } from 'fp-ts/lib/FoldableWithIndex.js';
import type { Functor2 } from 'fp-ts/lib/Functor.js';
import type { FunctorWithIndex2 } from 'fp-ts/lib/FunctorWithIndex.js';
import type { HKT } from 'fp-ts/HKT.js';
import type { Monoid } from 'fp-ts/lib/Monoid.js';
import type { Traversable2 } from 'fp-ts/lib/Traversable.js';
import type { TraversableWithIndex2 } from 'fp-ts/lib/TraversableWithIndex.js';
import type { AnySpec, ModuleOf } from './Field.js';
import type { Foldable2C } from 'fp-ts/lib/Foldable.js';
import type { FoldableWithIndex2C } from 'fp-ts/lib/FoldableWithIndex.js';
import type { Functor2C } from 'fp-ts/lib/Functor.js';
import type { FunctorWithIndex2C } from 'fp-ts/lib/FunctorWithIndex.js';
import type { Traversable2C } from 'fp-ts/lib/Traversable.js';
import type { TraversableWithIndex2C } from 'fp-ts/lib/TraversableWithIndex.js';
import { leafEntries, toArray } from './leaves.js';
import { traverseLeavesWithInfo } from './traverse.js';
import { type LeafInfo, mapLeaves } from './walk.js';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The one fp-ts URI of module trees; a module's kind is the spec in the `E` slot.
 * @example
 * import { URI } from 'parallax-ts'
 * const uri: 'parallax-ts/Module' = URI
 * @category type lambdas
 * @since 0.1.0
 */
export const URI = 'parallax-ts/Module';
/** @category type lambdas @since 0.1.0 */
export type URI = typeof URI;

declare module 'fp-ts/HKT.js' {
  interface URItoKind2<E, A> {
    readonly [URI]: E extends AnySpec ? ModuleOf<E, A> : never;
  }
}

// -------------------------------------------------------------------------------------
// the leaf operations every instance is made of (untyped in the kind; the instances type them)
// -------------------------------------------------------------------------------------

type M<A> = ModuleOf<AnySpec, A>;

const map = <A, B>(fa: M<A>, f: (a: A) => B): M<B> => mapLeaves(fa, (a: A) => f(a), false, '') as M<B>;
const mapWithIndex = <A, B>(fa: M<A>, f: (i: LeafInfo, a: A) => B): M<B> => mapLeaves(fa, (a: A, i) => f(i, a), true, '') as M<B>;
const reduce = <A, B>(fa: M<A>, b: B, f: (b: B, a: A) => B): B => {
  let acc = b;
  for (const a of toArray(fa) as A[]) acc = f(acc, a);
  return acc;
};
const reduceRight = <A, B>(fa: M<A>, b: B, f: (a: A, b: B) => B): B => {
  const leaves = toArray(fa) as A[];
  let acc = b;
  for (let k = leaves.length - 1; k >= 0; k--) acc = f(leaves[k]!, acc);
  return acc;
};
const foldMap =
  <N>(N: Monoid<N>) =>
  <A>(fa: M<A>, f: (a: A) => N): N =>
    reduce(fa, N.empty, (acc, a: A) => N.concat(acc, f(a)));
const reduceWithIndex = <A, B>(fa: M<A>, b: B, f: (i: LeafInfo, b: B, a: A) => B): B => {
  let acc = b;
  for (const [i, a] of leafEntries(fa)) acc = f(i, acc, a as A);
  return acc;
};
const reduceRightWithIndex = <A, B>(fa: M<A>, b: B, f: (i: LeafInfo, a: A, b: B) => B): B => {
  const entries = leafEntries(fa);
  let acc = b;
  for (let k = entries.length - 1; k >= 0; k--) acc = f(entries[k]![0], entries[k]![1] as A, acc);
  return acc;
};
const foldMapWithIndex =
  <N>(N: Monoid<N>) =>
  <A>(fa: M<A>, f: (i: LeafInfo, a: A) => N): N =>
    reduceWithIndex(fa, N.empty, (i, acc, a: A) => N.concat(acc, f(i, a)));
const traverseWithIndex =
  <G>(G: Applicative<G>) =>
  <A, B>(ta: M<A>, f: (i: LeafInfo, a: A) => HKT<G, B>): HKT<G, M<B>> =>
    traverseLeavesWithInfo(G)(ta, (i, a: A) => f(i, a)) as HKT<G, M<B>>;
const traverse =
  <G>(G: Applicative<G>) =>
  <A, B>(ta: M<A>, f: (a: A) => HKT<G, B>): HKT<G, M<B>> =>
    traverseLeavesWithInfo(G)(ta, (_, a: A) => f(a)) as HKT<G, M<B>>;
const sequence =
  <G>(G: Applicative<G>) =>
  <A>(ta: M<HKT<G, A>>): HKT<G, M<A>> =>
    traverseLeavesWithInfo(G)(ta, (_, a: HKT<G, A>) => a) as HKT<G, M<A>>;

/** The leaf operations, data-first and untyped in the kind (the pipeables type them). @internal */
export const leafOps = {
  map,
  mapWithIndex,
  reduce,
  foldMap,
  reduceRight,
  reduceWithIndex,
  foldMapWithIndex,
  reduceRightWithIndex,
  traverse,
  sequence,
  traverseWithIndex,
};
const all = { URI, ...leafOps };

// -------------------------------------------------------------------------------------
// instances for every module kind
// -------------------------------------------------------------------------------------

/**
 * `Functor` for modules of any kind: maps every leaf (parameters and buffers), keeping the kind.
 * @example
 * import { Functor, nn, toArray } from 'parallax-ts'
 * toArray(Functor.map(nn.Linear.create(2, 3), (p) => p.shape)) // [[3, 2], [3]]
 * @category instances
 * @since 0.1.0
 */
export const Functor: Functor2<URI> = all as unknown as Functor2<URI>;
/**
 * `FunctorWithIndex` for modules of any kind, indexed by {@link LeafInfo}.
 * @example
 * import { FunctorWithIndex, nn, toArray } from 'parallax-ts'
 * toArray(FunctorWithIndex.mapWithIndex(nn.Linear.create(2, 3), (info) => info.path)) // ['weight', 'bias']
 * @category instances
 * @since 0.1.0
 */
export const FunctorWithIndex: FunctorWithIndex2<URI, LeafInfo> = all as unknown as FunctorWithIndex2<URI, LeafInfo>;
/**
 * `Foldable` for modules of any kind: folds the leaves in order (depth-first, field-declaration order).
 * @example
 * import { Foldable, nn } from 'parallax-ts'
 * Foldable.reduce(nn.Linear.create(2, 3), 0, (n, p) => n + p.shape.length) // 3
 * @category instances
 * @since 0.1.0
 */
export const Foldable: Foldable2<URI> = all as unknown as Foldable2<URI>;
/**
 * `FoldableWithIndex` for modules of any kind, indexed by {@link LeafInfo}.
 * @example
 * import { FoldableWithIndex, nn } from 'parallax-ts'
 * FoldableWithIndex.reduceWithIndex(nn.Linear.create(2, 3), '', (i, acc) => acc + i.path) // 'weightbias'
 * @category instances
 * @since 0.2.0
 */
export const FoldableWithIndex: FoldableWithIndex2<URI, LeafInfo> = all as unknown as FoldableWithIndex2<URI, LeafInfo>;
/**
 * `Traversable` for modules of any kind: runs an effect per leaf, in leaf order, and rebuilds the module.
 * @example
 * import * as O from 'fp-ts/lib/Option.js'
 * import { Traversable, nn } from 'parallax-ts'
 * Traversable.traverse(O.Applicative)(nn.Linear.create(2, 3), (p) => (p.shape.length > 0 ? O.some(p) : O.none)) // some(module)
 * @category instances
 * @since 0.1.0
 */
export const Traversable: Traversable2<URI> = all as unknown as Traversable2<URI>;
/**
 * `TraversableWithIndex` for modules of any kind, indexed by {@link LeafInfo}.
 * @example
 * import * as E from 'fp-ts/lib/Either.js'
 * import { TraversableWithIndex, nn } from 'parallax-ts'
 * TraversableWithIndex.traverseWithIndex(E.Applicative)(nn.Linear.create(2, 3), (info, p) =>
 *   info.kind === 'param' ? E.right(p) : E.left(info.path)) // right(module)
 * @category instances
 * @since 0.1.0
 */
export const TraversableWithIndex: TraversableWithIndex2<URI, LeafInfo> = all as unknown as TraversableWithIndex2<URI, LeafInfo>;

/**
 * The fp-ts instances every definition carries, typed for its kind `S` (`Linear.Functor`, ...).
 * @example
 * import { nn } from 'parallax-ts'
 * const shapes = nn.Linear.Functor.map(nn.Linear.create(2, 3), (p) => p.shape)
 * @category instances
 * @since 0.2.0
 */
export interface ModuleInstances<S extends AnySpec> {
  readonly Functor: Functor2C<URI, S>;
  readonly FunctorWithIndex: FunctorWithIndex2C<URI, LeafInfo, S>;
  readonly Foldable: Foldable2C<URI, S>;
  readonly FoldableWithIndex: FoldableWithIndex2C<URI, LeafInfo, S>;
  readonly Traversable: Traversable2C<URI, S>;
  readonly TraversableWithIndex: TraversableWithIndex2C<URI, LeafInfo, S>;
}

/** A definition's own instances: the shared ones, typed for its kind `S`. @internal */
export const instances = <S extends AnySpec>(): ModuleInstances<S> => {
  const typed = all as unknown as TraversableWithIndex2C<URI, LeafInfo, S>;
  return {
    Functor: typed,
    FunctorWithIndex: typed,
    Foldable: typed,
    FoldableWithIndex: typed,
    Traversable: typed,
    TraversableWithIndex: typed,
  };
};
