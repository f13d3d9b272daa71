/**
 * `parallax-ts/engine`: the tfjs-core engine as parallax-ts sets it up, and choosing its backend —
 * `tf` itself, `ready`, `setBackend`, `getBackend`, `setWasmPaths`, and tensor memory for trees
 * (`tidy`, `dispose`, `forEachTensor`). Platform-neutral: the same in Node and in a browser.
 *
 * @example
 * import { ready, tf, tidy } from 'parallax-ts/engine'
 * await ready('cpu')
 * const y = tidy(() => tf.add(tf.ones([2]), 1))
 * y.dataSync() // Float32Array [2, 2]
 * @since 0.2.0
 */
export { tf } from './backend.js';
export { type BackendName, type KnownBackendName, registeredBackends } from './BackendName.js';
export { BackendError } from './BackendError.js';
export { getBackend, setBackend } from './setBackend.js';
export { ready, type ReadyOptions } from './ready.js';
export { setWasmPaths, wasmBinaries, type WasmBinary, type WasmPaths } from './wasmPaths.js';
export { dispose, forEachTensor, tidy } from './memory.js';
export { type CompilePart, compileSelf, isSelfCompiling, type SelfCompiling } from './selfCompiling.js';
