/**
 * The optimizer type, as in optax: a pair of pure functions over module-shaped trees.
 *
 * - `init(params)` builds the state: plain records and arrays of step counts (JS numbers) and
 *   moment trees of the model's shape (see `Updates.ts`; `null` at buffers and frozen leaves).
 * - `update(grads, state, params?)` returns `[updates, newState]`; add the updates to the
 *   parameters with `applyUpdates`.
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
import { mapActive, zipActive, type Updates } from './Updates.js';

/** A pure optimizer (or one link of a chain) whose state has type `S`. @since 0.1.0 */
export interface GradientTransformation<S> {
  // Method syntax (parameters checked bivariantly) so that `GradientTransformation<unknown>` can
  // constrain heterogeneous lists (`chain`, `partition`) without `any`.
  init(params: AnyModule<tf.Tensor | null>): S;
  update(updates: Updates, state: S, params?: AnyModule<tf.Tensor | null>): readonly [Updates, S];
}

/** The state type of a transformation. @since 0.1.0 */
export type StateOf<T> = T extends GradientTransformation<infer S> ? S : never;

/** The state of a transformation that keeps none. @since 0.1.0 */
export type EmptyState = Readonly<Record<string, never>>;

const EMPTY: EmptyState = Object.freeze({});

/**
 * A stateless transformation from a per-leaf function (`params` leaf passed when given).
 * @example
 * const negate = stateless((g) => tf.neg(g))
 * @since 0.1.0
 */
export const stateless = (
  f: (g: tf.Tensor, p: tf.Tensor | null) => tf.Tensor,
  needsParams = false,
  name = 'transformation',
): GradientTransformation<EmptyState> => ({
  init: () => EMPTY,
  update: (updates, state, params) => {
    if (needsParams && params === undefined) {
      throw new Error(`${name}: update needs the current params (call update(grads, state, params))`);
    }
    const out = tidy(() => (params === undefined ? mapActive(updates, (g) => f(g, null)) : zipActive(updates, params, (g, p) => f(g, p))));
    return [out, state];
  },
});

/**
 * Leaves every active update as it is (cloned; see the ownership note above).
 * @example
 * const opt = chain(identity(), scaleByLearningRate(0.1))
 * @since 0.1.0
 */
export const identity = (): GradientTransformation<EmptyState> => stateless((g) => g.clone());
