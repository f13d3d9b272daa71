/**
 * Several threads for the wasm backend: `ready({ backend: 'wasm', threads })`.
 *
 * tfjs-backend-wasm 4.22.0 ships a threaded SIMD build (XNNPACK's products, convolutions and
 * pooling split over a pool of Web Workers) but never uses it under Node, and caps the pool at half
 * the logical cores everywhere. Its obstacles, and what this file does about each, for the one
 * start of the wasm backend that follows (nothing in node_modules is changed):
 *
 * 1. The flag `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to `false` under Node: set to `true`.
 * 2. The pool's workers are made from a `blob:` URL, which Node's `Worker` refuses
 *    (`ERR_WORKER_PATH … "blob:nodedata:…"`). The emscripten module assigns Node's `Worker` to the
 *    global `Worker` and then calls `new Worker(url)`: an accessor on the global keeps Node's class
 *    and hands out one that starts a small bootstrap script instead (`eval: true`), passing it the
 *    `Blob` behind the URL (Blobs cross to workers). The bootstrap reads the worker script from it.
 * 3. Each worker then loads the main script, which tfjs also sends as a `Blob`, by reading a
 *    file of that name: the bootstrap reads the Blob's text first (asynchronously; messages wait in
 *    order) and serves it. That script is tfjs's Node bundle's copy of the module factory, which
 *    refers to the bundle's own `require$$N` variables (`fs`, `path`, `perf_hooks`, `os`) and
 *    `commonjsGlobal`: the bootstrap defines them, as the 4.22.0 bundle numbers them (checked).
 * 4. The C++ side caps the pool at `min(threads, 8, logical cores / 2)`, the cores coming from the
 *    wasm import `emscripten_num_logical_cores` (`os.cpus().length` under Node). While the backend
 *    starts, `WebAssembly.instantiate(Streaming)` hands the module an import reporting
 *    `2 · threads` cores, so the pool has exactly `threads` threads (the calling thread is one).
 * 5. A running pthread would keep Node's event loop alive forever (emscripten `ref()`s its worker):
 *    the pool's workers are `unref()`ed for good, so a script still exits when it is done (every
 *    product waits for its threads synchronously, so nothing is lost).
 *
 * The global hooks are undone as soon as the backend has started (or failed to); the workers and
 * their pool stay for the life of the process. In a browser only 1 and 4 apply: tfjs picks the
 * threaded build itself on a cross-origin-isolated page, with the pool size asked for here.
 *
 * Results are bit-identical to one thread (each output tile is summed by one thread, in the same
 * order). Measured here (2 cores, otherwise idle; scripts/matmul-probe.ts), 1 → 2 threads: a lone
 * `[64, 784] · [784, 256]` 0.63 → 0.32 ms (XNNPACK's packing of a new right operand stays on one
 * thread); an MLP training step (784→256→10, batch 64) 2.08 → 1.77–1.91 ms; a small CNN step
 * 4.3 → 3.6–4.0 ms; but a step of ~80 tiny kernels 0.31 → 0.64–2.4 ms, since every XNNPACK kernel,
 * however small, then waits for the pool; and with the other core busy, two threads are slower
 * everywhere. Hence opt-in.
 *
 * @since 0.2.0
 */
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { describeData } from '../tree/describeData.js';
import { BackendError } from './BackendError.js';

/** The largest pool: tfjs's C++ caps the pool at 8 threads and pre-creates 8 workers. */
const MAX_THREADS = 8;

/** The tfjs-backend-wasm release whose Node bundle's variable names the worker bootstrap knows. */
const KNOWN_VERSION = '4.22.0';

/**
 * Throws a {@link BackendError} naming `argument` unless `threads` is an integer from 1 to 8.
 *
 * @example
 * import { checkThreads } from './wasmThreads.js'
 * checkThreads('ready({ threads })', 2) // fine
 * @category backends
 * @since 0.2.0
 * @internal
 */
export const checkThreads = (argument: string, threads: unknown): void => {
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new BackendError(argument, `an integer from 1 to ${MAX_THREADS} (threads of the wasm backend)`, describeData(threads));
  }
};

const isNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * The script each pool worker runs under Node (a CommonJS script: `eval: true`). `workerData.blob`
 * holds tfjs's worker script. Why each step: see the file's comment (2, 3).
 */
const BOOTSTRAP = `"use strict";
const { workerData } = require('worker_threads');
// The names tfjs-backend-wasm ${KNOWN_VERSION}'s Node bundle gives the modules its threaded factory uses.
Object.assign(global, {
  require$$0: require('fs'), require$$1: require('path'), require$$3: require('perf_hooks'), require$$4: require('os'),
  commonjsGlobal: global,
});
workerData.blob.text().then((workerScript) => {
  eval(workerScript);
  // tfjs's worker imports a string main script by reading that file; a Blob one it cannot read.
  // So a Blob's text is read first (messages keep their order meanwhile) and served by name.
  const MAIN = 'parallax-ts:wasm-main-script';
  let mainScript;
  const importFile = global.importScripts;
  global.importScripts = (url) => (url === MAIN ? (0, eval)(mainScript) : importFile(url));
  const handle = self.onmessage;
  let queue = Promise.resolve();
  self.onmessage = (e) => {
    const data = e.data;
    queue = queue
      .then(async () => {
        if (data && data.cmd === 'load' && data.urlOrBlob !== null && typeof data.urlOrBlob === 'object') {
          mainScript = await data.urlOrBlob.text();
          handle({ data: { ...data, urlOrBlob: MAIN } });
        } else handle(e);
      })
      // An error is the worker's uncaught error, as without the queue; later messages still run.
      .catch((error) => setTimeout(() => { throw error; }));
  };
});
`;

