/**
 * Gradient kernels of `conv2d` for the wasm backend: `Conv2DBackpropFilter`, which
 * tfjs-backend-wasm 4.22.0 lacks (so the gradient of any `tf.conv2d` with respect to its filter
 * threw "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'", and no convolutional
 * network could train there), and `Conv2DBackpropInput`, which it has but computes with a naive
 * loop about 10× slower than its forward convolution.
 *
 * Why this way: the backend's forward `Conv2D` runs on XNNPACK and is fast, and both gradients
 * are forward convolutions of re-arranged tensors (NHWC `x`, `dy`; filter `[kH, kW, I, O]`; `pt`,
 * `pl` the forward padding at the top and left; `s` the stride):
 *
 * - filter (any stride): `dW[a, c, i, o] = Σ_{n,h,w} xpad[n, s·h + a, s·w + c, i] · dy[n, h, w, o]`
 *   — a convolution of `x` as `[I, H, W, N]` (batch and channels swapped) with `dy` as the filter
 *   `[Ho, Wo, N, O]` dilated by the stride, with the forward padding, giving `[I, kH, kW, O]`
 *   (plus rows/columns to drop when the forward's windows never reached the end of `x`),
 *   transposed to `[kH, kW, I, O]`. Measured in the bench CNN's second layer (`[32, 26, 26, 8]`,
 *   3×3, stride 2): the cpu kernel on copies took most of an 880 ms step.
 * - input (any stride): `dx = conv(dy spread out, W flipped in both spatial axes, in/out channels
 *   swapped)`, stride 1: `dy` gets `s - 1` zero rows after each row (likewise columns; one `PadV2`
 *   on a reshaped view), then padding `kH - 1 - pt` on top (likewise left) and whatever makes the
 *   output `H × W` at the bottom/right. For the bench CNN's second layer the original wasm kernel
 *   (a naive loop) took 6 ms of a 13 ms step.
 *
 * The kernels compose the backend's own `Transpose`, `Reverse`, `Reshape`, `PadV2`, `Slice` and
 * `Conv2D` kernels and free their intermediates. Other cases (dilation, NCHW, padding larger than
 * the filter) keep tfjs's behaviour: the original wasm input kernel, and for the filter the cpu
 * backend's kernel on copies of the data (slow but correct; wasm's `Conv3DBackpropFilterV2` could
 * stand in at depth 1, but it disagrees with the cpu backend for strides > 1 in tfjs 4.22.0).
 *
 * Registered once, on import (before the wasm backend initializes, so set-up functions still run).
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendKernel, kernelScope, type RunKernel } from './wasmKernelScope.js';

type Pad = 'valid' | 'same' | number | Array<[number, number]> | tf.backend_util.ExplicitPadding;

interface ConvAttrs {
  readonly strides: number | [number, number];
  readonly pad: Pad;
  readonly dataFormat?: 'NHWC' | 'NCHW';
  readonly dilations?: number | [number, number];
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}
interface FilterAttrs extends ConvAttrs {
  readonly filterShape: [number, number, number, number];
}
interface InputAttrs extends ConvAttrs {
  readonly inputShape: [number, number, number, number];
}

const WHO = 'wasm conv2d gradients';
const scoped = (backend: tf.KernelBackend, body: (run: RunKernel) => tf.TensorInfo): tf.TensorInfo =>
  kernelScope(backend, 'wasm', WHO, body);

const isOne = (v: number | [number, number] | undefined): boolean =>
  v === undefined || (typeof v === 'number' ? v === 1 : v[0] === 1 && v[1] === 1);

/** Whether a gradient can be a forward convolution: any strides, no dilation, NHWC, float32. */
const fastCase = (x: tf.TensorInfo, attrs: ConvAttrs): boolean =>
  x.dtype === 'float32' && isOne(attrs.dilations) && (attrs.dataFormat ?? 'NHWC') === 'NHWC';

/** The forward convolution's geometry (padding, strides, sizes), NHWC. */
const forwardInfo = (xShape: number[], filterShape: number[], attrs: ConvAttrs): tf.backend_util.Conv2DInfo =>
  tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad as 'valid',
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );

