/**
 * Activation functions by name: what `MLP` (and any architecture written as JSON) refers to.
 * Each is elementwise, so any input shape works, and matches PyTorch's function of the same name
 * and default arguments (`leakyRelu` slope 0.01, `elu` alpha 1, `gelu` exact via erf,
 * `geluTanh` = PyTorch's `gelu(approximate='tanh')`).
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { oneOf } from './configCodecs.js';

type Tensor = tf.Tensor;

/** The names {@link activation} knows. @since 0.1.0 */
export const activationNames = ['relu', 'gelu', 'geluTanh', 'silu', 'tanh', 'sigmoid', 'leakyRelu', 'elu', 'identity'] as const;

/** @since 0.1.0 */
export type ActivationName = (typeof activationNames)[number];

/**
 * The io-ts codec of an activation name.
 * @example
 * ActivationNameCodec.is('relu') // true
 * @since 0.1.0
 */
export const ActivationNameCodec = oneOf<ActivationName>(activationNames);

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

const table: Record<ActivationName, (x: Tensor) => Tensor> = {
  relu: (x) => tf.relu(x),
  // 0.5 x (1 + erf(x / √2)): tfjs-core has no gelu op.
  gelu: (x) => tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))))),
  geluTanh: (x) =>
    tf.tidy(() =>
      tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))),
    ),
  silu: (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(x))),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  // PyTorch's default negative slope (tfjs's own default is 0.2).
  leakyRelu: (x) => tf.leakyRelu(x, 0.01),
  elu: (x) => tf.elu(x),
  identity: (x) => x,
};

/**
 * The activation function of a name; throws on an unknown name. The result owns nothing: it
 * returns a new tensor (or, for `identity`, its input).
 * @example
 * activation('gelu')(tf.tensor1d([-1, 0, 1]))
 * @since 0.1.0
 */
export const activation = (name: ActivationName): ((x: Tensor) => Tensor) => {
  const f = (table as Record<string, ((x: Tensor) => Tensor) | undefined>)[name];
  if (f === undefined || !Object.prototype.hasOwnProperty.call(table, name)) {
    throw new Error(`activation: unknown name ${JSON.stringify(name)}; expected ${ActivationNameCodec.name}`);
  }
  return f;
};
