/**
 * `conv2dOp(x, weight, bias, args)`: PyTorch's 2-d convolution (`x: [N, C_in, H, W]` NCHW,
 * `weight: [C_out, C_in, kH, kW]` OIHW, `bias: [C_out]`, zero padding, stride; one group, no
 * dilation) as ONE differentiable operation with a hand-written gradient. `conv2dNchw` (behind
 * `nn.Conv2d` and `nn.ConvTranspose2d`) runs on it whenever `groups === 1`, after dilating the
 * kernel and cropping negative padding itself; `nn.Conv1d` with one group calls it directly with
 * rank-3 `[N, C_in, L]` input and `[C_out, C_in, k]` weight (height 1, reshaped inside the op).
 *
 * Why not the composition `transpose → conv2d → add → transpose` with tfjs's automatic gradient:
 * that puts 5 nodes per convolution on the tape (plus `pad` when padded) and its backward pass
 * transposes `dy` twice (once per transpose's gradient) and runs a `Sum` + `Reshape` for the bias.
 * Here there is one node; the kernels are fed the layout they run fastest in, once:
 *
 * - cpu: tfjs-backend-cpu's `Conv2D`, `Conv2DBackpropInput` and `Conv2DBackpropFilter` accept NCHW
 *   data directly (same loops, other strides; measured no slower for the bench CNN's layers), so no
 *   activation is transposed at all; only the (small) weight goes OIHW ↔ HWIO.
 * - wasm: its kernels are NHWC only: `x` is transposed in and the result out once each; in the
 *   backward pass `dy` is transposed in once and shared by the input and filter gradients, and the
 *   input gradient transposed out once.
 * - the bias is folded into the convolution (`FusedConv2D`, one XNNPACK call on wasm); its
 *   gradient is `Σ dy` over batch and space, one `Sum`.
 * - the padding goes to the kernels as explicit padding (no `pad` op, no padded copy).
 * - gradients are lazy: only those of inputs that lead to the differentiated leaves are computed
 *   (no input gradient for a network's first layer).
 *
 * The gradients are the exact derivatives, computed by tfjs's own backprop kernels (the same ones
 * its automatic gradient of `tf.conv2d` uses). Higher-order gradients through this op are not
 * supported (as with `tf.customGrad`).
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { hostMapTensor } from '../engine/trace.js';
import { type CustomOp, runCustomOp, runKernel } from '../engine/customOp.js';
import type { Pair, SidePadding } from './spatial.js';

type Tensor = tf.Tensor;

/**
 * Arguments of {@link conv2dOp}.
 * @example
 * import type { Conv2dOpArgs } from './conv2dOp.js'
 * const args: Conv2dOpArgs = { stride: [2, 2], padding: [[1, 1], [1, 1]] }
 * @internal
 * @category model
 * @since 0.1.0
 */
export interface Conv2dOpArgs {
  readonly stride: Pair;
  /** `[[top, bottom], [left, right]]`, all ≥ 0. */
  readonly padding: readonly [SidePadding, SidePadding];
}

const runOp = (op: CustomOp): Tensor => runCustomOp('Conv2dOp', op);

const transpose = (x: Tensor, perm: number[]): Tensor => runKernel('Transpose', { x }, { perm });
const reshape = (x: Tensor, shape: number[]): Tensor => runKernel('Reshape', { x }, { shape });

const NCHW_TO_NHWC = [0, 2, 3, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];
const OIHW_TO_HWIO = [2, 3, 1, 0];

/**
 * A 2-d convolution of `x: [N, C_in, H, W]` with `weight: [C_out, C_in, kH, kW]` plus `bias: [C_out]`
 * (or `undefined`), with `args.stride` and non-negative explicit `args.padding`; returns
 * `[N, C_out, H', W']`, `H' = floor((H + top + bottom - kH) / strideH) + 1`; or rank 3, `x: [N, C_in, L]`
 * with `weight: [C_out, C_in, k]`, as height 1 (`stride[0]` 1, no top/bottom padding), giving
 * `[N, C_out, L']`. Differentiable in `x`,
 * `weight` and `bias`. Shapes are not validated here (the layers do that). The result is a new
 * tensor owned by the caller.
 * @example
 * import { tf } from 'parallax-ts'
 * import { conv2dOp } from './conv2dOp.js'
 * conv2dOp(tf.ones([1, 1, 3, 3]), tf.ones([2, 1, 2, 2]), tf.zeros([2]), { stride: [1, 1], padding: [[0, 0], [0, 0]] })
 * // [1, 2, 2, 2], every entry 4
 * @internal
 * @category operations
 * @since 0.1.0
 */
