/**
 * `Conv2d`: a 2-d convolution (cross-correlation) over `NCHW` images, PyTorch's `nn.Conv2d`.
 *
 * - input `[N, C_in, H, W]` or unbatched `[C_in, H, W]`; output `[N, C_out, H', W']` (or `[C_out, H', W']`)
 *   with `H' = floor((H + 2 * padH - dilationH * (kH - 1) - 1) / strideH) + 1` (likewise `W'`)
 * - `weight: [C_out, C_in / groups, kH, kW]` (PyTorch's `OIHW`, so state dicts load as is),
 *   `bias: [C_out]` (shape `[0]` when `bias: false`)
 * - default init, PyTorch's: weight and bias `U(±1/√fanIn)`, `fanIn = C_in / groups * kH * kW`
 *   (kaiming_uniform with a = √5) — the weight as `varianceScaling(1/3, 'fanIn', 'uniform', { inAxis: 1, outAxis: 0 })`
 * - layout: `NCHW` at the API; internally transposed to tfjs's `NHWC` / `HWIO` (see `layout.ts`)
 * - `padding`: an int, `[padH, padW]`, `'valid'` (0) or `'same'` (stride 1 only; odd totals pad one
 *   more after, as PyTorch); zero padding only. Dilation and groups as in PyTorch (see `convolution.ts`).
 * - an input whose padded height or width is smaller than the dilated kernel, `dilationH * (kH - 1) + 1`,
 *   is a `ModuleError` (PyTorch raises too; tfjs alone would return an empty tensor)
 *
 * @since 0.1.0
 */
import type * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import { configurable } from './configurable.js';
import { conv2dNchw } from './convolution.js';
import {
  checkConvolutionArguments,
  convolutionConfigCodec,
  convolutionConfigOf,
  CONVOLUTION_OPTIONS,
  type ConvolutionOptions,
  convolutionRepr,
  convolutionWeightAndBias,
} from './convolutionArguments.js';
import { checkChannelsFirst, checkKernelFits } from './inputCheck.js';
import { type IntOrPair, type Padding2d, Padding2dCodec, type Pair, PositiveIntOrPair, resolvePadding, toPair } from './spatial.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link Conv2d.create} (PyTorch's keyword arguments and defaults): `stride`, `padding`
 * (an int, `[padH, padW]`, `'valid'` or `'same'`), `dilation`, `groups`, `bias`, `weightInit`, `biasInit`.
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.Conv2dOptions = { stride: [2, 1], padding: [1, 0], groups: 3 }
 * const conv = nn.Conv2d.create(3, 6, 3, options)
 * @category model
 * @since 0.1.0
 */
export interface Conv2dOptions extends ConvolutionOptions<IntOrPair, Padding2d> {}

/**
 * `Conv2d`'s constructor arguments as JSON: `{ inChannels, outChannels, kernelSize, stride?,
 * padding?, dilation?, groups?, bias? }` (sizes are ints or `[h, w]` pairs).
 * @example
 * import { nn } from 'parallax-ts'
 * const conv = nn.Conv2d.fromConfig({ inChannels: 3, outChannels: 8, kernelSize: [3, 5], stride: 2 })
 * @category config
 * @since 0.1.0
 */
export const Conv2dConfig = convolutionConfigCodec('Conv2d', PositiveIntOrPair, Padding2dCodec);
/**
 * The constructor arguments of a `Conv2d`, as decoded by `Conv2dConfig`.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.Conv2dConfig = { inChannels: 3, outChannels: 8, kernelSize: [3, 3], padding: 'same' }
 * @category config
 * @since 0.1.0
 */
export type Conv2dConfig = t.TypeOf<typeof Conv2dConfig>;

const Conv2dDef = defineModule('parallax-ts/nn/Conv2d', {
  name: 'Conv2d',
  fields: {
    weight: param(),
    bias: param(),
    inChannels: constant<number>(),
    outChannels: constant<number>(),
    kernelSize: constant<Pair>(),
    stride: constant<Pair>(),
    /** `'valid'`, `'same'` or `[padH, padW]`. */
    padding: constant<'valid' | 'same' | Pair>(),
    dilation: constant<Pair>(),
    groups: constant<number>(),
    useBias: constant<boolean>(),
  },
  create: (inChannels: number, outChannels: number, kernelSize: IntOrPair, options: Conv2dOptions = {}) => {
    const fn = 'Conv2d.create';
    checkLayerOptions(fn, options, CONVOLUTION_OPTIONS);
    const args = checkConvolutionArguments(fn, toPair, inChannels, outChannels, kernelSize, options);
    const rawPadding = options.padding ?? 0;
    resolvePadding(fn, rawPadding, args.kernelSize, args.stride, args.dilation); // validates
    const padding = rawPadding === 'valid' || rawPadding === 'same' ? rawPadding : toPair(fn, 'padding', rawPadding, 0);
    const weightShape = [outChannels, inChannels / args.groups, ...args.kernelSize];
    return { ...args, padding, ...convolutionWeightAndBias(weightShape, outChannels, options) };
  },
  forward: (m, x: Tensor) => {
    const { unbatched, shape } = checkChannelsFirst(x, m.inChannels, 2, true);
    const [ph, pw] = resolvePadding('Conv2d', m.padding, m.kernelSize, m.stride, m.dilation);
    checkKernelFits(
      x,
      [shape[2]! + ph![0] + ph![1], shape[3]! + pw![0] + pw![1]],
      m.kernelSize.map((k, i) => m.dilation[i]! * (k - 1) + 1),
    );
    const args = { stride: m.stride, padding: [ph!, pw!] as const, dilation: m.dilation, groups: m.groups };
    const bias = m.useBias ? m.bias : null;
    // Batched input goes straight in: no reshape (a kernel and a tape node per call) when none is needed.
    if (!unbatched) return conv2dNchw(x, m.weight, bias, args);
    return tf.tidy(() => tf.squeeze(conv2dNchw(tf.reshape(x, shape), m.weight, bias, args), [0]));
  },
  extraRepr: (m) => convolutionRepr(m, m.padding === 'valid'),
});

/**
 * The `Conv2d` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const conv = initialize(nn.Conv2d.create(3, 8, 3, { padding: 'same' }))(random.key(0))
 * nn.Conv2d.forward(conv, tf.ones([2, 3, 32, 32])).shape // [2, 8, 32, 32]
 * const again = nn.Conv2d.fromConfig(nn.Conv2d.toConfig(conv)) // the same architecture, uninitialized
 * @category layers
 * @since 0.1.0
 */
export const Conv2d = configurable(Conv2dDef, Conv2dConfig, {
  toConfig: convolutionConfigOf,
  fromConfig: ({ inChannels, outChannels, kernelSize, ...options }) => Conv2dDef.create(inChannels, outChannels, kernelSize, options),
});
/**
 * A `Conv2d` layer whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, type tf } from 'parallax-ts'
 * const conv: nn.Conv2d<tf.Tensor> = initialize(nn.Conv2d.create(3, 8, 3))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type Conv2d<A> = ModuleType<typeof Conv2d, A>;
