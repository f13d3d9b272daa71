/**
 * parallax-ts: pure, typed neural-network modules for TypeScript in the fp-ts style.
 *
 * Layers of the package (each also importable as a subpath, e.g. `parallax-ts/random`):
 * - module core (`tree`): declaring modules, fp-ts instances, zips, paths, printing — no tfjs
 * - `random`: JAX-compatible threefry keys and samplers; RNG/mode threading (`newState`)
 * - `init`: initializers as `Reader<PRNGKey, Tensor>`; `initialize` for whole modules
 * - `grad`: gradients over module trees
 * - `nn`: layers; `io`: safetensors weights
 *
 * @since 0.1.0
 */
export * from './tree/index.js';
export * from './grad/index.js';
export { initialize, leafKey, pathHash } from './init/initialize.js';
export { newState, reuse, setMode } from './random/newState.js';
export * from './engine/index.js';
export * as random from './random/index.js';
export * as init from './init/index.js';
export * as nn from './nn/index.js';
export * as io from './io/index.js';
export * as optim from './optim/index.js';
export * as losses from './losses/index.js';
export * from './compile/index.js';
