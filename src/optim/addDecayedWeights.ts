/**
 * Decoupled weight decay (optax `add_decayed_weights`): `update + weightDecay * param`, before the
 * learning rate scales it (AdamW, Lion).
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { stateless, type EmptyState, type GradientTransformation } from './GradientTransformation.js';
import { checkNumber, NON_NEGATIVE } from './hyperparameters.js';
import type { Mask } from './Mask.js';
import { masked, type MaskedState } from './masked.js';

/**
 * Adds `weightDecay * param` to every update; with `mask`, only to the selected leaves (the others
 * pass through), e.g. to spare biases. Needs `params` in `update`. `weightDecay` must be a finite
 * number ≥ 0.
 * @example
 * import { optim } from 'parallax-ts'
 * const decay = optim.addDecayedWeights(1e-4, (info) => info.path.endsWith('weight'))
 * const opt = optim.chain(optim.scaleByAdam(), decay, optim.scaleByLearningRate(1e-3))
 * @category transformations
 * @since 0.1.0
 */
export function addDecayedWeights(weightDecay: number): GradientTransformation<EmptyState>;
export function addDecayedWeights(weightDecay: number, mask: Mask): GradientTransformation<MaskedState<EmptyState>>;
export function addDecayedWeights(weightDecay: number, mask?: Mask): GradientTransformation<EmptyState | MaskedState<EmptyState>>;
export function addDecayedWeights(weightDecay: number, mask?: Mask): GradientTransformation<any> {
  const decay = checkNumber('addDecayedWeights', 'weightDecay', weightDecay, NON_NEGATIVE);
  const t = stateless((g, p) => (p === null ? g.clone() : tf.add(g, tf.mul(p, decay))), true, 'addDecayedWeights');
  return mask === undefined ? t : masked(t, mask);
}
