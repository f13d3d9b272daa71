/**
 * `linearOp(x, weight, bias)`: `x Wᵀ + b` over the last axis with PyTorch's `weight: [out, in]`, as
 * ONE differentiable operation with a hand-written gradient. `nn.Linear` runs on it.
 *
 * Why not `tf.add(tf.matMul(x, W, false, true), b)` and tfjs's automatic gradient:
 *
 * - The products are the ones tfjs's own gradient would use: forward `x · Wᵀ` (`transposeB`), input
 *   gradient `dy · W`, weight gradient `dyᵀ · x` (`transposeA`). On cpu flags cost nothing. On wasm,
 *   where tfjs-backend-wasm 4.22.0 runs flagged products in a loop ~10× slower than its XNNPACK
 *   path, parallax's own wasm `BatchMatMul` (src/engine/wasmBatchMatMul.ts) transposes explicitly
 *   and picks the cheaper orientation; for the forward with PyTorch's `[out, in]` layout it computes
 *   `(W · xᵀ)ᵀ`, which packs the batch instead of the weight (1.1 ms instead of 1.8 ms for
 *   `[64, 784] · [256, 784]ᵀ` with transposes written here, 11 ms with the original kernel).
 * - One tape node instead of two (`matMul`, `add`) saves dispatches and the tensors tfjs keeps for
 *   the backward pass, and the gradients are computed lazily: only those of inputs that lead to the
 *   differentiated leaves (no input gradient for the first layer).
 * - A rank-1 input (one sample) is a matrix-vector product `W · x` inside the op: the reshapes to and
 *   from `[1, in]` that dominated such dispatch-bound steps no longer land on the tape, and neither
 *   do their gradients.
 *
 * The gradients are the exact derivatives (the same sums as the automatic ones, possibly added in a
 * different order): `dx = dy · W`, `dW = dyᵀ · x` (summed over all leading axes), `db = Σ dy`.
 * Higher-order gradients through this op are not supported (tfjs's `customGrad` has the same limit).
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { type CustomOp, runCustomOp, runKernel } from '../engine/customOp.js';

type Tensor = tf.Tensor;

const runOp = (op: CustomOp): Tensor => runCustomOp('LinearOp', op);

/** Whether the outer product of a rank-1 input's weight gradient is a broadcast multiply (wasm) rather than a k = 1 matMul. */
const outerByMultiply = (): boolean => tf.getBackend() === 'wasm';

const inputsOf = (x: Tensor, weight: Tensor, bias: Tensor | undefined): Record<string, Tensor> =>
  bias === undefined ? { x, weight } : { x, weight, bias };

const reshape = (x: Tensor, shape: number[]): Tensor => runKernel('Reshape', { x }, { shape });
const matMul = (a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor =>
  runKernel('BatchMatMul', { a, b }, { transposeA, transposeB });
const add = (a: Tensor, b: Tensor): Tensor => runKernel('Add', { a, b });
const mul = (a: Tensor, b: Tensor): Tensor => runKernel('Multiply', { a, b });
const sumRows = (x: Tensor): Tensor => runKernel('Sum', { x }, { axis: [0], keepDims: false });

/** Rank-1 input `[in]`: `y = W · x + b` as a matrix-vector product, without a `[1, in]` round trip on the tape. */
const vector = (x: Tensor, weight: Tensor, bias: Tensor | undefined): Tensor => {
  const byMultiply = outerByMultiply();
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  return runOp({
    inputs: inputsOf(x, weight, bias),
    forwardFunc: (_, save) => {
      save([x, weight]);
      const y = reshape(matMul(weight, reshape(x, [inFeatures, 1])), [outFeatures]);
      return bias === undefined ? y : add(y, bias);
    },
    backwardsFunc: (dy, [xs, w]) => ({
      x: () => reshape(matMul(reshape(dy, [1, outFeatures]), w!), [inFeatures]),
      // The outer product dy ⊗ x: a broadcast multiply on wasm, a k = 1 matMul on cpu (whose
      // broadcasting multiply is 3× slower than that for small layers).
      weight: () =>
        byMultiply
          ? mul(reshape(dy, [outFeatures, 1]), xs!)
          : matMul(reshape(dy, [1, outFeatures]), reshape(xs!, [1, inFeatures]), true, false),
      // The output gradient itself; tfjs's tape only adds to it or frees it after this node.
      bias: () => dy,
    }),
  });
};

/** Rank-2 input `[n, in]`. */
const matrix = (x: Tensor, weight: Tensor, bias: Tensor | undefined): Tensor =>
  runOp({
    inputs: inputsOf(x, weight, bias),
    forwardFunc: (_, save) => {
      save([x, weight]);
      const y = matMul(x, weight, false, true);
      return bias === undefined ? y : add(y, bias);
    },
    backwardsFunc: (dy, [xs, w]) => ({
      x: () => matMul(dy, w!),
      weight: () => matMul(dy, xs!, true, false),
      bias: () => sumRows(dy),
    }),
  });

/**
 * `x Wᵀ + b` over the last axis of `x` (any rank ≥ 1), with `weight: [out, in]` and `bias: [out]`
 * (or `undefined` for none); differentiable in all three. Shapes are not validated here (`nn.Linear`
 * does that). The result is a new tensor owned by the caller. Internal: users reach it through
 * `nn.Linear`, whose forward pass is `linearOp(x, weight, useBias ? bias : undefined)`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const layer = initialize(nn.Linear.create(3, 4))(random.key(0))
 * const y = nn.Linear.forward(layer, tf.ones([2, 3])) // linearOp(x, layer.weight, layer.bias): [2, 4]
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const linearOp = (x: Tensor, weight: Tensor, bias: Tensor | undefined): Tensor => {
  if (x.rank === 2) return matrix(x, weight, bias);
  if (x.rank === 1) return vector(x, weight, bias);
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  return tf.tidy(() => tf.reshape(matrix(tf.reshape(x, [-1, inFeatures]), weight, bias), [...x.shape.slice(0, -1), outFeatures]));
};
