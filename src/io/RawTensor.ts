/**
 * A tensor as a safetensors file stores it: a dtype, a shape and its little-endian row-major bytes.
 * No tfjs here, so files can be inspected, filtered and rewritten without a backend.
 *
 * @since 0.1.0
 */
import { dtypes, itemSize, type Dtype } from './dtype.js';
import { elementCount } from './header.js';
import { SafetensorsError } from './SafetensorsError.js';

/**
 * A tensor's raw form. `data` holds exactly `product(shape) * itemSize(dtype)` bytes.
 * @example
 * import { io } from 'parallax-ts'
 * const raw: io.RawTensor = { dtype: 'U8', shape: [2], data: new Uint8Array([7, 9]) }
 * @category model
 * @since 0.1.0
 */
export interface RawTensor {
  readonly dtype: Dtype;
  readonly shape: ReadonlyArray<number>;
  readonly data: Uint8Array;
}

/**
 * Why `value` is not a well-formed raw tensor, or `undefined` when it is. `name` is used in the
 * message.
 * @example
 * import { io } from 'parallax-ts'
 * io.rawTensor('F32', [2], new Uint8Array(8)) // fine
 * try {
 *   io.rawTensor('F32', [2], new Uint8Array(6))
 * } catch (e) {
 *   console.log((e as Error).message) // 'rawTensor: tensor "(new)": F32 shape [2] needs 8 bytes, got 6'
 * }
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const rawTensorProblem = (name: string, value: RawTensor): string | undefined => {
  const where = `tensor ${JSON.stringify(name)}`;
  if (typeof value !== 'object' || value === null) return `${where}: expected a raw tensor, got ${String(value)}`;
  const { dtype, shape, data } = value;
  if (!dtypes.includes(dtype)) return `${where}: expected a dtype among ${dtypes.join(', ')}, got ${JSON.stringify(dtype)}`;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    return `${where}: expected a shape of non-negative integers, got ${JSON.stringify(shape)}`;
  }
  if (!(data instanceof Uint8Array)) return `${where}: expected data as a Uint8Array`;
  const expected = elementCount(shape) * itemSize(dtype);
  if (!Number.isSafeInteger(expected)) return `${where}: shape [${shape.join(', ')}] is too large`;
  if (data.length !== expected) {
    return `${where}: ${dtype} shape [${shape.join(', ')}] needs ${expected} bytes, got ${data.length}`;
  }
  return undefined;
};

/**
 * Builds a raw tensor, checking that `data` has the size `dtype` and `shape` call for.
 * @example
 * import { io } from 'parallax-ts'
 * const r = io.rawTensor('I32', [2], new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0])) // [1, 2]
 * @category constructors
 * @since 0.1.0
 */
export const rawTensor = (dtype: Dtype, shape: ReadonlyArray<number>, data: Uint8Array): RawTensor => {
  const value: RawTensor = { dtype, shape: [...shape], data };
  const problem = rawTensorProblem('(new)', value);
  if (problem !== undefined) throw new SafetensorsError(`rawTensor: ${problem}`, [problem]);
  return value;
};
