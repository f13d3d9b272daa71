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
 * import { forEachTensor, tf } from 'parallax-ts'
 * const tree = { weight: tf.zeros([2, 3]), bias: tf.zeros([2]), steps: 10 }
 * const shapes: number[][] = []
 * forEachTensor(tree, (t) => shapes.push(t.shape))
 * shapes // [[2, 3], [2]]
 * @category memory
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
 * import { dispose, tf } from 'parallax-ts'
 * const w = tf.ones([2, 2])
 * const oldParams = { layers: [{ weight: w, bias: tf.zeros([2]) }], tied: w }
 * dispose(oldParams) // every tensor once, `w` included
 * w.isDisposed // true
 * @category memory
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
 * import { tf, tidy } from 'parallax-ts'
 * const params = { weight: tf.ones([2, 2]), bias: tf.zeros([2]) }
 * const grads = { weight: tf.fill([2, 2], 0.5), bias: tf.ones([2]) }
 * const next = tidy(() => ({
 *   weight: tf.sub(params.weight, tf.mul(grads.weight, 0.1)),
 *   bias: tf.sub(params.bias, tf.mul(grads.bias, 0.1)),
 * })) // the products are freed, `next`'s two tensors kept
 * next.weight.dataSync() // Float32Array [0.95, 0.95, 0.95, 0.95]
 * @category memory
 * @since 0.1.0
 */
export const tidy = <T>(f: () => T): T => tf.tidy(f as () => tf.TensorContainer) as unknown as T;
