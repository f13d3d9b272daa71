/**
 * Between raw safetensors bytes and the three element types tfjs has (`float32`, `int32`, `bool`),
 * in plain JavaScript typed arrays (tfjs itself is only touched in `tensors.ts`).
 *
 * Reading widens or narrows to what tfjs holds:
 * - `F32` → float32, `I32` → int32, `BOOL` → bool: exact.
 * - `F16`, `BF16` → float32: exact (every half and bfloat16 value is a float32).
 * - `F64` → float32: rounded to nearest, ties to even (about 7 significant digits survive; values
 *   beyond ±3.4028235e38 become ±Infinity, below ~1.4e-45 become 0).
 * - `I64` → int32: exact, and an error naming the tensor and the element when a value is outside
 *   [-2^31, 2^31 - 1].
 * - `U8`, `I8` → int32: exact.
 * - `BOOL`: any non-zero byte reads as true.
 *
 * Writing takes a per-tensor target dtype of the same kind as the tfjs dtype (float32 → `F32`
 * (default), `F16`, `BF16`, `F64`; int32 → `I32` (default), `I64`, `U8`, `I8`; bool → `BOOL`
 * (default), `U8`). Narrowing rounds to nearest even, and a value the target cannot hold (a finite
 * float that would overflow to infinity, an integer out of range) is an error naming the tensor,
 * the element and the range.
 *
 * @since 0.1.0
 */
import { bfloat16FromFloat32, bfloat16ToFloat32 } from './bfloat16.js';
import type { Dtype } from './dtype.js';
import { float16FromFloat32, float16ToFloat32 } from './float16.js';
import type { RawTensor } from './RawTensor.js';
import { SafetensorsError } from './SafetensorsError.js';

/**
 * The element types tfjs tensors have that safetensors can store.
 * @example
 * import { io } from 'parallax-ts'
 * const dtype: io.TfDtype = io.readsAs.I64 // 'int32'
 * @category model
 * @since 0.1.0
 */
export type TfDtype = 'float32' | 'int32' | 'bool';

/**
 * A tfjs element type with values of that type.
 * @example
 * import { io } from 'parallax-ts'
 * // What a file's element type becomes in tfjs: F16 reads as float32 values.
 * io.rawToTensor('h', io.rawTensor('F16', [1], new Uint8Array([0x00, 0x3c]))).dtype // 'float32'
 * @category model
 * @since 0.1.0
 */
export type TfValues =
  | { readonly dtype: 'float32'; readonly values: Float32Array }
  | { readonly dtype: 'int32'; readonly values: Int32Array }
  | { readonly dtype: 'bool'; readonly values: Uint8Array };

/**
 * The dtypes each tfjs element type may be written as; the first is the default.
 * @example
 * import { io } from 'parallax-ts'
 * io.writableAs.float32 // ['F32', 'F16', 'BF16', 'F64']
 * @category model
 * @since 0.1.0
 */
export const writableAs: Readonly<Record<TfDtype, ReadonlyArray<Dtype>>> = {
  float32: ['F32', 'F16', 'BF16', 'F64'],
  int32: ['I32', 'I64', 'U8', 'I8'],
  bool: ['BOOL', 'U8'],
};

/**
 * The tfjs element type each safetensors dtype reads as.
 * @example
 * import { io } from 'parallax-ts'
 * io.readsAs.BF16 // 'float32'
 * @category model
 * @since 0.1.0
 */
export const readsAs: Readonly<Record<Dtype, TfDtype>> = {
  F64: 'float32',
  F32: 'float32',
  F16: 'float32',
  BF16: 'float32',
  I64: 'int32',
  I32: 'int32',
  I8: 'int32',
  U8: 'int32',
  BOOL: 'bool',
};

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the bytes of each `size`-byte element in place (only on big-endian hosts). */
const swapToOrFromLittleEndian = (bytes: Uint8Array, size: number): Uint8Array => {
  if (littleEndianHost || size === 1) return bytes;
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  return bytes;
};

/** A fresh, aligned, host-ordered copy of little-endian elements. */
const hostBuffer = (data: Uint8Array, size: number): ArrayBuffer => swapToOrFromLittleEndian(data.slice(), size).buffer as ArrayBuffer;

/** The little-endian bytes of a typed array (the array is consumed: it may be byte-swapped). */
const littleEndianBytes = (values: { readonly buffer: ArrayBufferLike; readonly BYTES_PER_ELEMENT: number }): Uint8Array =>
  swapToOrFromLittleEndian(new Uint8Array(values.buffer), values.BYTES_PER_ELEMENT);

const tensorName = (name: string): string => `tensor ${JSON.stringify(name)}`;

/** A value or type that a conversion cannot carry: the format's own error, naming the tensor. */
const valueError = (message: string): SafetensorsError => new SafetensorsError(message, [message]);

/**
 * The values of a raw tensor as tfjs holds them (fresh arrays, never views of the file). Throws
 * when an `I64` value does not fit int32.
 * @example
 * import { io } from 'parallax-ts'
 * // U8 values read as int32 values:
 * io.rawToTensor('n', { dtype: 'U8', shape: [2], data: new Uint8Array([1, 255]) }).dataSync() // Int32Array [1, 255]
 * @internal
 * @category tensors
 * @since 0.1.0
 */
