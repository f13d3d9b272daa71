/**
 * PyTorch's 2-d max and average pooling by their definitions (aten's CPU kernels, written as loops):
 * window `[i·s − p, i·s − p + k)` clipped, and for averages PyTorch's divisor rules.
 */
import { tf } from '../../src/engine/backend.js';

type Tensor = tf.Tensor;

/** aten's pooling_output_shape (dilation 1). */
export const outSize = (size: number, k: number, s: number, p: number, ceil: boolean): number => {
  let o = Math.floor((size + 2 * p - k + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= size + p) o--;
  return o;
};

export interface PoolArgs {
  readonly k: [number, number];
  readonly s: [number, number];
  readonly p: [number, number];
  readonly ceil: boolean;
}

const pool = (x: Tensor, a: PoolArgs, reduce: (vals: number[], poolSize: number, clippedSize: number) => number): Tensor => {
  const [N, C, H, W] = x.shape as number[];
  const xa = x.arraySync() as number[][][][];
  const OH = outSize(H!, a.k[0], a.s[0], a.p[0], a.ceil);
  const OW = outSize(W!, a.k[1], a.s[1], a.p[1], a.ceil);
  const out: number[] = [];
  for (let n = 0; n < N!; n++)
    for (let c = 0; c < C!; c++)
      for (let i = 0; i < OH; i++)
        for (let j = 0; j < OW; j++) {
          let h0 = i * a.s[0] - a.p[0];
          let w0 = j * a.s[1] - a.p[1];
          let h1 = Math.min(h0 + a.k[0], H! + a.p[0]);
          let w1 = Math.min(w0 + a.k[1], W! + a.p[1]);
          const poolSize = (h1 - h0) * (w1 - w0);
          h0 = Math.max(h0, 0);
          w0 = Math.max(w0, 0);
          h1 = Math.min(h1, H!);
          w1 = Math.min(w1, W!);
          const vals: number[] = [];
          for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) vals.push(xa[n]![c]![h]![w]!);
          out.push(reduce(vals, poolSize, (h1 - h0) * (w1 - w0)));
        }
  return tf.tensor(out, [N!, C!, OH, OW]);
};

export const naiveMaxPool2d = (x: Tensor, a: PoolArgs): Tensor => pool(x, a, (v) => Math.max(...v));

export const naiveAvgPool2d = (x: Tensor, a: PoolArgs & { readonly countIncludePad: boolean; readonly divisor: number | null }): Tensor =>
  pool(x, a, (v, poolSize, clipped) => v.reduce((s, t) => s + t, 0) / (a.divisor ?? (a.countIncludePad ? poolSize : clipped)));
