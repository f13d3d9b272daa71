/**
 * `bernoulli`: boolean draws that are `true` with probability `p`, as `jax.random.bernoulli`.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { sampledTensor } from '../engine/trace.js';
import { assertPRNGKey, type PRNGKey } from './PRNGKey.js';
import { describeData } from '../tree/describeData.js';
import { shapeSize, type Shape } from './Shape.js';
import { uniformFloats } from './uniform.js';
import { RandomError } from './RandomError.js';

/**
 * `n` draws of `bernoulli(key, p, [n])` as 0/1 bytes: `uniform(key) < float32(p)`, exactly JAX's.
 *
 * @example
 * import { bernoulli, key } from 'parallax-ts/random'
 * const mask = bernoulli(key(42), 0.5, [6])
 * mask.dataSync() // Uint8Array [1, 0, 0, 0, 1, 0], the bytes of bernoulliBytes(key(42), 0.5, 6)
 * mask.dispose()
 * @category sampling
 * @since 0.1.0
 * @internal
 */
export const bernoulliBytes = (k: PRNGKey, p: number, n: number): Uint8Array => {
  const u = uniformFloats(k, n, 0, 1);
  const p32 = Math.fround(p);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = u[i]! < p32 ? 1 : 0;
  return out;
};

/**
 * `jax.random.bernoulli(key, p, shape)`: a new `bool` tensor, each element `true` with probability
 * `p` in [0, 1] (`p = 1` is always `true`, `p = 0` never). Equal to JAX's draws. The caller owns
 * (and disposes) the tensor.
 *
 * @example
 * import { key, bernoulli } from 'parallax-ts/random'
 * const keep = bernoulli(key(42), 0.9, [2, 3]) // a dropout keep-mask
 * keep.dispose()
 * @category sampling
 * @since 0.1.0
 */
export const bernoulli = (k: PRNGKey, p: number, shape: Shape = []): tf.Tensor => {
  assertPRNGKey('bernoulli', 'key', k);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new RandomError('bernoulli', 'p', `p must be a probability in [0, 1], got ${describeData(p)}`, p);
  }
  const n = shapeSize('bernoulli', shape);
  return sampledTensor(
    k,
    (key) => bernoulliBytes(key, p, n),
    (v) => tf.tensor(v, [...shape], 'bool'),
  );
};
