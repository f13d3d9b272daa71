/**
 * Gradient kernels of `depthwiseConv2d` for the wasm backend: `DepthwiseConv2dNativeBackpropInput`
 * and `DepthwiseConv2dNativeBackpropFilter`, which tfjs-backend-wasm 4.22.0 lacks. Without them the
 * gradient of any depthwise convolution (`Conv1d`/`Conv2d` with `groups === inChannels`, and
 * `ConvTranspose2d`'s grouped path) threw "Kernel 'DepthwiseConv2dNativeBackpropInput' not
 * registered for backend 'wasm'".
 *
 * Both are one pass over the output positions on flat NHWC arrays, from the forward definition
 * (`M` the channel multiplier, `pt`, `pl` the top and left padding):
 *
 *   y[n, i, j, c·M + m] = Σ_{a,b} x[n, i·sh + a·dh - pt, j·sw + b·dw - pl, c] · w[a, b, c, m]
 *
 * so each in-bounds term sends `w · dy` to `dx` and `x · dy` to `dw`. Any stride, dilation and
 * padding works (tfjs-core itself refuses these gradients for dilation > 1). Why not the cpu
 * backend's kernels on copies: its filter gradient took 0.7 s for a 32×28×28×16 input, 3×3 filter;
 * this loop takes a few milliseconds. `dw` is summed in float64 (it adds N·Ho·Wo terms).
 * Registered once, on import, only where wasm has no kernel of its own.
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
interface DepthwiseAttrs {
  readonly strides: number | [number, number];
  readonly dilations: number | [number, number];
  readonly pad: Pad;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Visits every in-bounds term of the forward sum: `f(xOffset, wOffset, dyOffset)` for the first
 * channel (c = 0, m = 0); channels follow at `+c` in x and `+c·M + m` in w and dy.
 */
const forEachTerm = (info: tf.backend_util.Conv2DInfo, f: (xo: number, wo: number, yo: number) => void): void => {
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  for (let n = 0; n < batchSize; n++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        const yo = ((n * oh + i) * ow + j) * co;
        for (let a = 0; a < kh; a++) {
          const r = i * sh + a * dh - top;
          if (r < 0 || r >= h) continue;
          for (let b = 0; b < kw; b++) {
            const s = j * sw + b * dw - left;
            if (s < 0 || s >= w) continue;
            f(((n * h + r) * w + s) * c, (a * kw + b) * co, yo);
          }
        }
      }
};

const convInfo = (xShape: number[], filterShape: number[], a: DepthwiseAttrs): tf.backend_util.Conv2DInfo =>
  tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    a.dilations,
    a.pad as 'valid',
    a.dimRoundingMode,
    true,
  );

const backpropInput: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as DepthwiseAttrs & { inputShape: number[] };
  const wasm = backend as tf.KernelBackend;
  const info = convInfo(a.inputShape, filter.shape, a);
  const c = info.inChannels;
  const mult = info.outChannels / c;
  const dys = wasm.readSync(dy.dataId) as Float32Array;
  const ws = wasm.readSync(filter.dataId) as Float32Array;
  const dx = new Float32Array(a.inputShape.reduce((p, q) => p * q, 1));
  forEachTerm(info, (xo, wo, yo) => {
    for (let k = 0; k < c; k++) for (let m = 0; m < mult; m++) dx[xo + k] += ws[wo + k * mult + m]! * dys[yo + k * mult + m]!;
  });
  return { dataId: wasm.write(dx, a.inputShape, 'float32'), shape: a.inputShape, dtype: 'float32' };
};

const backpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as DepthwiseAttrs & { filterShape: number[] };
  const wasm = backend as tf.KernelBackend;
  const info = convInfo(x.shape, a.filterShape, a);
  const c = info.inChannels;
  const mult = info.outChannels / c;
  const xs = wasm.readSync(x.dataId) as Float32Array;
  const dys = wasm.readSync(dy.dataId) as Float32Array;
  const dw = new Float64Array(a.filterShape.reduce((p, q) => p * q, 1));
  forEachTerm(info, (xo, wo, yo) => {
    for (let k = 0; k < c; k++) for (let m = 0; m < mult; m++) dw[wo + k * mult + m] += xs[xo + k]! * dys[yo + k * mult + m]!;
  });
  return { dataId: wasm.write(Float32Array.from(dw), a.filterShape, 'float32'), shape: a.filterShape, dtype: 'float32' };
};

for (const [name, kernelFunc] of [
  ['DepthwiseConv2dNativeBackpropInput', backpropInput],
  ['DepthwiseConv2dNativeBackpropFilter', backpropFilter],
] as const) {
  if (tf.getKernel(name, 'wasm') === undefined) tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
}