export const conv2dOp = (x: Tensor, weight: Tensor, bias: Tensor | undefined, args: Conv2dOpArgs): Tensor => {
  const [[t, b], [l, r]] = args.padding;
  const [sh, sw] = args.stride;
  const padded = t !== 0 || b !== 0 || l !== 0 || r !== 0;
  // tfjs-backend-wasm's convolution kernels are NHWC only; the cpu ones take NCHW as well.
  const nchw = tf.getBackend() !== 'wasm';
  const dataFormat = nchw ? 'NCHW' : 'NHWC';
  const spatialPad = (top: number, bottom: number, left: number, right: number): number[][] =>
    nchw
      ? [
          [0, 0],
          [0, 0],
          [top, bottom],
          [left, right],
        ]
      : [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ];
  const conv = { strides: [sh, sw], pad: padded ? spatialPad(t, b, l, r) : 'valid', dataFormat, dimRoundingMode: undefined };
  // Rank 3 (`nn.Conv1d`'s `[N, C, L]`, weight `[O, I, k]`) runs as height 1; the reshapes happen
  // inside the op (views, off the tape).
  const flat = x.rank === 3;
  const [n, cIn, h, w] = flat ? [x.shape[0]!, x.shape[1]!, 1, x.shape[2]!] : (x.shape as [number, number, number, number]);
  const [cOut, , kh, kw] = flat
    ? [weight.shape[0]!, weight.shape[1]!, 1, weight.shape[2]!]
    : (weight.shape as [number, number, number, number]);
  const as4d = (v: Tensor, shape: number[]): Tensor => (flat ? reshape(v, shape) : v);
  const as3d = (v: Tensor): Tensor => (flat ? reshape(v, [v.shape[0]!, v.shape[1]!, v.shape[3]!]) : v);
  const ho = Math.floor((h + t + b - kh) / sh) + 1;
  const wo = Math.floor((w + l + r - kw) / sw) + 1;
  const inputs: Record<string, Tensor> = bias === undefined ? { x, weight } : { x, weight, bias };
  return runOp({
    inputs,
    forwardFunc: (_, save) => {
      const x4 = as4d(x, [n, cIn, h, w]);
      const filter = transpose(as4d(weight, [cOut, weight.shape[1]!, kh, kw]), OIHW_TO_HWIO);
      save([x4, filter]);
      const xk = nchw ? x4 : transpose(x4, NCHW_TO_NHWC);
      const y =
        bias === undefined
          ? runKernel('Conv2D', { x: xk, filter }, { ...conv, dilations: 1 })
          : runKernel('FusedConv2D', { x: xk, filter, bias }, { ...conv, dilations: 1, activation: 'linear' });
      return as3d(nchw ? y : transpose(y, NHWC_TO_NCHW));
    },
    backwardsFunc: (dy3, [xs, filter]) => {
      const dy = as4d(dy3, [n, cOut, ho, wo]);
      // On wasm both gradients read dy in NHWC (the filter gradient as [Ho, Wo, N, O], 0.16 ms from
      // NHWC against 0.68 ms straight from NCHW for the bench CNN's first layer): transposed once
      // here and shared, so it lives until the backward pass's scope ends.
      const dyk = nchw ? dy : transpose(dy, NCHW_TO_NHWC);
      const grads: Record<string, () => Tensor> = {
        x: () => {
          const byPhases = nchw ? null : inputGradientByPhases(dyk, filter!);
          if (byPhases !== null) return as3d(byPhases);
          const inputShape = nchw ? [n, cIn, h, w] : [n, h, w, cIn];
          const dx = runKernel('Conv2DBackpropInput', { dy: dyk, filter: filter! }, { ...conv, inputShape });
          return as3d(nchw ? dx : transpose(dx, NHWC_TO_NCHW));
        },
        weight: () => as3d(filterGradient(xs!, dyk)),
      };
      // Σ dy over batch and space as two innermost-axis sums: a sum over axes [0, 2, 3] would make
      // both backends' Sum kernels transpose all of dy first.
      if (bias !== undefined) {
        grads['bias'] = () =>
          runKernel(
            'Sum',
            { x: runKernel('Sum', { x: reshape(dy, [n, cOut, ho * wo]) }, { axis: [2], keepDims: false }) },
            { axis: [0], keepDims: false },
          );
      }
      return grads;
    },
  });

  /**
   * The input gradient for strides > 1 on wasm, NHWC `dy` and HWIO `filter` in, NCHW `dx` out.
   * tfjs's way (and src/engine's wasm kernel) spreads `dy` with `s - 1` zeros between entries and
   * runs one stride-1 convolution over it: with stride 2, 3/4 of its multiply-adds hit zeros
   * (2.8 ms for the bench CNN's second layer). Instead, each output phase `(φh, φw)` — the rows
   * `s·a + φh` and columns `s·b + φw` of the padded input — is a stride-1 "full" correlation of `dy`
   * with the taps `W[φh + s·m, φw + s·m']`: `dxpad[s·a + φ] = Σ_m dy[a − m] · W[φ + s·m]`. All phases
   * run as ONE convolution whose output channels are `(φh, φw, c)` (its filter `[⌈kH/s⌉, ⌈kW/s⌉,
   * O, s_h·s_w·C]` holds each phase's taps reversed, zeros where a phase has fewer; built in
   * JavaScript from the small filter, read synchronously from the wasm heap); a 4-d transpose then
   * interleaves the phases into rows and columns, a slice drops the padding. Measured for that layer:
   * 0.9 ms for the convolution, 0.13 ms for the interleave. Returns `null` (the caller uses the
   * kernel) for stride 1, or when the padding reaches past `dy` (output rows no window produced).
   */
  function inputGradientByPhases(dyk: Tensor, filter: Tensor): Tensor | null {
    if (sh === 1 && sw === 1) return null;
    const rowsA = Math.ceil((t + h) / sh); // phase rows a with s·a + φ covering the padded rows [t, t + H)
    const colsB = Math.ceil((l + w) / sw);
    if (rowsA < ho || colsB < wo) return null;
    const mh = Math.ceil(kh / sh);
    const mw = Math.ceil(kw / sw);
    const phases = sh * sw;
    // A host computation from the filter's values (a compiled step redoes it with each step's filter).
    const rearrange = ([filterValues]: ReadonlyArray<tf.backend_util.BackendValues>): Float32Array => {
      const wv = filterValues as Float32Array; // [kH, kW, C, O]
      const fv = new Float32Array(mh * mw * cOut * phases * cIn); // [mh, mw, O, (φh, φw, C)]
      for (let a = 0; a < mh; a++) {
        for (let b2 = 0; b2 < mw; b2++) {
          for (let ph = 0; ph < sh; ph++) {
            const p = ph + sh * (mh - 1 - a);
            if (p >= kh) continue;
            for (let pw = 0; pw < sw; pw++) {
              const q = pw + sw * (mw - 1 - b2);
              if (q >= kw) continue;
              for (let c = 0; c < cIn; c++) {
                const src = ((p * kw + q) * cIn + c) * cOut;
                const dst = (a * mw + b2) * cOut * phases * cIn + (ph * sw + pw) * cIn + c;
                for (let o = 0; o < cOut; o++) fv[dst + o * phases * cIn] = wv[src + o]!;
              }
            }
          }
        }
      }
      return fv;
    };
    const combined = hostMapTensor([filter], rearrange, (v) => tf.tensor4d(v as Float32Array, [mh, mw, cOut, phases * cIn]));
    const pad = [
      [0, 0],
      [mh - 1, rowsA - ho],
      [mw - 1, colsB - wo],
      [0, 0],
    ];
    const all = runKernel(
      'Conv2D',
      { x: dyk, filter: combined },
      { strides: 1, pad, dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined },
    );
    // [N·A, B, φh, (φw, C)] → [N·A, φh, B, (φw, C)] = NHWC [N, A·sh, B·sw, C]
    const woven = reshape(transpose(reshape(all, [n * rowsA, colsB, sh, sw * cIn]), [0, 2, 1, 3]), [n, rowsA * sh, colsB * sw, cIn]);
    const cut =
      t === 0 && l === 0 && rowsA * sh === h && colsB * sw === w
        ? woven
        : runKernel('Slice', { x: woven }, { begin: [0, t, l, 0], size: [n, h, w, cIn] });
    return transpose(cut, NHWC_TO_NCHW);
  }

  /**
   * `dW[o, i, a, c] = Σ_{n, y, z} xpad[n, i, s·y + a, s·z + c] · dy[n, o, y, z]`: a forward convolution
   * of `x` with batch and channels swapped (`I` images of `N` channels) by `dy` as the filter
   * `[Ho, Wo, N, O]`, dilated by the stride, with the forward padding; it gives `[I, ≥kH, ≥kW, O]`
   * (NHWC) or `[I, O, ≥kH, ≥kW]` (NCHW), with extra rows/columns when the forward's windows never
   * reached the end of `x` (dropped). Why not `Conv2DBackpropFilter`: the cpu backend's kernel reads
   * its operands element by element through index arithmetic, ~100× slower than its forward
   * convolution (1.1 s against ~10 ms for the bench CNN's second layer); on wasm it is what
   * src/engine's kernel does, with `x` taken straight from NCHW and `dy` from the NHWC copy the input
   * gradient uses too.
   */
  function filterGradient(xs: Tensor, dyk: Tensor): Tensor {
    // Bottom/right padding that makes the output exactly kH × kW; negative when the forward never
    // reached the last rows of x: pad 0 then, and slice.
    const pb = kh + (ho - 1) * sh - h - t;
    const pr = kw + (wo - 1) * sw - w - l;
    const xT = transpose(xs, nchw ? [1, 0, 2, 3] : [1, 2, 3, 0]); // [I, N, H, W] or [I, H, W, N]
    const dyT = transpose(dyk, nchw ? [2, 3, 0, 1] : [1, 2, 0, 3]); // [Ho, Wo, N, O] from NCHW or NHWC
    const full = runKernel(
      'Conv2D',
      { x: xT, filter: dyT },
      {
        strides: 1,
        pad: spatialPad(t, Math.max(pb, 0), l, Math.max(pr, 0)),
        dataFormat,
        dilations: [sh, sw],
        dimRoundingMode: undefined,
      },
    );
    const cut =
      pb >= 0 && pr >= 0
        ? full
        : runKernel('Slice', { x: full }, { begin: [0, 0, 0, 0], size: nchw ? [cIn, cOut, kh, kw] : [cIn, kh, kw, cOut] });
    return transpose(cut, nchw ? [1, 0, 2, 3] : [3, 0, 1, 2]);
  }
};
