/**
 * Masking (optax `masked`): run a transformation on the selected leaves only; the other updates
 * pass through unchanged. The inner state has `null` moments at unselected leaves.
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { zipWith, type LeafInfo } from '../tree/Module.js';
import type { GradientTransformation } from './GradientTransformation.js';
import { maskPredicate, selectLeaves, type Mask } from './Mask.js';
import { isActive, type Updates } from './Updates.js';

/** The state of {@link masked}: the inner transformation's state. @since 0.1.0 */
export interface MaskedState<S> {
  readonly inner: S;
}

/**
 * Applies `inner` where `mask` selects; elsewhere updates are left as they are (cloned).
 * @example
 * const decayWeightsOnly = masked(addDecayedWeights(1e-4), (info) => info.path.endsWith('weight'))
 * @since 0.1.0
 */
export const masked = <S>(inner: GradientTransformation<S>, mask: Mask): GradientTransformation<MaskedState<S>> => {
  const select = maskPredicate(mask);
  return {
    init: (params) => ({ inner: inner.init(selectLeaves(params, select)) }),
    update: (updates, state, params) => {
      const [innerUpdates, innerState] = inner.update(
        selectLeaves(updates, select),
        state.inner,
        params === undefined ? undefined : selectLeaves(params, select),
      );
      const out = zipWith(updates, innerUpdates, (g: tf.Tensor | null, u: tf.Tensor | null, info: LeafInfo) =>
        !isActive(info, g) ? (u?.dispose(), null) : select(info) ? u : g.clone(),
      ) as Updates;
      return [out, { inner: innerState }];
    },
  };
};
