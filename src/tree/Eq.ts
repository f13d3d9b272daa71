/**
 * Equality of module trees, from an equality of their leaves (fp-ts's `Eq`).
 *
 * @since 0.2.0
 */
import type { Eq } from 'fp-ts/lib/Eq.js';
import type { AnyModule } from './Field.js';
import { field, isModule, specOf } from './walk.js';

// -------------------------------------------------------------------------------------
// structural equality of what is not a leaf (constants, contexts)
// -------------------------------------------------------------------------------------

/**
 * Equality of constants and contexts: primitives by value (`NaN` equals `NaN`), arrays and plain
 * records field by field. Constants are data (sizes, rates, names), so this is their equality.
 */
const sameData = (x: unknown, y: unknown): boolean => {
  if (x === y || (Number.isNaN(x) && Number.isNaN(y))) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  const rx = x as Record<string, unknown>;
  const ry = y as Record<string, unknown>;
  return kx.every((k) => Object.prototype.hasOwnProperty.call(ry, k) && sameData(rx[k], ry[k]));
};

const sameModule = <A>(x: AnyModule<A>, y: AnyModule<A>, E: Eq<A>): boolean => {
  if (!isModule(x) || !isModule(y)) return false;
  const spec = specOf(x);
  if (spec.URI !== specOf(y).URI) return false;
  for (const name of spec.fieldNames) {
    const a = field(x, name);
    const b = field(y, name);
    switch (spec.fields[name]!._tag) {
      case 'param':
      case 'buffer':
        if (!E.equals(a as A, b as A)) return false;
        break;
      case 'submodule':
        if (!sameModule(a as AnyModule<A>, b as AnyModule<A>, E)) return false;
        break;
      case 'submodules':
      case 'tuple':
      case 'anyModules': {
        const xs = a as ReadonlyArray<AnyModule<A>>;
        const ys = b as ReadonlyArray<AnyModule<A>>;
        if (xs.length !== ys.length || !xs.every((child, i) => sameModule(child, ys[i]!, E))) return false;
        break;
      }
      default:
        // constants and contexts (mode and key): part of the module's value, compared as data
        if (!sameData(a, b)) return false;
    }
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
