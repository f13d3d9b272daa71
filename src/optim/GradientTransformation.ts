/**
 * The optimizer type, as in optax: a pair of pure functions over module-shaped trees.
 *
 * - `init(params)` builds the state: plain records and arrays of step counts (JS numbers) and
 *   moment trees of the model's kind (see `Updates.ts`; `null` at buffers and frozen leaves).
 * - `update(grads, state, params?)` returns `[updates, newState]`; add the updates to the
 *   parameters with `applyUpdates`.
 *
 * Types follow the model: a transformation's state type `S` is written once, for any model (its
 * moment trees typed `Moments`), and `init(params)` with a `Net<Tensor>` returns `StateFor<S,
 * Net<Tensor>>`, whose moments are `Net`s; `update` takes and returns updates of the kind of its
 * gradients.
 *
 * Ownership: `update` never disposes or mutates its inputs, and every tensor in what it returns is
 * new (possibly a `clone`, which shares the data buffer but is a separate handle). So the caller
 * disposes the old state, the gradients and the updates when done — or runs the step inside `tidy`
 * and disposes only the old state, which is what `trainStep` does. `dispose(state)` frees a whole
 * state; `saveCheckpoint` stores one; `showState` prints one.
 *
 * @since 0.1.0
 */
import type { tf } from '../engine/backend.js';
import { tidy } from '../engine/memory.js';
import type { AnyModule } from '../tree/Field.js';
import type { Relabel } from '../tree/Module.js';
import { describeData } from '../tree/describeData.js';
import { OptimizerError } from './OptimizerError.js';
import { mapActive, zipActive, type Updates } from './Updates.js';

