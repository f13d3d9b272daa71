/**
 * `normal`: standard normal float32 draws, as `jax.random.normal`.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { erfinv32 } from './erfinv.js';
import { assertPRNGKey, type PRNGKey } from './PRNGKey.js';
import { shapeSize, type Shape } from './Shape.js';
import { uniformFloats } from './uniform.js';

/** float32 `sqrt(2)`. */
const SQRT2 = Math.fround(Math.SQRT2);
/** The float32 just above -1: JAX draws the uniform in `(-1, 1)` from here. */
const ABOVE_MINUS_ONE = -Math.fround(1 - 2 ** -24);

/**
 * `n` standard normal float32 draws by inverse transform: `sqrt(2) * erfinv(u)` with `u` uniform
 * in `[nextafter(-1, 0), 1)`, JAX's `_normal_real`. The array is new (the uniform's buffer).
 *
 * @internal
 */
export const normalFloats = (k: PRNGKey, n: number): Float32Array => {
  const u = uniformFloats(k, n, ABOVE_MINUS_ONE, 1);
  for (let i = 0; i < n; i++) u[i] = SQRT2 * erfinv32(u[i]!);
  return u;
};

/**
 * `jax.random.normal(key, shape)`: a new float32 tensor of standard normal draws, equal to JAX's
 * within 2 float32 ulp. The caller owns (and disposes) the tensor.
 *
 * @example
 * import { key, normal } from 'parallax-ts/random'
 * const z = normal(key(42), [7]) // -0.028304616, 0.46713185, ...
 * z.dispose()
 * @since 0.1.0
 */
export const normal = (k: PRNGKey, shape: Shape): tf.Tensor => {
  assertPRNGKey('normal', 'key', k);
  return tf.tensor(normalFloats(k, shapeSize('normal', shape)), [...shape], 'float32');
};
