/**
 * A correct `MaxPoolGrad` (the gradient of `tf.maxPool`) for the wasm backend.
 *
 * Why: tfjs-backend-wasm 4.22.0's kernel finds each window's maximum starting from
 * `std::numeric_limits<float>::min()` — the smallest *positive* float, not the lowest one — and
 * keeps the last of equal values (`>=`). So a window whose values are all ≤ 0 (after a ReLU, below
 * zero-mean data, or next to `-Infinity` padding) never finds its maximum and sends its gradient to
 * the wrong element; silently, with no error. Example: `MaxPool2d(2, {stride: 1, padding: 1})` on
 * an unbatched input gave 0 where finite differences give -0.87. Ties also went to the last
 * maximum, where the cpu backend (and PyTorch) pick the first.
 *
 * The replacement runs the cpu backend's kernel on copies of the data (see `cpuKernelOnWasm.ts`).
 * It replaces wasm's kernel on import (before the wasm backend initializes).
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';
import { cpuKernelOnWasm } from './cpuKernelOnWasm.js';

const maxPoolGrad = cpuKernelOnWasm('MaxPoolGrad');
const original = tf.getKernel('MaxPoolGrad', 'wasm');
if (original?.kernelFunc !== maxPoolGrad) {
  if (original !== undefined) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGrad });
}
