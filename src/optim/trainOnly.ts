/**
 * Freezing: train only the leaves a mask selects (fine-tuning a head, say). Frozen leaves get `null`
 * updates (`applyUpdates` keeps them) and `null` optimizer state (no memory). Pair it with the same
 * mask for `valueAndGrad`'s `trainable` (see `trainablePredicate`) so their gradients are not
 * computed either; `trainStep`'s `trainable` option does both.
 * @since 0.1.0
 */
import { gradientTransformation, type GradientTransformation } from './GradientTransformation.js';
import { checkTransformation } from './hyperparameters.js';
import { maskPredicate, selectLeaves, type Mask } from './Mask.js';
import type { Updates } from './Updates.js';

/**
 * `inner` restricted to the selected leaves; its state is `inner`'s own, with `null` moments at
 * frozen leaves.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.trainOnly(optim.adam(1e-3), (info) => info.path.startsWith('head.'))
 * @category combinators
 * @since 0.1.0
 */
export const trainOnly = <S>(inner: GradientTransformation<S>, mask: Mask): GradientTransformation<S> => {
  checkTransformation('trainOnly', 'inner', inner);
  const select = maskPredicate(mask, 'trainOnly');
  return gradientTransformation<S>({
    init: (params) => inner.init(selectLeaves(params, select)) as S,
    update: (updates, state, params) =>
      inner.update(
        selectLeaves(updates, select),
        state as never,
        params === undefined ? undefined : selectLeaves(params, select),
      ) as readonly [Updates, S],
  });
};
