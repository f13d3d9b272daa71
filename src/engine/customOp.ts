/**
 * Ops with hand-written gradients (`nn.Linear`, `nn.Conv2d`): one tape node per layer instead of one
 * per kernel, and direct kernel calls inside.
 *
 * @since 0.1.0
 */
import { tf } from './backend.js';

type Tensor = tf.Tensor;

/**
 * What an op with its own gradient gives tfjs-core's engine (what `tf.customGrad` builds).
 *
 * @example
 * import { tf } from 'parallax-ts'
 * // the public counterpart: tf.customGrad turns a forward and a backward into such an op
 * const square = tf.customGrad((x, save) => {
 *   const t = x as tf.Tensor
 *   const saveTensors = save as (ts: tf.Tensor[]) => void
 *   saveTensors([t])
 *   return { value: tf.square(t), gradFunc: (dy: tf.Tensor, [s]: tf.Tensor[]) => tf.mul(dy, tf.mul(s!, 2)) }
 * })
 * const dx = tf.grad((x: tf.Tensor) => square(x))(tf.tensor1d([1, 2, 3])) // [2, 4, 6]
 * @category kernels
 * @since 0.1.0
 * @internal
 */
export interface CustomOp {
  readonly forwardFunc: (backend: unknown, save: (tensors: Tensor[]) => void) => Tensor;
  readonly backwardsFunc: (dy: Tensor, saved: Tensor[]) => Record<string, () => Tensor>;
  readonly inputs: Record<string, Tensor>;
}

interface CustomOpEngine {
  runKernelFunc(op: CustomOp): Tensor;
  runKernel(name: string, inputs: object, attrs: object): Tensor;
}

const engine = (): CustomOpEngine => tf.engine() as unknown as CustomOpEngine;

/**
 * Runs `op` as one tape node inside a scope called `name`: tfjs names such a node after the
 * enclosing scope and would use a registered gradient of that name instead of ours (a caller's
 * `tf.tidy('Add', ...)` would), and the name makes profiles readable.
 * @example
 * import { tf } from 'parallax-ts'
 * // runCustomOp('Square', op) is what `square` below does, with the tape node named 'Square'
 * const square = tf.customGrad((x, save) => {
 *   const t = x as tf.Tensor
 *   const saveTensors = save as (ts: tf.Tensor[]) => void
 *   saveTensors([t])
 *   return { value: tf.square(t), gradFunc: (dy: tf.Tensor, [s]: tf.Tensor[]) => tf.mul(dy, tf.mul(s!, 2)) }
 * })
 * const y = tf.tidy('Square', () => square(tf.tensor1d([1, 2, 3]))) // [1, 4, 9]
 * @category kernels
 * @since 0.1.0
 * @internal
 */
export const runCustomOp = (name: string, op: CustomOp): Tensor => tf.tidy(name, () => engine().runKernelFunc(op));

/**
 * Calls a kernel directly. Inside a custom op the tape is off anyway, and the op wrappers' argument
 * checks and scopes cost about 0.5 µs per call — noticeable in one-sample steps.
 * @example
 * import { tf } from 'parallax-ts'
 * const x = tf.tensor2d([[1, 2], [3, 4]])
 * // runKernel('Transpose', { x }, { perm: [1, 0] }) is this call:
 * const y = tf.engine().runKernel<tf.Tensor>('Transpose', { x }, { perm: [1, 0] })
 * y.dataSync() // Float32Array [1, 3, 2, 4]
 * @category kernels
 * @since 0.1.0
 * @internal
 */
export const runKernel = (name: string, inputs: Record<string, Tensor>, attrs: Record<string, unknown> = {}): Tensor =>
  engine().runKernel(name, inputs, attrs);
