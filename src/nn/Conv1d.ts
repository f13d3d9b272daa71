/**
 * `Conv1d`: a 1-d convolution (cross-correlation) over `NCL` sequences, PyTorch's `nn.Conv1d`.
 *
 * - input `[N, C_in, L]` or unbatched `[C_in, L]`; output `[N, C_out, L']` (or `[C_out, L']`) with
 *   `L' = floor((L + 2 * padding - dilation * (k - 1) - 1) / stride) + 1`
 * - `weight: [C_out, C_in / groups, k]` (PyTorch's layout), `bias: [C_out]` (shape `[0]` when `bias: false`)
 * - default init, PyTorch's: weight and bias `U(±1/√fanIn)`, `fanIn = C_in / groups * k` — the weight
 *   as `varianceScaling(1/3, 'fanIn', 'uniform', { inAxis: 1, outAxis: 0 })`
 * - layout: `NCL` at the API; run as a 2-d convolution of height 1 in tfjs's `NHWC` (see `convolution.ts`)
 * - `padding`: an int, `'valid'` or `'same'` (stride 1 only); zeros. Dilation and groups as in PyTorch.
 * - an input whose padded length is smaller than the dilated kernel, `dilation * (k - 1) + 1`, is a
 *   `ModuleError` (PyTorch raises too; tfjs alone would return an empty tensor)
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { conv2dOp } from './conv2dOp.js';
import { conv2dNchw, interleaveZeros } from './convolution.js';
import {
  checkGroups,
  type ConvolutionOptions,
  convolutionConfigOf,
  convolutionWeightAndBias,
  groupsAndBiasRepr,
} from './convolutionArguments.js';
import { checkChannelsFirst, checkKernelFits } from './inputCheck.js';
import { checkPositiveInt, type Padding1d, Padding1dCodec, resolvePadding } from './spatial.js';

type Tensor = tf.Tensor;

const fields = {
  weight: param(),
  bias: param(),
  inChannels: constant<number>(),
  outChannels: constant<number>(),
  kernelSize: constant<number>(),
  stride: constant<number>(),
  padding: constant<Padding1d>(),
  dilation: constant<number>(),
  groups: constant<number>(),
  useBias: constant<boolean>(),
};

/**
 * The fp-ts URI of `Conv1d` modules (also `Conv1d.URI`).
 * @example
 * nn.Conv1d.URI // 'parallax-ts/nn/Conv1d'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/Conv1d';
/** @since 0.1.0 */
export type URI = typeof URI;
/** A `Conv1d` layer whose leaves are `A`. @since 0.1.0 */
export type Conv1d<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: Conv1d<A>;
  }
}

const forward = (m: Conv1d<Tensor>, x: Tensor): Tensor => {
  const { unbatched, shape } = checkChannelsFirst(x, m.inChannels, 1, true);
  const [pl] = resolvePadding('Conv1d', m.padding, [m.kernelSize], [m.stride], [m.dilation]);
  checkKernelFits(x, [shape[2]! + pl![0] + pl![1]], [m.dilation * (m.kernelSize - 1) + 1]);
  return tf.tidy(() => {
    const x3 = unbatched ? tf.reshape(x, shape) : x;
    // One group: the one-op convolution takes [N, C, L] as is (no reshapes on the tape).
    const y =
      m.groups === 1
        ? conv2dOp(x3, interleaveZeros(m.weight, 2, m.dilation), m.useBias ? m.bias : undefined, {
            stride: [1, m.stride],
            padding: [[0, 0], pl!],
          })
        : tf.squeeze(
            conv2dNchw(tf.expandDims(x3, 2), tf.expandDims(m.weight, 2), m.useBias ? m.bias : null, {
              stride: [1, m.stride],
              padding: [[0, 0], pl!],
              dilation: [1, m.dilation],
              groups: m.groups,
            }),
            [2],
          );
    return unbatched ? tf.squeeze(y, [0]) : y;
  });
};

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
  name: 'Conv1d',
  fields,
  extraRepr: (m) =>
    `${m.inChannels}, ${m.outChannels}, kernel_size=${m.kernelSize}, stride=${m.stride}` +
    (m.padding === 0 || m.padding === 'valid' ? '' : `, padding=${m.padding}`) +
    (m.dilation === 1 ? '' : `, dilation=${m.dilation}`) +
    groupsAndBiasRepr(m),
  forward,
});

