/**
 * Clipping by the global norm (optax `clip_by_global_norm`): when the L2 norm of all active updates
 * together reaches `maxNorm`, every update is scaled by `maxNorm / norm` (as `(g / norm) * maxNorm`).
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { tidy } from '../engine/memory.js';
import { type EmptyState, gradientTransformation, type GradientTransformation } from './GradientTransformation.js';
import { checkNumber } from './hyperparameters.js';
import { mapActive, type Updates } from './Updates.js';

/**
 * The L2 norm of all active leaves of an update tree, as a scalar tensor (owned by the caller).
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const grads = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const n = optim.globalNorm(grads) // sqrt(sum of every squared element), a scalar tensor
 * @category utils
 * @since 0.1.0
 */
export const globalNorm = (updates: Updates): tf.Scalar =>
  tf.tidy(() => {
    const squares: tf.Tensor[] = [];
    mapActive(updates, (g) => (squares.push(tf.sum(tf.square(g))), null));
    return tf.sqrt(squares.length === 0 ? tf.scalar(0) : tf.addN(squares)) as tf.Scalar;
  });

/**
 * Scales all updates down together so their global norm is below `maxNorm` (stateless); all-zero
 * updates stay zero whatever `maxNorm` (no 0/0). A negative `maxNorm` is an error.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.chain(optim.clipByGlobalNorm(1.0), optim.adam(1e-3))
 * @category transformations
 * @since 0.1.0
 */
export const clipByGlobalNorm = (maxNorm: number): GradientTransformation<EmptyState> => {
  checkNumber('clipByGlobalNorm', 'maxNorm', maxNorm, { min: 0, infinite: true });
  return gradientTransformation<EmptyState>({
    init: () => ({}),
    update: (updates, state) =>
      tidy((): readonly [Updates, EmptyState] => {
        const norm = globalNorm(updates);
        // A zero norm means all-zero updates, already within any bound: keep them rather than take
        // 0 / 0 (NaN) when maxNorm is 0 too. Otherwise as optax: keep below maxNorm, else rescale.
        const trigger = tf.logicalOr(tf.less(norm, maxNorm), tf.equal(norm, 0));
        const out = mapActive(updates, (g) => tf.where(tf.broadcastTo(trigger, g.shape), g.clone(), tf.mul(tf.div(g, norm), maxNorm)));
        return [out, state];
      }),
  });
};
