/**
 * A faster `BatchMatMul` (every `tf.matMul`, and every matMul gradient) for the wasm backend,
 * wrapping the backend's own kernel.
 *
 * Why: tfjs-backend-wasm 4.22.0 runs a product on XNNPACK only when it has no transpose flag and
 * both operands are single matrices (batch 1); anything else (a `transposeA`/`transposeB` flag, or
 * a batch of matrices, even one broadcast against a single matrix) falls to a generic loop about
 * 10× slower. tfjs's gradient of `matMul` always uses flags, so every backward pass pays it.
 * Measured here (ms per product, original kernel → this one):
 *
 * - `[64, 784] · [256, 784]ᵀ` 11.3 → 1.8; `[64, 784]ᵀ · [64, 256]` 13.2 → 0.9 (an MLP's forward and
 *   weight gradient); `[64, 256] · [10, 256]ᵀ` 0.15 → 0.04; 64×64 0.24 → 0.04;
 * - `[8, 128, 64] · [64, 256]` (a batch against one matrix) 17.4 → as one `[1024, 64]` product;
 * - `[8, 128, 64] · [8, 128, 64]ᵀ` (attention scores) 7.6 → 1.9, one product per batch entry.
 *
 * What it does, by the operands' batch sizes (the product of their leading axes):
 *
 * - `b` a single matrix: flagged operands are transposed explicitly (the backend's `Transpose`, a
 *   memory move), the batch of `a` is stacked into one `[batch·m, k]` matrix, and the original
 *   kernel runs one flag-free product. Below `SMALL` multiply-adds the transposes cost more than
 *   they save (4×3·3×2: 3 µs → 6 µs), so small products keep the original path.
 * - batches on both sides: the original kernel per batch entry (flag-free, after explicit
 *   transposes), results concatenated. Each such product builds a new XNNPACK operator (it packs
 *   `b`, ~0.1–0.2 ms), which only pays off for large matrices (`SPLIT_OUT`, `SPLIT_MACS`): 32
 *   products of 64×32×64 took 4 ms in the original kernel and 8 ms split; 8 of 128×64×128 7.6 ms vs 1.9 ms.
 * - anything else (other dtypes, mismatched shapes): the original kernel, with its own errors.
 *
 * XNNPACK's operator for a flag-free product holds `b` packed, and tfjs caches it by `b`'s tensor
 * id until that tensor is freed: a product on a new `b` pays for packing it (about 2.2 ns per
 * element here, on one thread even when the product itself runs on several; 0.11 ms for a
 * `[784, 64]` batch, 0.45 ms for a `[784, 256]` weight, against 0.6 ms of arithmetic for either
 * product at batch 64), the same `b` again does not. Hence the choice of orientation below. It
 * also means a buffer must never get new contents in place once it was a `b` (the cached packing
 * would be used, silently stale): write into a new tensor instead.
 *
 * Same sums as the original, possibly added in a different order. Every intermediate is freed.
 * Registered once, on import (before the wasm backend initializes, so the original's set-up runs).
 *
 * @since 0.1.0
 */
import * as tf from '@tensorflow/tfjs-core';
import { kernelScope, type RunKernel } from './wasmKernelScope.js';

