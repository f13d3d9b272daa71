/**
 * Choosing leaves: a `Mask` is either a predicate on a leaf's path and kind, or a boolean tree of
 * the model's shape (e.g. `mapModuleWithInfo(params, (info) => info.path.startsWith('head.'))`).
 * @since 0.1.0
 */
import type { AnyModule } from '../tree/Field.js';
import { isModule, leafEntries, mapModuleWithInfo, type LeafInfo } from '../tree/Module.js';

/** Which leaves to select: a path predicate or a boolean tree. @since 0.1.0 */
export type Mask = ((info: LeafInfo) => boolean) | AnyModule<boolean>;

/**
 * A mask as a predicate; a boolean tree is looked up by path, and a path it lacks is an error.
 * @example
 * const headOnly = maskPredicate((info) => info.path.startsWith('head.'))
 * @since 0.1.0
 */
export const maskPredicate = (mask: Mask): ((info: LeafInfo) => boolean) => {
  if (typeof mask === 'function') return mask;
  if (!isModule(mask)) throw new Error('mask: expected a predicate (info) => boolean or a boolean module tree');
  const byPath = new Map<string, boolean>();
  for (const [info, b] of leafEntries(mask)) {
    if (typeof b !== 'boolean') throw new Error(`mask: leaf "${info.path}" is ${typeof b}, expected a boolean`);
    byPath.set(info.path, b);
  }
  return (info) => {
    const b = byPath.get(info.path);
    if (b === undefined) throw new Error(`mask: the mask tree has no leaf "${info.path}"`);
    return b;
  };
};

/**
 * The tree with unselected leaves replaced by `null` (how transforms learn to leave them alone).
 * @example
 * const headGrads = selectLeaves(grads, maskPredicate((info) => info.path.startsWith('head.')))
 * @since 0.1.0
 */
export const selectLeaves = <A>(tree: AnyModule<A>, select: (info: LeafInfo) => boolean): AnyModule<A | null> =>
  mapModuleWithInfo(tree, (info, x) => (select(info) ? x : null)) as AnyModule<A | null>;

/**
 * The `trainable` option for `valueAndGrad` that matches a mask: selected parameters, never buffers.
 * @example
 * valueAndGrad(loss, { trainable: trainablePredicate((info) => info.path.startsWith('head.')) })
 * @since 0.1.0
 */
export const trainablePredicate = (mask: Mask): ((info: LeafInfo) => boolean) => {
  const select = maskPredicate(mask);
  return (info) => info.kind === 'param' && select(info);
};
