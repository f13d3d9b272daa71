/**
 * Data-first operations on any module's leaves: list them (with paths), rebuild from a list, map,
 * fold, count.
 *
 * @category folding
 * @since 0.1.0
 */
import type { AnyModule } from './Field.js';
import { ModuleError } from './ModuleError.js';
import { forEachLeaf, type LeafInfo, type LeafOf, mapLeaves, type Relabel, specOf } from './walk.js';

// -------------------------------------------------------------------------------------
// data-first operations on any module
// -------------------------------------------------------------------------------------

/**
 * The leaves in traversal order.
 * @example
 * import { nn, toArray } from 'parallax-ts'
 * toArray(nn.Linear.create(2, 3)).length // 2 (weight, bias)
 * @category folding
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
 * import { leafEntries, nn } from 'parallax-ts'
 * const net = nn.Sequential.create([nn.Linear.create(2, 3), nn.Linear.create(3, 1)])
 * leafEntries(net).map(([info]) => info.path) // ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']
 * @category folding
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
 * import { leafInfos, nn } from 'parallax-ts'
 * leafInfos(nn.Linear.create(2, 3)) // [{ path: 'weight', kind: 'param' }, { path: 'bias', kind: 'param' }]
 * @category folding
 * @since 0.1.0
 */
export const leafInfos = (m: AnyModule<unknown>): Array<LeafInfo> => leafEntries(m).map(([info]) => info);

/**
 * Maps every leaf (data-first; see {@link map} for the pipeable form).
 * @example
 * import { mapModule, nn } from 'parallax-ts'
 * const shapes = mapModule(nn.Linear.create(2, 3), (p) => p.shape) // the same module holding shapes
 * @category folding
 * @since 0.1.0
 */
export const mapModule = <M extends AnyModule<unknown>, B>(m: M, f: (a: LeafOf<M>) => B): Relabel<M, B> =>
  mapLeaves(m as AnyModule<LeafOf<M>>, (a) => f(a), false, '') as Relabel<M, B>;

/**
 * Maps every leaf with its {@link LeafInfo} (data-first).
 * @example
 * import { mapModuleWithInfo, nn } from 'parallax-ts'
 * const paths = mapModuleWithInfo(nn.Linear.create(2, 3), (info, p) => `${info.path}: [${p.shape}]`)
 * @category folding
 * @since 0.1.0
 */
export const mapModuleWithInfo = <M extends AnyModule<unknown>, B>(m: M, f: (info: LeafInfo, a: LeafOf<M>) => B): Relabel<M, B> =>
  mapLeaves(m as AnyModule<LeafOf<M>>, (a, info) => f(info, a), true, '') as Relabel<M, B>;

/**
 * Rebuilds `m`'s shape from leaves given in traversal order (the inverse of {@link toArray}).
 * @example
 * import { fromArray, nn, toArray } from 'parallax-ts'
 * const net = nn.Linear.create(2, 3)
 * const copy = fromArray(net, toArray(net)) // a copy of net
 * @category folding
 * @since 0.1.0
 */
export const fromArray = <M extends AnyModule<unknown>, B>(m: M, leaves: ReadonlyArray<B>): Relabel<M, B> => {
  const n = count(m);
  if (leaves.length !== n) {
    throw new ModuleError(`fromArray: ${specOf(m).name} has ${n} leaves, got ${leaves.length} values`);
  }
  let i = 0;
  return mapLeaves(m, () => leaves[i++] as B, false, '') as Relabel<M, B>;
};

/**
 * The number of leaves (parameters and buffers), not of scalar elements.
 * @example
 * import { count, nn } from 'parallax-ts'
 * count(nn.Linear.create(2, 3)) // 2
 * @category folding
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
 * import { nn, reduceModule } from 'parallax-ts'
 * reduceModule(nn.Linear.create(2, 3), 0, (n, p) => n + p.shape.length) // 3
 * @category folding
 * @since 0.1.0
 */
export const reduceModule = <M extends AnyModule<unknown>, B>(m: M, b: B, f: (b: B, a: LeafOf<M>) => B): B => {
  let acc = b;
  forEachLeaf(m as AnyModule<LeafOf<M>>, (a) => void (acc = f(acc, a)), false, '');
  return acc;
};
