/**
 * `ParamInit`: the leaf of a module before initialization — a shape and how to draw it.
 * (The original Parallax's `ParamInit(shape, init.xavier_normal())`.)
 *
 * @category constructors
 * @since 0.1.0
 */
import type { PRNGKey } from '../random/PRNGKey.js';

/** A shape: non-negative integer sizes, outermost first. @category constructors @since 0.1.0 */
export type Shape = ReadonlyArray<number>;

/**
 * A lazy parameter: `init(shape)(key)` draws its value. `T` is the drawn value type (a tfjs Tensor
 * in parallax-ts's layers).
 * @category constructors
 * @since 0.1.0
 */
export interface ParamInit<T = unknown> {
  readonly _tag: 'ParamInit';
  readonly shape: Shape;
  readonly init: (shape: Shape) => (key: PRNGKey) => T;
}

/**
 * Makes a lazy parameter.
 * @example
 * import { init, paramInit } from 'parallax-ts'
 * const w = paramInit([10, 5], init.glorotNormal({ inAxis: -1, outAxis: -2 }))
 * @category constructors
 * @since 0.1.0
 */
export const paramInit = <T>(shape: Shape, init: (shape: Shape) => (key: PRNGKey) => T): ParamInit<T> => {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`paramInit: shape must hold non-negative integers, got [${shape.join(', ')}]`);
    }
  }
  return { _tag: 'ParamInit', shape: [...shape], init };
};

/**
 * Whether a value is a lazy (uninitialized) parameter.
 * @example
 * import { init, isParamInit, paramInit } from 'parallax-ts'
 * isParamInit(paramInit([2], init.zeros)) // true
 * @category constructors
 * @since 0.1.0
 */
export const isParamInit = (u: unknown): u is ParamInit =>
  typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === 'ParamInit';
