/**
 * Ops with hand-written gradients (`nn.Linear`, `nn.Conv2d`): one tape node per layer instead of one
 * per kernel, and direct kernel calls inside.
 *
 * @since 0.1.0
 */
import { tf } from './backend.js';

type Tensor = tf.Tensor;

/** What an op with its own gradient gives tfjs-core's engine (what `tf.customGrad` builds). @internal */
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
 * runCustomOp('LinearOp', { inputs: { x, weight }, forwardFunc: (_, save) => ..., backwardsFunc: (dy, saved) => ({ x: () => ..., weight: () => ... }) })
 * @internal
 */
export const runCustomOp = (name: string, op: CustomOp): Tensor => tf.tidy(name, () => engine().runKernelFunc(op));

/**
 * Calls a kernel directly. Inside a custom op the tape is off anyway, and the op wrappers' argument
 * checks and scopes cost about 0.5 µs per call — noticeable in one-sample steps.
 * @example
 * runKernel('Transpose', { x }, { perm: [0, 2, 3, 1] })
 * @internal
 */
export const runKernel = (name: string, inputs: Record<string, Tensor>, attrs: Record<string, unknown> = {}): Tensor =>
  engine().runKernel(name, inputs, attrs);
