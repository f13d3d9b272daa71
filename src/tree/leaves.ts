/**
 * Data-first operations on any module's leaves: list them (with paths), rebuild from a list, map,
 * fold, count.
 *
 * @since 0.1.0
 */
import type { AnyModule } from './Field.js';
import { forEachLeaf, type LeafInfo, type LeafOf, mapLeaves, type Relabel, specOf } from './walk.js';

// -------------------------------------------------------------------------------------
// data-first operations on any module
// -------------------------------------------------------------------------------------

/**
 * The leaves in traversal order.
 * @example
 * toArray(Linear.create(2, 3)).length // 2 (weight, bias)
 * @since 0.1.0
 */
export const toArray = <M extends AnyModule<unknown>>(m: M): Array<LeafOf<M>> => {
  const out: Array<LeafOf<M>> = [];
  forEachLeaf(m as AnyModule<LeafOf<M>>, (a) => void out.push(a), false, '');
  return out;
};

/**
 * The leaves with their paths and kinds, in traversal order. With `withPaths = false` every path is
 * `''` — for hot loops that only need kinds (building path strings costs more than the walk).
 * @example
 * leafEntries(net).map(([info]) => info.path) // ['dense1.weight', 'dense1.bias', ...]
 * @since 0.1.0
 */
export const leafEntries = <M extends AnyModule<unknown>>(m: M, withPaths = true): Array<readonly [LeafInfo, LeafOf<M>]> => {
  const out: Array<readonly [LeafInfo, LeafOf<M>]> = [];
  forEachLeaf(m as AnyModule<LeafOf<M>>, (a, info) => void out.push([info, a]), withPaths, '');
  return out;
};

/**
 * The paths and kinds of the leaves, in traversal order.
 * @example
 * leafInfos(Linear.create(2, 3)) // [{ path: 'weight', kind: 'param' }, { path: 'bias', kind: 'param' }]
 * @since 0.1.0
 */
export const leafInfos = (m: AnyModule<unknown>): Array<LeafInfo> => leafEntries(m).map(([info]) => info);

/**
 * Maps every leaf (data-first; see {@link map} for the pipeable form).
 * @example
 * mapModule(params, (t) => t.shape) // the same module holding shapes
 * @since 0.1.0
 */
export const mapModule = <M extends AnyModule<unknown>, B>(m: M, f: (a: LeafOf<M>) => B): Relabel<M, B> =>
  mapLeaves(m as AnyModule<LeafOf<M>>, (a) => f(a), false, '') as Relabel<M, B>;

/**
 * Maps every leaf with its {@link LeafInfo} (data-first).
 * @example
 * mapModuleWithInfo(params, (info, t) => (info.kind === 'param' ? t : t.clone()))
 * @since 0.1.0
 */
export const mapModuleWithInfo = <M extends AnyModule<unknown>, B>(
  m: M,
  f: (info: LeafInfo, a: LeafOf<M>) => B,
): Relabel<M, B> => mapLeaves(m as AnyModule<LeafOf<M>>, (a, info) => f(info, a), true, '') as Relabel<M, B>;

/**
 * Rebuilds `m`'s shape from leaves given in traversal order (the inverse of {@link toArray}).
 * @example
 * fromArray(net, toArray(net)) // a copy of net
 * @since 0.1.0
 */
export const fromArray = <M extends AnyModule<unknown>, B>(m: M, leaves: ReadonlyArray<B>): Relabel<M, B> => {
  const n = count(m);
  if (leaves.length !== n) {
    throw new Error(`fromArray: ${specOf(m).name} has ${n} leaves, got ${leaves.length} values`);
  }
  let i = 0;
  return mapLeaves(m, () => leaves[i++] as B, false, '') as Relabel<M, B>;
};

/**
 * The number of leaves (parameters and buffers), not of scalar elements.
 * @example
 * count(Linear.create(2, 3)) // 2
 * @since 0.1.0
 */
export const count = (m: AnyModule<unknown>): number => {
  let n = 0;
  forEachLeaf(m, () => void n++, false, '');
  return n;
};

/**
 * Left fold over the leaves in order (data-first).
 * @example
 * reduceModule(params, 0, (n, t) => n + t.size) // total scalar count
 * @since 0.1.0
 */
export const reduceModule = <M extends AnyModule<unknown>, B>(m: M, b: B, f: (b: B, a: LeafOf<M>) => B): B => {
  let acc = b;
  forEachLeaf(m as AnyModule<LeafOf<M>>, (a) => void (acc = f(acc, a)), false, '');
  return acc;
};

