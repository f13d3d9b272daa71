/**
 * The error of `parallax-ts/random`: a bad key, seed, shape, size or distribution parameter, always
 * caught before anything is drawn or allocated.
 *
 * @since 0.2.0
 */

/**
 * Thrown by every function of `parallax-ts/random` for a bad argument. `fn` is the function that
 * refused, `argument` the argument it names (`'seed'`, `'n'`, `'shape'`, `'key'`), `actual` the
 * value it got; the message says what was expected.
 * @example
 * import { random } from 'parallax-ts'
 * try {
 *   random.split(random.key(0), 1e8)
 * } catch (e) {
 *   if (e instanceof random.RandomError) console.log(e.fn, e.argument) // 'split' 'n'
 * }
 * @category errors
 * @since 0.2.0
 */
export class RandomError extends Error {
  override readonly name: string = 'RandomError';
  constructor(
    /** The function that refused, e.g. `'split'`. */
    readonly fn: string,
    /** The argument at fault, e.g. `'n'`. */
    readonly argument: string,
    /** What was wrong; the message is `${fn}: ${detail}`. */
    detail: string,
    /** The offending value. */
    readonly actual?: unknown,
  ) {
    super(`${fn}: ${detail}`);
  }
}
