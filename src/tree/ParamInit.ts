/**
 * `ParamInit`: the leaf of a module before initialization — a shape, an element type, and how to
 * draw it. (The original Parallax's `ParamInit(shape, init.xavier_normal())`.)
 *
 * The element type is declared because an uninitialized template is what a file is loaded into:
 * knowing that `numBatchesTracked` is int32 and a weight float32, a loader can refuse a file that
 * says otherwise instead of taking its bytes as whatever they claim to be.
 *
 * @category constructors
 * @since 0.1.0
 */
import type { PRNGKey } from '../random/PRNGKey.js';
import { ArgumentError } from './ArgumentError.js';
import { describeData } from './describeData.js';

/** A shape: non-negative integer sizes, outermost first. @category constructors @since 0.1.0 */
export type Shape = ReadonlyArray<number>;

/**
 * The element type a lazy parameter's value has once drawn (tfjs's names; the module core itself
 * never touches tfjs).
 * @example
 * import type { ParamDtype } from 'parallax-ts'
 * const counter: ParamDtype = 'int32'
 * @category model
 * @since 0.2.0
 */
export type ParamDtype = 'float32' | 'int32' | 'bool';

/**
 * A lazy parameter: `init(shape)(key)` draws its value, of element type `dtype`. `T` is the drawn
 * value type (a tfjs Tensor in parallax-ts's layers).
 * @category constructors
 * @since 0.1.0
 */
export interface ParamInit<T = unknown> {
  readonly _tag: 'ParamInit';
  readonly shape: Shape;
  readonly init: (shape: Shape) => (key: PRNGKey) => T;
  /**
   * The element type of the drawn value (`paramInit` always sets it; absent, as in a record built
   * by hand before 0.2.0, it means `'float32'`: read it with {@link paramDtype}).
   * @since 0.2.0
   */
  readonly dtype?: ParamDtype;
}

const paramDtypes: ReadonlyArray<ParamDtype> = ['float32', 'int32', 'bool'];

// -------------------------------------------------------------------------------------
// build budgets
// -------------------------------------------------------------------------------------

/**
 * A bound on what building a module may declare: at most `maxLeaves` lazy parameters holding at
 * most `maxElements` elements in all. `exceeded` is called (and must throw) the moment a
 * `paramInit` would pass either bound.
 * @example
 * import type { ParamBudget } from 'parallax-ts'
 * const budget: ParamBudget = { maxLeaves: 10, maxElements: 1e6, exceeded: (what) => { throw new Error(what) } }
 * @category model
 * @since 0.2.0
 */
export interface ParamBudget {
  readonly maxLeaves: number;
  readonly maxElements: number;
  /** Called with what passed the bound, e.g. `'more than 10 parameter tensors'`; must throw. */
  readonly exceeded: (what: string) => never;
}

/** The budgets of the builds in progress (innermost last), each with what it has counted. */
const budgets: Array<{ readonly budget: ParamBudget; leaves: number; elements: number }> = [];

/**
 * Runs `build` with every `paramInit` it makes counted against `budget` (and against any budget
 * of an enclosing call): building a module from untrusted data — a config, a file's architecture —
 * stops with the budget's error as soon as the data asks for more than it may, instead of after
 * it has allocated a billion layers. Synchronous code only: the count is per call, on one thread.
 * @example
 * import { init, paramInit, withParamBudget } from 'parallax-ts'
 * withParamBudget({ maxLeaves: 1, maxElements: 100, exceeded: (what) => { throw new Error(what) } }, () => [paramInit([2], init.zeros), paramInit([3], init.zeros)])
 * // throws: 'more than 1 parameter tensors'
 * @category model
 * @since 0.2.0
 */
export const withParamBudget = <A>(budget: ParamBudget, build: () => A): A => {
  budgets.push({ budget, leaves: 0, elements: 0 });
  try {
    return build();
  } finally {
    budgets.pop();
  }
};

const charge = (shape: Shape): void => {
  const size = shape.reduce((n, d) => n * d, 1);
  for (const b of budgets) {
    b.leaves += 1;
    b.elements += size;
    if (b.leaves > b.budget.maxLeaves) b.budget.exceeded(`more than ${b.budget.maxLeaves} parameter tensors`);
    if (b.elements > b.budget.maxElements) b.budget.exceeded(`more than ${b.budget.maxElements} parameter elements`);
  }
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Makes a lazy parameter; `dtype` (default `'float32'`) is the element type its initializer draws
 * (`initialize` checks that it does).
 * @example
 * import { init, paramInit, tf } from 'parallax-ts'
 * const w = paramInit([10, 5], init.glorotNormal({ inAxis: -1, outAxis: -2 }))
 * const steps = paramInit([], () => () => tf.scalar(0, 'int32'), 'int32') // drawn as an int32 scalar
 * @category constructors
 * @since 0.1.0
 */
export const paramInit = <T>(shape: Shape, init: (shape: Shape) => (key: PRNGKey) => T, dtype: ParamDtype = 'float32'): ParamInit<T> => {
  if (!Array.isArray(shape))
    throw new ArgumentError(`paramInit: shape must be an array of non-negative integers, got ${describeData(shape)}`);
  if (typeof init !== 'function') {
    throw new ArgumentError(`paramInit: init must be an initializer, a function (shape) => (key) => value, got ${describeData(init)}`);
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ArgumentError(`paramInit: shape must hold non-negative integers, got [${shape.join(', ')}]`);
    }
  }
  if (!paramDtypes.includes(dtype)) {
    throw new ArgumentError(`paramInit: dtype must be one of ${paramDtypes.join(', ')}, got ${describeData(dtype)}`);
  }
  if (budgets.length > 0) charge(shape);
  return { _tag: 'ParamInit', shape: [...shape], init, dtype };
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

/**
 * The element type a lazy parameter declares: its `dtype`, or `'float32'` for a record without one.
 * @example
 * import { init, paramDtype, paramInit } from 'parallax-ts'
 * paramDtype(paramInit([2], init.zeros)) // 'float32'
 * paramDtype(paramInit([], () => () => 0, 'int32')) // 'int32'
 * @category constructors
 * @since 0.2.0
 */
export const paramDtype = (p: ParamInit): ParamDtype => p.dtype ?? 'float32';
