/**
 * A faster `Transpose` for the wasm backend, wrapping the backend's own kernel: axes that stay
 * next to each other (in the same order) are merged first, and size-1 axes dropped, so the original
 * kernel moves the data with the fewest axes.
 *
 * Why: tfjs-backend-wasm 4.22.0 transposes with a loop per rank, slower the more axes it has.
 * `NCHW → NHWC` (perm `[0, 2, 3, 1]`) is the same move as `[N, C, H·W] → [N, H·W, C]`
 * (perm `[0, 2, 1]`): measured on `[32, 8, 26, 26]` 0.21 ms as rank 4, 0.07 ms as rank 3;
 * `[32, 26, 26, 8]` back to NCHW 0.13 → 0.08 ms. parallax's convolution layers (PyTorch's NCHW
 * layout on tfjs's NHWC kernels) transpose like this around every convolution and its gradients.
 *
 * Same values, no arithmetic. Every intermediate is freed. Registered once, on import (before the
 * wasm backend initializes, so the original's set-up runs).
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';

const original = tf.getKernel('Transpose', 'wasm');

/**
 * The same permutation on fewer axes: `[shape, perm]` of the merged problem, or `undefined` when
 * nothing merges. Output axes `j, j+1` with `perm[j+1] = perm[j] + 1` are adjacent in the input
 * too, so they move as one axis.
 *
 * For example, `mergeAxes([32, 8, 26, 26], [0, 2, 3, 1])` is `[[32, 8, 676], [0, 2, 1]]` and
 * `mergeAxes([2, 3], [1, 0])` is `undefined`; wasm's `Transpose` kernel uses it for every
 * `tf.transpose` of rank 3 or more.
 *
 * @example
 * import { ready, tf } from 'parallax-ts'
 * await ready('wasm')
 * const x = tf.zeros([32, 8, 26, 26])          // NCHW
 * const y = tf.transpose(x, [0, 2, 3, 1])      // runs as [32, 8, 676] with perm [0, 2, 1]
 * y.shape // [32, 26, 26, 8]
 * @category kernels
 * @since 0.1.0
 * @internal
 */
export const mergeAxes = (shape: readonly number[], perm: readonly number[]): [number[], number[]] | undefined => {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  // Runs of consecutive input axes, in output order.
  const runs: Array<[number, number, number]> = []; // [first input axis, last input axis, size]
  for (const axis of kept) {
    const last = runs[runs.length - 1];
    // Merge when this axis follows the run's last axis in the input, skipping only size-1 axes.
    if (last !== undefined && axis > last[1] && shape.slice(last[1] + 1, axis).every((d) => d === 1)) {
      last[1] = axis;
      last[2] *= shape[axis]!;
    } else {
      runs.push([axis, axis, shape[axis]!]);
    }
  }
  if (runs.length >= perm.length) return undefined;
  if (runs.length === 0) return [[1], [0]]; // every axis has size 1
  const byInput = runs.map((r, j) => [r[0], j] as const).sort((a, b) => a[0] - b[0]);
  const newShape = byInput.map(([, j]) => runs[j]![2]);
  const position = new Array<number>(runs.length);
  byInput.forEach(([, j], i) => (position[j] = i));
  return [newShape, position];
};

const transpose: tf.KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputs as { x: tf.TensorInfo };
  const { perm } = attrs as unknown as { perm: number[] };
  if (x.shape.some((d) => d === 0)) {
    // An empty tensor (e.g. a batch of 0): the original kernel fails with "divide by zero" in XNNPACK;
    // transposing no elements is a reshape to the permuted shape.
    const reshape = tf.getKernel('Reshape', 'wasm')!.kernelFunc;
    return reshape({ inputs: { x }, backend, attrs: { shape: perm.map((axis) => x.shape[axis]!) } }) as tf.TensorInfo;
  }
  const merged = x.shape.length > 2 ? mergeAxes(x.shape, perm) : undefined;
  if (merged === undefined) return original!.kernelFunc(args) as tf.TensorInfo;
  const wasm = backend as tf.KernelBackend;
  const reshape = tf.getKernel('Reshape', 'wasm')!.kernelFunc;
  const [shape, newPerm] = merged;
  const outShape = perm.map((axis) => x.shape[axis]!);
  const x2 = reshape({ inputs: { x }, backend, attrs: { shape } }) as tf.TensorInfo;
  try {
    const y2 = original!.kernelFunc({ inputs: { x: x2 }, backend, attrs: { perm: newPerm } }) as tf.TensorInfo;
    const y = reshape({ inputs: { x: y2 }, backend, attrs: { shape: outShape } }) as tf.TensorInfo;
    wasm.disposeData(y2.dataId); // y holds its own reference
    return y;
  } finally {
    wasm.disposeData(x2.dataId);
  }
};

if (original !== undefined && original.kernelFunc !== transpose) {
  tf.unregisterKernel('Transpose', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: transpose });
}