interface MatMulAttrs {
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/** Fewer multiply-adds than this: the original kernel (a transpose's fixed cost would dominate). Measured: 16×16×16 breaks even, 20×20×20 wins 1.3–1.7×. */
const SMALL = 8192;
/** Batched products run one by one only when each has at least this many outputs (96×96 won 2.4×, 64×64 lost 1.2–2×)... */
const SPLIT_OUT = 8192;
/** ...and at least this many multiply-adds (128×32×128 won 2.7×; 64×128×64 broke even). */
const SPLIT_MACS = 1 << 19;

/**
 * Costs of the two ways to run one flagged `[m, k] · [k, n]` product, in elements moved: explicit
 * transposes (about 1 ns per element here) plus twice the right operand, which XNNPACK packs anew
 * for every new tensor (about 2.5 ns per element; weights change every training step). Direct:
 * `op(a) · op(b)`; swapped: `(op(b)ᵀ · op(a)ᵀ)ᵀ`, which moves the output once more but packs
 * `op(a)ᵀ` (`k·m`) instead of `op(b)` (`k·n`). Measured for `[64, 784] · [256, 784]ᵀ` (a layer's
 * forward with PyTorch's weight layout): direct 1.8 ms, swapped 1.1 ms (the original kernel 11 ms).
 */
const directCost = (m: number, k: number, n: number, ta: boolean, tb: boolean): number => (ta ? m * k : 0) + (tb ? k * n : 0) + 2 * k * n;
const swappedCost = (m: number, k: number, n: number, ta: boolean, tb: boolean): number =>
  (ta ? 0 : m * k) + (tb ? 0 : k * n) + m * n + 2 * k * m;

const original = tf.getKernel('BatchMatMul', 'wasm');

const WHO = 'wasm BatchMatMul';
const scoped = (backend: tf.KernelBackend, body: (run: RunKernel) => tf.TensorInfo): tf.TensorInfo =>
  kernelScope(backend, 'wasm', WHO, body);

/** `x` as `[batch, rows, cols]`, its last two axes swapped when `transpose`. */
const asBatch = (run: RunKernel, x: tf.TensorInfo, batch: number, transpose: boolean): tf.TensorInfo => {
  const [r, c] = x.shape.slice(-2) as [number, number];
  const x3 = run('Reshape', { x }, { shape: [batch, r, c] });
  return transpose ? run('Transpose', { x: x3 }, { perm: [0, 2, 1] }) : x3;
};

const batchMatMul: tf.KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA = false, transposeB = false } = attrs as MatMulAttrs;
  const fallback = (): tf.TensorInfo => original!.kernelFunc(args) as tf.TensorInfo;
  const ra = a.shape.length;
  const rb = b.shape.length;
  // The common small cases first, cheaply: dispatch-bound steps call this kernel dozens of times.
  if (
    ra === 2 &&
    rb === 2 &&
    (!(transposeA || transposeB) || a.shape[0]! * a.shape[1]! * (transposeB ? b.shape[0]! : b.shape[1]!) < SMALL)
  ) {
    return fallback();
  }
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || ra < 2 || rb < 2) return fallback();
  const ar = a.shape[ra - 2]!;
  const ac = a.shape[ra - 1]!;
  const br = b.shape[rb - 2]!;
  const bc = b.shape[rb - 1]!;
  const [m, k] = transposeA ? [ac, ar] : [ar, ac];
  const [kb, n] = transposeB ? [bc, br] : [br, bc];
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  if (k !== kb || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return fallback();
  let outShape: number[];
  try {
    outShape = [...tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
  } catch {
    return fallback();
  }
  const flagged = transposeA || transposeB;
  const wasm = backend as tf.KernelBackend;

  if (batchB === 1) {
    if ((!flagged && batchA === 1) || batchA * m * k * n < SMALL) return fallback();
    if (flagged && batchA === 1 && swappedCost(m, k, n, transposeA, transposeB) < directCost(m, k, n, transposeA, transposeB)) {
      // (op(a) · op(b))ᵀ = op(b)ᵀ · op(a)ᵀ: XNNPACK then packs op(a)ᵀ instead of op(b).
      return scoped(wasm, (run) => {
        const b2 = run('Reshape', { x: b }, { shape: [br, bc] });
        const left = transposeB ? b2 : run('Transpose', { x: b2 }, { perm: [1, 0] }); // [n, k]
        const right = transposeA ? a : run('Transpose', { x: a }, { perm: [1, 0] }); // [k, m]
        const outT = run('BatchMatMul', { a: left, b: right }, {});
        const out = run('Transpose', { x: outT }, { perm: [1, 0] });
        return run('Reshape', { x: out }, { shape: outShape });
      });
    }
    return scoped(wasm, (run) => {
      const a2 = run('Reshape', { x: asBatch(run, a, batchA, transposeA) }, { shape: [batchA * m, k] });
      const b2 = asBatch(run, b, 1, transposeB);
      const out = run('BatchMatMul', { a: a2, b: b2 }, {});
      return run('Reshape', { x: out }, { shape: outShape });
    });
  }
  if (m * n < SPLIT_OUT || m * k * n < SPLIT_MACS) return fallback();
  return scoped(wasm, (run) => {
    const a3 = asBatch(run, a, batchA, transposeA);
    const b3 = asBatch(run, b, batchB, transposeB);
    const slice = (x: tf.TensorInfo, i: number): tf.TensorInfo =>
      x.shape[0] === 1 ? x : run('Slice', { x }, { begin: [i, 0, 0], size: [1, x.shape[1], x.shape[2]] });
    const parts: tf.TensorInfo[] = [];
    for (let i = 0; i < batchB; i++) parts.push(run('BatchMatMul', { a: slice(a3, i), b: slice(b3, i) }, {}));
    const out = run('Concat', parts as unknown as tf.NamedTensorInfoMap, { axis: 0 });
    return run('Reshape', { x: out }, { shape: outShape });
  });
};

if (original !== undefined && original.kernelFunc !== batchMatMul) {
  tf.unregisterKernel('BatchMatMul', 'wasm');
  // Keep the original's set-up (it binds the wasm function the original kernel calls).
  tf.registerKernel({ ...original, kernelFunc: batchMatMul });
}
