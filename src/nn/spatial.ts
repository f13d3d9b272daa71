/**
 * Spatial hyper-parameters of convolutions and pooling, as PyTorch spells them: a size is an int or
 * an `[h, w]` pair; a padding is an int, a pair, `'valid'` (no padding) or `'same'` (output size =
 * input size, stride 1 only). Their io-ts codecs are here too, for layer configs.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { NonNegativeInt, PositiveInt, oneOf } from './configCodecs.js';

/** An `[h, w]` pair. @since 0.1.0 */
export type Pair = readonly [number, number];

/** An int (used for both axes) or an `[h, w]` pair. @since 0.1.0 */
export type IntOrPair = number | Pair;

/** Padding of a 2-d convolution: int, `[h, w]`, `'valid'` or `'same'`. @since 0.1.0 */
export type Padding2d = IntOrPair | 'valid' | 'same';

/** Padding of a 1-d convolution: int, `'valid'` or `'same'`. @since 0.1.0 */
export type Padding1d = number | 'valid' | 'same';

const isInt = (u: unknown, min: number): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min;

/**
 * Codec of a positive int or a pair of them.
 * @example
 * PositiveIntOrPair.is([3, 1]) // true
 * @since 0.1.0
 */
export const PositiveIntOrPair = t.union([PositiveInt, t.readonly(t.tuple([PositiveInt, PositiveInt]))]);

/**
 * Codec of a non-negative int or a pair of them.
 * @example
 * NonNegativeIntOrPair.is(0) // true
 * @since 0.1.0
 */
export const NonNegativeIntOrPair = t.union([NonNegativeInt, t.readonly(t.tuple([NonNegativeInt, NonNegativeInt]))]);

/**
 * Codec of a 2-d padding.
 * @example
 * Padding2dCodec.is('same') // true
 * @since 0.1.0
 */
export const Padding2dCodec = t.union([NonNegativeIntOrPair, oneOf(['valid', 'same'] as const)]);

/**
 * Codec of a 1-d padding.
 * @example
 * Padding1dCodec.is(2) // true
 * @since 0.1.0
 */
export const Padding1dCodec = t.union([NonNegativeInt, oneOf(['valid', 'same'] as const)]);

/**
 * A pair as PyTorch prints it in a layer's repr.
 * @example
 * formatPair([3, 1]) // '(3, 1)'
 * @internal
 * @since 0.1.0
 */
export const formatPair = (p: Pair): string => `(${p[0]}, ${p[1]})`;

/**
 * Normalizes an int-or-pair argument, checking each entry is an integer `>= min`.
 * @example
 * toPair('Conv2d.create', 'stride', 2) // [2, 2]
 * @internal
 * @since 0.1.0
 */
export const toPair = (fn: string, name: string, v: unknown, min = 1): Pair => {
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => isInt(d, min))) {
    throw new Error(`${fn}: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(v)}`);
  }
  return [p[0] as number, p[1] as number];
};

/**
 * Checks a positive-integer argument.
 * @example
 * checkPositiveInt('Conv2d.create', 'groups', 1) // 1
 * @internal
 * @since 0.1.0
 */
export const checkPositiveInt = (fn: string, name: string, n: unknown): number => {
  if (!isInt(n, 1)) throw new Error(`${fn}: ${name} must be a positive integer, got ${JSON.stringify(n)}`);
  return n;
};

/** Per-side padding of one spatial axis: `[before, after]`. @since 0.1.0 */
export type SidePadding = readonly [number, number];

/**
 * Resolves a padding argument to `[before, after]` per axis. `'same'` pads `dilation * (kernel - 1)`
 * in total, the odd element after (PyTorch's and TensorFlow's rule); it needs stride 1, as in PyTorch.
 * @example
 * resolvePadding('Conv2d.create', 'same', [3, 4], [1, 1], [1, 1]) // [[1, 1], [1, 2]]
 * @internal
 * @since 0.1.0
 */
export const resolvePadding = (
  fn: string,
  padding: unknown,
  kernel: ReadonlyArray<number>,
  stride: ReadonlyArray<number>,
  dilation: ReadonlyArray<number>,
): ReadonlyArray<SidePadding> => {
  if (padding === 'valid') return kernel.map(() => [0, 0] as const);
  if (padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new Error(`${fn}: padding 'same' needs stride 1 (as in PyTorch), got stride ${JSON.stringify(stride)}`);
    return kernel.map((k, i) => {
      const total = dilation[i]! * (k - 1);
      const before = Math.floor(total / 2);
      return [before, total - before] as const;
    });
  }
  if (kernel.length === 1) {
    if (!isInt(padding, 0)) throw new Error(`${fn}: padding must be a non-negative integer, 'valid' or 'same', got ${JSON.stringify(padding)}`);
    return [[padding, padding]];
  }
  const p = toPair(fn, 'padding', padding, 0);
  return [
    [p[0], p[0]],
    [p[1], p[1]],
  ];
};

/**
 * PyTorch's pooling output size along one axis (`pooling_output_shape`, dilation 1): with
 * `ceilMode`, a last partial window counts if it starts inside the input or the left padding.
 * @example
 * poolOutputSize(5, 2, 2, 0, true) // 3 (floor mode: 2)
 * @internal
 * @since 0.1.0
 */
export const poolOutputSize = (size: number, kernel: number, stride: number, padding: number, ceilMode: boolean): number => {
  const span = size + 2 * padding - kernel;
  let out = Math.floor((span + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + padding) out -= 1;
  return out;
};

/**
 * The padding a `'valid'` tfjs pool needs after the input's own `[padding, padding]` to produce
 * {@link poolOutputSize} windows (non-zero only in ceil mode).
 * @example
 * ceilModeExtra(5, 2, 2, 0, true) // 1
 * @internal
 * @since 0.1.0
 */
export const ceilModeExtra = (size: number, kernel: number, stride: number, padding: number, ceilMode: boolean): number =>
  Math.max(0, (poolOutputSize(size, kernel, stride, padding, ceilMode) - 1) * stride + kernel - (size + 2 * padding));

/**
 * Checks pooling arguments as PyTorch does: padding at most half the kernel, and a non-empty output.
 * @example
 * checkPoolPadding('MaxPool2d.create', [3, 3], [1, 1]) // ok
 * @internal
 * @since 0.1.0
 */
export const checkPoolPadding = (fn: string, kernel: Pair, padding: Pair): void => {
  if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2) {
    throw new Error(`${fn}: padding should be at most half of the kernel size (as in PyTorch), got padding ${JSON.stringify(padding)} for kernel ${JSON.stringify(kernel)}`);
  }
};
