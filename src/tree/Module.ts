/**
 * The module core: declare a module's fields once, get its record type and its fp-ts `Functor`,
 * `Foldable` and `Traversable` instances (plus `…WithIndex` variants indexed by {@link LeafInfo}).
 *
 * A module record is a plain readonly object. Besides its fields it carries its definition under a
 * symbol key ({@link ModuleTag}), so generic code (`map`, `zipWith`, gradients, checkpoints, printing)
 * can walk any module without knowing its kind. Leaves are visited depth-first in field-declaration
 * order; that order is the order of `toArray`, of `traverse`'s effects and of printed output.
 *
 * @example
 * import { defineModule, param, constant, type ModuleOf } from 'parallax-ts'
 *
 * const fields = { weight: param(), bias: param(), inFeatures: constant<number>(), outFeatures: constant<number>() }
 * export const URI = 'my-app/Dense'
 * export type URI = typeof URI
 * export type Dense<A> = ModuleOf<URI, typeof fields, A>
 * declare module 'fp-ts/HKT.js' {
 *   interface URItoKind<A> { readonly [URI]: Dense<A> }
 * }
 * export const Dense = defineModule(URI, { name: 'Dense', fields, extraRepr: (m) => `${m.inFeatures}, ${m.outFeatures}` })
 *
 * @since 0.1.0
 */
import type { Applicative } from 'fp-ts/lib/Applicative.js';
import type { Foldable1 } from 'fp-ts/lib/Foldable.js';
import type { Functor1 } from 'fp-ts/lib/Functor.js';
import type { FunctorWithIndex1 } from 'fp-ts/lib/FunctorWithIndex.js';
import type { HKT } from 'fp-ts/HKT.js';
import type { Traversable1 } from 'fp-ts/lib/Traversable.js';
import type { TraversableWithIndex1 } from 'fp-ts/lib/TraversableWithIndex.js';
import type { AnyModule } from './Field.js';
import { leafEntries, mapModule, mapModuleWithInfo, reduceModule, toArray } from './leaves.js';
import { traverseLeavesWithInfo } from './traverse.js';
import { type LeafInfo, type LeafOf, mapLeaves, type Relabel } from './walk.js';

// The module core is split by concept; this file is its front door, as fp-ts's data-type files are.
export { ModuleTag, type AnyModule, type ModuleOf, type ModuleSpec } from './Field.js';
export { isModule, specOf, type LeafInfo, type LeafOf, type Relabel } from './walk.js';
export { count, fromArray, leafEntries, leafInfos, mapModule, mapModuleWithInfo, reduceModule, toArray } from './leaves.js';
export { assertSameShape, zipWith } from './zip.js';
export { traverseContexts } from './traverse.js';
export { apply, applyWithState, runForward } from './forward.js';
export { defineModule, type ModuleDef } from './defineModule.js';

// -------------------------------------------------------------------------------------
// instances for any module (heterogeneous code: checkpoints, optimizers over any model)
// -------------------------------------------------------------------------------------

/**
 * The fp-ts URI of {@link AnyModule}: instances that work on every module kind.
 * @example
 * URI // 'parallax-ts/Module'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/Module';
/** @since 0.1.0 */
export type URI = typeof URI;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: AnyModule<A>;
  }
}

const anyDef = {
  map: <A, B>(fa: AnyModule<A>, f: (a: A) => B): AnyModule<B> => mapLeaves(fa, f, false, ''),
  mapWithIndex: <A, B>(fa: AnyModule<A>, f: (i: LeafInfo, a: A) => B): AnyModule<B> =>
    mapLeaves(fa, (a: A, i) => f(i, a), true, ''),
};

/**
 * `Functor` for any module: maps every leaf (parameters and buffers), keeping the structure.
 * @example
 * import { Functor, toArray, nn } from 'parallax-ts'
 * toArray(Functor.map(nn.Linear.create(2, 3), (p) => p.shape)) // [[3, 2], [3]]
 * @since 0.1.0
 */
export const Functor: Functor1<URI> = { URI, map: anyDef.map };
/**
 * `FunctorWithIndex` for any module, indexed by {@link LeafInfo}.
 * @example
 * import { FunctorWithIndex, toArray, nn } from 'parallax-ts'
 * toArray(FunctorWithIndex.mapWithIndex(nn.Linear.create(2, 3), (info) => info.path)) // ['weight', 'bias']
 * @since 0.1.0
 */
