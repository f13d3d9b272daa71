/**
 * Combining module trees leaf by leaf: a `Semigroup` of modules from a `Semigroup` of leaves
 * (summing gradient trees, accumulating statistics), and a `Monoid` for modules of one shape.
 *
 * Leafwise combination needs both trees to have one shape, so `concat` is defined on modules of
 * one kind (checked by the compiler) and one structure (same array lengths and constants; checked
 * at run time: a `ModuleError` names the first differing path). It is `zipWith(x, y, concat)`.
 *
 * @since 0.2.0
 */
import type { Monoid } from 'fp-ts/lib/Monoid.js';
import type { Semigroup } from 'fp-ts/lib/Semigroup.js';
import type { AnySpec, ModuleOf } from './Field.js';
import { mapLeaves } from './walk.js';
import { zipWith } from './zip.js';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A semigroup of modules of any kind with leaves `A`: `concat` takes two modules of one kind and
 * returns that kind. It is a `Semigroup<Linear<A>>`, a `Semigroup<Sequential<A, Ss>>`, … wherever
 * one is expected (e.g. fp-ts's `concatAll`).
 * @category model
 * @since 0.2.0
 */
export interface ModuleSemigroup<A> {
  readonly concat: <S extends AnySpec>(x: ModuleOf<S, A>, y: ModuleOf<S, A>) => ModuleOf<S, A>;
}

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * Combines two modules of one shape leaf by leaf with the leaves' semigroup:
 * `concat(x, y) = zipWith(x, y, S.concat)`. Associative when `S` is. Throws a `ModuleError`
 * naming the first differing path when the two modules' structures differ.
 * @example
 * import { getSemigroup, initialize, nn, random, tf } from 'parallax-ts'
 * const SumGrads = getSemigroup<tf.Tensor>({ concat: (x, y) => tf.add(x, y) })
 * const g1 = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const g2 = initialize(nn.Linear.create(2, 3))(random.key(1))
 * const total = SumGrads.concat(g1, g2) // a Linear whose leaves are g1's plus g2's
 * @category instances
 * @since 0.2.0
 */
export const getSemigroup = <A>(S: Semigroup<A>): ModuleSemigroup<A> => ({
  concat: (x, y) => zipWith(x, y, (a: A, b: A) => S.concat(a, b)),
});

/**
 * A monoid of the modules shaped like `template`, leafwise: `concat` is {@link getSemigroup}'s and
 * `empty` is `template` with every leaf replaced by `M.empty` (the template's own leaves are not
 * read, so lazy parameters or shapes serve). The monoid's laws hold for modules of the template's
 * structure; `concat` on another structure throws a `ModuleError`.
 * @example
 * import * as N from 'fp-ts/lib/number.js'
 * import { concatAll } from 'fp-ts/lib/Monoid.js'
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { getMonoid, map, nn, toArray } from 'parallax-ts'
 * const layer = nn.Linear.create(2, 3)
 * const perStep = [1, 2, 3].map((step) => pipe(layer, map((p) => step * p.shape.length)))
 * toArray(concatAll(getMonoid(layer, N.MonoidSum))(perStep)) // [12, 6]
 * @category instances
 * @since 0.2.0
 */
export const getMonoid = <S extends AnySpec, A>(template: ModuleOf<S, unknown>, M: Monoid<A>): Monoid<ModuleOf<S, A>> => ({
  concat: getSemigroup(M).concat,
  empty: mapLeaves(template, () => M.empty, false, '') as ModuleOf<S, A>,
});
