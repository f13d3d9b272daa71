/**
 * `ArgumentError`: a constructor or function of the library was given an argument it cannot use
 * (a layer size of 0, a dropout rate of 1.5, a shape with a negative size). Its message names the
 * function, the argument, what was expected and what was given; nothing was built.
 *
 * @since 0.2.0
 */

/**
 * A bad argument to a layer constructor, an initializer or another library function.
 * @example
 * import { ArgumentError, nn } from 'parallax-ts'
 * try {
 *   nn.Linear.create(0, 3)
 * } catch (e) {
 *   if (e instanceof ArgumentError) console.log(e.message) // 'Linear.create: inFeatures must be a positive integer, got 0'
 * }
 * @category errors
 * @since 0.2.0
 */
export class ArgumentError extends Error {
  override readonly name: string = 'ArgumentError';
}
