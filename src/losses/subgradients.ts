/**
 * PyTorch's choice of derivative where a loss has a kink, so that gradients at exactly the kink
 * (a prediction equal to its target, a hinge exactly at its margin — common with zero-initialized
 * models) are PyTorch's, not tfjs's: tfjs's `abs` has derivative −1 at 0 and its `relu` 0 at 0;
 * PyTorch's `abs` has `sgn(0) = 0` and its `clamp_min(x, 0)` passes the gradient at `x = 0`.
 * Both are built from ops with ordinary gradients, so higher-order gradients still work.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';

type Tensor = tf.Tensor;

/**
 * `|x|`, with derivative `sign(x)` (0 at 0) as PyTorch's `abs`: written `x · sign(x)`, and tfjs
 * gives `sign` a zero gradient.
 * @example
 * import { tf } from 'parallax-ts'
 * import { absSgn } from './subgradients.js'
 * tf.grad((x: tf.Tensor) => tf.sum(absSgn(x)))(tf.tensor1d([-2, 0, 3])) // [-1, 0, 1]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const absSgn = (x: Tensor): Tensor => tf.mul(x, tf.sign(x));

/**
 * `max(x, 0)`, with derivative 1 at `x = 0` as PyTorch's `clamp_min(x, 0)` (which hinge losses use):
 * tfjs's `maximum` passes the gradient to its first argument on a tie.
 * @example
 * import { tf } from 'parallax-ts'
 * import { clampMinZero } from './subgradients.js'
 * tf.grad((x: tf.Tensor) => tf.sum(clampMinZero(x)))(tf.tensor1d([-1, 0, 1])) // [0, 1, 1]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const clampMinZero = (x: Tensor): Tensor => tf.maximum(x, 0);