/** A `Worker` constructor as Node's `worker_threads` exports it (the part used here). */
type NodeWorkerLike = {
  unref: () => void;
  ref: () => void;
};
type NodeWorkerClass = new (url: string | URL, options?: Record<string, unknown>) => NodeWorkerLike;

/** Replaces `obj[key]` until the returned function is called. */
const swap = <T extends object, K extends keyof T>(obj: T, key: K, value: T[K]): (() => void) => {
  const before = Object.getOwnPropertyDescriptor(obj, key);
  Object.defineProperty(obj, key, { configurable: true, writable: true, value });
  return () => {
    if (before === undefined) delete obj[key];
    else Object.defineProperty(obj, key, before);
  };
};

/** The module imports a wasm module is instantiated with, by namespace. */
type Imports = Readonly<Record<string, Record<string, unknown>>>;

/** The part of the WebAssembly JS API hooked here, declared locally: the project's `lib` is ES2022 without DOM types. */
interface Instantiators {
  instantiate: (source: unknown, imports?: Imports) => Promise<unknown>;
  instantiateStreaming?: (response: unknown, imports?: Imports) => Promise<unknown>;
}

/** Makes the module's `emscripten_num_logical_cores` import report `cores` (see 4). */
const reportCores = (cores: number): (() => void) => {
  const api = (globalThis as { readonly WebAssembly?: Instantiators }).WebAssembly;
  if (api === undefined) return () => {};
  const fix = (imports: Imports | undefined): void => {
    for (const space of Object.values(imports ?? {})) {
      if (typeof space.emscripten_num_logical_cores === 'function') space.emscripten_num_logical_cores = () => cores;
    }
  };
  const hook = (key: keyof Instantiators): (() => void) => {
    const original = api[key];
    if (typeof original !== 'function') return () => {};
    return swap(api, key, (source: unknown, imports?: Imports) => {
      fix(imports);
      return original.call(api, source, imports);
    });
  };
  const undo = [hook('instantiate'), hook('instantiateStreaming')];
  return () => undo.forEach((u) => u());
};

/** Under Node: pool workers started from the bootstrap instead of tfjs's `blob:` URL (see 2, 5). */
const nodeWorkers = (): (() => void) => {
  const blobs = new Map<string, Blob>();
  const makeUrl = URL.createObjectURL.bind(URL);
  const undoUrl = swap(URL, 'createObjectURL', (blob: Blob) => {
    const url = makeUrl(blob);
    blobs.set(url, blob);
    return url;
  });
  const g = globalThis as { Worker?: unknown };
  const before = Object.getOwnPropertyDescriptor(g, 'Worker');
  let NodeWorker: NodeWorkerClass | undefined = before?.value as NodeWorkerClass | undefined;
  function PoolWorker(url: string | URL, options?: Record<string, unknown>): NodeWorkerLike {
    if (NodeWorker === undefined) throw new Error('parallax-ts wasm threads: no Worker class from worker_threads yet');
    const blob = blobs.get(String(url));
    if (blob === undefined) return new NodeWorker(url, options);
    // No execArgv: the bootstrap is plain CommonJS, and a parent's `--input-type=module` would make
    // Node read it as an ES module (and every `--import` hook would load 8 times for nothing).
    const worker = new NodeWorker(BOOTSTRAP, { eval: true, execArgv: [], workerData: { blob } });
    worker.unref();
    worker.ref = () => {};
    return worker;
  }
  Object.defineProperty(g, 'Worker', {
    configurable: true,
    get: () => PoolWorker,
    set: (value: NodeWorkerClass) => {
      NodeWorker = value;
    },
  });
  return () => {
    undoUrl();
    for (const url of blobs.keys()) URL.revokeObjectURL(url);
    if (before === undefined) delete g.Worker;
    else Object.defineProperty(g, 'Worker', before);
  };
};

/** The wasm backend's pool size if it has started, else `undefined`. */
const runningThreads = (): number | undefined => {
  if (!tf.engine().registry.wasm) return undefined;
  try {
    return getThreadsCount();
  } catch {
    return undefined;
  }
};

/**
 * Prepares the next start of the wasm backend to run a pool of `threads` threads (the caller's
 * included); returns the function that removes the temporary hooks, to call once it started or
 * failed. Throws a {@link BackendError} naming `argument` for a bad count, for a wasm backend that
 * already runs another count, and under Node for a tfjs-backend-wasm other than 4.22.0.
 *
 * @example
 * import { ready } from 'parallax-ts'
 * // ready calls prepareWasmThreads('ready({ threads })', 2) before starting wasm, then the undo:
 * await ready({ backend: 'wasm', threads: 2 })
 * @category backends
 * @since 0.2.0
 * @internal
 */
export const prepareWasmThreads = (argument: string, threads: number): (() => void) => {
  checkThreads(argument, threads);
  const running = runningThreads();
  if (running !== undefined) {
    if (running === threads) return () => {};
    throw new BackendError(
      argument,
      `${running} (the wasm backend already runs ${running} thread${running === 1 ? '' : 's'}; the count is fixed when it first starts)`,
      String(threads),
      'Ask for the threads in the first ready({ backend: "wasm", threads }) of the process',
    );
  }
  setThreadsCount(threads);
  if (threads === 1) return () => {};
  const node = isNode();
  if (node && version_wasm !== KNOWN_VERSION) {
    throw new BackendError(argument, `@tensorflow/tfjs-backend-wasm ${KNOWN_VERSION} for threads under Node`, version_wasm);
  }
  const undo: Array<() => void> = [reportCores(2 * threads)];
  if (node) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    undo.push(nodeWorkers());
  }
  return () => undo.reverse().forEach((u) => u());
};
