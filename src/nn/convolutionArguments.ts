/**
 * The constructor arguments every convolution layer (`Conv1d`, `Conv2d`, `ConvTranspose2d`) takes
 * from PyTorch: `stride`, `padding`, `dilation`, `groups`, `bias` and the initializers; the checks
 * they must pass (positive sizes, `groups` dividing both channel counts); the weight and bias they
 * make with PyTorch's default init; and their config codec, `toConfig` and printout. A size is a
 * `number` for `Conv1d` and an `[h, w]` pair for the 2-d layers, hence the type parameters.
 *
 * @internal
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import type { Initializer } from '../init/Initializer.js';
import { varianceScaling } from '../init/varianceScaling.js';
import { type ParamInit, paramInit } from '../tree/ParamInit.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { pytorchBiasInit } from './Linear.js';
import { optionalParam } from './optionalParam.js';
import { checkPositiveInt, formatPair, type Pair } from './spatial.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import type { OptionKinds } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of a convolution layer's `create` (PyTorch's keyword arguments and defaults); `Size` is
 * how a per-axis size is given, `Padding` the padding forms the layer accepts.
 * @example
 * import type { ConvolutionOptions } from './convolutionArguments.js'
 * const options: ConvolutionOptions<number, 'same'> = { padding: 'same', dilation: 2, groups: 4, bias: false }
 * @internal
 * @category model
 * @since 0.1.0
 */
export interface ConvolutionOptions<Size, Padding> {
  /** Default 1. */
  readonly stride?: Size;
  /** Default 0 (the forms each layer accepts are in its doc). */
  readonly padding?: Padding;
  /** Default 1. */
  readonly dilation?: Size;
  /** Default 1; must divide both channel counts. */
  readonly groups?: number;
  /** Default `true`. Without bias, the `bias` leaf is a zero-size `[0]` tensor (no state-dict key, as in PyTorch). */
  readonly bias?: boolean;
  /** Default: PyTorch's `U(±1/√fanIn)`. */
  readonly weightInit?: Initializer;
  /** Default: PyTorch's `U(±1/√fanIn)`. */
  readonly biasInit?: Initializer;
}

/**
 * The kinds of the options every convolution takes (see `checkLayerOptions`).
 * @example
 * import { CONVOLUTION_OPTIONS } from './convolutionArguments.js'
 * CONVOLUTION_OPTIONS.bias // 'flag'
 * @since 0.2.0
 * @internal
 */
export const CONVOLUTION_OPTIONS: OptionKinds<ConvolutionOptions<unknown, unknown>> = {
  stride: 'value',
  padding: 'value',
  dilation: 'value',
  groups: 'value',
  bias: 'flag',
  weightInit: 'initializer',
  biasInit: 'initializer',
};

/**
 * The checked arguments every convolution layer keeps as constants, besides its padding.
 * @example
 * import type { ConvolutionArguments } from './convolutionArguments.js'
 * const args: ConvolutionArguments<number> = { inChannels: 4, outChannels: 8, kernelSize: 3, stride: 1, dilation: 1, groups: 1 }
 * @internal
 * @category model
 * @since 0.2.0
 */
export interface ConvolutionArguments<Size> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly dilation: Size;
  readonly groups: number;
}

