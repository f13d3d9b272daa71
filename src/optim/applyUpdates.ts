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
 * parameter is kept. The result has the type of `params` (a `Net<Tensor>` stays a `Net<Tensor>`),
 * and `updates` must be of the same kind. Every tensor of the result is new and owned by the caller
 * (kept leaves are clones sharing the data), so the old `params` and the `updates` can be disposed
 * right after.
 * @example
 * import { dispose, initialize, map, nn, optim, random, tf } from 'parallax-ts'
 * import { pipe } from 'fp-ts/lib/function.js'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const grads = pipe(params, map((p: tf.Tensor) => tf.onesLike(p)))
 * const opt = optim.sgd(0.1)
 * const optState = opt.init(params)
 * const [updates, nextOptState] = opt.update(grads, optState, params)
 * const nextParams: nn.Linear<tf.Tensor> = optim.applyUpdates(params, updates)
 * dispose([params, grads, updates, optState])
 * @category utils
 * @since 0.1.0
 */
export const applyUpdates = <M extends AnyModule<tf.Tensor>>(params: M, updates: Updates<M>): M =>
  zipWith(params as AnyModule<tf.Tensor>, updates as Updates, (p: tf.Tensor, u: tf.Tensor | null) =>
    u === null ? p.clone() : p.dtype === u.dtype ? tf.add(p, u) : tf.cast(tf.add(p, u), p.dtype),
  ) as unknown as M;
