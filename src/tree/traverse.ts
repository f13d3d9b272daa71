/**
 * Traversals in an fp-ts applicative: of the leaves (the engine of the `Traversable` instances) and
 * of the context slots (the engine of `newState`).
 *
 * Both flatten first (an iterative walk), run the effects, then rebuild (another walk). The effects
 * are combined as a balanced tree of `ap`s rather than a left-leaning chain: applicatives such as
 * `State` nest one closure per `ap` when run, so a chain over 20,000 slots would need 20,000 nested
 * calls; the balanced tree needs about log2(20,000) = 15. The applicative laws make the two the same
 * traversal (effects in leaf order, results in leaf order).
 *
 * @category traversing
 * @since 0.1.0
 */
import type { Applicative, Applicative2 } from 'fp-ts/lib/Applicative.js';
import type { HKT, Kind2, URIS2 } from 'fp-ts/HKT.js';
import type { AnyModule, Context } from './Field.js';
import { fromArray, leafEntries } from './leaves.js';
import { forEachLeaf, type LeafInfo, mapLeaves } from './walk.js';

// -------------------------------------------------------------------------------------
// sequencing many effects with logarithmic nesting
// -------------------------------------------------------------------------------------

/** An immutable binary tree of results: traversals in non-deterministic applicatives (Array) must not share mutable state. */
type Rope<A> = { readonly one: A } | { readonly left: Rope<A>; readonly right: Rope<A> };

const one = <A>(a: A): Rope<A> => ({ one: a });
const join =
  <A>(left: Rope<A>) =>
  (right: Rope<A>): Rope<A> => ({ left, right });

const flatten = <A>(rope: Rope<A>): A[] => {
  const out: A[] = [];
  const stack: Array<Rope<A>> = [rope];
  while (stack.length > 0) {
    const r = stack.pop()!;
    if ('one' in r) out.push(r.one);
    else stack.push(r.right, r.left);
  }
  return out;
};

/**
 * Runs `effects` in order inside `F` and collects their results in order, combining them pairwise
 * level by level, so the nesting of `ap`s is logarithmic in their number.
 * @internal
 */
export const sequenceBalanced = <F, A>(F: Applicative<F>, effects: ReadonlyArray<HKT<F, A>>): HKT<F, A[]> => {
  if (effects.length === 0) return F.of<A[]>([]);
  let level: Array<HKT<F, Rope<A>>> = effects.map((e) => F.map(e, one));
  while (level.length > 1) {
    const next: Array<HKT<F, Rope<A>>> = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(F.ap(F.map(level[i]!, join), level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return F.map(level[0]!, flatten);
};

// -------------------------------------------------------------------------------------
// traversal in an applicative (the Traversable instance's engine)
// -------------------------------------------------------------------------------------

/**
 * Runs `f` on every leaf inside the applicative `F`, effects in leaf order, and rebuilds the module.
 * Generic over fp-ts's HKT encoding; the typed instances in Module.ts narrow it.
 * @internal
 */
export const traverseLeavesWithInfo =
  <F>(F: Applicative<F>) =>
  <A, B>(m: AnyModule<A>, f: (info: LeafInfo, a: A) => HKT<F, B>): HKT<F, AnyModule<B>> => {
    const effects = leafEntries(m).map(([info, a]) => f(info, a as A));
    return F.map(sequenceBalanced(F, effects), (leaves) => fromArray(m, leaves) as AnyModule<B>);
  };

/**
 * Traverses the context slots (RNG key and mode) in leaf order inside `F`; the engine of
 * `newState`, `setMode` and `reuse`. `f` gets each slot, whether its module is stochastic, and the
 * slot's dotted path. Leaves are copied untouched. Works at any depth and width (the effects nest
 * logarithmically: see the file's note).
 * @example
 * import * as E from 'fp-ts/lib/Either.js'
 * import { nn, traverseContexts } from 'parallax-ts'
 * const model = nn.Sequential.create([nn.Linear.create(2, 3), nn.Dropout.create(0.1)])
 * traverseContexts(E.Applicative)(model, (ctx) => E.right({ ...ctx, mode: 'eval' as const })) // right(model in eval mode)
 * @category traversing
 * @since 0.1.0
 */
export function traverseContexts<F extends URIS2>(
  F: Applicative2<F>,
): <E, M extends AnyModule<unknown>>(m: M, f: (ctx: Context, stochastic: boolean, path: string) => Kind2<F, E, Context>) => Kind2<F, E, M>;
export function traverseContexts<F>(
  F: Applicative<F>,
): <M extends AnyModule<unknown>>(m: M, f: (ctx: Context, stochastic: boolean, path: string) => HKT<F, Context>) => HKT<F, M>;
export function traverseContexts<F>(F: Applicative<F>) {
  return <M extends AnyModule<unknown>>(m: M, f: (ctx: Context, stochastic: boolean, path: string) => HKT<F, Context>): HKT<F, M> => {
    const effects: Array<HKT<F, Context>> = [];
    forEachLeaf(m, undefined, true, '', (ctx, stochastic, path) => void effects.push(f(ctx, stochastic, path)));
    return F.map(sequenceBalanced(F, effects), (contexts) => {
      let i = 0;
      return mapLeaves(
        m,
        (a) => a,
        false,
        '',
        () => contexts[i++]!,
      ) as unknown as M;
    });
  };
}
