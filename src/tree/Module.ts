/**
 * The module core's front door: declare a module's fields once, get its record type and its fp-ts
 * instances; work on any module's leaves with data-first functions or data-last pipeables.
 *
 * A module record is a plain readonly object. Besides its fields it carries its spec under a symbol
 * key ({@link ModuleTag}), so generic code (`map`, `zipWith`, gradients, checkpoints, printing) can
 * walk any module without knowing its kind. Leaves are visited depth-first in field-declaration
 * order; that order is the order of `toArray`, of `traverse`'s effects and of printed output.
 *
 * @example
 * import type { Tensor } from '@tensorflow/tfjs-core'
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { map, nn, toArray } from 'parallax-ts'
 * const shapes = pipe(nn.Linear.create(5, 10), map((p) => p.shape))
 * toArray(shapes) // [[10, 5], [10]]
 *
 * @category model
 * @since 0.1.0
 */
import type { Applicative } from 'fp-ts/lib/Applicative.js';
import type { HKT } from 'fp-ts/HKT.js';
import type { Monoid } from 'fp-ts/lib/Monoid.js';
import type { PipeableTraverse2, Traversable2 } from 'fp-ts/lib/Traversable.js';
import type { PipeableTraverseWithIndex2 } from 'fp-ts/lib/TraversableWithIndex.js';
import type { AnySpec, ModuleOf } from './Field.js';
import { leafOps, type URI } from './instances.js';
import type { LeafInfo } from './walk.js';

// The module core is split by concept; this file is its front door, as fp-ts's data-type files are.
export {
  ModuleTag,
  type AnyModule,
  type AnySpec,
  type InputOf,
  type ModuleOf,
  type ModuleSpec,
  type ModuleType,
  type OutputOf,
  type SpecOf,
} from './Field.js';
export { isModule, MAX_TREE_DEPTH, specOf, type LeafInfo, type LeafOf, type Relabel } from './walk.js';
export { count, fromArray, leafEntries, leafInfos, mapModule, mapModuleWithInfo, reduceModule, toArray } from './leaves.js';
export { assertSameShape, zipWith, zipWithIndex } from './zip.js';
export { traverseContexts } from './traverse.js';
export { apply, applyWithState, runForward } from './forward.js';
export { defineModule, type CreatableModuleDef, type CreatedLeaf, type ModuleDef, type ModuleOptions, type Self } from './defineModule.js';
export {
  Foldable,
  FoldableWithIndex,
  Functor,
  FunctorWithIndex,
  Traversable,
  TraversableWithIndex,
  URI,
  type ModuleInstances,
} from './instances.js';

// -------------------------------------------------------------------------------------
// pipeables (data-last, for pipe/flow): they infer the leaf type from the module they are piped
// -------------------------------------------------------------------------------------

/**
 * Maps every leaf, data-last; the module keeps its kind.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { map, nn } from 'parallax-ts'
 * const shapes = pipe(nn.Linear.create(5, 10), map((p) => p.shape)) // a Linear of shapes
 * @category mapping
 * @since 0.1.0
 */
export const map =
  <A, B>(f: (a: A) => B) =>
  <S extends AnySpec>(fa: ModuleOf<S, A>): ModuleOf<S, B> =>
    leafOps.map(fa, f) as ModuleOf<S, B>;

/**
 * Maps every leaf with its {@link LeafInfo} (path and kind), data-last.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { mapWithIndex, nn, toArray } from 'parallax-ts'
 * toArray(pipe(nn.Linear.create(5, 10), mapWithIndex((i) => i.path))) // ['weight', 'bias']
 * @category mapping
 * @since 0.2.0
 */
export const mapWithIndex =
  <A, B>(f: (i: LeafInfo, a: A) => B) =>
  <S extends AnySpec>(fa: ModuleOf<S, A>): ModuleOf<S, B> =>
    leafOps.mapWithIndex(fa, f) as ModuleOf<S, B>;

/**
 * Left fold over the leaves in order, data-last.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { nn, reduce } from 'parallax-ts'
 * pipe(nn.Linear.create(5, 10), reduce(0, (n, p) => n + p.shape.length)) // 3
 * @category folding
 * @since 0.1.0
 */
export const reduce =
  <A, B>(b: B, f: (b: B, a: A) => B) =>
  <S extends AnySpec>(fa: ModuleOf<S, A>): B =>
    leafOps.reduce(fa, b, f);

