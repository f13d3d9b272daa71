/**
 * Runs one of the cpu backend's kernels on tensors that live on the wasm backend: the inputs are
 * copied into cpu memory, the cpu kernel runs there, and its result is written back to wasm.
 *
 * Why: tfjs-backend-wasm 4.22.0 lacks some kernels that training needs (depthwise convolution
 * gradients, `UnsortedSegmentSum`) and computes at least one wrongly (`MaxPoolGrad`). The cpu
 * backend's kernels are correct and always bundled, so delegating to them is the smallest correct
 * fix; the copies cost O(size) each way, the same order as those kernels' own loops.
 *
 * Every cpu copy and the cpu result are freed before returning, so neither backend keeps data.
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * A kernel function for the wasm backend that runs the cpu backend's kernel `name` on copies of
 * its inputs (attributes are passed through unchanged) and returns the result as new wasm data.
 *
 * @example
 * tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: cpuKernelOnWasm('UnsortedSegmentSum') })
 * @since 0.1.0
 */
export const cpuKernelOnWasm =
  (name: string): tf.KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const wasm = backend as tf.KernelBackend;
    const cpu = tf.findBackend('cpu');
    const cpuKernel = tf.getKernel(name, 'cpu');
    if (cpu === null || cpuKernel === undefined) {
      throw new Error(`wasm kernel ${name}: needs the cpu backend's kernel, which is not available`);
    }
    const copies: Record<string, tf.TensorInfo> = {};
    try {
      for (const [k, t] of Object.entries(inputs as Record<string, tf.TensorInfo | undefined>)) {
        if (t === undefined) continue;
        copies[k] = { dataId: cpu.write(wasm.readSync(t.dataId), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
      }
      const out = cpuKernel.kernelFunc({ inputs: copies, backend: cpu, attrs }) as tf.TensorInfo;
      const values = cpu.readSync(out.dataId);
      cpu.disposeData(out.dataId);
      return { dataId: wasm.write(values, out.shape, out.dtype), shape: out.shape, dtype: out.dtype };
    } finally {
      for (const t of Object.values(copies)) cpu.disposeData(t.dataId);
    }
  };
