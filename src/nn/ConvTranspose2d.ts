/**
 * `ConvTranspose2d`: the transposed 2-d convolution (the gradient of `Conv2d` with respect to its
 * input; "deconvolution"), PyTorch's `nn.ConvTranspose2d`, over `NCHW` images.
 *
 * - input `[N, C_in, H, W]` or unbatched `[C_in, H, W]`; output `[N, C_out, H', W']` with
 *   `H' = (H - 1) * strideH - 2 * padH + dilationH * (kH - 1) + outputPaddingH + 1` (likewise `W'`)
 * - `weight: [C_in, C_out / groups, kH, kW]` (PyTorch's layout for transposed convolutions: input
 *   channels first), `bias: [C_out]` (shape `[0]` when `bias: false`)
 * - default init, PyTorch's: weight and bias `U(±1/√fanIn)` with PyTorch's fan for this weight,
 *   `fanIn = weight.shape[1] * kH * kW = C_out / groups * kH * kW` — the weight as
 *   `varianceScaling(1/3, 'fanIn', 'uniform', { inAxis: 1, outAxis: 0 })`
 * - layout: `NCHW` at the API; computed in tfjs's `NHWC`
 * - all of PyTorch's arguments work: `stride`, `padding` (ints/pairs; PyTorch has no `'same'` here),
 *   `outputPadding` (< max(stride, dilation), as PyTorch requires), `dilation`, `groups`. tfjs's own
 *   `conv2dTranspose` has no dilation and no groups, so it is not used: the input is spread by the
 *   stride (zeros between pixels), padded by `dilation * (k - 1) - padding` (+ `outputPadding` after;
 *   negative amounts crop), and convolved with the flipped kernel — the same function, differentiable
 *   in every argument. The cost is that of a stride-1 convolution over the spread input.
 * - a configuration whose output size `H'` or `W'` is below 1 (padding cropping more than the
 *   transposed convolution produces) is a `ModuleError`, as in PyTorch ("Output size is too small")
 * - not supported: PyTorch's `output_size` argument of `forward` (pass `outputPadding` instead).
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { conv2dNchw, interleaveZeros } from './convolution.js';
import { checkGroups, type ConvolutionOptions, convolutionWeightAndBias, groupsAndBiasRepr } from './convolutionArguments.js';
import { checkChannelsFirst, checkTransposedOutput } from './inputCheck.js';
import { checkPositiveInt, formatPair, type IntOrPair, NonNegativeIntOrPair, type Pair, PositiveIntOrPair, toPair } from './spatial.js';

type Tensor = tf.Tensor;

const fields = {
  weight: param(),
  bias: param(),
  inChannels: constant<number>(),
  outChannels: constant<number>(),
  kernelSize: constant<Pair>(),
  stride: constant<Pair>(),
  padding: constant<Pair>(),
  outputPadding: constant<Pair>(),
  dilation: constant<Pair>(),
  groups: constant<number>(),
  useBias: constant<boolean>(),
};

/**
 * The fp-ts URI of `ConvTranspose2d` modules (also `ConvTranspose2d.URI`).
 * @example
 * nn.ConvTranspose2d.URI // 'parallax-ts/nn/ConvTranspose2d'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/ConvTranspose2d';
/** @since 0.1.0 */
export type URI = typeof URI;
/** A `ConvTranspose2d` layer whose leaves are `A`. @since 0.1.0 */
export type ConvTranspose2d<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: ConvTranspose2d<A>;
  }
}

const forward = (m: ConvTranspose2d<Tensor>, x: Tensor): Tensor => {
  const { unbatched, shape } = checkChannelsFirst(x, m.inChannels, 2, true);
  checkTransposedOutput(
    x,
    ([0, 1] as const).map(
      (i) => (shape[2 + i]! - 1) * m.stride[i] - 2 * m.padding[i] + m.dilation[i] * (m.kernelSize[i] - 1) + m.outputPadding[i] + 1,
    ),
  );
  return tf.tidy(() => {
    const x4 = tf.reshape(x, shape);
    const [kh, kw] = m.kernelSize;
    const g = m.groups;
    const spread = interleaveZeros(interleaveZeros(x4, 2, m.stride[0]), 3, m.stride[1]);
    const top = m.dilation[0] * (kh - 1) - m.padding[0];
    const left = m.dilation[1] * (kw - 1) - m.padding[1];
    // [C_in, C_out/g, kH, kW] -> the equivalent convolution's [C_out, C_in/g, kH, kW], kernel flipped
    const w = tf.reverse(
      tf.reshape(
        tf.transpose(tf.reshape(m.weight, [g, m.inChannels / g, m.outChannels / g, kh, kw]), [0, 2, 1, 3, 4]),
        [m.outChannels, m.inChannels / g, kh, kw],
      ),
      [2, 3],
    );
    const y = conv2dNchw(spread, w, m.useBias ? m.bias : null, {
      stride: [1, 1],
      padding: [
        [top, top + m.outputPadding[0]],
        [left, left + m.outputPadding[1]],
      ],
      dilation: m.dilation,
      groups: g,
    });
    return unbatched ? tf.squeeze(y, [0]) : y;
  });
};

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
  name: 'ConvTranspose2d',
  fields,
  extraRepr: (m) =>
    `${m.inChannels}, ${m.outChannels}, kernel_size=${formatPair(m.kernelSize)}, stride=${formatPair(m.stride)}` +
    (m.padding[0] === 0 && m.padding[1] === 0 ? '' : `, padding=${formatPair(m.padding)}`) +
    (m.outputPadding[0] === 0 && m.outputPadding[1] === 0 ? '' : `, output_padding=${formatPair(m.outputPadding)}`) +
    (m.dilation[0] === 1 && m.dilation[1] === 1 ? '' : `, dilation=${formatPair(m.dilation)}`) +
    groupsAndBiasRepr(m),
  forward,
});

