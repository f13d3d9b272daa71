/**
 * What `MaxPool2d` and `AvgPool2d` share: their window arguments with PyTorch's defaults and
 * checks, the config keys and printout of those arguments, and the checks and geometry of an input
 * before pooling (PyTorch's output size, with its ceil-mode rule).
 *
 * @internal
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { ModuleError } from '../tree/ModuleError.js';
import { checkChannelsFirst, checkNonEmptyFeatures } from './inputCheck.js';
import { formatPair, type IntOrPair, NonNegativeIntOrPair, type Pair, PositiveIntOrPair, toPair } from './spatial.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';
import type { OptionKinds } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * A pooling layer's window, as both layers store it.
 * @example
 * import type { PoolWindow } from './poolWindow.js'
 * const window: PoolWindow = { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], ceilMode: false }
 * @internal
 * @category model
 * @since 0.1.0
 */
export interface PoolWindow {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
}

/**
 * The options of a pooling layer's `create` that describe its window.
 * @example
 * import type { PoolWindowOptions } from './poolWindow.js'
 * const options: PoolWindowOptions = { stride: 1, padding: 1, ceilMode: true }
 * @internal
 * @category model
 * @since 0.2.0
 */
export interface PoolWindowOptions {
  /** Default: `kernelSize`. */
  readonly stride?: IntOrPair;
  /** Default 0; at most half the kernel. */
  readonly padding?: IntOrPair;
  /** Default `false`. */
  readonly ceilMode?: boolean;
}

/**
 * The kinds of the options every pooling window takes (see `checkLayerOptions`).
 * @example
 * import { POOL_WINDOW_OPTIONS } from './poolWindow.js'
 * POOL_WINDOW_OPTIONS.ceilMode // 'flag'
 * @since 0.2.0
 * @internal
 */
export const POOL_WINDOW_OPTIONS: OptionKinds<PoolWindowOptions> = { stride: 'value', padding: 'value', ceilMode: 'flag' };

/**
 * The window arguments of `create`: stride defaults to the kernel, padding to 0 (at most half the
 * kernel, PyTorch's rule), ceil mode to `false`.
 * @example
 * import { poolWindowArguments } from './poolWindow.js'
 * poolWindowArguments('MaxPool2d.create', 3, { padding: 1 })
 * // { kernelSize: [3, 3], stride: [3, 3], padding: [1, 1], ceilMode: false }
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const poolWindowArguments = (fn: string, kernelSize: IntOrPair, options: PoolWindowOptions): PoolWindow => {
  const kernel = toPair(fn, 'kernelSize', kernelSize);
  const stride = toPair(fn, 'stride', options.stride ?? kernel);
  const padding = toPair(fn, 'padding', options.padding ?? 0, 0);
  if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2) {
    throw new ArgumentError(
      `${fn}: padding should be at most half of the kernel size (as in PyTorch), got padding ${describeData(padding)} for kernel ${describeData(kernel)}`,
    );
  }
  return { kernelSize: kernel, stride, padding, ceilMode: options.ceilMode ?? false };
};

/**
 * The config keys of {@link PoolWindowOptions}, for a pooling layer's config codec (after its
 * required `kernelSize`).
 * @example
 * import { configObject } from './configCodecs.js'
 * import { poolWindowConfigProps } from './poolWindow.js'
 * import { PositiveIntOrPair } from './spatial.js'
 * const MaxPool2dConfig = configObject('MaxPool2d config', { kernelSize: PositiveIntOrPair }, poolWindowConfigProps)
 * @internal
 * @category config
 * @since 0.2.0
 */
export const poolWindowConfigProps = { stride: PositiveIntOrPair, padding: NonNegativeIntOrPair, ceilMode: t.boolean };

/**
 * A window as PyTorch prints it: `kernel_size=(kH, kW), stride=(sH, sW), padding=(pH, pW)`, then
 * `, ceil_mode=true` when set.
 * @example
 * import { poolWindowRepr } from './poolWindow.js'
 * poolWindowRepr({ kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], ceilMode: true })
 * // 'kernel_size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=true'
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const poolWindowRepr = (m: PoolWindow): string =>
  `kernel_size=${formatPair(m.kernelSize)}, stride=${formatPair(m.stride)}, padding=${formatPair(m.padding)}` +
  (m.ceilMode ? ', ceil_mode=true' : '');

/** PyTorch's pooling output size along one axis (`pooling_output_shape`, dilation 1): with `ceilMode`, a last partial window counts if it starts inside the input or the left padding. */
const poolOutputSize = (size: number, kernel: number, stride: number, padding: number, ceilMode: boolean): number => {
  const span = size + 2 * padding - kernel;
  let out = Math.floor((span + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + padding) out -= 1;
  return out;
};

/** The padding a `'valid'` tfjs pool needs after the input's own `[padding, padding]` to produce {@link poolOutputSize} windows (non-zero only in ceil mode). */
const ceilModeExtra = (size: number, kernel: number, stride: number, padding: number, ceilMode: boolean): number =>
  Math.max(0, (poolOutputSize(size, kernel, stride, padding, ceilMode) - 1) * stride + kernel - (size + 2 * padding));

/**
 * An input checked for pooling, with its window's geometry.
 * @example
 * import type { PoolInput } from './poolWindow.js'
 * const geometry: PoolInput = { unbatched: false, shape: [1, 1, 5, 5], extra: [1, 1], emptyOutputShape: undefined }
 * @internal
 * @category model
 * @since 0.1.0
 */
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
 * import { tf } from 'parallax-ts'
 * import { poolInput } from './poolWindow.js'
 * const window = { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], ceilMode: true } as const
 * poolInput(window, tf.zeros([1, 1, 5, 5])).extra // [1, 1]: ceil mode's last windows hang one past the edge
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const poolInput = (m: PoolWindow, x: Tensor): PoolInput => {
  const { unbatched, shape } = checkChannelsFirst(x, null, 2, true);
  checkNonEmptyFeatures(x, shape);
  const [n, c, h, w] = shape as [number, number, number, number];
  const [kh, kw] = m.kernelSize;
  const [ph, pw] = m.padding;
  if (h + 2 * ph < kh || w + 2 * pw < kw) {
    throw new ModuleError(
      `input of spatial size [${h}, ${w}] is smaller than the kernel ${describeData(m.kernelSize)} (padding ${describeData(m.padding)})`,
    );
  }
  return {
    unbatched,
    shape: [n, c, h, w],
    extra: [ceilModeExtra(h, kh, m.stride[0], ph, m.ceilMode), ceilModeExtra(w, kw, m.stride[1], pw, m.ceilMode)],
    emptyOutputShape:
      n === 0 ? [0, c, poolOutputSize(h, kh, m.stride[0], ph, m.ceilMode), poolOutputSize(w, kw, m.stride[1], pw, m.ceilMode)] : undefined,
  };
};
