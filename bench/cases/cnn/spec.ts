/**
 * Case 3: a small CNN step on 28×28 grey images, batch 32: conv 1→8 3×3 → relu → conv 8→16 3×3
 * stride 2 → relu → flatten (16·12·12 = 2304) → linear 2304→10; softmax cross-entropy, SGD(0.05).
 * Strided convolution instead of pooling keeps the case to layers every contender has.
 *
 * Layouts differ by contender, the math does not: parallax-ts and jax-js take PyTorch's NCHW
 * (weights OIHW), tfjs NHWC (weights HWIO). With one input channel both image layouts are the same
 * bytes; conv weights are transposed, and the linear layer's rows are permuted from the NCHW
 * flattening order (c, h, w) to NHWC's (h, w, c), so every contender computes the same loss.
 */
import { denseWeights, type DenseWeights, oneHot, uniformArray } from '../../data.js';

export const CNN = { batch: 32, size: 28, c1: 8, c2: 16, out2: 12, classes: 10, lr: 0.05 } as const;
export const FLAT = CNN.c2 * CNN.out2 * CNN.out2;

export interface ConvWeights {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly k: number;
  /** `[out, in, k, k]` (OIHW) row-major. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

const convWeights = (seed: number, inChannels: number, outChannels: number, k: number): ConvWeights => {
  const bound = 1 / Math.sqrt(inChannels * k * k);
  return {
    inChannels,
    outChannels,
    k,
    weight: uniformArray(seed, outChannels * inChannels * k * k, bound),
    bias: uniformArray(seed + 1, outChannels, bound),
  };
};

export interface CnnData {
  /** `[32, 28, 28]` pixels: NHWC with C = 1, and equally NCHW. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly conv1: ConvWeights;
  readonly conv2: ConvWeights;
  /** `[10, 2304]`, columns in NCHW flattening order. */
  readonly fc: DenseWeights;
}

export const cnnData = (): CnnData => ({
  x: uniformArray(31, CNN.batch * CNN.size * CNN.size, 1),
  y: oneHot(CNN.batch, CNN.classes, 32),
  conv1: convWeights(33, 1, CNN.c1, 3),
  conv2: convWeights(35, CNN.c1, CNN.c2, 3),
  fc: denseWeights(37, FLAT, CNN.classes),
});

/** OIHW → HWIO (tfjs's filter layout). */
export const hwio = (w: ConvWeights): Float32Array => {
  const { inChannels: I, outChannels: O, k } = w;
  const out = new Float32Array(w.weight.length);
  for (let o = 0; o < O; o++)
    for (let i = 0; i < I; i++)
      for (let h = 0; h < k; h++) for (let x = 0; x < k; x++) out[((h * k + x) * I + i) * O + o] = w.weight[((o * I + i) * k + h) * k + x]!;
  return out;
};

/** The linear layer as a tfjs kernel `[2304, 10]` whose rows follow NHWC flattening (h, w, c). */
export const fcKernelNhwc = (fc: DenseWeights): Float32Array => {
  const out = new Float32Array(fc.weight.length);
  const S = CNN.out2;
  for (let o = 0; o < CNN.classes; o++)
    for (let c = 0; c < CNN.c2; c++)
      for (let h = 0; h < S; h++)
        for (let w = 0; w < S; w++) out[((h * S + w) * CNN.c2 + c) * CNN.classes + o] = fc.weight[o * FLAT + (c * S + h) * S + w]!;
  return out;
};
