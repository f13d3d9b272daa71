/**
 * `UnsortedSegmentSum` for the wasm backend, which tfjs-backend-wasm 4.22.0 lacks, and in place of
 * the cpu backend's (see below for why). It is the
 * gradient of `tf.gather` (rows that were gathered more than once sum their upstream gradients),
 * so without it `Embedding` could not train on wasm ("Kernel 'UnsortedSegmentSum' not registered
 * for backend 'wasm'").
 *
 * Why a loop of our own rather than the cpu backend's kernel: that kernel builds one masked copy of
 * `x` per segment, O(numSegments · size(x)) — for an embedding gradient numSegments is the whole
 * vocabulary. This is one pass over `x`: row `i` is added into output row `segmentIds[i]`; rows
 * whose id is negative or ≥ numSegments are dropped, as TensorFlow (and the cpu kernel) do. Rows
 * are added in order, so the sums equal the cpu kernel's. Registered once, on import: for wasm
 * where it has no kernel of its own, and for cpu in place of its kernel (an embedding gradient over
 * a 5,000-row table took 13.8 s there, 2 ms here).
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';

const unsortedSegmentSum: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  const wasm = backend as tf.KernelBackend;
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const rowShape = x.shape.slice(segmentIds.shape.length);
  const width = rowShape.reduce((a, b) => a * b, 1);
  const xs = wasm.readSync(x.dataId) as Float32Array | Int32Array;
  const ids = wasm.readSync(segmentIds.dataId) as Int32Array;
  const out = x.dtype === 'int32' ? new Int32Array(numSegments * width) : new Float32Array(numSegments * width);
  for (let i = 0; i < rows; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= numSegments) continue;
    const from = i * width;
    const to = id * width;
    for (let k = 0; k < width; k++) out[to + k] += xs[from + k]!;
  }
  const shape = [numSegments, ...rowShape];
  return { dataId: wasm.write(out, shape, x.dtype), shape, dtype: x.dtype };
};

if (tf.getKernel('UnsortedSegmentSum', 'wasm') === undefined) {
  tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum });
}
if (tf.getKernel('UnsortedSegmentSum', 'cpu') !== undefined) tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'cpu', kernelFunc: unsortedSegmentSum });
