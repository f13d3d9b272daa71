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
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { conv2dNchw } from './convolution.js';
import {
  checkGroups,
  type ConvolutionOptions,
  convolutionConfigOf,
  convolutionWeightAndBias,
  groupsAndBiasRepr,
} from './convolutionArguments.js';
import { checkChannelsFirst, checkKernelFits } from './inputCheck.js';
import {
  checkPositiveInt,
  formatPair,
  type IntOrPair,
  type Padding2d,
  Padding2dCodec,
  type Pair,
  PositiveIntOrPair,
  resolvePadding,
  toPair,
} from './spatial.js';

type Tensor = tf.Tensor;

const fields = {
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
};

/**
 * The fp-ts URI of `Conv2d` modules (also `Conv2d.URI`).
 * @example
 * nn.Conv2d.URI // 'parallax-ts/nn/Conv2d'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/Conv2d';
/** @since 0.1.0 */
export type URI = typeof URI;
/** A `Conv2d` layer whose leaves are `A`. @since 0.1.0 */
export type Conv2d<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: Conv2d<A>;
  }
}

const forward = (m: Conv2d<Tensor>, x: Tensor): Tensor => {
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
};

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
  name: 'Conv2d',
  fields,
  extraRepr: (m) =>
    `${m.inChannels}, ${m.outChannels}, kernel_size=${formatPair(m.kernelSize)}, stride=${formatPair(m.stride)}` +
    (m.padding === 'valid' ? '' : `, padding=${typeof m.padding === 'string' ? m.padding : formatPair(m.padding)}`) +
    (m.dilation[0] === 1 && m.dilation[1] === 1 ? '' : `, dilation=${formatPair(m.dilation)}`) +
    groupsAndBiasRepr(m),
  forward,
});

/**
 * Options of {@link Conv2d.create} (PyTorch's keyword arguments and defaults); `padding` is an
 * int, `[padH, padW]`, `'valid'` or `'same'`.
 * @since 0.1.0
 */
export interface Conv2dOptions extends ConvolutionOptions<IntOrPair, Padding2d> {}

/**
 * The JSON-able constructor arguments of a `Conv2d`.
 * @example
 * nn.Conv2d.fromConfig({ inChannels: 3, outChannels: 8, kernelSize: [3, 5], stride: 2 })
 * @since 0.1.0
 */
export const Conv2dConfig = configObject(
  'Conv2d config',
  { inChannels: PositiveInt, outChannels: PositiveInt, kernelSize: PositiveIntOrPair },
  { stride: PositiveIntOrPair, padding: Padding2dCodec, dilation: PositiveIntOrPair, groups: PositiveInt, bias: t.boolean },
);
/** @since 0.1.0 */
export type Conv2dConfig = t.TypeOf<typeof Conv2dConfig>;

/**
 * `Conv2d`: the module definition plus `create`, and its config (`configCodec`, `toConfig`, `fromConfig`).
 * @since 0.1.0
 */
export interface Conv2dDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new, uninitialized layer: `weight: [out, in / groups, kH, kW]`, `bias: [out]`. */
  readonly create: (
    inChannels: number,
    outChannels: number,
    kernelSize: IntOrPair,
    options?: Conv2dOptions,
  ) => Conv2d<ParamInit<Tensor>>;
  /** The io-ts codec of the constructor arguments. */
  readonly configCodec: typeof Conv2dConfig;
  /** The constructor arguments of a layer (every option spelled out). */
  readonly toConfig: (m: Conv2d<unknown>) => Conv2dConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: Conv2dConfig) => Conv2d<ParamInit<Tensor>>;
}

const create: Conv2dDef['create'] = (inChannels, outChannels, kernelSize, options = {}) => {
  const fn = 'Conv2d.create';
  checkPositiveInt(fn, 'inChannels', inChannels);
  checkPositiveInt(fn, 'outChannels', outChannels);
  const kernel = toPair(fn, 'kernelSize', kernelSize);
  const stride = toPair(fn, 'stride', options.stride ?? 1);
  const dilation = toPair(fn, 'dilation', options.dilation ?? 1);
  const groups = checkGroups(fn, inChannels, outChannels, options.groups ?? 1);
  const rawPadding = options.padding ?? 0;
  resolvePadding(fn, rawPadding, kernel, stride, dilation); // validates
  const padding = rawPadding === 'valid' || rawPadding === 'same' ? rawPadding : toPair(fn, 'padding', rawPadding, 0);
  const { weight, bias, useBias } = convolutionWeightAndBias(
    [outChannels, inChannels / groups, kernel[0], kernel[1]],
    outChannels,
    (inChannels / groups) * kernel[0] * kernel[1],
    options,
  );
  return def.make({
    weight,
    bias,
    inChannels,
    outChannels,
    kernelSize: kernel,
    stride,
    padding,
    dilation,
    groups,
    useBias,
  });
};

/**
 * The `Conv2d` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link Conv2dDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const conv = initialize(nn.Conv2d.create(3, 8, 3, { padding: 'same' }))(random.key(0))
 * nn.Conv2d.forward(conv, tf.ones([2, 3, 32, 32])).shape // [2, 8, 32, 32]
 * nn.Conv2d.fromConfig(nn.Conv2d.toConfig(conv)) // the same architecture, uninitialized
 * @since 0.1.0
 */
export const Conv2d: Conv2dDef = {
  ...def,
  create,
  configCodec: Conv2dConfig,
  toConfig: convolutionConfigOf,
  fromConfig: (c) => create(c.inChannels, c.outChannels, c.kernelSize, c),
};

