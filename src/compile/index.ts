/**
 * `parallax-ts/compile`: record a pure step's backend kernels once, replay them on later calls.
 *
 * How it fits together (one file per step of the way):
 *
 * - `arguments.ts` flattens a call's arguments into tensors, keys, containers and static values,
 *   summed up in the signature that picks a recording.
 * - `record.ts` runs the step once with listeners on the backend (every top-level kernel call,
 *   every host write and read) and on `engine/trace.ts`, through which the library's host work
 *   (key derivations, samples, optimizer counters, validation and decisions) reports itself.
 * - Then the recording is cut to what the result needs, rewritten by `fuse.ts` (aliases; fused
 *   elementwise work, generated as WebAssembly by `wasmFusion.ts` on wasm) and given lifetimes.
 * - `program.ts` replays it against the backend and builds the result; `compile.ts` holds the cache,
 *   the fallbacks and check mode; `host.ts` opens the trace hooks to your own optimizers, samplers
 *   and checks.
 *
 * @example
 * import { compile } from 'parallax-ts/compile'
 * import { tf } from 'parallax-ts/engine'
 * const f = compile((x: tf.Tensor) => tf.tanh(tf.mul(x, 2)))
 * f(tf.ones([3])) // recorded
 * f(tf.zeros([3])) // replayed
 * @since 0.2.0
 */
export { compile, type Compiled, type CompileOptions, type CompileStats } from './compile.js';
export { compileSelf } from '../engine/selfCompiling.js';
export { CompileError } from './CompileError.js';
export { advanceCounter, checkValues, counterScalar, decideOnValues, hostTensor, keyedTensor } from './host.js';