/**
 * Checks the arguments all convolutions share, in this order: `inChannels` and `outChannels`
 * (positive integers), `kernelSize`, `stride` (default 1) and `dilation` (default 1) through the
 * layer's `size` parser (`checkPositiveInt` for 1-d, `toPair` for 2-d), then `groups` (default 1; a
 * positive integer dividing both channel counts). Throws an `Error` naming `fn` and the argument.
 * `afterStride` checks the layer's own arguments between `stride` and `dilation`, and they are
 * returned with the rest (`ConvTranspose2d`'s paddings: the order decides which error a call with
 * several bad arguments gets).
 * @example
 * import { checkConvolutionArguments } from './convolutionArguments.js'
 * import { toPair } from './spatial.js'
 * checkConvolutionArguments('Conv2d.create', toPair, 4, 8, 3, { groups: 2 })
 * // { inChannels: 4, outChannels: 8, kernelSize: [3, 3], stride: [1, 1], dilation: [1, 1], groups: 2 }
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const checkConvolutionArguments = <Size, Own extends object = {}>(
  fn: string,
  size: (fn: string, name: string, value: unknown) => Size,
  inChannels: number,
  outChannels: number,
  kernelSize: unknown,
  options: ConvolutionOptions<unknown, unknown>,
  afterStride: () => Own = () => ({}) as Own,
): ConvolutionArguments<Size> & Own => {
  checkPositiveInt(fn, 'inChannels', inChannels);
  checkPositiveInt(fn, 'outChannels', outChannels);
  const kernel = size(fn, 'kernelSize', kernelSize);
  const stride = size(fn, 'stride', options.stride ?? 1);
  const own = afterStride();
  const dilation = size(fn, 'dilation', options.dilation ?? 1);
  const groups = checkPositiveInt(fn, 'groups', options.groups ?? 1);
  if (inChannels % groups !== 0) throw new ArgumentError(`${fn}: inChannels (${inChannels}) must be divisible by groups (${groups})`);
  if (outChannels % groups !== 0) throw new ArgumentError(`${fn}: outChannels (${outChannels}) must be divisible by groups (${groups})`);
  return { inChannels, outChannels, kernelSize: kernel, stride, ...own, dilation, groups };
};

/**
 * A convolution's `weight` and `bias` leaves with PyTorch's default init: both `U(±1/√fanIn)`, the
 * weight as `varianceScaling(1/3, 'fanIn', 'uniform', { inAxis: 1, outAxis: 0 })` (kaiming_uniform
 * with a = √5), and `fanIn` PyTorch's for any convolution weight: `weight.shape[1]` times the kernel's
 * size (so `C_out / groups · kH · kW` for `ConvTranspose2d`'s `[C_in, C_out / groups, kH, kW]`).
 * Without bias, `bias` is a zero-size `[0]` placeholder.
 * @example
 * import { convolutionWeightAndBias } from './convolutionArguments.js'
 * const { weight, bias, useBias } = convolutionWeightAndBias([8, 3, 3, 3], 8, {}) // bias U(±1/√27), useBias true
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const convolutionWeightAndBias = (
  weightShape: ReadonlyArray<number>,
  outChannels: number,
  options: ConvolutionOptions<unknown, unknown>,
): { readonly weight: ParamInit<Tensor>; readonly bias: ParamInit<Tensor>; readonly useBias: boolean } => {
  const useBias = options.bias ?? true;
  const fanIn = weightShape.slice(1).reduce((a, b) => a * b, 1);
  return {
    weight: paramInit(weightShape, options.weightInit ?? varianceScaling(1 / 3, 'fanIn', 'uniform', { inAxis: 1, outAxis: 0 })),
    bias: optionalParam(useBias, [outChannels], options.biasInit ?? pytorchBiasInit(fanIn)),
    useBias,
  };
};

/**
 * The config codec of a convolution layer: required `inChannels`, `outChannels`, `kernelSize`;
 * optional `stride`, `padding`, then the layer's `afterPadding` keys (`ConvTranspose2d`'s
 * `outputPadding`), `dilation`, `groups`, `bias`. `size` and `padding` are the codecs of the
 * layer's size and padding forms.
 * @example
 * import { convolutionConfigCodec } from './convolutionArguments.js'
 * import { Padding1dCodec } from './spatial.js'
 * import { PositiveInt } from './configCodecs.js'
 * const Conv1dConfig = convolutionConfigCodec('Conv1d', PositiveInt, Padding1dCodec)
 * @internal
 * @category config
 * @since 0.2.0
 */
