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
  // An explicit stack, not recursion: trees thousands of levels deep must not exhaust the JS stack.
  // A container that holds one of its own ancestors would loop forever, so it is refused.
  const stack: Array<unknown | Leaving> = [u];
  const onPath = new Set<object>();
  while (stack.length > 0) {
    const x = stack.pop();
    if (x instanceof Leaving) {
      onPath.delete(x.container);
    } else if (x instanceof tf.Tensor) {
      f(x);
    } else if (typeof x === 'object' && x !== null && !ArrayBuffer.isView(x)) {
      // (typed arrays hold numbers only: not searched)
      if (onPath.has(x)) throw new TypeError('forEachTensor: the value holds itself (a cycle of arrays or records)');
      onPath.add(x);
      stack.push(new Leaving(x));
      const children = Array.isArray(x) ? x : Object.values(x);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
};

/** A marker on forEachTensor's stack: every child of `container` has been visited. */
class Leaving {
  constructor(readonly container: object) {}
}

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
export const tidy = <T>(f: () => T): T => {
  // tf.tidy searches the result it keeps recursively; a flat list of the result's tensors (found
  // iteratively) keeps the same tensors whatever the depth of the tree that holds them.
  let result: T | undefined;
  tf.tidy(() => {
    result = f();
    if (typeof (result as { then?: unknown } | null)?.then === 'function') {
      throw new TypeError('tidy: f returned a Promise; tensors cannot be tracked across an await (tidy the synchronous part)');
    }
    const kept: tf.Tensor[] = [];
    forEachTensor(result, (t) => kept.push(t));
    return kept;
  });
  return result as T;
};
