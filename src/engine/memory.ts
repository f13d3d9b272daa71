/**
 * Tensor memory for trees: finding, freeing, and scoping the tensors held in module records (or any
 * nesting of arrays and records).
 * @since 0.1.0
 */
import { tf } from './backend.js';

/**
 * Calls `f` on every tensor inside `u`: module records, arrays and plain objects are searched;
 * anything else is ignored. A tensor reached twice is visited twice.
 * @example
 * forEachTensor({ loss, grads }, (t) => console.log(t.shape))
 * @since 0.1.0
 */
export const forEachTensor = (u: unknown, f: (t: tf.Tensor) => void): void => {
  if (u instanceof tf.Tensor) f(u);
  else if (Array.isArray(u)) for (const x of u) forEachTensor(x, f);
  else if (typeof u === 'object' && u !== null) for (const x of Object.values(u)) forEachTensor(x, f);
};

/**
 * Disposes every tensor in a module tree (or nested arrays/records), once each; safe on already
 * disposed tensors. Use it on what you own: results of `initialize`, `grad`, optimizer updates.
 * @example
 * dispose(oldParams)
 * @since 0.1.0
 */
export const dispose = (u: unknown): void => {
  const seen = new Set<tf.Tensor>();
  forEachTensor(u, (t) => {
    if (!seen.has(t)) {
      seen.add(t);
      if (!t.isDisposed) t.dispose();
    }
  });
};

/**
 * `tf.tidy` typed for any result: tensors created inside `f` are freed unless reachable from its
 * result — module records, arrays and plain objects are searched, so a whole new module can be
 * returned from a training step.
 * @example
 * const next = tidy(() => zipWith(params, grads, (p, g) => tf.sub(p, tf.mul(g, 0.1))))
 * @since 0.1.0
 */
export const tidy = <T>(f: () => T): T => tf.tidy(f as () => tf.TensorContainer) as unknown as T;