/**
 * Options of {@link Conv1d.create} (PyTorch's keyword arguments and defaults); `padding` is an
 * int, `'valid'` or `'same'`.
 * @since 0.1.0
 */
export interface Conv1dOptions extends ConvolutionOptions<number, Padding1d> {}

/**
 * The JSON-able constructor arguments of a `Conv1d`.
 * @example
 * nn.Conv1d.fromConfig({ inChannels: 4, outChannels: 8, kernelSize: 3, padding: 'same' })
 * @since 0.1.0
 */
export const Conv1dConfig = configObject(
  'Conv1d config',
  { inChannels: PositiveInt, outChannels: PositiveInt, kernelSize: PositiveInt },
  { stride: PositiveInt, padding: Padding1dCodec, dilation: PositiveInt, groups: PositiveInt, bias: t.boolean },
);
/** @since 0.1.0 */
export type Conv1dConfig = t.TypeOf<typeof Conv1dConfig>;

/**
 * `Conv1d`: the module definition plus `create`, and its config (`configCodec`, `toConfig`, `fromConfig`).
 * @since 0.1.0
 */
export interface Conv1dDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new, uninitialized layer: `weight: [out, in / groups, k]`, `bias: [out]`. */
  readonly create: (inChannels: number, outChannels: number, kernelSize: number, options?: Conv1dOptions) => Conv1d<ParamInit<Tensor>>;
  /** The io-ts codec of the constructor arguments. */
  readonly configCodec: typeof Conv1dConfig;
  /** The constructor arguments of a layer (every option spelled out). */
  readonly toConfig: (m: Conv1d<unknown>) => Conv1dConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: Conv1dConfig) => Conv1d<ParamInit<Tensor>>;
}

const create: Conv1dDef['create'] = (inChannels, outChannels, kernelSize, options = {}) => {
  const fn = 'Conv1d.create';
  checkPositiveInt(fn, 'inChannels', inChannels);
  checkPositiveInt(fn, 'outChannels', outChannels);
  checkPositiveInt(fn, 'kernelSize', kernelSize);
  const stride = checkPositiveInt(fn, 'stride', options.stride ?? 1);
  const dilation = checkPositiveInt(fn, 'dilation', options.dilation ?? 1);
  const groups = checkGroups(fn, inChannels, outChannels, options.groups ?? 1);
  const padding = options.padding ?? 0;
  resolvePadding(fn, padding, [kernelSize], [stride], [dilation]); // validates
  const { weight, bias, useBias } = convolutionWeightAndBias(
    [outChannels, inChannels / groups, kernelSize],
    outChannels,
    (inChannels / groups) * kernelSize,
    options,
  );
  return def.make({
    weight,
    bias,
    inChannels,
    outChannels,
    kernelSize,
    stride,
    padding,
    dilation,
    groups,
    useBias,
  });
};

/**
 * The `Conv1d` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link Conv1dDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const conv = initialize(nn.Conv1d.create(4, 8, 3, { padding: 1 }))(random.key(0))
 * nn.Conv1d.forward(conv, tf.ones([2, 4, 10])).shape // [2, 8, 10]
 * @since 0.1.0
 */
export const Conv1d: Conv1dDef = {
  ...def,
  create,
  configCodec: Conv1dConfig,
  toConfig: convolutionConfigOf,
  fromConfig: (c) => create(c.inChannels, c.outChannels, c.kernelSize, c),
};