export const rawToValues = (name: string, raw: RawTensor): TfValues => {
  const { data } = raw;
  switch (raw.dtype) {
    case 'F32':
      return { dtype: 'float32', values: new Float32Array(hostBuffer(data, 4)) };
    case 'F64':
      return { dtype: 'float32', values: new Float32Array(new Float64Array(hostBuffer(data, 8))) };
    case 'F16':
      return { dtype: 'float32', values: float16ToFloat32(new Uint16Array(hostBuffer(data, 2))) };
    case 'BF16':
      return { dtype: 'float32', values: bfloat16ToFloat32(new Uint16Array(hostBuffer(data, 2))) };
    case 'I32':
      return { dtype: 'int32', values: new Int32Array(hostBuffer(data, 4)) };
    case 'I64': {
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      const values = new Int32Array(data.length / 8);
      for (let i = 0; i < values.length; i++) {
        const low = view.getInt32(8 * i, true);
        const high = view.getInt32(8 * i + 4, true);
        // Fits int32 exactly when the high word is the sign extension of the low word.
        if (high !== (low < 0 ? -1 : 0)) {
          const value = (BigInt(high) << 32n) | BigInt(low >>> 0);
          throw valueError(
            `${tensorName(name)}: I64 value ${value} at flat index ${i} does not fit int32 ` +
              '(tfjs integers are int32: expected -2147483648..2147483647)',
          );
        }
        values[i] = low;
      }
      return { dtype: 'int32', values };
    }
    case 'U8':
      return { dtype: 'int32', values: Int32Array.from(data) };
    case 'I8':
      return { dtype: 'int32', values: Int32Array.from(new Int8Array(data.buffer, data.byteOffset, data.length)) };
    case 'BOOL':
      return { dtype: 'bool', values: data.map((b) => (b === 0 ? 0 : 1)) };
  }
};

const checkIntegerRange = (name: string, values: Int32Array, target: Dtype, low: number, high: number): void => {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < low || v > high) {
      throw valueError(`${tensorName(name)}: value ${v} at flat index ${i} does not fit ${target} (expected ${low}..${high})`);
    }
  }
};

const checkNoOverflow = (name: string, values: Float32Array, bits: Uint16Array, target: Dtype, infinity: number, max: string): void => {
  for (let i = 0; i < values.length; i++) {
    if ((bits[i] & 0x7fff) === infinity && Number.isFinite(values[i])) {
      throw valueError(`${tensorName(name)}: value ${values[i]} at flat index ${i} overflows ${target} (largest finite ${max})`);
    }
  }
};

/**
 * The raw form of tfjs-typed values written as `target` (default: `F32`, `I32` or `BOOL` by the
 * element type). Throws when `target` is of another kind or a value does not fit it. The result owns
 * fresh bytes; `values` are not changed.
 * @example
 * import { io, tf } from 'parallax-ts'
 * // float32 values written as F16 bits:
 * io.tensorToRaw('w', tf.tensor([1]), 'F16').data // Uint8Array [0x00, 0x3c]
 * @internal
 * @category tensors
 * @since 0.1.0
 */
export const valuesToRaw = (name: string, typed: TfValues, shape: ReadonlyArray<number>, target?: Dtype): RawTensor => {
  const allowed = writableAs[typed.dtype];
  const dtype = target ?? allowed[0];
  if (!allowed.includes(dtype)) {
    throw valueError(
      `${tensorName(name)}: ${typed.dtype === 'int32' ? 'an' : 'a'} ${typed.dtype} tensor can be written as ${allowed.join(', ')}, not ${String(dtype)}; ` +
        'cast it first (tf.cast) to write another kind',
    );
  }
  const raw = (data: Uint8Array): RawTensor => ({ dtype, shape: [...shape], data });
  switch (typed.dtype) {
    case 'float32': {
      const { values } = typed;
      switch (dtype) {
        case 'F16': {
          const bits = float16FromFloat32(values);
          checkNoOverflow(name, values, bits, 'F16', 0x7c00, '65504');
          return raw(littleEndianBytes(bits));
        }
        case 'BF16': {
          const bits = bfloat16FromFloat32(values);
          checkNoOverflow(name, values, bits, 'BF16', 0x7f80, '3.3895314e38');
          return raw(littleEndianBytes(bits));
        }
        case 'F64':
          return raw(littleEndianBytes(Float64Array.from(values)));
        default:
          return raw(littleEndianBytes(Float32Array.from(values)));
      }
    }
    case 'int32': {
      const { values } = typed;
      switch (dtype) {
        case 'I64': {
          const data = new Uint8Array(values.length * 8);
          const view = new DataView(data.buffer);
          for (let i = 0; i < values.length; i++) {
            view.setInt32(8 * i, values[i], true);
            view.setInt32(8 * i + 4, values[i] < 0 ? -1 : 0, true);
          }
          return raw(data);
        }
        case 'U8':
          checkIntegerRange(name, values, 'U8', 0, 255);
          return raw(Uint8Array.from(values));
        case 'I8':
          checkIntegerRange(name, values, 'I8', -128, 127);
          return raw(new Uint8Array(Int8Array.from(values).buffer));
        default:
          return raw(littleEndianBytes(Int32Array.from(values)));
      }
    }
    case 'bool':
      return raw(typed.values.map((b) => (b === 0 ? 0 : 1)));
  }
};
