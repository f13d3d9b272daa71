/**
 * The constructor arguments every convolution layer (`Conv1d`, `Conv2d`, `ConvTranspose2d`) takes
 * from PyTorch: `stride`, `padding`, `dilation`, `groups`, `bias` and the initializers; the
 * channel/group arithmetic they must satisfy; the weight and bias they make with PyTorch's default
 * init; and the parts of config and printout that read them. A size is a `number` for `Conv1d` and
 * an int-or-pair for the 2-d layers, hence the type parameters.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import type { Initializer } from '../init/Initializer.js';
import { varianceScaling } from '../init/varianceScaling.js';
import { type ParamInit, paramInit } from '../tree/ParamInit.js';
import { optionalParam } from './optionalParam.js';
import { pytorchBiasInit } from './Linear.js';
import { checkPositiveInt } from './spatial.js';

type Tensor = tf.Tensor;

/**
 * Options of a convolution layer's `create` (PyTorch's keyword arguments and defaults); `Size` is
 * how a per-axis size is given, `Padding` the padding forms the layer accepts.
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
 * Checks `groups` (a positive integer dividing both channel counts) and returns it.
 * @example
 * checkGroups('Conv2d.create', 4, 8, 2) // 2
 * @internal
 * @since 0.1.0
 */
export const checkGroups = (fn: string, inChannels: number, outChannels: number, groups: unknown): number => {
  const g = checkPositiveInt(fn, 'groups', groups);
  if (inChannels % g !== 0) throw new Error(`${fn}: inChannels (${inChannels}) must be divisible by groups (${g})`);
  if (outChannels % g !== 0) throw new Error(`${fn}: outChannels (${outChannels}) must be divisible by groups (${g})`);
  return g;
};

/**
 * A convolution's `weight` and `bias` leaves with PyTorch's default init: both `U(±1/√fanIn)`, the
 * weight as `varianceScaling(1/3, 'fanIn', 'uniform', { inAxis: 1, outAxis: 0 })` (kaiming_uniform
 * with a = √5). Without bias, `bias` is a zero-size `[0]` placeholder.
 * @example
 * convolutionWeightAndBias([8, 3, 3, 3], 8, 27, {}) // weight [8, 3, 3, 3], bias [8], useBias true
 * @internal
 * @since 0.1.0
 */
export const convolutionWeightAndBias = (
  weightShape: ReadonlyArray<number>,
  outChannels: number,
  fanIn: number,
  options: ConvolutionOptions<unknown, unknown>,
): { readonly weight: ParamInit<Tensor>; readonly bias: ParamInit<Tensor>; readonly useBias: boolean } => {
  const useBias = options.bias ?? true;
  const weightInit = options.weightInit ?? varianceScaling(1 / 3, 'fanIn', 'uniform', { inAxis: 1, outAxis: 0 });
  const biasInit = options.biasInit ?? pytorchBiasInit(fanIn);
  return {
    weight: paramInit(weightShape, weightInit),
    bias: optionalParam(useBias, [outChannels], biasInit),
    useBias,
  };
};

/** The constructor arguments a convolution layer keeps as constants. @since 0.1.0 */
export interface ConvolutionArguments<Size, Padding> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly padding: Padding;
  readonly dilation: Size;
  readonly groups: number;
  readonly useBias: boolean;
}

/**
 * A convolution layer's constructor arguments as JSON (`toConfig`), every option spelled out.
 * @example
 * convolutionConfigOf(conv) // { inChannels: 3, outChannels: 8, kernelSize: [3, 3], stride: [1, 1], ... }
 * @internal
 * @since 0.1.0
 */
export const convolutionConfigOf = <Size, Padding>(m: ConvolutionArguments<Size, Padding>) => ({
  inChannels: m.inChannels,
  outChannels: m.outChannels,
  kernelSize: m.kernelSize,
  stride: m.stride,
  padding: m.padding,
  dilation: m.dilation,
  groups: m.groups,
  bias: m.useBias,
});

/**
 * The end of a convolution's printout, PyTorch-like: `, groups=g` and `, bias=false` where they
 * differ from the defaults.
 * @example
 * groupsAndBiasRepr({ groups: 2, useBias: false }) // ', groups=2, bias=false'
 * @internal
 * @since 0.1.0
 */
export const groupsAndBiasRepr = (m: { readonly groups: number; readonly useBias: boolean }): string =>
  (m.groups === 1 ? '' : `, groups=${m.groups}`) + (m.useBias ? '' : ', bias=false');
