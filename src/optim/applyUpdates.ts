/**
 * Adding updates to parameters (optax `apply_updates`).
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import type { AnyModule } from '../tree/Field.js';
import { zipWith } from '../tree/Module.js';
import type { Updates } from './Updates.js';

/**
 * `params + updates` leaf by leaf; where the update is `null` (buffers, frozen leaves) the
 * parameter is kept. Every tensor of the result is new and owned by the caller (kept leaves are
 * clones sharing the data), so the old `params` and the `updates` can be disposed right after.
 * @example
 * const [updates, nextOptState] = opt.update(grads, optState, params)
 * const nextParams = applyUpdates(params, updates)
 * dispose([params, grads, updates, optState])
 * @since 0.1.0
 */
export const applyUpdates = <M extends AnyModule<tf.Tensor>>(params: M, updates: Updates): M =>
  zipWith(params, updates, (p: tf.Tensor, u: tf.Tensor | null) =>
    u === null ? p.clone() : p.dtype === u.dtype ? tf.add(p, u) : tf.cast(tf.add(p, u), p.dtype),
  ) as unknown as M;
