/**
 * Converting values between tfjs's element types the way PyTorch's `Tensor.copy_` does, for
 * non-strict state-dict loads into a leaf of another dtype:
 *
 * - int32 → float32: rounded to the nearest float32 (exact below 2^24 in magnitude).
 * - bool → float32 / int32: `false` → 0, `true` → 1.
 * - float32 → int32: truncated toward zero (`2.7` → 2, `-2.7` → -2). Where `copy_` has no defined
 *   result — NaN, ±Infinity, or a value outside int32 once truncated — this is an error naming the
 *   key and the element, not a silent garbage value.
 * - float32 / int32 → bool: non-zero (NaN included) → `true`, zero → `false`.
 *
 * @since 0.2.0
 */
import type { TfDtype, TfValues } from './rawValues.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Thrown when a value has no defined result in the target element type (float → int32 of NaN,
 * ±Infinity or an out-of-range value); the loaders report it against the key.
 * @example
 * import { castValues } from './castValues.js'
 * try {
 *   castValues({ dtype: 'float32', values: new Float32Array([Number.NaN]) }, 'int32')
 * } catch (e) {
 *   console.log((e as Error).message) // 'value NaN at flat index 0 has no int32 value (PyTorch's copy_ leaves it undefined)'
 * }
 * @internal
 * @category errors
 * @since 0.2.0
 */
export class CastError extends Error {
  override readonly name = 'CastError';
}

/**
 * `typed` converted to `target` as PyTorch's `copy_` converts (see the file comment); the same
 * object when it already is `target`. Fresh arrays otherwise; `typed` is not changed.
 * @example
 * import { castValues } from './castValues.js'
 * castValues({ dtype: 'float32', values: new Float32Array([2.7, -2.7]) }, 'int32').values // Int32Array [2, -2]
 * castValues({ dtype: 'int32', values: new Int32Array([0, 5]) }, 'bool').values // Uint8Array [0, 1]
 * @internal
 * @category tensors
 * @since 0.2.0
 */
export const castValues = (typed: TfValues, target: TfDtype): TfValues => {
  if (typed.dtype === target) return typed;
  const { values } = typed;
  switch (target) {
    case 'float32':
      return { dtype: 'float32', values: Float32Array.from(values) };
    case 'bool':
      return { dtype: 'bool', values: Uint8Array.from(values, (v) => (v === 0 ? 0 : 1)) };
    case 'int32': {
      if (typed.dtype === 'bool') return { dtype: 'int32', values: Int32Array.from(values) };
      const out = new Int32Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const v = Math.trunc(values[i]!);
        if (!(v >= INT32_MIN && v <= INT32_MAX)) {
          throw new CastError(`value ${values[i]} at flat index ${i} has no int32 value (PyTorch's copy_ leaves it undefined)`);
        }
        out[i] = v;
      }
      return { dtype: 'int32', values: out };
    }
  }
};
