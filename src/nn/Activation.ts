/**
 * Activation functions by name: what `MLP` (and any architecture written as JSON) refers to.
 * The functions themselves live in `activations.ts`; each is elementwise and matches PyTorch's
 * function of the same name and default arguments (`leakyRelu` slope 0.01, `elu` alpha 1, `gelu` exact via erf,
 * `geluTanh` = PyTorch's `gelu(approximate='tanh')`).
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import * as act from './activations.js';
import { oneOf } from './configCodecs.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';

type Tensor = tf.Tensor;

/**
 * The names {@link activation} knows (and {@link ActivationNameCodec} accepts).
 * @example
 * import { nn } from 'parallax-ts'
 * nn.activationNames.includes('gelu') // true
 * @category config
 * @since 0.1.0
 */
export const activationNames = ['relu', 'gelu', 'geluTanh', 'silu', 'tanh', 'sigmoid', 'leakyRelu', 'elu', 'identity'] as const;

/**
 * A name {@link activation} knows: `'relu' | 'gelu' | … | 'identity'`.
 * @example
 * import { nn } from 'parallax-ts'
 * const name: nn.ActivationName = 'silu'
 * const mlp = nn.MLP.create([4, 8, 2], { activation: name })
 * @category config
 * @since 0.1.0
 */
export type ActivationName = (typeof activationNames)[number];

/**
 * The io-ts codec of an activation name.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.ActivationNameCodec.is('relu') // true
 * nn.ActivationNameCodec.is('swish') // false
 * @category config
 * @since 0.1.0
 */
export const ActivationNameCodec = oneOf<ActivationName>(activationNames);

const table: Record<ActivationName, (x: Tensor) => Tensor> = {
  relu: act.relu,
  gelu: act.gelu,
  geluTanh: act.geluTanh,
  silu: act.silu,
  tanh: act.tanh,
  sigmoid: act.sigmoid,
  leakyRelu: (x) => act.leakyRelu(x),
  elu: (x) => act.elu(x),
  identity: (x) => x,
};

/**
 * The activation function of a name; throws on an unknown name. The result owns nothing: it
 * returns a new tensor (or, for `identity`, its input).
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const y = nn.activation('gelu')(tf.tensor1d([-1, 0, 1])) // [-0.1587, 0, 0.8413]
 * @category utils
 * @since 0.1.0
 */
export const activation = (name: ActivationName): ((x: Tensor) => Tensor) => {
  const f = (table as Record<string, ((x: Tensor) => Tensor) | undefined>)[name];
  if (f === undefined || !Object.prototype.hasOwnProperty.call(table, name)) {
    throw new ArgumentError(`activation: unknown name ${describeData(name)}; expected ${ActivationNameCodec.name}`);
  }
  return f;
};
