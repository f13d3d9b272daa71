/**
 * Input validation shared by the layers: a wrong rank, channel count or dtype becomes a
 * `ModuleError` that states the expected and the actual shape (the forward wrapper adds the path).
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';

type Tensor = tf.Tensor;

/**
 * Checks that `x` is a tensor of the given dtype (default float32) and returns it.
 * @example
 * checkTensor(x) // x, or throws `expected input of dtype float32, got int32`
 * @internal
 * @since 0.1.0
 */
export const checkTensor = (x: unknown, dtype: tf.DataType = 'float32', what = 'input'): Tensor => {
  if (!(x instanceof tf.Tensor)) throw new ModuleError(`expected ${what} to be a tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.dtype !== dtype) throw new ModuleError(`expected ${what} of dtype ${dtype}, got ${x.dtype} (shape ${formatShape(x.shape)})`);
  return x;
};

/**
 * Checks that `x` is a float32 tensor whose last axis is `size` (layers acting on the feature axis).
 * @example
 * checkLastAxis(x, 5) // x of shape [..., 5], or throws `expected input of shape [..., 5], got [3, 4]`
 * @internal
 * @since 0.1.0
 */
export const checkLastAxis = (x: unknown, size: number, what = 'input'): Tensor => {
  if (!(x instanceof tf.Tensor)) throw new ModuleError(`expected ${what} to be a tensor, got ${typeof x}`);
  if (x.dtype !== 'float32') throw new ModuleError(`expected ${what} of dtype float32, got ${x.dtype}`);
  if (x.rank < 1 || x.shape[x.rank - 1] !== size) {
    throw new ModuleError(`expected ${what} of shape [..., ${size}], got ${formatShape(x.shape)}`);
  }
  return x;
};

/**
 * Checks that `x` is a float32 tensor whose last axes are `trailing` (LayerNorm, RMSNorm); throws
 * a `ModuleError` with both shapes.
 * @example
 * checkTrailingShape(x, [5, 16]) // x of shape [..., 5, 16], or throws `expected input of shape [..., 5, 16], got [2, 16]`
 * @internal
 * @since 0.1.0
 */
export const checkTrailingShape = (x: unknown, trailing: ReadonlyArray<number>): Tensor => {
  const t0 = checkTensor(x);
  const k = trailing.length;
  if (t0.rank < k || trailing.some((d, i) => t0.shape[t0.rank - k + i] !== d)) {
    throw new ModuleError(`expected input of shape [..., ${trailing.join(', ')}], got ${formatShape(t0.shape)}`);
  }
  return t0;
};

const SPATIAL_NAMES: Record<number, ReadonlyArray<string>> = { 0: [], 1: ['L'], 2: ['H', 'W'], 3: ['D', 'H', 'W'] };

/** The shape a channels-first layer expects, for messages: `[N, 3, H, W] or [3, H, W]`. */
const describeChannelsFirst = (channels: number | null, spatialRank: number, unbatched: boolean): string => {
  const c = channels === null ? 'C' : String(channels);
  const rest = SPATIAL_NAMES[spatialRank] ?? Array.from({ length: spatialRank }, (_, i) => `d${i}`);
  const batched = `[${['N', c, ...rest].join(', ')}]`;
  return unbatched ? `${batched} or [${[c, ...rest].join(', ')}]` : batched;
};

/**
 * Checks a channels-first input — `[N, C, ...spatial]`, or `[C, ...spatial]` when `allowUnbatched` —
 * and returns whether it was unbatched and its batched shape (`[1, C, ...]` then), for the caller
 * to reshape inside its own `tf.tidy` (no tensor is made here). `channels: null` accepts any count.
 * @example
 * const { unbatched, shape } = checkChannelsFirst(x, 3, 2, true) // accepts [N, 3, H, W] and [3, H, W]
 * @internal
 * @since 0.1.0
 */
export const checkChannelsFirst = (
  x: unknown,
  channels: number | null,
  spatialRank: number,
  allowUnbatched: boolean,
): { readonly unbatched: boolean; readonly shape: number[] } => {
  const t = checkTensor(x);
  const rank = spatialRank + 2;
  const unbatched = allowUnbatched && t.rank === rank - 1;
  const channelAxis = unbatched ? 0 : 1;
  if ((t.rank !== rank && !unbatched) || (channels !== null && t.shape[channelAxis] !== channels)) {
    throw new ModuleError(
      `expected input of shape ${describeChannelsFirst(channels, spatialRank, allowUnbatched)}, got ${formatShape(t.shape)}`,
    );
  }
  return { unbatched, shape: unbatched ? [1, ...t.shape] : [...t.shape] };
};

/**
 * Checks that the channel and spatial axes of a batched channels-first `shape` (from
 * {@link checkChannelsFirst}) are non-empty, as PyTorch's pooling layers require (an empty batch is
 * fine): a window over an empty axis would lie entirely in the padding.
 * @example
 * checkNonEmptyFeatures(tf.zeros([1, 2, 0, 3]), [1, 2, 0, 3]) // throws: expected non-empty C, H, W ...
 * @internal
 */
export const checkNonEmptyFeatures = (x: Tensor, shape: ReadonlyArray<number>): void => {
  if (shape.slice(1).some((d) => d === 0)) {
    throw new ModuleError(`expected non-empty channel and spatial axes (as PyTorch), got input of shape ${formatShape(x.shape)}`);
  }
};

/**
 * Checks that a convolution's window fits its input, as PyTorch does ("Kernel size can't be greater
 * than actual input size"): every padded spatial size must be at least the dilated kernel extent,
 * `dilation · (k − 1) + 1`. Without this, tfjs gives an empty output (and XNNPACK on wasm prints an
 * error). `padded` and `extent` are per spatial axis; `x` only names the input in the message.
 * @example
 * checkKernelFits(tf.zeros([1, 1, 2, 2]), [2, 2], [3, 3])
 * // throws: expected a padded spatial size of at least [3, 3] (the dilated kernel), got [2, 2] ...
 * @internal
 * @since 0.1.0
 */
export const checkKernelFits = (x: Tensor, padded: ReadonlyArray<number>, extent: ReadonlyArray<number>): void => {
  if (padded.some((p, i) => p < extent[i]!)) {
    throw new ModuleError(
      `expected a padded spatial size of at least ${formatShape(extent)} (the dilated kernel, dilation · (k − 1) + 1), got ${formatShape(padded)} (input of shape ${formatShape(x.shape)} plus padding)`,
    );
  }
};

/**
 * Checks that a transposed convolution's output size is at least 1 on every spatial axis, as
 * PyTorch does ("Output size is too small"): `(in − 1) · stride − 2 · padding + dilation · (k − 1) +
 * outputPadding + 1`, which the caller computes. Without this, cropping by the padding leaves an
 * empty (or negative-size) output.
 * @example
 * checkTransposedOutput(tf.zeros([1, 1, 1, 1]), [-1, -1])
 * // throws: expected an output size of at least [1, 1], got [-1, -1] ...
 * @internal
 * @since 0.1.0
 */
export const checkTransposedOutput = (x: Tensor, output: ReadonlyArray<number>): void => {
  if (output.some((o) => o < 1)) {
    throw new ModuleError(
      `expected an output size of at least ${formatShape(output.map(() => 1))}, got ${formatShape(output)} ((in − 1) · stride − 2 · padding + dilation · (k − 1) + outputPadding + 1 for input of shape ${formatShape(x.shape)}): the padding crops more than the transposed convolution produces`,
    );
  }
};
