/**
 * Spatial hyper-parameters of convolutions and pooling, as PyTorch spells them: a size is an int or
 * an `[h, w]` pair; a padding is an int, a pair, `'valid'` (no padding) or `'same'` (output size =
 * input size, stride 1 only). Their io-ts codecs are here too, for layer configs.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { NonNegativeInt, PositiveInt, oneOf } from './configCodecs.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';

/**
 * An `[h, w]` pair.
 * @example
 * import type { nn } from 'parallax-ts'
 * const kernel: nn.Pair = [3, 5]
 * @category model
 * @since 0.1.0
 */
export type Pair = readonly [number, number];

/**
 * An int (used for both axes) or an `[h, w]` pair.
 * @example
 * import type { nn } from 'parallax-ts'
 * const sizes: ReadonlyArray<nn.IntOrPair> = [3, [3, 5]]
 * @category model
 * @since 0.1.0
 */
export type IntOrPair = number | Pair;

/**
 * Padding of a 2-d convolution: int, `[h, w]`, `'valid'` or `'same'`.
 * @example
 * import type { nn } from 'parallax-ts'
 * const paddings: ReadonlyArray<nn.Padding2d> = [1, [1, 2], 'valid', 'same']
 * @category model
 * @since 0.1.0
 */
export type Padding2d = IntOrPair | 'valid' | 'same';

/**
 * Padding of a 1-d convolution: int, `'valid'` or `'same'`.
 * @example
 * import type { nn } from 'parallax-ts'
 * const paddings: ReadonlyArray<nn.Padding1d> = [2, 'valid', 'same']
 * @category model
 * @since 0.1.0
 */
export type Padding1d = number | 'valid' | 'same';

const isInt = (u: unknown, min: number): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min;

/**
 * Codec of a positive int or a pair of them.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.PositiveIntOrPair.is([3, 1]) // true
 * @category config
 * @since 0.1.0
 */
export const PositiveIntOrPair = t.union([PositiveInt, t.readonly(t.tuple([PositiveInt, PositiveInt]))]);

/**
 * Codec of a non-negative int or a pair of them.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.NonNegativeIntOrPair.is(0) // true
 * @category config
 * @since 0.1.0
 */
export const NonNegativeIntOrPair = t.union([NonNegativeInt, t.readonly(t.tuple([NonNegativeInt, NonNegativeInt]))]);

/**
 * Codec of a 2-d padding.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.Padding2dCodec.is('same') // true
 * @category config
 * @since 0.1.0
 */
export const Padding2dCodec = t.union([NonNegativeIntOrPair, oneOf(['valid', 'same'] as const)]);

/**
 * Codec of a 1-d padding.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.Padding1dCodec.is(2) // true
 * @category config
 * @since 0.1.0
 */
export const Padding1dCodec = t.union([NonNegativeInt, oneOf(['valid', 'same'] as const)]);

/**
 * A pair as PyTorch prints it in a layer's repr.
 * @example
 * import { formatPair } from './spatial.js'
 * formatPair([3, 1]) // '(3, 1)'
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const formatPair = (p: Pair): string => `(${p[0]}, ${p[1]})`;

/**
 * Normalizes an int-or-pair argument, checking each entry is an integer `>= min`.
 * @example
 * import { toPair } from './spatial.js'
 * toPair('Conv2d.create', 'stride', 2) // [2, 2]
 * toPair('Conv2d.create', 'padding', [0, 1], 0) // [0, 1]
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const toPair = (fn: string, name: string, v: unknown, min = 1): Pair => {
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => isInt(d, min))) {
    throw new ArgumentError(`${fn}: ${name} must be an integer >= ${min} or a pair of them, got ${describeData(v)}`);
  }
  return [p[0] as number, p[1] as number];
};

/**
 * Checks a positive-integer argument.
 * @example
 * import { checkPositiveInt } from './spatial.js'
 * checkPositiveInt('Conv2d.create', 'groups', 1) // 1
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const checkPositiveInt = (fn: string, name: string, n: unknown): number => {
  if (!isInt(n, 1)) throw new ArgumentError(`${fn}: ${name} must be a positive integer, got ${describeData(n)}`);
  return n;
};

/**
 * Per-side padding of one spatial axis: `[before, after]`.
 * @example
 * import type { SidePadding } from './spatial.js'
 * const evenKernelSame: SidePadding = [1, 2]
 * @internal
 * @category model
 * @since 0.1.0
 */
export type SidePadding = readonly [number, number];

/**
 * Resolves a padding argument to `[before, after]` per axis. `'same'` pads `dilation * (kernel - 1)`
 * in total, the odd element after (PyTorch's and TensorFlow's rule); it needs stride 1, as in PyTorch.
 * @example
 * import { resolvePadding } from './spatial.js'
 * resolvePadding('Conv2d.create', 'same', [3, 4], [1, 1], [1, 1]) // [[1, 1], [1, 2]]
 * @internal
 * @category utils
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
    if (stride.some((s) => s !== 1))
      throw new ArgumentError(`${fn}: padding 'same' needs stride 1 (as in PyTorch), got stride ${describeData(stride)}`);
    return kernel.map((k, i) => {
      const total = dilation[i]! * (k - 1);
      const before = Math.floor(total / 2);
      return [before, total - before] as const;
    });
  }
  if (kernel.length === 1) {
    if (!isInt(padding, 0))
      throw new ArgumentError(`${fn}: padding must be a non-negative integer, 'valid' or 'same', got ${describeData(padding)}`);
    return [[padding, padding]];
  }
  const p = toPair(fn, 'padding', padding, 0);
  return [
    [p[0], p[0]],
    [p[1], p[1]],
  ];
};
