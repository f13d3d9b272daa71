/**
 * `uniform`: uniform draws on `[0, scale)`, as `jax.nn.initializers.uniform`.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { uniformFloats } from '../random/uniform.js';
import { type Initializer, makeInitializer } from './Initializer.js';
import { checkPositive } from './normal.js';

/**
 * `jax.nn.initializers.uniform(scale)`: float32 draws on `[0, scale)` (note: not centred; for
 * `±bound` use `random.uniform` with `minval`/`maxval` or `varianceScaling(..., 'uniform')`).
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.uniform(0.1)([3, 4])(random.key(0)) // draws in [0, 0.1)
 * @category initializers
 * @since 0.1.0
 */
export const uniform = (scale = 1e-2): Initializer => {
  const s = Math.fround(checkPositive('uniform', 'scale', scale));
  return makeInitializer('uniform', (shape, size) => (key) => {
    return tf.tensor(uniformFloats(key, size, 0, 1, s), [...shape], 'float32');
  });
};
