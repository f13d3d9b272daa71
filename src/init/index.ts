/**
 * Initializers as `(shape) => Reader<PRNGKey, Tensor>`, after `jax.nn.initializers`: the draws
 * equal JAX's for the same key and shape (within 2 float32 ulp; `orthogonal` to float32
 * precision). Fans follow JAX's convention by default — `fanIn = shape[-2]`,
 * `fanOut = shape[-1]`, times the receptive field — and a weight stored `(out, in)` like
 * `nn.Linear`'s passes `{ inAxis: -1, outAxis: -2 }` (see `varianceScaling` for the table).
 *
 * @since 0.1.0
 */
export { type Initializer, type Shape, makeInitializer } from './Initializer.js';
export { type FanMode, type Distribution, type FanAxes, computeFans, varianceScaling } from './varianceScaling.js';
export { glorotNormal, glorotUniform, xavierNormal, xavierUniform } from './glorot.js';
export { lecunNormal, lecunUniform } from './lecun.js';
export { heNormal, heUniform, kaimingNormal, kaimingUniform } from './he.js';
export { normal } from './normal.js';
export { truncatedNormal } from './truncatedNormal.js';
export { uniform } from './uniform.js';
export { constant, zeros, ones } from './constant.js';
export { orthogonal } from './orthogonal.js';
// also at the root; here so that `parallax-ts/init` alone initializes whole modules
export { initialize, leafKey, pathHash } from './initialize.js';
