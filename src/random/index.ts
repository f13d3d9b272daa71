/**
 * Keyed random numbers, bit-compatible with JAX (`jax.random` with the threefry2x32 PRNG).
 *
 * Keys are immutable values ({@link PRNGKey}); `split` and `foldIn` are the only ways to make new
 * ones, and samplers are pure functions of `(key, shape, ...)`. The same seed gives the same keys,
 * bits and floats as JAX 0.11 (a seed outside `[0, 2^32)` needs `{ x64 }` to say which of JAX's two
 * settings to follow: see `key`). Sizes are bounded before anything is allocated: `split` makes at
 * most `MAX_SPLIT` (2^22) keys, `bits` and the samplers at most `MAX_DRAW_SIZE` (2^31 − 1) values;
 * every bad argument is a `RandomError` naming it.
 *
 * | JAX                                   | parallax-ts                        | words / values                      |
 * | ------------------------------------- | ---------------------------------- | ----------------------------------- |
 * | `jax.random.PRNGKey(seed)`            | `key(seed)`, `0 ≤ seed < 2^32`     | `[0, seed]` (both JAX settings)     |
 * | `PRNGKey(seed)`, `jax_enable_x64=True` | `key(seed, { x64: true })`        | `[seed >> 32, seed & 0xFFFFFFFF]` of the int64 |
 * | `PRNGKey(seed)`, x64 off (default)    | `key(seed, { x64: false })`        | `[0, seed mod 2^32]`, int32 seeds only |
 * | `jax.random.fold_in(k, d)`            | `foldIn(k, d)`                     | `threefry2x32(k, [0, d])`, both schemes |
 * | `jax.random.split(k, n)[i]`, partitionable | `split(k, n)[i]`              | `threefry2x32(k, [0, i])` = `foldIn(k, i)` |
 * | `jax.random.split(k, n)`, legacy      | `split(key(s, { partitionable: false }), n)` | pairs of `threefry_2x32(k, iota(2n))` |
 * | `jax.random.bits(k, shape)`, partitionable | `bits(k, shape)`              | element `i`: XOR of the words of `threefry2x32(k, [0, i])` |
 * | `jax.random.bits(k, shape)`, legacy   | same, legacy key                   | `threefry_2x32(k, iota(n))`: counters `(i, m+i)`, `m = ceil(n/2)` |
 *
 * Partitionable (`jax_threefry_partitionable=True`) is JAX >= 0.5's default and ours; a key made
 * with `{ partitionable: false }` and everything derived from it reproduces the legacy scheme.
 * Consequences worth knowing: in the partitionable scheme `split(k, n)[i]` is `foldIn(k, i)` and
 * does not depend on `n`, and `bits(k, [m])` is a prefix of `bits(k, [n])` for `m < n`; neither
 * holds in the legacy scheme.
 *
 * Samplers return new tfjs tensors owned by the caller (dispose them, or call inside `tf.tidy`);
 * all arithmetic happens in JavaScript in float32 (`Math.fround`), tensors only at the edge.
 * `uniform`, `bernoulli`, `randint`, `permutation` and `categorical` equal JAX's exactly;
 * `normal`, `truncatedNormal` and `gumbel` within a couple of float32 ulp (transcendental kernels).
 *
 * Threading keys through a module (also exported from the root): `newState(m, mode)` gives each
 * stochastic module its own key and the mode, as a `State<PRNGKey, M>`; `setMode(m, mode)` sets
 * the mode and drops the keys (eval); `reuse(m, i)` derives the keys of a module's `i`-th use
 * within one forward pass.
 *
 * @since 0.1.0
 */
export { type PRNGKey, type KeyOptions, key, keyData, wrapKeyData, isPRNGKey, assertPRNGKey, Eq, Show } from './PRNGKey.js';
export { RandomError } from './RandomError.js';
export { type Shape, MAX_DRAW_SIZE, shapeSize } from './Shape.js';
export { threefry2x32, threefry2x32Blocks } from './threefry.js';
export { type ThreefryWasm, setThreefryWasm, threefryWasm } from './threefryWasm.js';
export { MAX_SPLIT, split } from './split.js';
export { foldIn } from './foldIn.js';
export { bits } from './bits.js';
export { type UniformOptions, uniform } from './uniform.js';
export { erfinv32 } from './erfinv.js';
export { normal } from './normal.js';
export { fmaf32 } from './float32.js';
export { erf32 } from './erf.js';
export { nextAfterF32 } from './float32.js';
export { truncatedNormal } from './truncatedNormal.js';
export { bernoulli } from './bernoulli.js';
export { randint } from './randint.js';
export { permutation } from './permutation.js';
export { gumbel } from './gumbel.js';
export { type CategoricalOptions, categorical } from './categorical.js';
export { newState, reuse, setMode } from './newState.js';
