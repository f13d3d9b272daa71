/**
 * Tensor layouts: parallax-ts's layers take PyTorch's channels-first layouts at their API (`NCHW`
 * images, `NCL` sequences) and hold weights in PyTorch's layouts (`Conv2d.weight: [out, in/groups,
 * kH, kW]`), so a PyTorch state dict loads as is and PyTorch inputs give PyTorch's outputs. tfjs
 * runs convolutions and pooling natively in channels-last (`NHWC` inputs, `HWIO` filters), so layers
 * transpose on the way in and out; these helpers are that conversion, exported for users who hold
 * data in the other layout.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';

type Tensor = tf.Tensor;

const checkRank4 = (fn: string, x: Tensor): void => {
  if (!(x instanceof tf.Tensor) || x.rank !== 4) {
    throw new ModuleError(`${fn}: expected a rank-4 tensor, got ${x instanceof tf.Tensor ? formatShape(x.shape) : typeof x}`);
  }
};

/**
 * `[N, C, H, W]` (PyTorch) to `[N, H, W, C]` (tfjs, TensorFlow). Returns a new tensor owned by the caller.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.nchwToNhwc(tf.zeros([2, 3, 4, 5])).shape // [2, 4, 5, 3]
 * @category layout
 * @since 0.1.0
 */
export const nchwToNhwc = (x: Tensor): Tensor => {
  checkRank4('nchwToNhwc', x);
  return tf.transpose(x, [0, 2, 3, 1]);
};

/**
 * `[N, H, W, C]` (tfjs, TensorFlow) to `[N, C, H, W]` (PyTorch). Returns a new tensor owned by the caller.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.nhwcToNchw(tf.zeros([2, 4, 5, 3])).shape // [2, 3, 4, 5]
 * @category layout
 * @since 0.1.0
 */
export const nhwcToNchw = (x: Tensor): Tensor => {
  checkRank4('nhwcToNchw', x);
  return tf.transpose(x, [0, 3, 1, 2]);
};

/**
 * A PyTorch convolution weight `[out, in, kH, kW]` (`OIHW`) to tfjs's filter layout `[kH, kW, in, out]`
 * (`HWIO`). Returns a new tensor owned by the caller.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.oihwToHwio(tf.zeros([8, 3, 5, 5])).shape // [5, 5, 3, 8]
 * @category layout
 * @since 0.1.0
 */
export const oihwToHwio = (w: Tensor): Tensor => {
  checkRank4('oihwToHwio', w);
  return tf.transpose(w, [2, 3, 1, 0]);
};

/**
 * A tfjs filter `[kH, kW, in, out]` (`HWIO`) to PyTorch's weight layout `[out, in, kH, kW]` (`OIHW`).
 * Returns a new tensor owned by the caller.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.hwioToOihw(tf.zeros([5, 5, 3, 8])).shape // [8, 3, 5, 5]
 * @category layout
 * @since 0.1.0
 */
export const hwioToOihw = (w: Tensor): Tensor => {
  checkRank4('hwioToOihw', w);
  return tf.transpose(w, [3, 2, 0, 1]);
};
