/**
 * Type-level checks (compiled by `tsc -p test`, never run): backend selection. Known backend
 * names complete, any registered name is accepted, and what cannot be right does not compile.
 * Each `@ts-expect-error` line must fail to compile; every other line must compile.
 */
import {
  type BackendName,
  getBackend,
  type KnownBackendName,
  ready,
  type ReadyOptions,
  setBackend,
  setWasmPaths,
  type WasmPaths,
} from '../../src/engine/index.js';

export const checks = async (): Promise<void> => {
  const known: KnownBackendName = 'webgpu';
  const custom: BackendName = 'my-registered-backend'; // any registered name
  const active: BackendName = getBackend();
  const started: Promise<BackendName> = ready({ backend: known, wasmPaths: '/wasm/' });
  await ready();
  await ready('cpu');
  await setBackend(custom);
  const folder: WasmPaths = '/assets/';
  const options: ReadyOptions = { wasmPaths: folder };
  setWasmPaths({
    'tfjs-backend-wasm.wasm': '/a.wasm',
    'tfjs-backend-wasm-simd.wasm': '/b.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm': '/c.wasm',
  });

  // @ts-expect-error a backend is named by a string
  await setBackend(1);
  // @ts-expect-error not a known backend name
  const typo: KnownBackendName = 'webgll';
  // @ts-expect-error getBackend may name any registered backend, not only cpu or wasm
  const narrow: 'cpu' | 'wasm' = getBackend();
  // @ts-expect-error ready takes { backend, wasmPaths }, nothing else
  await ready({ backend: 'cpu', wasmPath: '/wasm/' });
  // @ts-expect-error wasmPaths is a folder or the URL of each of the three binaries
  await ready({ wasmPaths: { 'tfjs-backend-wasm.wasm': '/a.wasm' } });
  // @ts-expect-error not a wasm binary of tfjs-backend-wasm
  setWasmPaths({ 'tfjs-backend-wasm.wasm': '/a', 'tfjs-backend-wasm-simd.wasm': '/b', 'tfjs-backend-wasm-gpu.wasm': '/c' });
  void [active, started, options, typo, narrow];
};
