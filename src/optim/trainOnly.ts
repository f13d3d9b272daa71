/**
 * Freezing: train only the leaves a mask selects (fine-tuning a head, say). Frozen leaves get `null`
 * updates (`applyUpdates` keeps them) and `null` optimizer state (no memory). Pair it with the same
 * mask for `valueAndGrad`'s `trainable` (see `trainablePredicate`) so their gradients are not
 * computed either; `trainStep`'s `trainable` option does both.
 * @since 0.1.0
 */
import type { GradientTransformation } from './GradientTransformation.js';
import { maskPredicate, selectLeaves, type Mask } from './Mask.js';

/**
 * `inner` restricted to the selected leaves; its state is `inner`'s own, with `null` moments at
 * frozen leaves.
 * @example
 * const opt = trainOnly(adam(1e-3), (info) => info.path.startsWith('head.'))
 * @since 0.1.0
 */
export const trainOnly = <S>(inner: GradientTransformation<S>, mask: Mask): GradientTransformation<S> => {
  const select = maskPredicate(mask);
  return {
    init: (params) => inner.init(selectLeaves(params, select)),
    update: (updates, state, params) =>
      inner.update(selectLeaves(updates, select), state, params === undefined ? undefined : selectLeaves(params, select)),
  };
};
