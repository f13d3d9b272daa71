/**
 * What `MaxPool2d` and `AvgPool2d` share: their window arguments with PyTorch's defaults and
 * checks, and the checks and geometry of an input before pooling.
 *
 * @internal
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { ModuleError } from '../tree/ModuleError.js';
import { checkChannelsFirst, checkNonEmptyFeatures } from './inputCheck.js';
import { ceilModeExtra, checkPoolPadding, type IntOrPair, type Pair, poolOutputSize, toPair } from './spatial.js';

type Tensor = tf.Tensor;

/** A pooling layer's window, as both layers store it. @internal */
export interface PoolWindow {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
}

/**
 * The window arguments of `create`: stride defaults to the kernel, padding to 0, and padding is at
 * most half the kernel (PyTorch's rule).
 * @example
 * poolWindowArguments('MaxPool2d.create', 3, { padding: 1 }) // { kernelSize: [3, 3], stride: [3, 3], padding: [1, 1] }
 * @internal
 */
export const poolWindowArguments = (
  fn: string,
  kernelSize: IntOrPair,
  options: { readonly stride?: IntOrPair; readonly padding?: IntOrPair },
): Omit<PoolWindow, 'ceilMode'> => {
  const kernel = toPair(fn, 'kernelSize', kernelSize);
  const stride = toPair(fn, 'stride', options.stride ?? kernel);
  const padding = toPair(fn, 'padding', options.padding ?? 0, 0);
  checkPoolPadding(fn, kernel, padding);
  return { kernelSize: kernel, stride, padding };
};

/** An input checked for pooling, with its window's geometry. @internal */
export interface PoolInput {
  readonly unbatched: boolean;
  /** The input as `[N, C, H, W]`. */
  readonly shape: readonly [number, number, number, number];
  /** Extra bottom/right padding that ceil mode's last windows need. */
  readonly extra: Pair;
  /**
   * `[N = 0, C, outH, outW]` when the batch is empty (PyTorch allows one; tfjs-backend-wasm's
   * pooling kernels divide by zero on it), else `undefined`.
   */
  readonly emptyOutputShape: number[] | undefined;
}

/**
 * Checks `x` (`[N, C, H, W]` or `[C, H, W]`, non-empty channels and spatial axes, at least one
 * window) and computes the geometry both pooling layers need.
 * @example
 * const { shape, extra } = poolInput(m, x)
 * @internal
 */
export const poolInput = (m: PoolWindow, x: Tensor): PoolInput => {
  const { unbatched, shape } = checkChannelsFirst(x, null, 2, true);
  checkNonEmptyFeatures(x, shape);
  const [n, c, h, w] = shape as [number, number, number, number];
  const [kh, kw] = m.kernelSize;
  const [ph, pw] = m.padding;
  if (h + 2 * ph < kh || w + 2 * pw < kw) {
    throw new ModuleError(`input of spatial size [${h}, ${w}] is smaller than the kernel ${JSON.stringify(m.kernelSize)} (padding ${JSON.stringify(m.padding)})`);
  }
  return {
    unbatched,
    shape: [n, c, h, w],
    extra: [ceilModeExtra(h, kh, m.stride[0], ph, m.ceilMode), ceilModeExtra(w, kw, m.stride[1], pw, m.ceilMode)],
    emptyOutputShape:
      n === 0
        ? [0, c, poolOutputSize(h, kh, m.stride[0], ph, m.ceilMode), poolOutputSize(w, kw, m.stride[1], pw, m.ceilMode)]
        : undefined,
  };
};
