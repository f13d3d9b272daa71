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
 * import { tf } from 'parallax-ts'
 * // backendKernel('Transpose', 'wasm', 'wasm BatchMatMul') is this kernel's function, or throws
 * // "wasm BatchMatMul: kernel Transpose missing on wasm"
 * const transpose = tf.getKernel('Transpose', 'wasm')?.kernelFunc
 * transpose !== undefined // true: importing parallax-ts registers the wasm kernels
 * @category kernels
 * @since 0.1.0
 * @internal
 */
export const backendKernel = (name: string, backend: string, who: string): tf.KernelFunc => {
  const k = tf.getKernel(name, backend);
  if (k === undefined) throw new Error(`${who}: kernel ${name} missing on ${backend}`);
  return k.kernelFunc as tf.KernelFunc;
};

/**
 * Runs one kernel of the scope's backend.
 *
 * @example
 * import { tf } from 'parallax-ts'
 * // the `run` that kernelScope hands its body, for the active backend:
 * const run = (name: string, inputs: tf.NamedTensorInfoMap, attrs: object): tf.TensorInfo =>
 *   tf.getKernel(name, tf.getBackend())!.kernelFunc({ inputs, backend: tf.backend(), attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo
 * const y = run('Transpose', { x: tf.tensor2d([[1, 2], [3, 4]]) }, { perm: [1, 0] })
 * y.shape // [2, 2]
 * @category kernels
 * @since 0.1.0
 * @internal
 */
export type RunKernel = (name: string, inputs: tf.NamedTensorInfoMap, attrs: object) => tf.TensorInfo;

/**
 * Runs `body`'s kernels on `backend`, freeing every intermediate result except the one returned.
 * Reshapes share their input's data with a reference count, so freeing each result once is exact.
 * @example
 * import { ready, tf } from 'parallax-ts'
 * await ready('wasm')
 * // wasm's BatchMatMul runs a flagged product in a kernelScope: it transposes `w` explicitly,
 * // runs one flag-free product, and frees the transposed copy
 * const x = tf.ones([64, 784])
 * const w = tf.ones([256, 784])
 * const y = tf.matMul(x, w, false, true)
 * y.shape // [64, 256]
 * @category kernels
 * @since 0.1.0
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
