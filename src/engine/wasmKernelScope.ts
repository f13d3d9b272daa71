/**
 * Composing backend kernels inside a kernel of our own (the wasm replacements in this folder): look
 * kernels up, run them in sequence, and free every intermediate result.
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * The registered kernel `name` of `backend`; throws naming `who` if it is missing.
 * @example
 * backendKernel('Transpose', 'wasm', 'wasm BatchMatMul')
 * @internal
 */
export const backendKernel = (name: string, backend: string, who: string): tf.KernelFunc => {
  const k = tf.getKernel(name, backend);
  if (k === undefined) throw new Error(`${who}: kernel ${name} missing on ${backend}`);
  return k.kernelFunc as tf.KernelFunc;
};

/** Runs one kernel of the scope's backend. @internal */
export type RunKernel = (name: string, inputs: tf.NamedTensorInfoMap, attrs: object) => tf.TensorInfo;

/**
 * Runs `body`'s kernels on `backend`, freeing every intermediate result except the one returned.
 * Reshapes share their input's data with a reference count, so freeing each result once is exact.
 * @example
 * kernelScope(backend, 'wasm', 'wasm BatchMatMul', (run) => run('BatchMatMul', { a, b: run('Transpose', { x: b }, { perm }) }, attrs))
 * @internal
 */
export const kernelScope = (
  backend: tf.KernelBackend,
  backendName: string,
  who: string,
  body: (run: RunKernel) => tf.TensorInfo,
): tf.TensorInfo => {
  const made: tf.TensorInfo[] = [];
  const run: RunKernel = (name, inputs, attrs) => {
    const out = backendKernel(name, backendName, who)({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
    made.push(out);
    return out;
  };
  let result: tf.TensorInfo | undefined;
  try {
    result = body(run);
    return result;
  } finally {
    for (const t of made) if (t !== result) backend.disposeData(t.dataId);
  }
};
