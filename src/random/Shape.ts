/**
 * Array shapes as the samplers take them: row-major, every dimension a non-negative integer.
 *
 * @since 0.1.0
 */

import type { Shape } from '../tree/ParamInit.js';

/**
 * A tensor shape, outermost dimension first (`[]` is a scalar); the module core's own type.
 *
 * @example
 * import { type Shape, key, uniform } from 'parallax-ts/random'
 * const shape: Shape = [2, 3]
 * const u = uniform(key(0), shape) // a float32 tensor of shape [2, 3]
 * u.dispose()
 * @category model
 * @since 0.1.0
 */
export type { Shape };

/**
 * The largest element count a sampler draws in one call: JAX's legacy bit layout counts with
 * uint32 counters, and a typed array cannot be larger anyway.
 */
const MAX_SIZE = 0xfffffffe;

/**
 * Checks `shape` and returns its element count; the error names the function and the argument.
 *
 * @example
 * import { shapeSize } from 'parallax-ts/random'
 * shapeSize('uniform', [2, 3]) // 6
 * shapeSize('uniform', [2, -1]) // throws Error: uniform: shape[1] must be a non-negative integer, got -1
 * @category utils
 * @since 0.1.0
 */
export const shapeSize = (fn: string, shape: Shape, argName = 'shape'): number => {
  if (!Array.isArray(shape)) {
    throw new Error(`${fn}: ${argName} must be an array of non-negative integers, got ${describe(shape)}`);
  }
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new Error(`${fn}: ${argName}[${i}] must be a non-negative integer, got ${describe(d)}`);
    }
    size *= d;
  }
  if (size > MAX_SIZE) {
    throw new Error(`${fn}: ${argName} [${shape.join(', ')}] has ${size} elements, more than the ${MAX_SIZE} one draw supports`);
  }
  return size;
};

/**
 * A short, safe rendering of a bad argument for error messages: numbers and bigints as written,
 * other values as (at most 80 characters of) JSON.
 *
 * @example
 * import { key, split, wrapKeyData } from 'parallax-ts/random'
 * split(key(0), 2.5) // throws Error: split: n must be an integer in [0, 2147483647], got 2.5
 * wrapKeyData([1, 2, 3] as never) // throws Error: wrapKeyData: data must be two uint32 integers [hi, lo], got [1,2,3]
 * @category utils
 * @since 0.1.0
 * @internal
 */
export const describe = (u: unknown): string => {
  if (typeof u === 'bigint') return `${u}n`;
  if (typeof u === 'number') return String(u);
  if (u === undefined) return 'undefined';
  if (typeof u === 'function') return 'a function';
  try {
    const s = JSON.stringify(u);
    return s === undefined ? String(u) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return Object.prototype.toString.call(u);
  }
};
