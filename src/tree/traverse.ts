/**
 * Traversals in an fp-ts applicative: of the leaves (the engine of the `Traversable` instances) and
 * of the context slots (the engine of `newState`).
 *
 * @category traversing
 * @since 0.1.0
 */
import type { Applicative, Applicative2 } from 'fp-ts/lib/Applicative.js';
import type { HKT, Kind2, URIS2 } from 'fp-ts/HKT.js';
import { type AnyModule, type Context, ModuleTag } from './Field.js';
import { fromArray, leafEntries } from './leaves.js';
import { field, joinPath, type LeafInfo, type Rec, specOf } from './walk.js';

// -------------------------------------------------------------------------------------
// traversal in an applicative (the Traversable instance's engine)
// -------------------------------------------------------------------------------------

/** An immutable cons list: traversals in non-deterministic applicatives (Array) must not share mutable state. */
type List<A> = { readonly head: A; readonly tail: List<A> } | null;
const listToReversedArray = <A>(l: List<A>): A[] => {
  const out: A[] = [];
  for (let c = l; c !== null; c = c.tail) out.push(c.head);
  return out;
};

/**
 * Runs `f` on every leaf inside the applicative `F`, effects in leaf order, and rebuilds the module.
 * Generic over fp-ts's HKT encoding; the typed instances in Module.ts narrow it.
 * @internal
 */
export const traverseLeavesWithInfo =
  <F>(F: Applicative<F>) =>
  <A, B>(m: AnyModule<A>, f: (info: LeafInfo, a: A) => HKT<F, B>): HKT<F, AnyModule<B>> => {
    const entries = leafEntries(m);
    let acc: HKT<F, List<B>> = F.of<List<B>>(null);
    for (const [info, a] of entries) {
      acc = F.ap(
        F.map(acc, (l: List<B>) => (b: B): List<B> => ({ head: b, tail: l })),
        f(info, a as A),
      );
    }
    return F.map(acc, (l) => fromArray(m, listToReversedArray(l).reverse()) as AnyModule<B>);
  };

/**
 * Traverses the context slots (RNG key and mode) in leaf order inside `F`; the engine of
 * `newState`, `setMode` and `reuse`. `f` gets each slot, whether its module is stochastic, and its
 * module's path. Leaves are copied untouched.
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
    const go = (node: AnyModule<unknown>, prefix: string): HKT<F, AnyModule<unknown>> => {
      const spec = specOf(node);
      let acc: HKT<F, Rec> = F.of({ [ModuleTag]: spec });
      const set =
        (name: string) =>
        (r: Rec) =>
        (v: unknown): Rec => ({ ...r, [name]: v });
      for (const name of spec.fieldNames) {
        const decl = spec.fields[name]!;
        const value = field(node, name);
        const path = joinPath(prefix, name);
        let fv: HKT<F, unknown>;
        switch (decl._tag) {
          case 'context':
            fv = f(value as Context, decl.stochastic, path);
            break;
          case 'submodule':
            fv = go(value as AnyModule<unknown>, path);
            break;
          case 'submodules':
          case 'tuple':
          case 'anyModules': {
            let arr: HKT<F, List<AnyModule<unknown>>> = F.of<List<AnyModule<unknown>>>(null);
            (value as ReadonlyArray<AnyModule<unknown>>).forEach((child, i) => {
              arr = F.ap(
                F.map(arr, (l: List<AnyModule<unknown>>) => (c: AnyModule<unknown>) => ({ head: c, tail: l })),
                go(child, joinPath(path, i)),
              );
            });
            fv = F.map(arr, (l) => listToReversedArray(l).reverse());
            break;
          }
          default:
            fv = F.of(value);
        }
        acc = F.ap(F.map(acc, set(name)), fv);
      }
      return F.map(acc, (r) => r as unknown as AnyModule<unknown>);
    };
    return go(m, '') as HKT<F, M>;
  };
}
