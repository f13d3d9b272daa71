/**
 * Names of tfjs backends, and which ones the page (or process) has registered.
 *
 * @since 0.2.0
 */
import { tf } from './backend.js';

/**
 * The backends parallax-ts knows by name: `cpu` and `wasm` ship with it; `webgl` and `webgpu`
 * are optional peer dependencies that an app registers by importing
 * `@tensorflow/tfjs-backend-webgl` or `@tensorflow/tfjs-backend-webgpu` itself.
 *
 * @example
 * import type { KnownBackendName } from 'parallax-ts/engine'
 * const all: KnownBackendName[] = ['cpu', 'wasm', 'webgl', 'webgpu']
 * @category backends
 * @since 0.2.0
 */
export type KnownBackendName = 'cpu' | 'wasm' | 'webgl' | 'webgpu';

/**
 * A tfjs backend's name: one of {@link KnownBackendName}, or any other name a backend was
 * registered under with `tf.registerBackend` (the `string & {}` keeps the known names in editor
 * completions). Functions that take one check at run time that it is registered.
 *
 * @example
 * import { type BackendName, getBackend, setBackend } from 'parallax-ts'
 * const wanted: BackendName = 'cpu'
 * await setBackend(wanted)
 * getBackend() // 'cpu'
 * @category backends
 * @since 0.1.0
 */
export type BackendName = KnownBackendName | (string & {});

/**
 * The backends registered in this page or process, in registration order: `cpu` and `wasm`
 * always, others once the app has imported their packages.
 *
 * @example
 * import { registeredBackends } from 'parallax-ts/engine'
 * registeredBackends() // ['cpu', 'wasm'] — plus 'webgl' after `import '@tensorflow/tfjs-backend-webgl'`
 * @category backends
 * @since 0.2.0
 */
export const registeredBackends = (): ReadonlyArray<BackendName> => tf.engine().backendNames();

/**
 * The package that registers a known backend, for error messages that say what to import.
 *
 * @example
 * import { backendPackage } from './BackendName.js'
 * backendPackage('webgl') // '@tensorflow/tfjs-backend-webgl'
 * @category backends
 * @since 0.2.0
 * @internal
 */
export const backendPackage = (name: string): string | undefined =>
  name === 'cpu' || name === 'wasm' || name === 'webgl' || name === 'webgpu' ? `@tensorflow/tfjs-backend-${name}` : undefined;
