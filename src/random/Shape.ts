/**
 * Array shapes as the samplers take them: row-major, every dimension a non-negative integer.
 *
 * @since 0.1.0
 */

import type { Shape } from '../tree/ParamInit.js';
import { describeData } from '../tree/describeData.js';
import { RandomError } from './RandomError.js';

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
 * The largest element count `bits` and the samplers draw in one call, 2^31 − 1 (2,147,483,647): a
 * tfjs tensor's size is an int32 in its kernels, and the draw is one typed array of that many
 * elements (8 GB of float32 at the limit). Larger shapes are refused before anything is allocated.
 * @example
 * import { MAX_DRAW_SIZE, uniform, key } from 'parallax-ts/random'
 * MAX_DRAW_SIZE // 2147483647
 * uniform(key(0), [65536, 65536]) // throws RandomError: uniform: shape [65536, 65536] has 4294967296 elements, more than ...
 * @category utils
 * @since 0.2.0
 */
export const MAX_DRAW_SIZE = 2 ** 31 - 1;

/**
 * Checks `shape` and returns its element count; the error names the function and the argument.
 *
 * @example
 * import { shapeSize } from 'parallax-ts/random'
 * shapeSize('uniform', [2, 3]) // 6
 * shapeSize('uniform', [2, -1]) // throws RandomError: uniform: shape[1] must be a non-negative integer, got -1
 * @category utils
 * @since 0.1.0
 */
export const shapeSize = (fn: string, shape: Shape, argName = 'shape'): number => {
  if (!Array.isArray(shape)) {
    throw new RandomError(fn, argName, `${argName} must be an array of non-negative integers, got ${describeData(shape)}`, shape);
  }
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new RandomError(fn, `${argName}[${i}]`, `${argName}[${i}] must be a non-negative integer, got ${describeData(d)}`, d);
    }
    size *= d;
  }
  if (size > MAX_DRAW_SIZE) {
    throw new RandomError(
      fn,
      argName,
      `${argName} [${shape.join(', ')}] has ${size} elements, more than the ${MAX_DRAW_SIZE} (2^31 - 1) one draw may make ` +
        '(a tfjs tensor holds at most that many); draw in parts with keys from split or foldIn',
      shape,
    );
  }
  return size;
};
