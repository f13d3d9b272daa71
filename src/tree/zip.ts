/**
 * Zipping two trees of the same shape leaf by leaf, and the structural check behind it.
 *
 * @category zipping
 * @since 0.1.0
 */
import type { AnyModule, AnySpec, ModuleOf } from './Field.js';
import { toArray } from './leaves.js';
import { ModuleError } from './ModuleError.js';
import { describeValue, field, isModule, joinPath, type LeafInfo, mapLeaves, specOf } from './walk.js';

const zipLeaves = <A, B, C>(a: AnyModule<A>, b: AnyModule<B>, f: (x: A, y: B, info: LeafInfo) => C, withInfo: boolean): AnyModule<C> => {
  assertSameShape(a, b, '');
  const ys = toArray(b) as B[];
  let i = 0;
  return mapLeaves(a, (x: A, info) => f(x, ys[i++]!, info), withInfo, '');
};

/**
 * Zips two modules of the same kind leaf by leaf (the original's `tree_multimap`): the SGD update is
 * `zipWith(params, grads, (p, g) => tf.sub(p, tf.mul(g, lr)))`. `f` gets exactly `(a, b)`. Both
 * trees must be of one kind (checked by the compiler) and one shape (same array lengths, equal
 * constants; checked at run time, a `ModuleError` names the first differing path).
 *
 * Data-first `zipWith(a, b, f)`, or data-last `zipWith(b, f)(a)` for `pipe`.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { initialize, map, nn, random, tf, zipWith } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const grads = pipe(params, map((p) => tf.onesLike(p)))
 * const next = zipWith(params, grads, (p, g) => tf.sub(p, tf.mul(g, 0.3)))
 * const same = pipe(params, zipWith(grads, (p, g) => tf.sub(p, tf.mul(g, 0.3))))
 * @category zipping
 * @since 0.1.0
 */
export function zipWith<S extends AnySpec, A, B, C>(a: ModuleOf<S, A>, b: ModuleOf<S, B>, f: (a: A, b: B) => C): ModuleOf<S, C>;
export function zipWith<S extends AnySpec, A, B, C>(b: ModuleOf<S, B>, f: (a: A, b: B) => C): (a: ModuleOf<S, A>) => ModuleOf<S, C>;
export function zipWith(...args: ReadonlyArray<unknown>): unknown {
  if (args.length === 2) {
    const [b, f] = args as [AnyModule<unknown>, (a: unknown, b: unknown) => unknown];
    return (a: AnyModule<unknown>) => zipLeaves(a, b, (x, y) => f(x, y), false);
  }
  const [a, b, f] = args as [AnyModule<unknown>, AnyModule<unknown>, (a: unknown, b: unknown) => unknown];
  return zipLeaves(a, b, (x, y) => f(x, y), false);
}

/**
 * `zipWith` whose function also gets each leaf's {@link LeafInfo} (path and kind), first, as in
 * fp-ts's `…WithIndex` functions: `f(info, a, b)`.
 * @example
 * import { initialize, nn, random, tf, zipWithIndex } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const next = zipWithIndex(params, params, (i, p, q) => (i.path === 'bias' ? p : tf.add(p, q)))
 * @category zipping
 * @since 0.2.0
 */
export const zipWithIndex = <S extends AnySpec, A, B, C>(
  a: ModuleOf<S, A>,
  b: ModuleOf<S, B>,
  f: (i: LeafInfo, a: A, b: B) => C,
): ModuleOf<S, C> => zipLeaves(a, b, (x: A, y: B, info) => f(info, x, y), true) as ModuleOf<S, C>;

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
 * import { assertSameShape, nn } from 'parallax-ts'
 * assertSameShape(nn.Linear.create(2, 3), nn.Linear.create(2, 3)) // ok
 * assertSameShape(nn.Linear.create(2, 3), nn.Linear.create(2, 4)) // throws `trees differ at "outFeatures": 3 vs 4`
 * @category zipping
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
