/**
 * Options records, the last argument of constructors, losses and forward passes: what every
 * caller's check of one has in common (an object, and no key the function does not know, since an
 * unknown key, such as a PyTorch name this library does not implement, would otherwise be
 * ignored in silence). Each layer reports what it finds with its own error class.
 *
 * @since 0.2.0
 */

/**
 * Whether `u` can be an options record: an object, not `null` or an array.
 *
 * @example
 * import { isOptionsRecord } from './optionKeys.js'
 * isOptionsRecord({ reduction: 'sum' }) // true
 * isOptionsRecord(null) // false
 * @since 0.2.0
 * @internal
 */
export const isOptionsRecord = (u: unknown): u is object => typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * The first key of `options` that is not in `known`, or `undefined`; a key holding `undefined` is
 * an absent option.
 *
 * @example
 * import { unknownOption } from './optionKeys.js'
 * unknownOption({ reduction: 'sum', ignore_index: 3 }, ['reduction', 'ignoreIndex']) // 'ignore_index'
 * @since 0.2.0
 * @internal
 */
export const unknownOption = (options: object, known: ReadonlyArray<string>): string | undefined =>
  Object.keys(options).find((k) => (options as Record<string, unknown>)[k] !== undefined && !known.includes(k));