type Tensor = tf.Tensor;

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * An optimizer state of shape `S` for a model of type `M`: `S` with every module tree in it whose
 * leaves are `Tensor | null` (its moments, written `Moments` in `S`) typed as a tree of `M`'s kind.
 * Records, arrays, tuples, numbers and tensors around them are kept as they are. (In a state, such a
 * tree always has the model's kind: `init` builds it from the params.)
 * @example
 * import { initialize, nn, optim, random, tf } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const state: optim.StateFor<optim.ScaleByAdamState, nn.Linear<tf.Tensor>> = optim.scaleByAdam().init(params)
 * const mu: nn.Linear<tf.Tensor | null> = state.mu
 * @category model
 * @since 0.2.0
 */
// Every `extends` below is independent of `S`: the compiler can then see that a transformation with
// a narrower state shape is one with a wider shape (`GradientTransformation` is covariant in `S`).
export type StateFor<S, M> = S extends Tensor
  ? S
  : S extends AnyModule<Tensor | null>
    ? Relabel<M, Tensor | null>
    : S extends object
      ? { [K in keyof S]: StateFor<S[K], M> }
      : S;

/**
 * A pure optimizer (or one link of a chain) whose state has shape `S` (see {@link StateFor}).
 * `init` and `update` are generic in the model: the state and the updates come out typed for the
 * model they were given. Build one with {@link gradientTransformation}.
 * @example
 * import { initialize, nn, optim, random, tf } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const opt: optim.GradientTransformation<optim.StateOf<ReturnType<typeof optim.adam>>> = optim.adam(1e-3)
 * const state = opt.init(params) // [adam's count and moments (nn.Linear<Tensor | null>), the learning rate's count]
 * const [updates, next] = opt.update(params, state, params) // updates: an nn.Linear<Tensor | null>
 * const stepped: nn.Linear<tf.Tensor> = optim.applyUpdates(params, updates)
 * @category model
 * @since 0.1.0
 */
export interface GradientTransformation<out S> {
  // Covariant in `S` (`out`, checked by the compiler): method syntax (parameters checked
  // bivariantly) and a `StateFor` whose conditions do not depend on `S` make a transformation with a
  // narrower state a `GradientTransformation<unknown>`, which constrains heterogeneous lists
  // (`chain`, `partition`) without `any`.
  /** The first state for `params` (only their shapes and which leaves are active are read). */
  init<M extends AnyModule<Tensor | null>>(params: M): StateFor<S, M>;
  /** `[updates, next state]` from gradients (or the previous link's updates), the state and, for some transformations, the params. */
  update<M extends AnyModule<Tensor | null>>(
    updates: M,
    state: StateFor<S, NoInfer<M>>,
    params?: Relabel<NoInfer<M>, Tensor | null>,
  ): readonly [Updates<M>, StateFor<S, M>];
}

/**
 * The state shape of a transformation.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.sgd(0.1)
 * type S = optim.StateOf<typeof opt> // the shape; optim.StateFor<S, Model> is the state for a model
 * @category model
 * @since 0.1.0
 */
export type StateOf<T> = T extends GradientTransformation<infer S> ? S : never;

/**
 * The state of a transformation that keeps none.
 * @example
 * import { optim } from 'parallax-ts'
 * const none: optim.EmptyState = {}
 * @category model
 * @since 0.1.0
 */
export type EmptyState = Readonly<Record<string, never>>;

const EMPTY: EmptyState = Object.freeze({});

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A {@link GradientTransformation} from its two functions, written once for trees of any kind
 * (`Updates`, `AnyModule<Tensor | null>`); the result's `init` and `update` are typed per model. The
 * functions must keep each tree's kind (build trees with `mapActive`, `zipActive`, `initMoments`,
 * `updateMoments`, or the module core's `map` / `zipWith`) and type moment trees in `S` as `Moments`.
 * @example
 * import { optim, tf } from 'parallax-ts'
 * interface EmaState { readonly ema: optim.Moments }
 * // Replaces each update by an exponential moving average of the updates so far.
 * const ema = (decay: number) =>
 *   optim.gradientTransformation<EmaState>({
 *     init: (params) => ({ ema: optim.initMoments(params, (p) => tf.zerosLike(p)) }),
 *     update: (updates, state) => {
 *       const ema = optim.updateMoments(updates, state.ema, (g, m) => tf.add(tf.mul(m, decay), tf.mul(g, 1 - decay)))
 *       return [optim.zipActive(updates, ema, (_g, m) => m.clone()), { ema }]
 *     },
 *   })
 * @category constructors
 * @since 0.2.0
 */
export const gradientTransformation = <S>(functions: {
  readonly init: (params: Updates) => S;
  readonly update: (updates: Updates, state: S, params?: Updates) => readonly [Updates, S];
}): GradientTransformation<S> => {
  const { init, update } = (functions ?? {}) as Partial<typeof functions>;
  if (typeof init !== 'function' || typeof update !== 'function') {
    throw new OptimizerError(
      'gradientTransformation',
      'functions',
      `functions must be { init, update }, two functions, got ${describeData(functions)}`,
      functions,
    );
  }
  return { init, update } as unknown as GradientTransformation<S>;
};

/**
 * A stateless transformation from a per-leaf function (`params` leaf passed when given).
 * @example
 * import { optim, tf } from 'parallax-ts'
 * const negate = optim.stateless((g) => tf.neg(g))
 * @category constructors
 * @since 0.1.0
 */
export const stateless = (
  f: (g: Tensor, p: Tensor | null) => Tensor,
  needsParams = false,
  name = 'transformation',
): GradientTransformation<EmptyState> =>
  gradientTransformation<EmptyState>({
    init: () => EMPTY,
    update: (updates, state, params) => {
      if (needsParams && params === undefined) {
        throw new OptimizerError(name, 'params', 'update needs the current params (call update(grads, state, params))');
      }
      const out = tidy(() =>
        params === undefined ? mapActive(updates, (g) => f(g, null)) : zipActive(updates, params, (g, p) => f(g, p)),
      );
      return [out, state];
    },
  });

/**
 * Leaves every active update as it is (cloned; see the ownership note above).
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.chain(optim.identity(), optim.scaleByLearningRate(0.1))
 * @category constructors
 * @since 0.1.0
 */
export const identity = (): GradientTransformation<EmptyState> => stateless((g) => g.clone());
