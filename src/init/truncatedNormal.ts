/**
 * `truncatedNormal`: normal draws cut at ±2 standard deviations, as
 * `jax.nn.initializers.truncated_normal`.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { checkTruncation, truncatedNormalFloats } from '../random/truncatedNormal.js';
import { type Initializer, makeInitializer } from './Initializer.js';
import { checkPositive } from './normal.js';

/**
 * `jax.nn.initializers.truncated_normal(stddev, lower, upper)`: `stddev * z` with `z` a standard
 * normal truncated to `(lower, upper)` (default ±2). `stddev` is that of the untruncated normal,
 * so the draws' standard deviation is about `0.88 * stddev`.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.truncatedNormal(0.02)([768, 768])(random.key(0))
 * @category initializers
 * @since 0.1.0
 */
export const truncatedNormal = (stddev = 1e-2, lower = -2, upper = 2): Initializer => {
  const s = Math.fround(checkPositive('truncatedNormal', 'stddev', stddev));
  checkTruncation('truncatedNormal', lower, upper);
  return makeInitializer('truncatedNormal', (shape, size) => (key) => {
    const values = truncatedNormalFloats(key, size, lower, upper);
    for (let i = 0; i < size; i++) values[i] = values[i]! * s;
    return tf.tensor(values, [...shape], 'float32');
  });
};