export const convolutionConfigCodec = <S extends t.Mixed, P extends t.Mixed, E extends t.Props = {}>(
  layer: string,
  size: S,
  padding: P,
  afterPadding: E = {} as E,
) =>
  configObject(
    `${layer} config`,
    { inChannels: PositiveInt, outChannels: PositiveInt, kernelSize: size },
    { stride: size, padding, ...afterPadding, dilation: size, groups: PositiveInt, bias: t.boolean },
  );

/**
 * What a convolution layer keeps of its constructor arguments, as `toConfig` and the printout read them.
 * @example
 * import type { ConvolutionConstants } from './convolutionArguments.js'
 * const conv1d: ConvolutionConstants<number, 'same'> = { inChannels: 4, outChannels: 8, kernelSize: 3, stride: 1, padding: 'same', dilation: 1, groups: 1, useBias: true }
 * @internal
 * @category model
 * @since 0.2.0
 */
export interface ConvolutionConstants<Size, Padding> extends ConvolutionArguments<Size> {
  readonly padding: Padding;
  /** `ConvTranspose2d` only. */
  readonly outputPadding?: Size;
  readonly useBias: boolean;
}

/**
 * A convolution layer's constructor arguments as JSON (`toConfig`), every option spelled out, in
 * the order of {@link convolutionConfigCodec}.
 * @example
 * import { nn } from 'parallax-ts'
 * import { convolutionConfigOf } from './convolutionArguments.js'
 * convolutionConfigOf(nn.Conv2d.create(3, 8, 3)) // { inChannels: 3, outChannels: 8, kernelSize: [3, 3], stride: [1, 1], padding: [0, 0], ... }
 * @internal
 * @category config
 * @since 0.1.0
 */
export const convolutionConfigOf = <Size, Padding>(m: ConvolutionConstants<Size, Padding>) => ({
  inChannels: m.inChannels,
  outChannels: m.outChannels,
  kernelSize: m.kernelSize,
  stride: m.stride,
  padding: m.padding,
  ...(m.outputPadding === undefined ? {} : { outputPadding: m.outputPadding }),
  dilation: m.dilation,
  groups: m.groups,
  bias: m.useBias,
});

const formatSize = (s: number | string | Pair): string => (typeof s === 'object' ? formatPair(s) : String(s));
const isAll = (s: number | Pair, n: number): boolean => (typeof s === 'number' ? s === n : s[0] === n && s[1] === n);
/** `, name=value` as PyTorch prints a keyword argument, or nothing where it has its default. */
const keyword = (name: string, value: number | string | Pair, isDefault: boolean): string =>
  isDefault ? '' : `, ${name}=${formatSize(value)}`;

/**
 * A convolution's printout, PyTorch-like: `in, out, kernel_size=k, stride=s`, then `padding` unless
 * `paddingIsDefault`, `output_padding` (transposed only), `dilation`, `groups` and `bias=false` where
 * they differ from the defaults. Pairs print as `(h, w)`.
 * @example
 * import { nn } from 'parallax-ts'
 * import { convolutionRepr } from './convolutionArguments.js'
 * convolutionRepr(nn.Conv1d.create(4, 8, 3, { groups: 2, bias: false }), true) // '4, 8, kernel_size=3, stride=1, groups=2, bias=false'
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const convolutionRepr = (m: ConvolutionConstants<number | Pair, number | string | Pair>, paddingIsDefault: boolean): string =>
  `${m.inChannels}, ${m.outChannels}, kernel_size=${formatSize(m.kernelSize)}, stride=${formatSize(m.stride)}` +
  keyword('padding', m.padding, paddingIsDefault) +
  (m.outputPadding === undefined ? '' : keyword('output_padding', m.outputPadding, isAll(m.outputPadding, 0))) +
  keyword('dilation', m.dilation, isAll(m.dilation, 1)) +
  keyword('groups', m.groups, m.groups === 1) +
  (m.useBias ? '' : ', bias=false');
