/** Normalizations written out with loops over flat arrays: the independent expectations. */

/** mean and biased variance of `xs`. */
export const stats = (xs: number[]): { mean: number; variance: number } => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length };
};

/**
 * Normalizes consecutive blocks of `block` values of `xs` (the layout of LayerNorm's trailing axes
 * and GroupNorm's groups): `(x − mean) / √(var + eps)`.
 */
export const normalizeBlocks = (xs: number[], block: number, eps: number): number[] => {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i += block) {
    const b = xs.slice(i, i + block);
    const { mean, variance } = stats(b);
    out.push(...b.map((v) => (v - mean) / Math.sqrt(variance + eps)));
  }
  return out;
};
