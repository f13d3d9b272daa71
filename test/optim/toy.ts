/** A tiny module for optimizer tests: two parameter leaves, a buffer, and a constant. */
import { tf } from '../../src/engine/backend.js';
import { buffer, constant, defineModule, type ModuleType, param } from '../../src/tree/index.js';

type Tensor = tf.Tensor;

/**
 * forward: `sum(a * x) + b[0]`; forwardWithState also moves `stat` towards mean(x) (a running
 * mean, like BatchNorm's), so tests can check that buffers are threaded and never optimized.
 */
export const Toy = defineModule('test/optim/Toy', {
  name: 'Toy',
  fields: { a: param(), b: param(), stat: buffer(), label: constant<string>() },
  forward: (m, x: Tensor): Tensor => tf.add(tf.sum(tf.mul(m.a, x)), tf.reshape(tf.slice(m.b, [0], [1]), [])),
  forwardWithState: (m, x: Tensor) =>
    [
      tf.add(tf.sum(tf.mul(m.a, x)), tf.reshape(tf.slice(m.b, [0], [1]), [])),
      { ...m, stat: tf.add(tf.mul(m.stat, 0.9), tf.mul(tf.mean(x), 0.1)) },
    ] as const,
});
export type Toy<A> = ModuleType<typeof Toy, A>;

export const toy = (a: number[], b: number[], stat = [0]): Toy<Tensor> =>
  Toy.make({ a: tf.tensor1d(a), b: tf.tensor1d(b), stat: tf.tensor1d(stat), label: 'toy' });