export const FunctorWithIndex: FunctorWithIndex1<URI, LeafInfo> = { URI, ...anyDef };
/**
 * `Foldable` for any module: folds the leaves in order (depth-first, field-declaration order).
 * @example
 * import { Foldable, nn } from 'parallax-ts'
 * Foldable.reduce(nn.Linear.create(2, 3), 0, (n, p) => n + p.shape.length) // 3
 * @since 0.1.0
 */
export const Foldable: Foldable1<URI> = {
  URI,
  reduce: (fa, b, f) => toArray(fa).reduce(f, b),
  foldMap: (M) => (fa, f) => toArray(fa).reduce((acc, a) => M.concat(acc, f(a)), M.empty),
  reduceRight: (fa, b, f) => toArray(fa).reduceRight((acc, a) => f(a, acc), b),
};
/**
 * `Traversable` for any module: runs an effect per leaf, in leaf order, and rebuilds the module.
 * @example
 * import * as O from 'fp-ts/lib/Option.js'
 * import { Traversable, nn } from 'parallax-ts'
 * Traversable.traverse(O.Applicative)(nn.Linear.create(2, 3), (p) => (p.shape.length > 0 ? O.some(p) : O.none)) // some(module)
 * @since 0.1.0
 */
export const Traversable: Traversable1<URI> = {
  ...Functor,
  ...Foldable,
  traverse: (<G>(G: Applicative<G>) =>
    <A, B>(ta: AnyModule<A>, f: (a: A) => HKT<G, B>) =>
      traverseLeavesWithInfo(G)(ta, (_, a: A) => f(a))) as unknown as Traversable1<URI>['traverse'],
  sequence: (<G>(G: Applicative<G>) =>
    <A>(ta: AnyModule<HKT<G, A>>) =>
      traverseLeavesWithInfo(G)(ta, (_, a: HKT<G, A>) => a)) as unknown as Traversable1<URI>['sequence'],
};
/**
 * `TraversableWithIndex` for any module, indexed by {@link LeafInfo}.
 * @example
 * import * as E from 'fp-ts/lib/Either.js'
 * import { TraversableWithIndex, nn } from 'parallax-ts'
 * TraversableWithIndex.traverseWithIndex(E.Applicative)(nn.Linear.create(2, 3), (info, p) =>
 *   info.kind === 'param' ? E.right(p) : E.left(info.path)) // right(module)
 * @since 0.1.0
 */
export const TraversableWithIndex: TraversableWithIndex1<URI, LeafInfo> = {
  ...Traversable,
  mapWithIndex: anyDef.mapWithIndex,
  reduceWithIndex: (fa, b, f) => leafEntries(fa).reduce((acc, [i, a]) => f(i, acc, a), b),
  foldMapWithIndex: (M) => (fa, f) => leafEntries(fa).reduce((acc, [i, a]) => M.concat(acc, f(i, a)), M.empty),
  reduceRightWithIndex: (fa, b, f) => leafEntries(fa).reduceRight((acc, [i, a]) => f(i, a, acc), b),
  traverseWithIndex: (<G>(G: Applicative<G>) =>
    <A, B>(ta: AnyModule<A>, f: (i: LeafInfo, a: A) => HKT<G, B>) =>
      traverseLeavesWithInfo(G)(ta, f)) as unknown as TraversableWithIndex1<URI, LeafInfo>['traverseWithIndex'],
};

// -------------------------------------------------------------------------------------
// pipeables (data-last, for pipe/flow)
// -------------------------------------------------------------------------------------

/**
 * Maps every leaf, data-last.
 * @example
 * pipe(params, map((t) => t.shape))
 * @since 0.1.0
 */
export const map =
  <A, B>(f: (a: A) => B) =>
  <M extends AnyModule<A>>(m: M): Relabel<M, B> =>
    mapModule(m, f as (a: LeafOf<M>) => B);

/**
 * Maps every leaf with its {@link LeafInfo}, data-last.
 * @example
 * pipe(params, mapWithInfo((info, t) => info.path))
 * @since 0.1.0
 */
export const mapWithInfo =
  <A, B>(f: (info: LeafInfo, a: A) => B) =>
  <M extends AnyModule<A>>(m: M): Relabel<M, B> =>
    mapModuleWithInfo(m, f as (info: LeafInfo, a: LeafOf<M>) => B);

/**
 * Left fold over the leaves, data-last.
 * @example
 * pipe(shapes, reduce(0, (n, s) => n + s.length))
 * @since 0.1.0
 */
export const reduce =
  <A, B>(b: B, f: (b: B, a: A) => B) =>
  (m: AnyModule<A>): B =>
    reduceModule(m, b, f as never);

