/**
 * The `Conv2DBackpropFilter` kernel for the wasm backend, which tfjs-backend-wasm 4.22.0 lacks:
 * without it, the gradient of any `tf.conv2d` with respect to its filter throws on wasm
 * ("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"), so no convolutional network
 * can train there.
 *
 * Why this works: the backend does ship `Conv3DBackpropFilterV2`, and an NHWC tensor `[N, H, W, C]`
 * has exactly the memory layout of `[N, 1, H, W, C]`. So the 2-d filter gradient is the 3-d one with
 * depth 1: the inputs are re-described (same data, 5-d shapes), the wasm kernel runs, and its
 * `[1, kH, kW, C_in, C_out]` output is returned as `[kH, kW, C_in, C_out]`. No data is copied.
 *
 * Scope: NHWC, dilation 1 (tfjs's conv2d gradient requires dilation 1 anyway). Stride 1 with padding
 * `'valid'`, `'same'` or a number takes the wasm path above. Anything else (strides above 1,
 * explicit padding) is computed by the cpu backend's kernel on copies of the data: the wasm
 * `Conv3DBackpropFilterV2` of tfjs 4.22.0 itself disagrees with the cpu backend for strides > 1
 * (checked with `tf.conv3d` gradients), so borrowing it there would give wrong gradients, and
 * throwing from a backward pass would leave tfjs's tape behind. Registered once, on import, only if
 * no such kernel exists.
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';

type Attrs = {
  readonly strides: number | [number, number];
  readonly pad: 'valid' | 'same' | number | ReadonlyArray<ReadonlyArray<number>>;
  readonly dataFormat?: 'NHWC' | 'NCHW';
  readonly dimRoundingMode?: string;
  readonly filterShape: [number, number, number, number];
};

/** The cpu backend's own kernel, on copies of the wasm data; the result is written back to wasm. */
const onCpu = (inputs: { x: tf.TensorInfo; dy: tf.TensorInfo }, wasm: tf.KernelBackend, attrs: tf.NamedAttrMap | undefined): tf.TensorInfo => {
  const cpu = tf.findBackend('cpu');
  const kernel = tf.getKernel('Conv2DBackpropFilter', 'cpu');
  if (cpu === null || kernel === undefined) throw new Error('Conv2DBackpropFilter (wasm): needs the cpu backend for this case');
  const copy = (t: tf.TensorInfo): tf.TensorInfo => ({
    dataId: cpu.write(wasm.readSync(t.dataId) as Float32Array, t.shape, t.dtype),
    shape: t.shape,
    dtype: t.dtype,
  });
  const x = copy(inputs.x);
  const dy = copy(inputs.dy);
  try {
    const out = kernel.kernelFunc({ inputs: { x, dy }, backend: cpu, attrs }) as tf.TensorInfo;
    const values = cpu.readSync(out.dataId) as Float32Array;
    cpu.disposeData(out.dataId);
    return { dataId: wasm.write(values, out.shape, out.dtype), shape: out.shape, dtype: out.dtype };
  } finally {
    cpu.disposeData(x.dataId);
    cpu.disposeData(dy.dataId);
  }
};

const conv2dBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, filterShape } = attrs as unknown as Attrs;
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(`Conv2DBackpropFilter (wasm): only NHWC is supported, got ${dataFormat}`);
  }
  const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
  const conv3d = tf.getKernel('Conv3DBackpropFilterV2', 'wasm');
  const simple = sh === 1 && sw === 1 && (typeof pad === 'number' || pad === 'valid' || pad === 'same');
  if (!simple || conv3d === undefined) return onCpu({ x, dy }, backend as tf.KernelBackend, attrs);
  const as5d = (t: tf.TensorInfo): tf.TensorInfo => ({ dataId: t.dataId, dtype: t.dtype, shape: [t.shape[0]!, 1, ...t.shape.slice(1)] });
  const out = conv3d.kernelFunc({
    inputs: { x: as5d(x), dy: as5d(dy) },
    backend,
    attrs: { strides: [1, sh, sw], pad, filterShape: [1, ...filterShape] } as unknown as tf.NamedAttrMap,
  }) as tf.TensorInfo;
  return { dataId: out.dataId, dtype: out.dtype, shape: [...filterShape] };
};

if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter });
}
