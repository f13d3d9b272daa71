/**
 * Constant initializers: `zeros`, `ones`, `constant(v)`. They ignore the key's randomness (but
 * still check it is a key, so a wiring mistake shows up at once).
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { describeData } from '../tree/describeData.js';
import { type Initializer, makeInitializer } from './Initializer.js';
import { ArgumentError } from '../tree/ArgumentError.js';

/**
 * `jax.nn.initializers.constant(value)`: every element `value` (float32).
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const b = init.constant(0.1)([10])(random.key(0)) // ten 0.1s
 * @category initializers
 * @since 0.1.0
 */
export const constant = (value: number): Initializer => {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new ArgumentError(`constant: value must be a number, got ${describeData(value)}`);
  }
  return makeInitializer('constant', (shape) => () => tf.fill([...shape], value, 'float32'));
};

/**
 * `jax.nn.initializers.zeros`: an initializer (not a factory) of float32 zeros.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const b = init.zeros([10])(random.key(0)) // ten 0s
 * @category initializers
 * @since 0.1.0
 */
export const zeros: Initializer = makeInitializer('zeros', (shape) => () => tf.zeros([...shape], 'float32'));

/**
 * `jax.nn.initializers.ones`: an initializer (not a factory) of float32 ones.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const gamma = init.ones([10])(random.key(0)) // ten 1s
 * @category initializers
 * @since 0.1.0
 */
export const ones: Initializer = makeInitializer('ones', (shape) => () => tf.ones([...shape], 'float32'));
