/**
 * Masking (optax `masked`): run a transformation on the selected leaves only; the other updates
 * pass through unchanged. The inner state has `null` moments at unselected leaves.
 * @since 0.1.0
 */
import type { tf } from '../engine/backend.js';
import { type LeafInfo, zipWithIndex } from '../tree/Module.js';
import { gradientTransformation, type GradientTransformation } from './GradientTransformation.js';
import { checkTransformation } from './hyperparameters.js';
import { maskPredicate, selectLeaves, type Mask } from './Mask.js';
import { isActive, type Updates } from './Updates.js';

/**
 * The state shape of {@link masked}: the inner transformation's state.
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const opt = optim.masked(optim.scaleByAdam(), (info) => info.path === 'weight')
 * const state: optim.MaskedState<optim.ScaleByAdamState> = opt.init(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * @category model
 * @since 0.1.0
 */
export interface MaskedState<S> {
  readonly inner: S;
}

/**
 * Applies `inner` where `mask` selects; elsewhere updates are left as they are (cloned).
 * @example
 * import { optim } from 'parallax-ts'
 * const decayWeightsOnly = optim.masked(optim.addDecayedWeights(1e-4), (info) => info.path.endsWith('weight'))
 * @category combinators
 * @since 0.1.0
 */
export const masked = <S>(inner: GradientTransformation<S>, mask: Mask): GradientTransformation<MaskedState<S>> => {
  checkTransformation('masked', 'inner', inner);
  const select = maskPredicate(mask, 'masked');
  return gradientTransformation<MaskedState<S>>({
    init: (params) => ({ inner: inner.init(selectLeaves(params, select)) as S }),
    update: (updates, state, params) => {
      const [innerUpdates, innerState] = inner.update(
        selectLeaves(updates, select),
        state.inner as never,
        params === undefined ? undefined : selectLeaves(params, select),
      );
      const out = zipWithIndex(updates, innerUpdates as Updates, (info: LeafInfo, g: tf.Tensor | null, u: tf.Tensor | null) =>
        !isActive(info, g) ? (u?.dispose(), null) : select(info) ? u : g.clone(),
      );
      return [out, { inner: innerState as S }];
    },
  });
};
