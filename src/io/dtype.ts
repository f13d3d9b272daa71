/**
 * The element types a safetensors file may declare, as parallax-ts reads and writes them.
 *
 * The names are the format's own (`"F32"`, `"BF16"` ...), the strings that appear in a file's
 * header. Every one of them is a whole number of bytes, stored little-endian.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';

/**
 * The io-ts codec of a dtype name; anything else in a header is rejected.
 * @example
 * import { isRight } from 'fp-ts/lib/Either.js'
 * import { io } from 'parallax-ts'
 * isRight(io.DtypeCodec.decode('BF16')) // true
 * isRight(io.DtypeCodec.decode('F8_E4M3')) // false: not supported here
 * @category codecs
 * @since 0.1.0
 */
export const DtypeCodec = t.keyof(
  { F64: null, F32: null, F16: null, BF16: null, I64: null, I32: null, I8: null, U8: null, BOOL: null },
  'one of F64, F32, F16, BF16, I64, I32, I8, U8, BOOL',
);

/**
 * A safetensors dtype name.
 * @example
 * import { io } from 'parallax-ts'
 * const half: io.Dtype = 'F16'
 * @category model
 * @since 0.1.0
 */
export type Dtype = t.TypeOf<typeof DtypeCodec>;

/**
 * Every supported dtype, in a stable order.
 * @example
 * import { io } from 'parallax-ts'
 * io.dtypes.map(io.itemSize) // [8, 4, 2, 2, 8, 4, 1, 1, 1]
 * @category model
 * @since 0.1.0
 */
export const dtypes: ReadonlyArray<Dtype> = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I8', 'U8', 'BOOL'];

const itemSizes: Readonly<Record<Dtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/**
 * Bytes per element.
 * @example
 * import { io } from 'parallax-ts'
 * io.itemSize('BF16') // 2
 * @category utils
 * @since 0.1.0
 */
export const itemSize = (dtype: Dtype): number => itemSizes[dtype];

/**
 * The rank of each dtype in the reference implementation's `Dtype` enum (huggingface
 * `safetensors/src/tensor.rs`), which is ordered by increasing alignment. Its writer lays tensors
 * out by *decreasing* rank, then by name, so that every tensor's data starts aligned; writing in the
 * same order makes our files byte-identical to that writer's.
 */
const referenceRank: Readonly<Record<Dtype, number>> = {
  BOOL: 0,
  U8: 4,
  I8: 5,
  F16: 13,
  BF16: 14,
  I32: 15,
  F32: 17,
  F64: 19,
  I64: 20,
};

/**
 * The order the writer lays tensors out in: larger alignment first, as the reference writer does.
 * Negative when `a` comes first.
 * @example
 * import { io } from 'parallax-ts'
 * // Tensors are laid out in the reference order: 8-byte elements first, then by name.
 * const bytes = io.serializeSafetensors({ a: io.rawTensor('U8', [1], new Uint8Array([1])), b: io.rawTensor('F64', [1], new Uint8Array(8)) })
 * io.parseSafetensors(bytes).tensors.keys() // 'b', then 'a'
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const compareLayoutOrder = (a: Dtype, b: Dtype): number => referenceRank[b] - referenceRank[a];
