/**
 * Test helpers for layers: deterministic inputs, leaf replacement, a naive convolution written with
 * loops (the independent expectation for the convolution layers), and a central finite-difference
 * gradient check.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { forEachTensor } from '../../src/engine/memory.js';
import type { AnyModule } from '../../src/tree/Field.js';
import { fromArray, toArray } from '../../src/tree/Module.js';

type Tensor = tf.Tensor;

/** Deterministic values in [-1, 1) from a small LCG (independent of the library's random module). */
export const seededValues = (n: number, seed: number): number[] => {
  let s = (seed * 2654435761 + 12345) >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(s / 2 ** 31 - 1);
  }
  return out;
};

/** A float32 tensor of deterministic values in [-1, 1). */
export const seeded = (shape: number[], seed: number): Tensor =>
  tf.tensor(
    seededValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
    'float32',
  );

/** The module `m` with its leaves replaced by deterministic tensors (buffers too). */
export const withSeededLeaves = <M extends AnyModule<unknown>>(m: M, shapes: ReadonlyArray<ReadonlyArray<number>>, seed: number): M =>
  fromArray(
    m,
    shapes.map((s, i) => seeded([...s], seed + i)),
  ) as unknown as M;

/** Nested JS arrays of a tensor (float values). */
export const arr = (t: Tensor): number[] => Array.from(t.dataSync());

/** Elementwise closeness with an absolute + relative tolerance and a readable failure. */
export const expectClose = (actual: Tensor | ArrayLike<number>, expected: Tensor | ArrayLike<number>, tol = 1e-5): void => {
  const a = actual instanceof tf.Tensor ? actual.dataSync() : actual;
  const e = expected instanceof tf.Tensor ? expected.dataSync() : expected;
  if (actual instanceof tf.Tensor && expected instanceof tf.Tensor) {
    expect(actual.shape).to.deep.equal(expected.shape);
  }
  expect(a.length, 'length').to.equal(e.length);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i]! - e[i]!) <= tol * (1 + Math.abs(e[i]!));
    if (!ok) expect.fail(`at flat index ${i}: ${a[i]} vs expected ${e[i]} (tol ${tol})`);
  }
};

