/**
 * `truncatedNormal`: standard normal draws restricted to `(lower, upper)`, as
 * `jax.random.truncated_normal`.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { sampledTensor } from '../engine/trace.js';
import { erf32 } from './erf.js';
import { erfinv32 } from './erfinv.js';
import { nextAfterF32 } from './float32.js';
import { assertPRNGKey, type PRNGKey } from './PRNGKey.js';
import { describeData } from '../tree/describeData.js';
import { shapeSize, type Shape } from './Shape.js';
import { uniformFloats } from './uniform.js';
import { RandomError } from './RandomError.js';

const SQRT2 = Math.fround(Math.SQRT2);

/**
 * Checks the bounds (infinite ones allowed, NaN not, lower < upper as float32).
 *
 * @example
 * import { key, truncatedNormal } from 'parallax-ts/random'
 * truncatedNormal(key(0), 2, -2, [3]) // throws Error: truncatedNormal: lower must be less than upper (as float32), got lower=2, upper=-2
 * @category utils
 * @since 0.1.0
 * @internal
 */
export const checkTruncation = (fn: string, lower: unknown, upper: unknown): void => {
  if (typeof lower !== 'number' || Number.isNaN(lower)) {
    throw new RandomError(fn, 'lower', `lower must be a number (-Infinity allowed), got ${describeData(lower)}`, lower);
  }
  if (typeof upper !== 'number' || Number.isNaN(upper)) {
    throw new RandomError(fn, 'upper', `upper must be a number (Infinity allowed), got ${describeData(upper)}`, upper);
  }
  if (!(Math.fround(lower) < Math.fround(upper))) {
    throw new RandomError(fn, 'lower', `lower must be less than upper (as float32), got lower=${lower}, upper=${upper}`, lower);
  }
};

/**
 * `n` draws of `truncated_normal(key, lower, upper, [n])`, bounds already checked: inverse
 * transform `sqrt(2) * erfinv(u)` with `u` uniform in `[erf(lower/√2), erf(upper/√2))`, clipped to
 * the open interval as JAX does, all in float32.
 *
 * @example
 * import { key, truncatedNormal } from 'parallax-ts/random'
 * const z = truncatedNormal(key(0), -1, 1, [3])
 * z.dataSync() // Float32Array [0.8618594, 0.9412883, -0.2910484], truncatedNormalFloats(key(0), 3, -1, 1)
 * z.dispose()
 * @category sampling
 * @since 0.1.0
 * @internal
 */
export const truncatedNormalFloats = (k: PRNGKey, n: number, lower: number, upper: number): Float32Array => {
  const lo = Math.fround(lower);
  const hi = Math.fround(upper);
  const a = erf32(Math.fround(lo / SQRT2));
  const b = erf32(Math.fround(hi / SQRT2));
  const out = uniformFloats(k, n, a, b);
  const min = nextAfterF32(lo, Infinity);
  const max = nextAfterF32(hi, -Infinity);
  for (let i = 0; i < n; i++) {
    const z = Math.fround(SQRT2 * erfinv32(out[i]!));
    out[i] = z < min ? min : z > max ? max : z;
  }
  return out;
};

/**
 * `jax.random.truncated_normal(key, lower, upper, shape)`: a new float32 tensor of standard normal
 * draws conditioned on `lower < z < upper` (infinite bounds allowed), equal to JAX's within 2
 * float32 ulp. Note the variance is below 1: for (-2, 2) its standard deviation is 0.8796. The
 * caller owns (and disposes) the tensor.
 *
 * @example
 * import { key, truncatedNormal } from 'parallax-ts/random'
 * const z = truncatedNormal(key(42), -2, 2, [6]) // -0.0270165, 0.4443808, ...
 * z.dispose()
 * @category sampling
 * @since 0.1.0
 */
export const truncatedNormal = (k: PRNGKey, lower: number, upper: number, shape: Shape): tf.Tensor => {
  assertPRNGKey('truncatedNormal', 'key', k);
  checkTruncation('truncatedNormal', lower, upper);
  const n = shapeSize('truncatedNormal', shape);
  return sampledTensor(
    k,
    (key) => truncatedNormalFloats(key, n, lower, upper),
    (v) => tf.tensor(v, [...shape], 'float32'),
  );
};
