/**
 * Checks of hyperparameters, run when an optimizer, transformation or schedule is built: a NaN, an
 * infinity, a string or an out-of-range decay is refused there with an `OptimizerError` naming the
 * option, the range it must be in and the value it got — not found a thousand steps later as NaN
 * parameters.
 *
 * @since 0.2.0
 */
import { OptimizerError } from './OptimizerError.js';
import { describeData } from '../tree/describeData.js';
import { unknownOption } from '../tree/optionKeys.js';

/** A range for a number: bounds and whether each is included, and whether it must be an integer. @internal */
export interface Range {
  readonly min?: number;
  readonly max?: number;
  /** Exclude `min` (a `> min` bound). */
  readonly minOpen?: boolean;
  /** Exclude `max` (a `< max` bound). */
  readonly maxOpen?: boolean;
  readonly integer?: boolean;
  /** Allow `Infinity` (e.g. a clipping norm that never clips). */
  readonly infinite?: boolean;
}

/** A value as messages show it: numbers as written, strings quoted with their type named. @internal */
export const show = (u: unknown): string =>
  typeof u === 'number'
    ? String(u)
    : typeof u === 'function'
      ? 'a function'
      : typeof u === 'string'
        ? `${JSON.stringify(u)} (a string)`
        : typeof u === 'bigint'
          ? `${u}n (a bigint)`
          : u === null
            ? 'null'
            : Array.isArray(u)
              ? 'an array'
              : typeof u === 'object'
                ? 'an object'
                : String(u);

const describeRange = (r: Range): string => {
  const kind = r.integer === true ? 'an integer' : r.infinite === true ? 'a number' : 'a finite number';
  const lo = r.min === undefined ? undefined : `${r.minOpen === true ? '>' : '≥'} ${r.min}`;
  const hi = r.max === undefined ? undefined : `${r.maxOpen === true ? '<' : '≤'} ${r.max}`;
  if (lo !== undefined && hi !== undefined) {
    return `${kind} in ${r.minOpen === true ? '(' : '['}${r.min}, ${r.max}${r.maxOpen === true ? ')' : ']'}`;
  }
  return [kind, lo ?? hi].filter((x) => x !== undefined).join(' ');
};

/**
 * Returns `value` if it is a number in `range`; otherwise throws an `OptimizerError` such as
 * `adam: b1 must be a finite number in [0, 1), got 1.5`.
 * @internal
 */
export const checkNumber = (fn: string, name: string, value: unknown, range: Range = {}): number => {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (Number.isFinite(value) || range.infinite === true) &&
    (range.integer !== true || Number.isInteger(value)) &&
    (range.min === undefined || (range.minOpen === true ? value > range.min : value >= range.min)) &&
    (range.max === undefined || (range.maxOpen === true ? value < range.max : value <= range.max));
  if (!ok) throw new OptimizerError(fn, name, `${name} must be ${describeRange(range)}, got ${show(value)}`, value);
  return value as number;
};

/** `checkNumber` for an option that may be absent (`undefined` passes through). @internal */
export const checkOptional = (fn: string, name: string, value: unknown, range: Range = {}): number | undefined =>
  value === undefined ? undefined : checkNumber(fn, name, value, range);

/** Returns `value` if it is a boolean or absent. @internal */
export const checkFlag = (fn: string, name: string, value: unknown): boolean | undefined => {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new OptimizerError(fn, name, `${name} must be a boolean, got ${show(value)}`, value);
  }
  return value;
};

/** Returns `options` if it is an options record (or absent: `{}`). @internal */
export const checkOptions = <O extends object>(fn: string, options: O | undefined): O => {
  if (options === undefined) return {} as O;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OptimizerError(fn, 'options', `options must be an object, got ${show(options)}`, options);
  }
  return options;
};

/**
 * Refuses an options record with a key `fn` does not take (a PyTorch name such as `weight_decay`
 * or `betas`, which would otherwise be ignored in silence), listing the ones it takes; the
 * compiler checks that `known` lists every option of `O`. @internal
 */
export const checkOptionKeys = <O extends object>(fn: string, options: O | undefined, known: { readonly [K in keyof O]-?: true }): void => {
  const o = checkOptions(fn, options);
  const names = Object.keys(known);
  const unknown = unknownOption(o, names);
  if (unknown !== undefined) {
    const value = (o as Record<string, unknown>)[unknown];
    throw new OptimizerError(fn, unknown, `unknown option ${describeData(unknown)}; ${fn} takes ${names.join(', ')}`, value);
  }
};

/** Learning rates: a finite number ≥ 0, or a schedule (checked at each step by `scaleBySchedule`). @internal */
export const checkLearningRate = (fn: string, value: unknown): number | ((count: number) => number) => {
  if (typeof value === 'function') return value as (count: number) => number;
  return checkNumber(fn, 'learningRate', value, { min: 0 });
};

/** Decay rates of moving averages (`b1`, `b2`, `decay`, `momentum`). @internal */
export const UNIT: Range = { min: 0, max: 1 };
/** Decay rates that are divided by `1 - rate ** t` (Adam's bias correction): 1 would divide by zero. @internal */
export const UNIT_OPEN: Range = { min: 0, max: 1, maxOpen: true };
/** Non-negative finite numbers (`eps`, weight decay). @internal */
export const NON_NEGATIVE: Range = { min: 0 };

/**
 * Returns `t` if it is a gradient transformation (an object with `init` and `update` functions),
 * e.g. for `chain(adam)` (the function, not `adam(1e-3)`), naming the argument.
 * @internal
 */
export const checkTransformation = <T>(fn: string, name: string, t: T): T => {
  const o = t as { readonly init?: unknown; readonly update?: unknown } | null | undefined;
  if (typeof o !== 'object' || o === null || typeof o.init !== 'function' || typeof o.update !== 'function') {
    const hint = typeof t === 'function' ? ' (a function: call it, e.g. optim.adam(1e-3), to get the transformation)' : '';
    throw new OptimizerError(fn, name, `${name} must be a gradient transformation { init, update }, got ${show(t)}${hint}`, t);
  }
  return t;
};

/**
 * Checks an optimizer state's update count as `update` reads it: a non-negative safe integer (a
 * count of -5 from a tampered checkpoint would give NaN parameters after one Adam step).
 * @internal
 */
export const checkCount = (fn: string, count: unknown): number => {
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
    throw new OptimizerError(fn, 'state.count', `state.count must be a non-negative integer (updates so far), got ${show(count)}`, count);
  }
  return count;
};
