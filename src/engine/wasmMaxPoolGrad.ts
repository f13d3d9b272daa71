/**
 * A correct `MaxPoolGrad` (the gradient of `tf.maxPool`) for the wasm backend.
 *
 * Why: tfjs-backend-wasm 4.22.0's kernel finds each window's maximum starting from
 * `std::numeric_limits<float>::min()` — the smallest *positive* float, not the lowest one — and
 * keeps the last of equal values (`>=`). So a window whose values are all ≤ 0 (after a ReLU, in
 * zero-mean data, or next to `-Infinity` padding) never finds its maximum and sends its gradient to
 * the wrong element, silently. Example: `MaxPool2d(2, {stride: 1, padding: 1})` on an unbatched
 * input gave 0 where finite differences give -0.87. Ties also went to the last maximum, where the
 * cpu backend (and PyTorch) pick the first.
 *
 * The replacement is the cpu backend's algorithm written on flat arrays: each window's first
 * maximum (NaN never wins; a window of only `-Infinity` sends nothing) takes that window's upstream
 * gradient, and overlapping windows add up, in the cpu kernel's order. It reads the wasm data once
 * and writes the result once: 10 ms for a 64×28×28×16 input, where running the cpu kernel on copies
 * (its indexed buffer accesses) took 200 ms. It replaces wasm's kernel on import (before
 * the wasm backend initializes).
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';

interface MaxPoolGradAttrs {
  readonly filterSize: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** `dx` of a max pool over NHWC `x` with upstream `dy`, as flat arrays; `info` from `computePool2DInfo`. */
const maxPoolGradValues = (x: ArrayLike<number>, dy: ArrayLike<number>, info: tf.backend_util.Conv2DInfo): Float32Array => {
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const dx = new Float32Array(batchSize * h * w * c);
  let o = 0; // flat index into dy, NHWC
  for (let b = 0; b < batchSize; b++) {
    const xb = b * h * w * c;
    for (let i = 0; i < oh; i++) {
      const r0 = i * sh - top;
      for (let j = 0; j < ow; j++) {
        const c0 = j * sw - left;
        for (let d = 0; d < c; d++, o++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let r = Math.max(r0, 0); r < Math.min(r0 + kh, h); r++) {
            for (let s = Math.max(c0, 0); s < Math.min(c0 + kw, w); s++) {
              const k = xb + (r * w + s) * c + d;
              const v = x[k]!;
              if (v > best) {
                best = v;
                at = k;
              }
            }
          }
          if (at >= 0) dx[at] = dx[at]! + dy[o]!;
        }
      }
    }
  }
  return dx;
};

const maxPoolGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const a = attrs as unknown as MaxPoolGradAttrs;
  const wasm = backend as tf.KernelBackend;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad as 'valid',
    a.dimRoundingMode,
  );
  const dx = maxPoolGradValues(wasm.readSync(input.dataId) as Float32Array, wasm.readSync(dy.dataId) as Float32Array, info);
  return { dataId: wasm.write(dx, input.shape, 'float32'), shape: input.shape, dtype: 'float32' };
};

const original = tf.getKernel('MaxPoolGrad', 'wasm');
if (original?.kernelFunc !== maxPoolGrad) {
  if (original !== undefined) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGrad });
}
