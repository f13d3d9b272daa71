/**
 * `ready`: choose a backend, start it, and always come back with a working engine.
 *
 * @since 0.2.0
 */
import type { BackendName } from './BackendName.js';
import { describeData } from '../tree/describeData.js';
import { BackendError } from './BackendError.js';
import { assertRegistered, startBackend, warnNotStarted } from './setBackend.js';
import { checkWasmPaths, setWasmPaths, type WasmPaths } from './wasmPaths.js';
import { checkThreads, prepareWasmThreads } from './wasmThreads.js';

/**
 * What `ready` starts. Every field is optional.
 *
 * @example
 * import { type ReadyOptions, ready } from 'parallax-ts/engine'
 * const options: ReadyOptions = { backend: 'wasm', wasmPaths: '/assets/tfjs-wasm/' }
 * await ready(options)
 * const twoThreads: ReadyOptions = { backend: 'wasm', threads: 2 }
 * @category backends
 * @since 0.2.0
 */
export interface ReadyOptions {
  /**
   * The backend to start: any registered one. Default: the `PARALLAX_BACKEND` environment
   * variable where there is one (Node), else `'wasm'`.
   */
  readonly backend?: BackendName;
  /** Where wasm's `.wasm` files are served (browsers); set before wasm starts, see `setWasmPaths`. */
  readonly wasmPaths?: WasmPaths;
  /**
   * wasm only: the size of the pool of threads its matrix products, convolutions and pooling are
   * split over (1–8, the calling thread included), fixed when wasm first starts in the process.
   * Default: tfjs's choice, one thread under Node and half the logical cores (at most 8) on a
   * cross-origin-isolated page. Under Node, any count above 1 starts tfjs-backend-wasm's threaded
   * build, which tfjs itself never does there (see src/engine/wasmThreads.ts): opt-in, because a
   * pool pays off only for large products (the first steps also wait for the workers to start), and
   * a step made of many tiny kernels can get slower. In a browser the page must be cross-origin
   * isolated for tfjs to load the threaded build at all.
   */
  readonly threads?: number;
}

const optionKeys: ReadonlyArray<string> = ['backend', 'wasmPaths', 'threads'];

/** `PARALLAX_BACKEND`, where a `process` exists and the variable is set to something. */
const backendFromEnvironment = (): string | undefined => {
  const value = typeof process !== 'undefined' ? process.env?.PARALLAX_BACKEND : undefined;
  return value === undefined || value === '' ? undefined : value;
};

/** The options as a record, checked: a string is the backend; unknown keys are errors. */
const readOptions = (options: BackendName | ReadyOptions | undefined): ReadyOptions => {
  if (options === undefined || typeof options === 'string') return options === undefined ? {} : { backend: options };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new BackendError('ready(options)', 'a backend name or { backend?, wasmPaths?, threads? }', describeData(options));
  }
  const unknown = Object.keys(options).filter((k) => !optionKeys.includes(k));
  if (unknown.length > 0) {
    throw new BackendError(
      'ready(options)',
      'only the keys "backend", "wasmPaths" and "threads"',
      `the keys ${unknown.map((k) => JSON.stringify(k)).join(', ')}`,
    );
  }
  return options;
};

/**
 * Chooses the backend, starts it and waits for it; returns the backend that runs. The backend is
 * `options.backend` (or the string given), else the `PARALLAX_BACKEND` environment variable,
 * else `'wasm'`; any registered backend works (`webgl`/`webgpu` once the app imported them).
 * `wasmPaths` is handed to `setWasmPaths` first; `threads` sizes wasm's thread pool (see
 * {@link ReadyOptions}).
 *
 * When the backend fails to start (in a browser, typically wasm whose `.wasm` files are not served
 * where `wasmPaths` says), `ready` warns on the console, switches to `cpu` and returns `'cpu'`:
 * the engine always works afterwards. Throws {@link BackendError} for a backend that is not
 * registered and for malformed options.
 *
 * @example
 * import { ready } from 'parallax-ts'
 * const backend = await ready()       // 'wasm' on a typical Node, or 'cpu' when wasm cannot start
 * await ready('cpu')                  // force the pure-JS backend
 * await ready({ backend: 'wasm', wasmPaths: '/assets/tfjs-wasm/' }) // in a browser
 * // await ready({ backend: 'wasm', threads: 2 }) // two threads, as the first start of wasm
 * @category backends
 * @since 0.1.0
 */
export const ready = async (options?: BackendName | ReadyOptions): Promise<BackendName> => {
  const { backend, wasmPaths, threads } = readOptions(options);
  const fromEnvironment = backendFromEnvironment();
  const wanted = backend ?? fromEnvironment ?? 'wasm';
  const argument =
    backend !== undefined
      ? typeof options === 'string'
        ? 'ready(backend)'
        : 'ready({ backend })'
      : fromEnvironment !== undefined
        ? 'PARALLAX_BACKEND'
        : 'ready()';
  assertRegistered(argument, wanted);
  if (threads !== undefined) {
    checkThreads('ready({ threads })', threads);
    if (wanted !== 'wasm')
      throw new BackendError(
        'ready({ threads })',
        'the backend "wasm" (threads are a wasm option)',
        `the backend ${JSON.stringify(wanted)}`,
      );
  }
  if (wasmPaths !== undefined) {
    checkWasmPaths('ready({ wasmPaths })', wasmPaths);
    try {
      setWasmPaths(wasmPaths);
    } catch (e) {
      // wasm already failed to start in this page and tfjs refuses new paths: it will fail again
      // below and fall back to cpu, with the reason in this warning.
      console.warn(`parallax-ts: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const undoThreads = threads === undefined ? () => {} : prepareWasmThreads('ready({ threads })', threads);
  let started: boolean;
  try {
    started = await startBackend(wanted);
  } finally {
    undoThreads();
  }
  if (started) return wanted;
  await startBackend('cpu');
  warnNotStarted(wanted, 'cpu');
  return 'cpu';
};
