/**
 * Choosing leaves: a `Mask` is either a predicate on a leaf's path and kind, or a boolean tree of
 * the model's shape (e.g. `mapModuleWithInfo(params, (info) => info.path.startsWith('head.'))`).
 * @since 0.1.0
 */
import type { AnyModule } from '../tree/Field.js';
import { isModule, leafEntries, type LeafInfo, type LeafOf, mapModuleWithInfo, type Relabel } from '../tree/Module.js';
import { show } from './hyperparameters.js';
import { OptimizerError } from './OptimizerError.js';

/**
 * Which leaves to select: a path predicate or a boolean tree.
 * @example
 * import { initialize, mapModuleWithInfo, nn, optim, random } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const byPath: optim.Mask = (info) => info.path === 'weight'
 * const byTree: optim.Mask = mapModuleWithInfo(params, (info) => info.path === 'weight')
 * @category model
 * @since 0.1.0
 */
export type Mask = ((info: LeafInfo) => boolean) | AnyModule<boolean>;

/**
 * A mask as a predicate; a boolean tree is looked up by path, and a path it lacks is an error
 * (an `OptimizerError`; `fn` names the caller in it).
 * @example
 * import { optim } from 'parallax-ts'
 * const headOnly = optim.maskPredicate((info) => info.path.startsWith('head.'))
 * headOnly({ path: 'head.weight', kind: 'param' }) // true
 * @category utils
 * @since 0.1.0
 */
export const maskPredicate = (mask: Mask, fn = 'mask'): ((info: LeafInfo) => boolean) => {
  if (typeof mask === 'function') return mask;
  if (!isModule(mask)) {
    throw new OptimizerError(fn, 'mask', `mask must be a predicate (info) => boolean or a boolean module tree, got ${show(mask)}`, mask);
  }
  const byPath = new Map<string, boolean>();
  for (const [info, b] of leafEntries(mask)) {
    if (typeof b !== 'boolean') throw new OptimizerError(fn, 'mask', `mask leaf "${info.path}" is ${show(b)}, expected a boolean`, b);
    byPath.set(info.path, b);
  }
  return (info) => {
    const b = byPath.get(info.path);
    if (b === undefined) throw new OptimizerError(fn, 'mask', `the mask tree has no leaf "${info.path}"`, mask);
    return b;
  };
};

/**
 * The tree with unselected leaves replaced by `null` (how transforms learn to leave them alone);
 * it keeps the tree's kind.
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const grads = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const weightOnly = optim.selectLeaves(grads, (info) => info.path === 'weight') // bias: null
 * @category utils
 * @since 0.1.0
 */
export const selectLeaves = <M extends AnyModule<unknown>>(tree: M, select: (info: LeafInfo) => boolean): Relabel<M, LeafOf<M> | null> =>
  mapModuleWithInfo(tree, (info, x) => (select(info) ? x : null)) as Relabel<M, LeafOf<M> | null>;

/**
 * The `trainable` option for `valueAndGrad` that matches a mask: selected parameters, never buffers.
 * @example
 * import { nn, optim, tf, valueAndGrad } from 'parallax-ts'
 * const loss = (m: nn.Linear<tf.Tensor>, x: tf.Tensor) => tf.sum(nn.Linear.forward(m, x))
 * const headGrads = valueAndGrad(loss, { trainable: optim.trainablePredicate((info) => info.path === 'bias') })
 * @category utils
 * @since 0.1.0
 */
export const trainablePredicate = (mask: Mask): ((info: LeafInfo) => boolean) => {
  const select = maskPredicate(mask);
  return (info) => info.kind === 'param' && select(info);
};
