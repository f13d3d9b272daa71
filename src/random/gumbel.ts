/**
 * `gumbel`: standard Gumbel draws, as `jax.random.gumbel` (its default "low" mode).
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { sampledTensor } from '../engine/trace.js';
import { assertPRNGKey, type PRNGKey } from './PRNGKey.js';
import { shapeSize, type Shape } from './Shape.js';
import { uniformFloats } from './uniform.js';

/** float32's smallest normal number, the uniform's lower bound (so the logs stay finite). */
const TINY = 2 ** -126;

/**
 * `n` draws of `gumbel(key, [n])`: `-log(-log(u))` with `u` uniform in `[tiny, 1)`, in float32.
 *
 * @example
 * import { gumbel, key } from 'parallax-ts/random'
 * const g = gumbel(key(0), [3])
 * g.dataSync() // Float32Array [2.9233725, 3.8326175, -0.0968932], gumbelFloats(key(0), 3)
 * g.dispose()
 * @category sampling
 * @since 0.1.0
 * @internal
 */
export const gumbelFloats = (k: PRNGKey, n: number): Float32Array => {
  const u = uniformFloats(k, n, TINY, 1);
  for (let i = 0; i < n; i++) u[i] = -Math.log(-Math.fround(Math.log(u[i]!)));
  return u;
};

/**
 * `jax.random.gumbel(key, shape)`: a new float32 tensor of standard Gumbel draws (finite: between
 * -4.47 and 15.94, the images of the smallest and largest uniform), equal to JAX's within a couple of float32 ulp. The caller owns (and disposes) the
 * tensor.
 *
 * @example
 * import { key, gumbel } from 'parallax-ts/random'
 * const g = gumbel(key(0), [3]) // 2.9233725, 3.8326175, -0.0968932
 * g.dispose()
 * @category sampling
 * @since 0.1.0
 */
export const gumbel = (k: PRNGKey, shape: Shape): tf.Tensor => {
  assertPRNGKey('gumbel', 'key', k);
  const n = shapeSize('gumbel', shape);
  return sampledTensor(
    k,
    (key) => gumbelFloats(key, n),
    (v) => tf.tensor(v, [...shape], 'float32'),
  );
};
