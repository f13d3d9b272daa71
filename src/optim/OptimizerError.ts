/**
 * The errors of `parallax-ts/optim`: a bad hyperparameter or argument (caught when the optimizer is
 * built, not after a thousand steps of NaN), a state that does not fit the optimizer, and a
 * non-finite loss or gradient in a `trainStep` guarded with `nonFinite: 'throw'`.
 *
 * @since 0.2.0
 */

/**
 * Thrown by optimizers, transformations, schedules and `trainStep` for a bad argument or state.
 * `fn` is the function that refused, `argument` the option or argument it names (`'b1'`,
 * `'learningRate'`, `'state.count'`), and `actual` the value it got.
 * @example
 * import { optim } from 'parallax-ts'
 * try {
 *   optim.adam(1e-3, { b1: 1.5 })
 * } catch (e) {
 *   if (e instanceof optim.OptimizerError) console.log(e.fn, e.argument, e.actual) // 'adam' 'b1' 1.5
 * }
 * @category errors
 * @since 0.2.0
 */
export class OptimizerError extends Error {
  override readonly name: string = 'OptimizerError';
  constructor(
    /** The function that refused, e.g. `'adam'`. */
    readonly fn: string,
    /** The option or argument at fault, e.g. `'b1'`. */
    readonly argument: string,
    /** What was wrong, with expected and actual values; the message is `${fn}: ${detail}`. */
    detail: string,
    /** The offending value. */
    readonly actual?: unknown,
    options?: { readonly cause?: unknown },
  ) {
    super(`${fn}: ${detail}`, options);
  }
}

/**
 * Thrown by a `trainStep` built with `nonFinite: 'throw'` when the loss or a gradient is NaN or
 * infinite. Nothing was updated and the input state is left as it was (still usable, not
 * disposed). `step` is the input state's `step` (the number of steps taken before this one).
 * @example
 * import { optim } from 'parallax-ts'
 * const report = (e: unknown): string =>
 *   e instanceof optim.NonFiniteError ? `step ${e.step}: loss ${e.loss}, bad gradients at ${e.paths.join(', ')}` : String(e)
 * @category errors
 * @since 0.2.0
 */
export class NonFiniteError extends OptimizerError {
  override readonly name: string = 'NonFiniteError';
  constructor(
    /** The input state's step count. */
    readonly step: number,
    /** The loss of the step (`NaN`, `±Infinity`, or a finite number when only gradients are bad). */
    readonly loss: number,
    /** Paths of the parameters whose gradient has a NaN or infinite element (empty when not computed). */
    readonly paths: ReadonlyArray<string>,
  ) {
    super(
      'trainStep',
      Number.isFinite(loss) ? 'gradients' : 'loss',
      `non-finite ${Number.isFinite(loss) ? 'gradients' : `loss (${loss})`} at step ${step}` +
        (paths.length > 0
          ? ` (gradients of ${paths.slice(0, 5).join(', ')}${paths.length > 5 ? `, and ${paths.length - 5} more` : ''})`
          : '') +
        '; nothing was updated and the input state is unchanged',
      loss,
    );
  }
}
