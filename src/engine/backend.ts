/**
 * The tfjs-core engine as parallax-ts sets it up: gradients and chained tensor methods registered,
 * the `cpu` and `wasm` backends registered (any other backend the app imports, such as
 * `@tensorflow/tfjs-backend-webgl`, registers itself), the pure-JS `cpu` backend active at import,
 * and `wasm` one `await ready()` away. Choosing a backend: ready.ts and setBackend.ts.
 *
 * One tfjs-core: `tf` is `@tensorflow/tfjs-core` itself, and the registrations of
 * tfjsRegistrations.ts act on its global registries, so the app's own `@tensorflow/tfjs-core`
 * import sees the same engine, kernels and gradients.
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// Gradients and chained methods (`t.reshape(...)`); see the file for the Node and bundler variants.
import './tfjsRegistrations.js';
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
 * Silences the cpu backend's "install tfjs-node" banner: that backend cannot be installed here,
 * and a library should not print on its users' consoles. Called whenever `cpu` becomes active,
 * since a cpu backend instance made later would print again.
 *
 * @example
 * import { tf } from 'parallax-ts'
 * import { quietCpuBanner } from './backend.js'
 * await tf.setBackend('cpu')
 * quietCpuBanner()
 * @category backends
 * @since 0.2.0
 * @internal
 */
export const quietCpuBanner = (): void => {
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu !== null && cpu !== undefined) cpu.firstUse = false;
};

// cpu initializes synchronously, so code that never awaits `ready()` still runs; it also keeps
// tfjs from picking a backend by priority on first use (webgl, when the app registered it).
void tf.setBackend('cpu');
quietCpuBanner();

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
