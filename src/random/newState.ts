/**
 * RNG and mode threading (the original Parallax's `new_state(rng, mode)`): a traversal in the
 * `State<PRNGKey, _>` applicative that hands every stochastic module its own key and sets train or
 * eval mode on the whole tree, so forward passes stay pure functions of `(module, input)`.
 *
 * Keys are handed out in leaf order: at each stochastic module the state key `s` is split into
 * `[s', k]`; the module gets `k` and the traversal goes on with `s'`. The final state is a fresh key
 * for the next step.
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/lib/Option.js';
import * as S from 'fp-ts/lib/State.js';
import type { Context, Mode } from '../tree/Field.js';
import type { AnyModule } from '../tree/Field.js';
import { traverseContexts } from '../tree/Module.js';
import { foldIn } from './foldIn.js';
import { assertPRNGKey, type PRNGKey } from './PRNGKey.js';
import { describeData } from '../tree/describeData.js';
import { split } from './split.js';
import { RandomError } from './RandomError.js';

const checkMode = (fn: string, mode: unknown): Mode => {
  if (mode !== 'train' && mode !== 'eval') {
    throw new RandomError(fn, 'mode', `mode must be "train" or "eval", got ${describeData(mode)}`, mode);
  }
  return mode;
};

/**
 * Threads keys and a mode through `m`, as a `State<PRNGKey, M>`.
 * @example
 * import { newState, nn, random, tf } from 'parallax-ts'
 * const net = nn.Dropout.create(0.5) // a stochastic module, in eval mode
 * const stepKey = random.key(0)
 * const [trainNet, nextKey] = newState(net, 'train')(stepKey) // its own key, train mode; nextKey for the next step
 * const y = nn.Dropout.forward(trainNet, tf.ones([4])) // each element 0 or 2
 * @category state
 * @since 0.1.0
 */
export const newState = <M extends AnyModule<unknown>>(m: M, mode: Mode): S.State<PRNGKey, M> => {
  checkMode('newState', mode);
  return (key) => {
    assertPRNGKey('newState', 'key', key);
    return traverseContexts(S.Applicative)(m, (_ctx, stochastic) =>
      stochastic
        ? (s: PRNGKey): [Context, PRNGKey] => {
            const [next, own] = split(s) as [PRNGKey, PRNGKey];
            return [{ mode, key: O.some(own) }, next];
          }
        : S.of<PRNGKey, Context>({ mode, key: O.none }),
    )(key) as [M, PRNGKey];
  };
};

/**
 * Sets the mode on every module and drops all keys: the usual way to get an eval-mode model.
 * @example
 * import { newState, nn, random, setMode, tf } from 'parallax-ts'
 * const [net] = newState(nn.Dropout.create(0.5), 'train')(random.key(0))
 * const evalNet = setMode(net, 'eval')
 * const y = nn.Dropout.forward(evalNet, tf.ones([4])) // the identity: [1, 1, 1, 1]
 * @category state
 * @since 0.1.0
 */
export const setMode = <M extends AnyModule<unknown>>(m: M, mode: Mode): M => {
  checkMode('setMode', mode);
  return traverseContexts(S.Applicative)(m, () => S.of<undefined, Context>({ mode, key: O.none }))(undefined)[0] as M;
};

/**
 * The `i`-th use of a stochastic module within one forward pass: every key in `m` becomes
 * `foldIn(key, i)`. Using the same module record twice would draw the same mask twice; a parent
 * whose forward calls a shared stochastic submodule twice calls `reuse(sub, 0)` and `reuse(sub, 1)`.
 * Parameters are untouched (still shared).
 * @example
 * import { newState, nn, random, reuse, tf } from 'parallax-ts'
 * const [drop] = newState(nn.Dropout.create(0.5), 'train')(random.key(0))
 * const x = tf.ones([8])
 * const first = nn.Dropout.forward(reuse(drop, 0), x)
 * const second = nn.Dropout.forward(reuse(drop, 1), x) // an independent mask
 * @category state
 * @since 0.1.0
 */
export const reuse = <M extends AnyModule<unknown>>(m: M, i: number): M => {
  if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i > 0xffffffff) {
    throw new RandomError('reuse', 'i', `the use index i must be a uint32 (an integer in [0, 2^32 - 1]), got ${describeData(i)}`, i);
  }
  return traverseContexts(S.Applicative)(m, (ctx) =>
    S.of<undefined, Context>(O.isSome(ctx.key) ? { mode: ctx.mode, key: O.some(foldIn(ctx.key.value, i)) } : ctx),
  )(undefined)[0] as M;
};