/** The cpu backend's own kernel, on copies of the wasm data; the result is written back to wasm. */
const onCpu = (name: string, inputs: Record<string, tf.TensorInfo>, wasm: tf.KernelBackend, attrs: object): tf.TensorInfo => {
  const cpu = tf.findBackend('cpu');
  if (cpu === null) throw new Error(`wasm conv2d gradients: ${name} needs the cpu backend for this case`);
  const copies: Record<string, tf.TensorInfo> = {};
  for (const [k, t] of Object.entries(inputs)) {
    copies[k] = { dataId: cpu.write(wasm.readSync(t.dataId) as Float32Array, t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
  }
  try {
    const out = backendKernel(name, 'cpu', WHO)({ inputs: copies, backend: cpu, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
    const values = cpu.readSync(out.dataId) as Float32Array;
    cpu.disposeData(out.dataId);
    return { dataId: wasm.write(values, out.shape, out.dtype), shape: out.shape, dtype: out.dtype };
  } finally {
    for (const t of Object.values(copies)) cpu.disposeData(t.dataId);
  }
};

const backpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as FilterAttrs;
  if (!fastCase(x, a)) return onCpu('Conv2DBackpropFilter', { x, dy }, backend as tf.KernelBackend, a);
  const info = forwardInfo(x.shape, a.filterShape, a);
  const { top: pt, left: pl } = info.padInfo;
  const [kh, kw, inC, outC] = a.filterShape;
  const { strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w, outHeight: ho, outWidth: wo } = info;
  // With stride s the filter offset a meets x at rows a + s·i: the dy "filter" is dilated by s.
  // Bottom/right padding makes the output exactly kH × kW; when the forward never reached the last
  // rows of x (valid padding, stride > 1) it would be negative: pad 0 and drop the extra rows.
  const pb = kh + (ho - 1) * sh - h - pt;
  const pr = kw + (wo - 1) * sw - w - pl;
  return scoped(backend as tf.KernelBackend, (run) => {
    const xT = run('Transpose', { x }, { perm: [3, 1, 2, 0] }); // [I, H, W, N]
    const dyT = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [Ho, Wo, N, O]
    const pad = [
      [0, 0],
      [pt, Math.max(pb, 0)],
      [pl, Math.max(pr, 0)],
      [0, 0],
    ];
    const full = run('Conv2D', { x: xT, filter: dyT }, { strides: 1, pad, dataFormat: 'NHWC', dilations: [sh, sw] }); // [I, ≥kH, ≥kW, O]
    const g = pb < 0 || pr < 0 ? run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [inC, kh, kw, outC] }) : full;
    return run('Transpose', { x: g }, { perm: [1, 2, 0, 3] });
  });
};

const originalInput = tf.getKernel('Conv2DBackpropInput', 'wasm');

const backpropInput: tf.KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as InputAttrs;
  const fallback = (): tf.TensorInfo =>
    originalInput === undefined
      ? onCpu('Conv2DBackpropInput', { dy, filter }, backend as tf.KernelBackend, a)
      : (originalInput.kernelFunc(args) as tf.TensorInfo);
  if (!fastCase(dy, a)) return fallback();
  const [kh, kw] = filter.shape as [number, number];
  const { padInfo, strideHeight: sh, strideWidth: sw } = forwardInfo(a.inputShape, filter.shape, a);
  const [, h, w] = a.inputShape;
  const [n, ho, wo, o] = dy.shape as [number, number, number, number];
  // dy spread out by the stride (s - 1 zeros after each row and column), then a stride-1 convolution.
  const top = kh - 1 - padInfo.top;
  const left = kw - 1 - padInfo.left;
  const bottom = h - ho * sh + kh - 1 - top;
  const right = w - wo * sw + kw - 1 - left;
  if (Math.min(top, left, bottom, right) < 0) return fallback();
  return scoped(backend as tf.KernelBackend, (run) => {
    const spread =
      sh === 1 && sw === 1
        ? dy
        : run(
            'Reshape',
            {
              x: run(
                'PadV2',
                { x: run('Reshape', { x: dy }, { shape: [n, ho, 1, wo, 1, o] }) },
                {
                  paddings: [
                    [0, 0],
                    [0, 0],
                    [0, sh - 1],
                    [0, 0],
                    [0, sw - 1],
                    [0, 0],
                  ],
                  constantValue: 0,
                },
              ),
            },
            { shape: [n, ho * sh, wo * sw, o] },
          );
    const flipped = run('Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }); // [kH, kW, O, I]
    const pad = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    return run('Conv2D', { x: spread, filter: swapped }, { strides: 1, pad, dataFormat: 'NHWC', dilations: 1 });
  });
};

if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: backpropFilter });
}
if (originalInput !== undefined && originalInput.kernelFunc !== backpropInput) {
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  // Keep the original's set-up so that the fallback can still call it.
  tf.registerKernel({ ...originalInput, kernelFunc: backpropInput });
}