/**
 * Right fold over the leaves (last leaf first), data-last.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { mapWithIndex, nn, reduceRight } from 'parallax-ts'
 * pipe(nn.Linear.create(5, 10), mapWithIndex((i) => i.path), reduceRight('', (p, acc) => acc + p)) // 'biasweight'
 * @category folding
 * @since 0.2.0
 */
export const reduceRight =
  <A, B>(b: B, f: (a: A, b: B) => B) =>
  <S extends AnySpec>(fa: ModuleOf<S, A>): B =>
    leafOps.reduceRight(fa, b, f);

/**
 * Left fold over the leaves with their {@link LeafInfo}, data-last.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { nn, reduceWithIndex } from 'parallax-ts'
 * pipe(nn.Linear.create(5, 10), reduceWithIndex([] as string[], (i, acc) => [...acc, i.path])) // ['weight', 'bias']
 * @category folding
 * @since 0.2.0
 */
export const reduceWithIndex =
  <A, B>(b: B, f: (i: LeafInfo, b: B, a: A) => B) =>
  <S extends AnySpec>(fa: ModuleOf<S, A>): B =>
    leafOps.reduceWithIndex(fa, b, f);

/**
 * Maps every leaf into a monoid and combines the results in leaf order, data-last.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import * as N from 'fp-ts/lib/number.js'
 * import { foldMap, nn } from 'parallax-ts'
 * pipe(nn.Linear.create(5, 10), foldMap(N.MonoidSum)((p) => p.shape.reduce((a, b) => a * b, 1))) // 60
 * @category folding
 * @since 0.2.0
 */
export const foldMap =
  <N>(N: Monoid<N>) =>
  <A>(f: (a: A) => N) =>
  <S extends AnySpec>(fa: ModuleOf<S, A>): N =>
    leafOps.foldMap(N)(fa, f);

/**
 * `foldMap` with each leaf's {@link LeafInfo}, data-last.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import * as S from 'fp-ts/lib/string.js'
 * import { foldMapWithIndex, nn } from 'parallax-ts'
 * pipe(nn.Linear.create(5, 10), foldMapWithIndex(S.Monoid)((i) => `${i.path};`)) // 'weight;bias;'
 * @category folding
 * @since 0.2.0
 */
export const foldMapWithIndex =
  <N>(N: Monoid<N>) =>
  <A>(f: (i: LeafInfo, a: A) => N) =>
  <S extends AnySpec>(fa: ModuleOf<S, A>): N =>
    leafOps.foldMapWithIndex(N)(fa, f);

/**
 * Runs an effect per leaf in leaf order and rebuilds the module inside the effect, data-last.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import * as O from 'fp-ts/lib/Option.js'
 * import { nn, traverse } from 'parallax-ts'
 * pipe(nn.Linear.create(5, 10), traverse(O.Applicative)((p) => (p.shape.length > 0 ? O.some(p.shape) : O.none))) // some(Linear of shapes)
 * @category traversing
 * @since 0.2.0
 */
export const traverse: PipeableTraverse2<URI> = (<G>(G: Applicative<G>) =>
  <A, B>(f: (a: A) => HKT<G, B>) =>
  <S extends AnySpec>(ta: ModuleOf<S, A>) =>
    leafOps.traverse(G)(ta, f)) as unknown as PipeableTraverse2<URI>;

/**
 * `traverse` with each leaf's {@link LeafInfo}, data-last.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import * as E from 'fp-ts/lib/Either.js'
 * import { nn, traverseWithIndex } from 'parallax-ts'
 * pipe(nn.Linear.create(5, 10), traverseWithIndex(E.Applicative)((i, p) => (p.shape.length > 0 ? E.right(p) : E.left(i.path))))
 * @category traversing
 * @since 0.2.0
 */
export const traverseWithIndex: PipeableTraverseWithIndex2<URI, LeafInfo> = (<G>(G: Applicative<G>) =>
  <A, B>(f: (i: LeafInfo, a: A) => HKT<G, B>) =>
  <S extends AnySpec>(ta: ModuleOf<S, A>) =>
    leafOps.traverseWithIndex(G)(ta, f)) as unknown as PipeableTraverseWithIndex2<URI, LeafInfo>;

/**
 * Turns a module of effects into an effect of a module, running the effects in leaf order.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import * as O from 'fp-ts/lib/Option.js'
 * import { map, nn, sequence } from 'parallax-ts'
 * pipe(nn.Linear.create(5, 10), map((p) => O.some(p.shape)), sequence(O.Applicative)) // some(Linear of shapes)
 * @category traversing
 * @since 0.2.0
 */
export const sequence: Traversable2<URI>['sequence'] = leafOps.sequence as unknown as Traversable2<URI>['sequence'];
