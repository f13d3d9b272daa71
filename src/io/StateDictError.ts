/**
 * The one error a state-dict load throws: every missing, unexpected and mismatched key at once, so a
 * user fixing a checkpoint sees the whole picture rather than one key per attempt.
 *
 * @since 0.1.0
 */

/**
 * What is wrong with one key.
 * @example
 * import { io, nn, tf } from 'parallax-ts'
 * try {
 *   io.loadStateDict(nn.Linear.create(2, 3), { weight: tf.ones([3, 2]) })
 * } catch (e) {
 *   if (e instanceof io.StateDictError) {
 *     const [problem]: ReadonlyArray<io.StateDictProblem> = e.problems
 *     problem?.kind // 'missing'
 *   }
 * }
 * @category errors
 * @since 0.1.0
 */
export interface StateDictProblem {
  /** `'argument'` (since 0.2.0): an argument of the call itself is wrong; `key` names the argument. */
  readonly kind: 'missing' | 'unexpected' | 'shape' | 'dtype' | 'value' | 'argument';
  /** The state-dict key (the argument's name for an `'argument'` problem). */
  readonly key: string;
  /** The line the error message shows for this key. */
  readonly message: string;
}

/**
 * Thrown by `loadStateDict` and the loaders built on it. `problems` holds each problem on its own;
 * the message lists them all, one per line.
 * @example
 * import { io, nn, tf } from 'parallax-ts'
 * try {
 *   io.loadStateDict(nn.Linear.create(2, 3), { weight: tf.ones([2, 2]) })
 * } catch (e) {
 *   if (e instanceof io.StateDictError) console.log(e.keys('missing'), e.keys('shape')) // ['bias'] ['weight']
 * }
 * @category errors
 * @since 0.1.0
 */
export class StateDictError extends Error {
  override readonly name = 'StateDictError';
  constructor(
    /** What was being loaded into, e.g. `'Net'`. */
    readonly target: string,
    readonly problems: ReadonlyArray<StateDictProblem>,
  ) {
    super(
      `cannot load state dict into ${target}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n` +
        problems.map((p) => `  - ${p.message}`).join('\n'),
    );
  }

  /** The keys with a problem of the given kind, in the order reported. */
  keys(kind: StateDictProblem['kind']): ReadonlyArray<string> {
    return this.problems.filter((p) => p.kind === kind).map((p) => p.key);
  }
}
