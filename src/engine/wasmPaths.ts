/**
 * Where the wasm backend finds its `.wasm` binaries. Under Node it finds them itself (next to
 * `@tensorflow/tfjs-backend-wasm` in node_modules); in a browser they are fetched over HTTP, by
 * default from the page's own folder, so an app serves them and says where: a folder URL, or one
 * URL per file (what a bundler that fingerprints assets produces).
 *
 * @since 0.2.0
 */
import { setWasmPaths as setTfjsWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { describeData } from '../tree/describeData.js';
import { BackendError } from './BackendError.js';

/**
 * The three binaries of `@tensorflow/tfjs-backend-wasm` (in its `dist/` folder). The backend
 * fetches one of them: `-threaded-simd` on a cross-origin-isolated page with SIMD, `-simd` with
 * SIMD alone (any current browser), the plain one otherwise.
 *
 * @example
 * import { wasmBinaries } from 'parallax-ts/engine'
 * wasmBinaries // ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']
 * @category backends
 * @since 0.2.0
 */
export const wasmBinaries = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/**
 * One of {@link wasmBinaries}.
 *
 * @example
 * import type { WasmBinary } from 'parallax-ts/engine'
 * const simd: WasmBinary = 'tfjs-backend-wasm-simd.wasm'
 * @category backends
 * @since 0.2.0
 */
export type WasmBinary = (typeof wasmBinaries)[number];

/**
 * Where the wasm binaries are served: a folder URL ending in `/` (absolute, or relative to the
 * page), or the URL of each of the three {@link wasmBinaries}.
 *
 * @example
 * import type { WasmPaths } from 'parallax-ts/engine'
 * const folder: WasmPaths = '/assets/tfjs-wasm/'
 * const perFile: WasmPaths = {
 *   'tfjs-backend-wasm.wasm': '/assets/wasm-1a2b.wasm',
 *   'tfjs-backend-wasm-simd.wasm': '/assets/wasm-simd-3c4d.wasm',
 *   'tfjs-backend-wasm-threaded-simd.wasm': '/assets/wasm-threaded-simd-5e6f.wasm',
 * }
 * @category backends
 * @since 0.2.0
 */
export type WasmPaths = string | { readonly [K in WasmBinary]: string };

/**
 * Throws a {@link BackendError} naming `argument` unless `paths` is a non-empty string or a record
 * with a non-empty string for each of the three binaries (and nothing else).
 *
 * @example
 * import { checkWasmPaths } from './wasmPaths.js'
 * checkWasmPaths('ready({ wasmPaths })', '/wasm/') // fine
 * @category backends
 * @since 0.2.0
 * @internal
 */
export const checkWasmPaths = (argument: string, paths: unknown): void => {
  const expected = `a folder URL ending in "/" or a record of the URLs of ${wasmBinaries.map((b) => JSON.stringify(b)).join(', ')}`;
  if (typeof paths === 'string') {
    if (paths === '') throw new BackendError(argument, expected, '""');
    return;
  }
  if (typeof paths !== 'object' || paths === null || Array.isArray(paths)) throw new BackendError(argument, expected, describeData(paths));
  const record = paths as Readonly<Record<string, unknown>>;
  const missing = wasmBinaries.filter((b) => typeof record[b] !== 'string' || record[b] === '');
  const extra = Object.keys(record).filter((k) => !(wasmBinaries as ReadonlyArray<string>).includes(k));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      ...(missing.length > 0 ? [`no URL for ${missing.map((b) => JSON.stringify(b)).join(', ')}`] : []),
      ...(extra.length > 0 ? [`unknown keys ${extra.map((k) => JSON.stringify(k)).join(', ')}`] : []),
    ];
    throw new BackendError(argument, expected, `a record with ${parts.join(' and ')}`);
  }
};

/**
 * Tells the wasm backend where its `.wasm` binaries are served (see {@link WasmPaths}). Call it
 * before wasm first starts (`ready()`, `setBackend('wasm')`), or pass the same value to
 * `ready({ backend: 'wasm', wasmPaths })`; once wasm runs, later calls change nothing. Under
 * Node it is not needed. `usePlatformFetch` makes tfjs fetch through its platform's `fetch`.
 *
 * The same function as `@tensorflow/tfjs-backend-wasm`'s, so an app needs no import of that
 * (transitive) package; this one checks its argument first and throws {@link BackendError} for
 * an incomplete map, or when called after wasm failed to start (tfjs then refuses new paths).
 *
 * @example
 * import { ready, setWasmPaths } from 'parallax-ts/engine'
 * setWasmPaths('/assets/tfjs-wasm/') // where the app copied node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm
 * await ready('wasm')
 * @category backends
 * @since 0.2.0
 */
export const setWasmPaths = (paths: WasmPaths, usePlatformFetch: boolean = false): void => {
  checkWasmPaths('setWasmPaths(paths)', paths);
  try {
    setTfjsWasmPaths(paths, usePlatformFetch);
  } catch (e) {
    throw new BackendError(
      'setWasmPaths(paths)',
      'a call before the wasm backend first starts',
      'a call after wasm failed to start',
      `tfjs-backend-wasm refuses new paths then (${e instanceof Error ? e.message : String(e)}); reload the page with the paths set first`,
    );
  }
};
