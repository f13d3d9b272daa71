/**
 * The convolution op behind `Conv1d`, `Conv2d` and `ConvTranspose2d`, in PyTorch's layouts
 * (input `NCHW`, weight `OIHW`), computed with tfjs's native `NHWC`/`HWIO` kernels.
 *
 * What tfjs lacks, and how it is covered here (so every PyTorch argument combination works and is
 * differentiable):
 * - dilation: tfjs's conv gradients reject dilation > 1, and its forward rejects stride > 1 together
 *   with dilation > 1. The kernel is dilated instead (zeros interleaved), which is the same function
 *   and leaves a plain stride-only convolution.
 * - groups: tfjs has none. `groups === 1` runs as one op with its own gradient, `conv2dOp`, in the
 *   layout each backend's kernels want (see conv2dOp.ts); `groups === inChannels` runs as a
 *   depthwise convolution; other group counts run one convolution per group on channel slices, then
 *   concatenate.
 * - padding: with one group, passed to the kernels (negative amounts crop first); otherwise applied
 *   explicitly (`tf.pad` with zeros; negative amounts crop), then a `'valid'` convolution.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { conv2dOp } from './conv2dOp.js';
import type { Pair, SidePadding } from './spatial.js';

type Tensor = tf.Tensor;

/**
 * Arguments of {@link conv2dNchw}.
 * @example
 * import type { nn } from 'parallax-ts'
 * const args: nn.Conv2dArgs = { stride: [1, 1], padding: [[1, 1], [1, 1]], dilation: [1, 1], groups: 1 }
 * @category model
 * @since 0.1.0
 */
export interface Conv2dArgs {
  readonly stride: Pair;
  /** `[[top, bottom], [left, right]]`; negative values crop. */
  readonly padding: readonly [SidePadding, SidePadding];
  readonly dilation: Pair;
  readonly groups: number;
}

/**
 * Inserts `factor - 1` zeros between consecutive entries along `axis` (size `n` becomes
 * `(n - 1) * factor + 1`). Used to dilate kernels, and to spread the input of a transposed convolution.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.interleaveZeros(tf.tensor1d([1, 2, 3]), 0, 2).arraySync() // [1, 0, 2, 0, 3]
 * @category operations
 * @since 0.1.0
 */
export const interleaveZeros = (x: Tensor, axis: number, factor: number): Tensor => {
  if (factor === 1) return x;
  return tf.tidy(() => {
    const n = x.shape[axis]!;
    const expanded = tf.expandDims(x, axis + 1);
    const zerosShape = [...expanded.shape];
    zerosShape[axis + 1] = factor - 1;
    const spread = tf.concat([expanded, tf.zeros(zerosShape, x.dtype)], axis + 1);
    const merged = [...x.shape];
    merged[axis] = n * factor;
    const begin = x.shape.map(() => 0);
    const size = [...x.shape];
    size[axis] = (n - 1) * factor + 1;
    return tf.slice(tf.reshape(spread, merged), begin, size);
  });
};

/** Pads (positive) or crops (negative) the two spatial axes of an NHWC tensor. */
const padOrCrop = (x: Tensor, padding: readonly [SidePadding, SidePadding]): Tensor => {
  const [[t, b], [l, r]] = padding;
  const padded =
    t > 0 || b > 0 || l > 0 || r > 0
      ? tf.pad(x, [
          [0, 0],
          [Math.max(t, 0), Math.max(b, 0)],
          [Math.max(l, 0), Math.max(r, 0)],
          [0, 0],
        ])
      : x;
  if (t >= 0 && b >= 0 && l >= 0 && r >= 0) return padded;
  const [n, h, w, c] = padded.shape as [number, number, number, number];
  const top = Math.max(-t, 0);
  const left = Math.max(-l, 0);
  return tf.slice(padded, [0, top, left, 0], [n, h - top - Math.max(-b, 0), w - left - Math.max(-r, 0), c]);
};

/** Crops the spatial axes of an NCHW tensor where `padding` is negative (the positive parts are padded by the convolution). */
const cropNchw = (x: Tensor, padding: readonly [SidePadding, SidePadding]): Tensor => {
  const [[t, b], [l, r]] = padding;
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const top = Math.max(-t, 0);
  const left = Math.max(-l, 0);
  return tf.slice(x, [0, 0, top, left], [n, c, h - top - Math.max(-b, 0), w - left - Math.max(-r, 0)]);
};

/**
 * A 2-d convolution (cross-correlation, as in PyTorch) of `x: [N, C_in, H, W]` with
 * `weight: [C_out, C_in / groups, kH, kW]`, plus `bias: [C_out]` when given; returns `[N, C_out, H', W']`
 * with `H' = floor((H + top + bottom - dilation * (kH - 1) - 1) / stride) + 1`. Shapes are assumed
 * checked by the caller. Returns a new tensor owned by the caller.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const x = tf.ones([1, 4, 5, 5])
 * const w = tf.ones([6, 2, 3, 3]) // two groups: each output channel reads 2 of the 4 input channels
 * nn.conv2dNchw(x, w, tf.zeros([6]), { stride: [1, 1], padding: [[1, 1], [1, 1]], dilation: [1, 1], groups: 2 }).shape // [1, 6, 5, 5]
 * @category operations
 * @since 0.1.0
 */
export const conv2dNchw = (x: Tensor, weight: Tensor, bias: Tensor | null, args: Conv2dArgs): Tensor => {
  const { padding, dilation, groups } = args;
  if (groups === 1) {
    // One op with its own gradient, in the layout the backend's kernels want (see conv2dOp.ts).
    const [[t, b], [l, r]] = padding;
    return tf.tidy(() =>
      conv2dOp(
        t >= 0 && b >= 0 && l >= 0 && r >= 0 ? x : cropNchw(x, padding),
        interleaveZeros(interleaveZeros(weight, 2, dilation[0]), 3, dilation[1]),
        bias ?? undefined,
        {
          stride: args.stride,
          padding: [
            [Math.max(t, 0), Math.max(b, 0)],
            [Math.max(l, 0), Math.max(r, 0)],
          ],
        },
      ),
    );
  }
  return tf.tidy(() => {
    const stride: [number, number] = [args.stride[0], args.stride[1]];
    const cIn = x.shape[1]!;
    const cOut = weight.shape[0]!;
    const xh = padOrCrop(tf.transpose(x, [0, 2, 3, 1]), padding) as tf.Tensor4D;
    const dilated = interleaveZeros(interleaveZeros(weight, 2, dilation[0]), 3, dilation[1]);
    let y: Tensor;
    if (groups === cIn) {
      // depthwise: output channel c * mult + j reads input channel c, as tfjs's depthwise filter [kH, kW, C, mult]
      const [kh, kw] = [dilated.shape[2]!, dilated.shape[3]!];
      const filter = tf.transpose(tf.reshape(dilated, [cIn, cOut / cIn, kh, kw]), [2, 3, 0, 1]) as tf.Tensor4D;
      y = tf.depthwiseConv2d(xh, filter, stride, 'valid');
    } else {
      const xs = tf.split(xh, groups, 3);
      const ws = tf.split(tf.transpose(dilated, [2, 3, 1, 0]), groups, 3);
      y = tf.concat(
        xs.map((xg, g) => tf.conv2d(xg as tf.Tensor4D, ws[g] as tf.Tensor4D, stride, 'valid')),
        3,
      );
    }
    const withBias = bias === null ? y : tf.add(y, bias);
    return tf.transpose(withBias, [0, 3, 1, 2]);
  });
};
