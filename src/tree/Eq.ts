/**
 * Equality of module trees, from an equality of their leaves (fp-ts's `Eq`).
 *
 * @since 0.2.0
 */
import type { Eq } from 'fp-ts/lib/Eq.js';
import type { AnyModule } from './Field.js';
import { sameData } from './sameData.js';
import { field, isModule, MAX_TREE_DEPTH, specOf } from './walk.js';

// -------------------------------------------------------------------------------------
// structural equality, iterative (a worklist of module pairs: trees of any depth)
// -------------------------------------------------------------------------------------

const sameModule = <A>(x: AnyModule<A>, y: AnyModule<A>, E: Eq<A>): boolean => {
  const pairs: Array<readonly [unknown, unknown, number]> = [[x, y, 0]];
  while (pairs.length > 0) {
    const [mx, my, depth] = pairs.pop()!;
    if (depth > MAX_TREE_DEPTH) return false; // only a cyclic tree nests this deep
    if (!isModule(mx) || !isModule(my)) return false;
    const spec = specOf(mx);
    if (spec.URI !== specOf(my).URI) return false;
    const children: Array<readonly [unknown, unknown, number]> = [];
    for (const name of spec.fieldNames) {
      const a = field(mx, name);
      const b = field(my, name);
      switch (spec.fields[name]!._tag) {
        case 'param':
        case 'buffer':
          if (!E.equals(a as A, b as A)) return false;
          break;
        case 'submodule':
          children.push([a, b, depth + 1]);
          break;
        case 'submodules':
        case 'tuple':
        case 'anyModules': {
          if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
          for (let i = 0; i < a.length; i++) children.push([a[i], b[i], depth + 1]);
          break;
        }
        default:
          // constants and contexts (mode and key): part of the module's value, compared as data
          if (!sameData(a, b)) return false;
      }
    }
    // Reversed, so the submodules are compared in field order.
    for (let i = children.length - 1; i >= 0; i--) pairs.push(children[i]!);
  }
  return true;
};

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * An `Eq` for modules whose leaves compare with `E`: two modules are equal when they are of the
 * same kind and the same structure (array lengths, constants, contexts) and their leaves are
 * equal in order. An `Eq` of any module is an `Eq` of each kind (`Eq` is contravariant).
 * @example
 * import * as N from 'fp-ts/lib/number.js'
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { getEq, map, nn } from 'parallax-ts'
 * const E = getEq(N.Eq)
 * const sizes = pipe(nn.Linear.create(2, 3), map((p) => p.shape.length))
 * E.equals(sizes, sizes) // true
 * E.equals(sizes, pipe(nn.Linear.create(2, 4), map((p) => p.shape.length))) // false: outFeatures differ
 * @category instances
 * @since 0.2.0
 */
export const getEq = <A>(E: Eq<A>): Eq<AnyModule<A>> => ({
  equals: (x, y) => sameModule(x, y, E),
});