/** Index helpers for flat row-major arrays. */
const strides = (shape: ReadonlyArray<number>): number[] => {
  const s = shape.map(() => 1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
};

export interface NaiveConvArgs {
  readonly stride: readonly [number, number];
  readonly padding: readonly [readonly [number, number], readonly [number, number]];
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

/**
 * PyTorch's conv2d by definition, with loops: `y[n, o, i, j] = b[o] + Σ_{c, p, q} w[o, c, p, q] ·
 * x[n, g·Cg + c, i·s − padTop + p·d, j·s − padLeft + q·d]` (zero outside the input).
 */
export const naiveConv2d = (x: Tensor, w: Tensor, b: Tensor | null, a: NaiveConvArgs): Tensor => {
  const [N, C, H, W] = x.shape as number[];
  const [O, Cg, KH, KW] = w.shape as number[];
  const xs = x.dataSync();
  const ws = w.dataSync();
  const bs = b === null ? null : b.dataSync();
  const [[pt, pb], [pl, pr]] = a.padding;
  const OH = Math.floor((H! + pt + pb - a.dilation[0] * (KH! - 1) - 1) / a.stride[0]) + 1;
  const OW = Math.floor((W! + pl + pr - a.dilation[1] * (KW! - 1) - 1) / a.stride[1]) + 1;
  const og = O! / a.groups;
  const xS = strides([N!, C!, H!, W!]);
  const wS = strides([O!, Cg!, KH!, KW!]);
  const out = new Float32Array(N! * O! * OH * OW);
  let k = 0;
  for (let n = 0; n < N!; n++)
    for (let o = 0; o < O!; o++)
      for (let i = 0; i < OH; i++)
        for (let j = 0; j < OW; j++) {
          const g = Math.floor(o / og);
          let acc = bs === null ? 0 : bs[o]!;
          for (let c = 0; c < Cg!; c++)
            for (let p = 0; p < KH!; p++)
              for (let q = 0; q < KW!; q++) {
                const hi = i * a.stride[0] - pt + p * a.dilation[0];
                const wi = j * a.stride[1] - pl + q * a.dilation[1];
                if (hi < 0 || hi >= H! || wi < 0 || wi >= W!) continue;
                acc += ws[o * wS[0]! + c * wS[1]! + p * wS[2]! + q]! * xs[n * xS[0]! + (g * Cg! + c) * xS[1]! + hi * xS[2]! + wi]!;
              }
          out[k++] = acc;
        }
  return tf.tensor(out, [N!, O!, OH, OW]);
};

/**
 * Checks the gradient of `f(...xs)` (a scalar) with respect to every `xs[i]` against central finite
 * differences at up to `samples` entries per input. `f` is evaluated inside tidies; inputs are not disposed.
 */
export const checkGradients = (
  f: (...xs: Tensor[]) => tf.Scalar,
  xs: Tensor[],
  options: { readonly samples?: number; readonly h?: number; readonly rtol?: number; readonly atol?: number } = {},
): void => {
  const samples = options.samples ?? 6;
  const h = options.h ?? 1e-2;
  const rtol = options.rtol ?? 1e-2;
  const atol = options.atol ?? 1e-3;
  const analytic = tf.tidy(() =>
    tf
      .grads(f)(xs)
      .map((g) => Array.from(g.dataSync())),
  );
  xs.forEach((x, xi) => {
    const base = Array.from(x.dataSync());
    const picks =
      base.length <= samples ? base.map((_, i) => i) : seededValues(samples, xi + 7).map((u) => Math.floor(((u + 1) / 2) * base.length));
    for (const idx of picks) {
      const at = (delta: number): number =>
        tf.tidy(() => {
          const moved = base.slice();
          moved[idx] = moved[idx]! + delta;
          const args = xs.map((y, j) => (j === xi ? tf.tensor(moved, x.shape, 'float32') : y));
          return f(...args).dataSync()[0]!;
        });
      const numeric = (at(h) - at(-h)) / (2 * h);
      const a = analytic[xi]![idx]!;
      if (Math.abs(a - numeric) > atol + rtol * Math.max(Math.abs(a), Math.abs(numeric))) {
        expect.fail(`gradient of input ${xi} at flat index ${idx}: analytic ${a} vs finite difference ${numeric}`);
      }
    }
  });
};

/** `sum(y * r)` with a fixed deterministic `r` of `y`'s shape: a loss whose gradient is `r`, for gradient checks. */
export const weightedSum = (y: Tensor, seed = 99): tf.Scalar => tf.sum(tf.mul(y, seeded([...y.shape], seed))) as tf.Scalar;

/** Runs `f` and checks it left no tensor behind besides the (distinct, new) tensors of its result. */
export const expectNoLeak = <T>(f: () => T): T => {
  const before = tf.memory().numTensors;
  const out = f();
  const returned = new Set<Tensor>();
  forEachTensor(out, (t) => void returned.add(t));
  expect(tf.memory().numTensors - returned.size, 'tensors leaked').to.equal(before);
  return out;
};

export { toArray };

// A tiny user-defined container, to check that a layer's shape error names its path in a tree.
import { anyModules } from '../../src/tree/Field.js';
import { apply, defineModule, type ModuleType } from '../../src/tree/Module.js';

/** `Holder.forward(h, x)` runs `body[0]`, `body[1]`, ... in turn; errors come out at `"body.<i>"`. */
export const Holder = defineModule('test/nn/Holder', {
  name: 'Holder',
  fields: { body: anyModules() },
  forward: (m, x: unknown): unknown => m.body.reduce((h: unknown, layer) => apply(layer, h), x),
});
export type Holder<A> = ModuleType<typeof Holder, A>;
