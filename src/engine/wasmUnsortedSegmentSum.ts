/**
 * `UnsortedSegmentSum` for the wasm backend, which tfjs-backend-wasm 4.22.0 lacks. It is the
 * gradient of `tf.gather` (rows that were gathered more than once sum their upstream gradients),
 * so without it `Embedding` could not train on wasm ("Kernel 'UnsortedSegmentSum' not registered
 * for backend 'wasm'").
 *
 * Runs the cpu backend's kernel on copies of the data (see `cpuKernelOnWasm.ts`); registered once,
 * on import, only where wasm has no kernel of its own.
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';
import { cpuKernelOnWasm } from './cpuKernelOnWasm.js';

if (tf.getKernel('UnsortedSegmentSum', 'wasm') === undefined) {
  tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: cpuKernelOnWasm('UnsortedSegmentSum') });
}
