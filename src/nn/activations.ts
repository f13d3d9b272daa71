/**
 * Activation functions as plain functions `Tensor => Tensor`, usable directly in `pipe` / `flow`;
 * each matches PyTorch's function of the same name with its default arguments. Optional arguments
 * come second, so `pipe(x, relu, (h) => leakyRelu(h, 0.2), softmax)` reads left to right.
 *
 * Each returns a new tensor owned by the caller and keeps no intermediate tensors; inputs are float32
 * tensors of any shape (`softmax` / `logSoftmax` need rank ≥ 1).
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { formatShape } from '../tree/ModuleError.js';
import { ArgumentError } from '../tree/ArgumentError.js';

type Tensor = tf.Tensor;

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * `max(x, 0)`.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const y = nn.relu(tf.tensor1d([-1, 2])) // [0, 2]
 * @category activations
 * @since 0.1.0
 */
export const relu = (x: Tensor): Tensor => tf.relu(x);

/**
 * GELU, exact: `x · Φ(x) = x/2 · (1 + erf(x / √2))` (PyTorch's `gelu`, `approximate='none'`).
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const y = nn.gelu(tf.tensor1d([0, 1])) // [0, 0.8413]
 * @category activations
 * @since 0.1.0
 */
export const gelu = (x: Tensor): Tensor => tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));

/**
 * GELU, tanh approximation: `x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³)))` (PyTorch's
 * `gelu(approximate='tanh')`, GPT-2's).
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const y = nn.geluTanh(tf.tensor1d([1])) // [0.8412]
 * @category activations
 * @since 0.1.0
 */
export const geluTanh = (x: Tensor): Tensor =>
  tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.mul(x, tf.square(x)))))))));

/**
 * SiLU (swish): `x · σ(x)`.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const y = nn.silu(tf.tensor1d([1])) // [0.7311]
 * @category activations
 * @since 0.1.0
 */
export const silu = (x: Tensor): Tensor => tf.tidy(() => tf.mul(x, tf.sigmoid(x)));

/**
 * `tanh(x)`.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const y = nn.tanh(tf.tensor1d([0])) // [0]
 * @category activations
 * @since 0.1.0
 */
export const tanh = (x: Tensor): Tensor => tf.tanh(x);

/**
 * `σ(x) = 1 / (1 + e^−x)`.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const y = nn.sigmoid(tf.tensor1d([0])) // [0.5]
 * @category activations
 * @since 0.1.0
 */
export const sigmoid = (x: Tensor): Tensor => tf.sigmoid(x);

const checkAxis = (fn: string, x: Tensor, axis: number): number => {
  const a = axis < 0 ? axis + x.rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= x.rank) {
    throw new ArgumentError(`${fn}: axis ${axis} is out of range for input of shape ${formatShape(x.shape)}`);
  }
  return a;
};

/**
 * `log softmax` along `axis` (default the last): `(x − max) − log Σ exp(x − max)`, stable for large inputs.
 * (tfjs's own `logSoftmax` works on the last axis only.) A slice whose every entry is `−∞` gives NaN,
 * as PyTorch's `log_softmax`.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const y = nn.logSoftmax(tf.tensor2d([[0, 0]])) // [[-0.6931, -0.6931]]
 * @category activations
 * @since 0.1.0
 */
export const logSoftmax = (x: Tensor, axis = -1): Tensor => {
  const a = checkAxis('logSoftmax', x, axis);
  return tf.tidy(() => {
    // shift by the max first, so large inputs lose no precision (x − logΣexp(x) would round at |x| ~ 1e3)
    const shifted = tf.sub(x, tf.max(x, a, true));
    return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), a, true)));
  });
};

/**
 * `softmax` along `axis` (default the last): `exp(x − max) / Σ exp(x − max)`, stable for large inputs.
 * A slice whose every entry is `−∞` (e.g. a fully masked attention row) gives NaN, as PyTorch's
 * `softmax` (PyTorch's attention kernels special-case such rows; this function does not).
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const y = nn.softmax(tf.tensor1d([0, 0])) // [0.5, 0.5]
 * @category activations
 * @since 0.1.0
 */
export const softmax = (x: Tensor, axis = -1): Tensor => {
  const a = checkAxis('softmax', x, axis);
  return tf.tidy(() => {
    const e = tf.exp(tf.sub(x, tf.max(x, a, true)));
    return tf.div(e, tf.sum(e, a, true));
  });
};

/**
 * Leaky ReLU: `x` for `x ≥ 0`, `negativeSlope · x` below (PyTorch's default slope 0.01; tfjs's is 0.2).
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const y = nn.leakyRelu(tf.tensor1d([-1, 1])) // [-0.01, 1]
 * @category activations
 * @since 0.1.0
 */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => tf.leakyRelu(x, negativeSlope);

/**
 * ELU: `x` for `x > 0`, `alpha · (eᵡ − 1)` otherwise (default `alpha` 1).
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const y = nn.elu(tf.tensor1d([-1, 1])) // [-0.6321, 1]
 * @category activations
 * @since 0.1.0
 */
export const elu = (x: Tensor, alpha = 1): Tensor =>
  alpha === 1 ? tf.elu(x) : tf.tidy(() => tf.add(tf.relu(x), tf.mul(alpha, tf.expm1(tf.minimum(x, 0)))));
