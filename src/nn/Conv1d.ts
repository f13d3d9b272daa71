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
import type * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import { PositiveInt } from './configCodecs.js';
import { configurable } from './configurable.js';
import { conv2dOp } from './conv2dOp.js';
import { conv2dNchw, interleaveZeros } from './convolution.js';
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
import { checkPositiveInt, type Padding1d, Padding1dCodec, resolvePadding } from './spatial.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link Conv1d.create} (PyTorch's keyword arguments and defaults): `stride`, `padding`
 * (an int, `'valid'` or `'same'`), `dilation`, `groups`, `bias`, `weightInit`, `biasInit`.
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.Conv1dOptions = { padding: 'same', dilation: 2 }
 * const conv = nn.Conv1d.create(4, 8, 3, options)
 * @category model
 * @since 0.1.0
 */
export interface Conv1dOptions extends ConvolutionOptions<number, Padding1d> {}

/**
 * `Conv1d`'s constructor arguments as JSON: `{ inChannels, outChannels, kernelSize, stride?,
 * padding?, dilation?, groups?, bias? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const conv = nn.Conv1d.fromConfig({ inChannels: 4, outChannels: 8, kernelSize: 3, padding: 'same' })
 * @category config
 * @since 0.1.0
 */
export const Conv1dConfig = convolutionConfigCodec('Conv1d', PositiveInt, Padding1dCodec);
/**
 * The constructor arguments of a `Conv1d`, as decoded by `Conv1dConfig`.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.Conv1dConfig = nn.Conv1d.toConfig(nn.Conv1d.create(4, 8, 3)) // { inChannels: 4, ..., bias: true }
 * @category config
 * @since 0.1.0
 */
export type Conv1dConfig = t.TypeOf<typeof Conv1dConfig>;

const Conv1dDef = defineModule('parallax-ts/nn/Conv1d', {
  name: 'Conv1d',
  fields: {
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
  },
  create: (inChannels: number, outChannels: number, kernelSize: number, options: Conv1dOptions = {}) => {
    const fn = 'Conv1d.create';
    checkLayerOptions(fn, options, CONVOLUTION_OPTIONS);
    const args = checkConvolutionArguments(fn, checkPositiveInt, inChannels, outChannels, kernelSize, options);
    const padding = options.padding ?? 0;
    resolvePadding(fn, padding, [args.kernelSize], [args.stride], [args.dilation]); // validates
    const weightShape = [outChannels, inChannels / args.groups, args.kernelSize];
    return { ...args, padding, ...convolutionWeightAndBias(weightShape, outChannels, options) };
  },
  forward: (m, x: Tensor) => {
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
  },
  extraRepr: (m) => convolutionRepr(m, m.padding === 0 || m.padding === 'valid'),
});

/**
 * The `Conv1d` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const conv = initialize(nn.Conv1d.create(4, 8, 3, { padding: 1 }))(random.key(0))
 * nn.Conv1d.forward(conv, tf.ones([2, 4, 10])).shape // [2, 8, 10]
 * @category layers
 * @since 0.1.0
 */
export const Conv1d = configurable(Conv1dDef, Conv1dConfig, {
  toConfig: convolutionConfigOf,
  fromConfig: ({ inChannels, outChannels, kernelSize, ...options }) => Conv1dDef.create(inChannels, outChannels, kernelSize, options),
});
/**
 * A `Conv1d` layer whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, type tf } from 'parallax-ts'
 * const conv: nn.Conv1d<tf.Tensor> = initialize(nn.Conv1d.create(4, 8, 3))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type Conv1d<A> = ModuleType<typeof Conv1d, A>;
