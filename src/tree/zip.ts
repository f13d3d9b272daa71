/**
 * Zipping two trees of the same shape leaf by leaf, and the structural check behind it.
 *
 * @since 0.1.0
 */
import type { AnyModule } from './Field.js';
import { toArray } from './leaves.js';
import { ModuleError } from './ModuleError.js';
import { describeValue, field, isModule, joinPath, type LeafInfo, type LeafOf, mapLeaves, type Relabel, specOf } from './walk.js';

/**
 * Zips two modules of the same shape leaf by leaf (the original's `tree_multimap`): the SGD update is
 * `zipWith(params, grads, (p, g) => p.sub(g.mul(lr)))`. The shapes must agree (same kinds, same
 * array lengths, equal constants); otherwise a `ModuleError` names the first differing path.
 * @example
 * const next = zipWith(params, grads, (p, g) => tf.sub(p, tf.mul(g, 0.3)))
 * @since 0.1.0
 */
export const zipWith = <M extends AnyModule<unknown>, N extends AnyModule<unknown>, C>(
  a: M,
  b: N,
  f: (x: LeafOf<M>, y: LeafOf<N>, info: LeafInfo) => C,
): Relabel<M, C> => {
  assertSameShape(a, b, '');
  const ys = toArray(b);
  let i = 0;
  return mapLeaves(
    a as AnyModule<LeafOf<M>>,
    (x, info) => f(x, ys[i++] as LeafOf<N>, info),
    f.length > 2,
    '',
  ) as Relabel<M, C>;
};

const mismatch = (path: string, what: string): ModuleError => {
  const e = new ModuleError(`trees differ at "${path === '' ? '(root)' : path}": ${what}`);
  if (path !== '') e.path.push(...path.split('.'));
  return e;
};

const sameConstant = (x: unknown, y: unknown): boolean =>
  x === y || (Number.isNaN(x) && Number.isNaN(y)) || (typeof x === 'object' && x !== null && JSON.stringify(x) === JSON.stringify(y));

/**
 * Throws a `ModuleError` naming the first path at which `a` and `b` differ in structure (kind, array
 * length, constant value). Leaves themselves are not compared.
 * @example
 * assertSameShape(params, grads) // ok, or throws `trees differ at "dense1.outFeatures": 10 vs 20`
 * @since 0.1.0
 */
export const assertSameShape = (a: AnyModule<unknown>, b: AnyModule<unknown>, prefix = ''): void => {
  if (!isModule(b)) throw mismatch(prefix, `expected a ${specOf(a).name} module, got ${describeValue(b)}`);
  const sa = specOf(a);
  const sb = specOf(b);
  if (sa.URI !== sb.URI) throw mismatch(prefix, `${sa.name} vs ${sb.name}`);
  for (const name of sa.fieldNames) {
    const decl = sa.fields[name]!;
    const path = joinPath(prefix, name);
    const x = field(a, name);
    const y = field(b, name);
    switch (decl._tag) {
      case 'submodule':
        assertSameShape(x as AnyModule<unknown>, y as AnyModule<unknown>, path);
        break;
      case 'submodules':
      case 'tuple':
      case 'anyModules': {
        const xs = x as ReadonlyArray<AnyModule<unknown>>;
        const ys = y as ReadonlyArray<AnyModule<unknown>>;
        if (xs.length !== ys.length) throw mismatch(path, `${xs.length} vs ${ys.length} submodules`);
        xs.forEach((child, i) => assertSameShape(child, ys[i]!, joinPath(path, i)));
        break;
      }
      case 'constant':
        if (!sameConstant(x, y)) throw mismatch(path, `${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
        break;
      default:
    }
  }
};

