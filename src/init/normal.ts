/**
 * `normal`: normal draws with a fixed standard deviation, as `jax.nn.initializers.normal`.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { normalFloats } from '../random/normal.js';
import { describeData } from '../tree/describeData.js';
import { type Initializer, makeInitializer } from './Initializer.js';
import { ArgumentError } from '../tree/ArgumentError.js';

/**
 * Checks a positive finite float parameter of an initializer; the error names the initializer
 * and the parameter.
 *
 * @example
 * import { init } from 'parallax-ts'
 * init.normal(-1) // throws Error: normal: stddev must be a positive finite number, got -1
 * @category utils
 * @since 0.1.0
 * @internal
 */
export const checkPositive = (fn: string, name: string, x: unknown): number => {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) {
    throw new ArgumentError(`${fn}: ${name} must be a positive finite number, got ${describeData(x)}`);
  }
  return x;
};

/**
 * `jax.nn.initializers.normal(stddev)`: `N(0, stddev²)` float32 draws (any shape).
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const b = init.normal(0.02)([10])(random.key(0))
 * @category initializers
 * @since 0.1.0
 */
export const normal = (stddev = 1e-2): Initializer => {
  const s = Math.fround(checkPositive('normal', 'stddev', stddev));
  return makeInitializer('normal', (shape, size) => (key) => {
    const values = normalFloats(key, size);
    for (let i = 0; i < size; i++) values[i] = values[i]! * s;
    return tf.tensor(values, [...shape], 'float32');
  });
};
