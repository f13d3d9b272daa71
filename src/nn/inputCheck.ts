/**
 * Input validation shared by the layers: a wrong rank, channel count or dtype becomes a
 * `ModuleError` that states the expected and the actual shape (the forward wrapper adds the path).
 * Internal to `nn` (not re-exported); the examples show each check through a layer that uses it.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';

type Tensor = tf.Tensor;

/**
 * Checks that `x` is a tensor of the given dtype (default float32) and returns it.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const gn = initialize(nn.GroupNorm.create(2, 4))(random.key(0))
 * nn.GroupNorm.forward(gn, tf.ones([2, 4], 'int32'))
 * // throws: GroupNorm at the root module: expected input of dtype float32, got int32 (shape [2, 4])
 * @internal
 * @category utils
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
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const layer = initialize(nn.Linear.create(5, 10))(random.key(0))
 * nn.Linear.forward(layer, tf.ones([3, 4])) // throws: Linear at the root module: expected input of shape [..., 5], got [3, 4]
 * @internal
 * @category utils
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
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const ln = initialize(nn.LayerNorm.create([5, 16]))(random.key(0))
 * nn.LayerNorm.forward(ln, tf.ones([2, 16])) // throws: LayerNorm at the root module: expected input of shape [..., 5, 16], got [2, 16]
 * @internal
 * @category utils
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
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const conv = initialize(nn.Conv2d.create(3, 8, 3))(random.key(0))
 * nn.Conv2d.forward(conv, tf.ones([3, 8, 8])).shape // [8, 6, 6]: unbatched [3, H, W] is accepted
 * nn.Conv2d.forward(conv, tf.ones([1, 4, 8, 8]))
 * // throws: Conv2d at the root module: expected input of shape [N, 3, H, W] or [3, H, W], got [1, 4, 8, 8]
 * @internal
 * @category utils
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
 * import { nn, tf } from 'parallax-ts'
 * nn.MaxPool2d.forward(nn.MaxPool2d.create(2), tf.zeros([1, 2, 0, 3]))
 * // throws: MaxPool2d at the root module: expected non-empty channel and spatial axes (as PyTorch), got input of shape [1, 2, 0, 3]
 * @internal
 * @category utils
 * @since 0.1.0
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
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const conv = initialize(nn.Conv2d.create(3, 8, 3))(random.key(0))
 * nn.Conv2d.forward(conv, tf.ones([1, 3, 2, 2]))
 * // throws: Conv2d at the root module: expected a padded spatial size of at least [3, 3] (the dilated kernel, …), got [2, 2] …
 * @internal
 * @category utils
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
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const up = initialize(nn.ConvTranspose2d.create(1, 1, 1, { padding: 1 }))(random.key(0))
 * nn.ConvTranspose2d.forward(up, tf.zeros([1, 1, 1, 1]))
 * // throws: ConvTranspose2d at the root module: expected an output size of at least [1, 1], got [-1, -1] …
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const checkTransposedOutput = (x: Tensor, output: ReadonlyArray<number>): void => {
  if (output.some((o) => o < 1)) {
    throw new ModuleError(
      `expected an output size of at least ${formatShape(output.map(() => 1))}, got ${formatShape(output)} ((in − 1) · stride − 2 · padding + dilation · (k − 1) + outputPadding + 1 for input of shape ${formatShape(x.shape)}): the padding crops more than the transposed convolution produces`,
    );
  }
};
