/**
 * The tfjs-core engine as parallax-ts sets it up: gradients and chained tensor methods registered,
 * the pure-JS `cpu` backend active at import, `wasm` one `await ready()` away.
 *
 * Why a generated bundle: tfjs-core's Node entry registers no gradient functions and no chained
 * methods (`t.reshape`), and the files that do are ES modules with extensionless imports that plain
 * Node cannot load. `npm run gen:tfjs` bundles them once into CommonJS; they register into tfjs's
 * global registries, so they act on the very engine that `@tensorflow/tfjs-core` exports.
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import './tfjs-registrations.generated.cjs';
// wasm lacks (or has slow) conv2d gradient kernels; these compose its fast forward conv, see the file.
import './wasmConv2dGradients.js';
// wasm lacks depthwise conv2d gradients and UnsortedSegmentSum (gather's gradient), and its
// MaxPoolGrad is wrong for windows of non-positive values: each file registers a correct kernel.
import './wasmDepthwiseConv2dGradients.js';
import './unsortedSegmentSum.js';
import './wasmMaxPoolGrad.js';
// wasm's matMul is fast only without transpose flags and batches: this one transposes and stacks first.
import './wasmBatchMatMul.js';
// wasm transposes faster with fewer axes: this one merges axes that move together first.
import './wasmTranspose.js';

/**
 * The backends parallax-ts ships with.
 *
 * @example
 * import { type BackendName, getBackend, setBackend } from 'parallax-ts'
 * const wanted: BackendName = 'cpu'
 * await setBackend(wanted)
 * getBackend() // 'cpu'
 * @category backends
 * @since 0.1.0
 */
export type BackendName = 'cpu' | 'wasm';

const isBackendName = (s: string): s is BackendName => s === 'cpu' || s === 'wasm';

/** Silences the cpu backend's "install tfjs-node" banner: that backend cannot be installed here. */
const quietCpuBanner = (): void => {
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu !== null && cpu !== undefined) cpu.firstUse = false;
};

// cpu initializes synchronously, so code that never awaits `ready()` still runs.
void tf.setBackend('cpu');
quietCpuBanner();

/**
 * Switches the tfjs backend. Tensors made on the previous backend stay readable (tfjs moves their
 * data on first use), but for speed create them after switching.
 *
 * @example
 * import { getBackend, setBackend } from 'parallax-ts'
 * const ok = await setBackend('wasm') // true when wasm initialized
 * getBackend() // 'wasm' when ok
 * @category backends
 * @since 0.1.0
 */
export const setBackend = async (name: BackendName): Promise<boolean> => {
  if (!isBackendName(name)) {
    throw new Error(`setBackend: unknown backend ${JSON.stringify(name)}; expected "cpu" or "wasm"`);
  }
  const ok = await tf.setBackend(name);
  if (name === 'cpu') quietCpuBanner();
  return ok;
};

/**
 * The active backend's name.
 *
 * @example
 * import { getBackend } from 'parallax-ts'
 * getBackend() // 'cpu' until `ready()` or `setBackend` switches
 * @category backends
 * @since 0.1.0
 */
export const getBackend = (): BackendName => {
  const name = tf.getBackend();
  return isBackendName(name) ? name : 'cpu';
};

/**
 * Chooses the backend and waits for it: `preferred`, else the `PARALLAX_BACKEND` environment
 * variable, else `wasm` when it initializes, falling back to `cpu`. Returns the backend in use.
 *
 * @example
 * import { ready } from 'parallax-ts'
 * const backend = await ready()      // 'wasm' on a typical Node
 * await ready('cpu')                  // force the pure-JS backend
 * @category backends
 * @since 0.1.0
 */
export const ready = async (preferred?: BackendName): Promise<BackendName> => {
  const fromEnv = typeof process !== 'undefined' ? process.env.PARALLAX_BACKEND : undefined;
  const wanted = preferred ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : 'wasm');
  if (!isBackendName(wanted)) {
    throw new Error(`ready: PARALLAX_BACKEND=${JSON.stringify(wanted)} is not a backend; expected "cpu" or "wasm"`);
  }
  if (wanted === 'wasm') {
    try {
      if (await tf.setBackend('wasm')) return 'wasm';
    } catch {
      // fall through to cpu: wasm needs WebAssembly and its .wasm file next to the package
    }
  }
  await setBackend('cpu');
  return 'cpu';
};

/**
 * The `@tensorflow/tfjs-core` namespace, on the engine set up above: gradients, chained tensor
 * methods and the kernels of this folder registered, the `cpu` backend active.
 *
 * @example
 * import { tf } from 'parallax-ts'
 * const x = tf.tensor2d([[1, 2], [3, 4]])
 * const y = x.transpose() // chained methods are registered
 * y.dataSync() // Float32Array [1, 3, 2, 4]
 * tf.dispose([x, y])
 * @category backends
 * @since 0.1.0
 */
export { tf };