/** Options of {@link ConvTranspose2d.create} (PyTorch's keyword arguments and defaults). @since 0.1.0 */
export interface ConvTranspose2dOptions extends ConvolutionOptions<IntOrPair, IntOrPair> {
  /** Default 0: crops `padding` rows/columns from each side of the full transposed output. */
  readonly padding?: IntOrPair;
  /** Default 0; extra rows/columns after; each must be < max(stride, dilation). */
  readonly outputPadding?: IntOrPair;
}

/**
 * The JSON-able constructor arguments of a `ConvTranspose2d`.
 * @example
 * nn.ConvTranspose2d.fromConfig({ inChannels: 8, outChannels: 4, kernelSize: 4, stride: 2, padding: 1 })
 * @since 0.1.0
 */
export const ConvTranspose2dConfig = configObject(
  'ConvTranspose2d config',
  { inChannels: PositiveInt, outChannels: PositiveInt, kernelSize: PositiveIntOrPair },
  {
    stride: PositiveIntOrPair,
    padding: NonNegativeIntOrPair,
    outputPadding: NonNegativeIntOrPair,
    dilation: PositiveIntOrPair,
    groups: PositiveInt,
    bias: t.boolean,
  },
);
/** @since 0.1.0 */
export type ConvTranspose2dConfig = t.TypeOf<typeof ConvTranspose2dConfig>;

/**
 * `ConvTranspose2d`: the module definition plus `create`, and its config (`configCodec`, `toConfig`, `fromConfig`).
 * @since 0.1.0
 */
export interface ConvTranspose2dDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new, uninitialized layer: `weight: [in, out / groups, kH, kW]`, `bias: [out]`. */
  readonly create: (
    inChannels: number,
    outChannels: number,
    kernelSize: IntOrPair,
    options?: ConvTranspose2dOptions,
  ) => ConvTranspose2d<ParamInit<Tensor>>;
  /** The io-ts codec of the constructor arguments. */
  readonly configCodec: typeof ConvTranspose2dConfig;
  /** The constructor arguments of a layer (every option spelled out). */
  readonly toConfig: (m: ConvTranspose2d<unknown>) => ConvTranspose2dConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: ConvTranspose2dConfig) => ConvTranspose2d<ParamInit<Tensor>>;
}

const create: ConvTranspose2dDef['create'] = (inChannels, outChannels, kernelSize, options = {}) => {
  const fn = 'ConvTranspose2d.create';
  checkPositiveInt(fn, 'inChannels', inChannels);
  checkPositiveInt(fn, 'outChannels', outChannels);
  const kernel = toPair(fn, 'kernelSize', kernelSize);
  const stride = toPair(fn, 'stride', options.stride ?? 1);
  const padding = toPair(fn, 'padding', options.padding ?? 0, 0);
  const outputPadding = toPair(fn, 'outputPadding', options.outputPadding ?? 0, 0);
  const dilation = toPair(fn, 'dilation', options.dilation ?? 1);
  const groups = checkGroups(fn, inChannels, outChannels, options.groups ?? 1);
  for (const i of [0, 1] as const) {
    if (outputPadding[i] >= Math.max(stride[i], dilation[i])) {
      throw new Error(
        `${fn}: outputPadding must be smaller than stride or dilation (as in PyTorch), got outputPadding ${JSON.stringify(outputPadding)}, stride ${JSON.stringify(stride)}, dilation ${JSON.stringify(dilation)}`,
      );
    }
  }
  // PyTorch's fan for this weight layout: weight.shape[1] * kH * kW
  const { weight, bias, useBias } = convolutionWeightAndBias(
    [inChannels, outChannels / groups, kernel[0], kernel[1]],
    outChannels,
    (outChannels / groups) * kernel[0] * kernel[1],
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
    outputPadding,
    dilation,
    groups,
    useBias,
  });
};

/**
 * The `ConvTranspose2d` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link ConvTranspose2dDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const up = initialize(nn.ConvTranspose2d.create(8, 4, 4, { stride: 2, padding: 1 }))(random.key(0))
 * nn.ConvTranspose2d.forward(up, tf.ones([1, 8, 16, 16])).shape // [1, 4, 32, 32]
 * @since 0.1.0
 */
export const ConvTranspose2d: ConvTranspose2dDef = {
  ...def,
  create,
  configCodec: ConvTranspose2dConfig,
  toConfig: (m) => ({
    inChannels: m.inChannels,
    outChannels: m.outChannels,
    kernelSize: m.kernelSize,
    stride: m.stride,
    padding: m.padding,
    outputPadding: m.outputPadding,
    dilation: m.dilation,
    groups: m.groups,
    bias: m.useBias,
  }),
  fromConfig: (c) => create(c.inChannels, c.outChannels, c.kernelSize, c),
};
