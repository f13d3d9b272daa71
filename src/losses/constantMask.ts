/**
 * Boolean masks computed from values that take part in a gradient.
 *
 * tfjs's comparison ops (`less`, `equal`, ...) have no gradient, and its tape refuses any op
 * without one on a path from a differentiated input to the result — even when the op's output is
 * only a `where` condition, whose cotangent is zero. `constantMask` evaluates the comparison inside a
 * custom-gradient node whose gradient is zero, so a loss can branch on `|d| < δ` or `t = 0` and
 * still be differentiated with respect to `d` or `t`.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';

type Tensor = tf.Tensor;

type Predicate = (x: Tensor) => Tensor;

/**
 * `predicate(x)` (a bool tensor), treated as a constant by gradients.
 * @example
 * import { tf } from 'parallax-ts'
 * import { constantMask } from './constantMask.js'
 * const inside = (d: tf.Tensor) => tf.less(tf.abs(d), 1)
 * const f = (d: tf.Tensor) => tf.sum(tf.where(constantMask(d, inside), tf.square(d), d))
 * tf.grad(f)(tf.tensor1d([0.5, 2])) // [1, 1]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const constantMask = (x: Tensor, predicate: Predicate): Tensor =>
  // a custom gradient's tape node takes the enclosing scope's name: a distinct one keeps it from
  // taking a registered kernel's gradient (see engine/customOp.ts)
  tf.tidy('constantMask', () => {
    const op = tf.customGrad(((t: Tensor) => ({ value: predicate(t), gradFunc: () => tf.zerosLike(t) })) as unknown as CustomGradFunction);
    return op(x);
  });

type CustomGradFunction = Parameters<typeof tf.customGrad>[0];
