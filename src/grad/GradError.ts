/**
 * The error of `parallax-ts/grad`: a bad argument to `valueAndGrad` / `grad` (a loss that is not a
 * function, a module with uninitialized or disposed leaves, a disposed input) or a loss that does
 * not return a scalar tensor.
 *
 * @since 0.2.0
 */

/**
 * Thrown by `valueAndGrad` and `grad`. `argument` names what was wrong (`'loss'`, `'options.trainable'`,
 * `'module'`, `'argument 1'`), and `path` the module leaf at fault, when there is one.
 * @example
 * import { GradError, initialize, nn, random, tf, valueAndGrad } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * params.bias.dispose()
 * try {
 *   valueAndGrad((m: nn.Linear<tf.Tensor>) => tf.sum(m.weight))(params)
 * } catch (e) {
 *   if (e instanceof GradError) console.log(e.path) // 'bias' (a disposed tensor)
 * }
 * @category errors
 * @since 0.2.0
 */
export class GradError extends Error {
  override readonly name: string = 'GradError';
  constructor(
    /** The function that refused: `'valueAndGrad'` or `'grad'`. */
    readonly fn: string,
    /** What was wrong: `'loss'`, `'options'`, `'module'`, `'argument 1'`, ... */
    readonly argument: string,
    /** The message is `${fn}: ${detail}`. */
    detail: string,
    /** The dotted path of the module leaf at fault, if any. */
    readonly path?: string,
    options?: { readonly cause?: unknown },
  ) {
    super(`${fn}: ${detail}`, options);
  }
}
