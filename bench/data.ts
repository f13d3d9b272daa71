/**
 * Deterministic inputs and starting weights shared by every contender, so that all of them compute
 * the same numbers (the smoke test checks the losses agree). Weights are made in PyTorch's layout
 * (`[out, in]`, parallax-ts's `Linear`) and transposed for contenders that store `[in, out]`.
 */

/** mulberry32: a tiny seeded generator; quality is irrelevant, reproducibility is what counts. */
const mulberry32 = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** `n` floats uniform in `[-bound, bound)`. */
export const uniformArray = (seed: number, n: number, bound: number): Float32Array => {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * next() - 1) * bound;
  return out;
};

/** One-hot rows of `classes` columns, labels cycling through the classes. */
export const oneHot = (rows: number, classes: number, seed: number): Float32Array => {
  const next = mulberry32(seed);
  const out = new Float32Array(rows * classes);
  for (let i = 0; i < rows; i++) out[i * classes + Math.floor(next() * classes)] = 1;
  return out;
};

/** Row-major `[rows, cols]` → `[cols, rows]`. */
export const transpose2d = (a: Float32Array, rows: number, cols: number): Float32Array => {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
};

/** A dense layer's starting weights: PyTorch's `U(±1/√in)` for weight `[out, in]` and bias `[out]`. */
export interface DenseWeights {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** `[out, in]` row-major. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

export const denseWeights = (seed: number, inFeatures: number, outFeatures: number): DenseWeights => {
  const bound = 1 / Math.sqrt(inFeatures);
  return {
    inFeatures,
    outFeatures,
    weight: uniformArray(seed, inFeatures * outFeatures, bound),
    bias: uniformArray(seed + 1, outFeatures, bound),
  };
};

/** The kernel `[in, out]` that tfjs-layers and hand-written tfjs use. */
export const kernelOf = (d: DenseWeights): Float32Array => transpose2d(d.weight, d.outFeatures, d.inFeatures);
