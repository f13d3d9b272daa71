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
import type * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import { configurable } from './configurable.js';
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
import { checkChannelsFirst, checkTransposedOutput } from './inputCheck.js';
import { type IntOrPair, NonNegativeIntOrPair, type Pair, PositiveIntOrPair, toPair } from './spatial.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link ConvTranspose2d.create} (PyTorch's keyword arguments and defaults): `stride`,
 * `padding`, `outputPadding`, `dilation`, `groups`, `bias`, `weightInit`, `biasInit`.
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.ConvTranspose2dOptions = { stride: 2, padding: 1, outputPadding: 1 }
 * const up = nn.ConvTranspose2d.create(8, 4, 3, options)
 * @category model
 * @since 0.1.0
 */
export interface ConvTranspose2dOptions extends ConvolutionOptions<IntOrPair, IntOrPair> {
  /** Default 0: crops `padding` rows/columns from each side of the full transposed output. */
  readonly padding?: IntOrPair;
  /** Default 0; extra rows/columns after; each must be < max(stride, dilation). */
  readonly outputPadding?: IntOrPair;
}

/**
 * `ConvTranspose2d`'s constructor arguments as JSON: `{ inChannels, outChannels, kernelSize,
 * stride?, padding?, outputPadding?, dilation?, groups?, bias? }` (sizes are ints or `[h, w]` pairs).
 * @example
 * import { nn } from 'parallax-ts'
 * const up = nn.ConvTranspose2d.fromConfig({ inChannels: 8, outChannels: 4, kernelSize: 4, stride: 2, padding: 1 })
 * @category config
 * @since 0.1.0
 */
export const ConvTranspose2dConfig = convolutionConfigCodec('ConvTranspose2d', PositiveIntOrPair, NonNegativeIntOrPair, {
  outputPadding: NonNegativeIntOrPair,
});
/**
 * The constructor arguments of a `ConvTranspose2d`, as decoded by `ConvTranspose2dConfig`.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.ConvTranspose2dConfig = { inChannels: 8, outChannels: 4, kernelSize: 4, stride: 2, outputPadding: 1 }
 * @category config
 * @since 0.1.0
 */
export type ConvTranspose2dConfig = t.TypeOf<typeof ConvTranspose2dConfig>;

const ConvTranspose2dDef = defineModule('parallax-ts/nn/ConvTranspose2d', {
  name: 'ConvTranspose2d',
  fields: {
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
  },
  create: (inChannels: number, outChannels: number, kernelSize: IntOrPair, options: ConvTranspose2dOptions = {}) => {
    const fn = 'ConvTranspose2d.create';
    checkLayerOptions(fn, options, { ...CONVOLUTION_OPTIONS, outputPadding: 'value' });
    const args = checkConvolutionArguments(fn, toPair, inChannels, outChannels, kernelSize, options, () => ({
      padding: toPair(fn, 'padding', options.padding ?? 0, 0),
      outputPadding: toPair(fn, 'outputPadding', options.outputPadding ?? 0, 0),
    }));
    const { stride, outputPadding, dilation } = args;
    if (outputPadding[0] >= Math.max(stride[0], dilation[0]) || outputPadding[1] >= Math.max(stride[1], dilation[1])) {
      throw new ArgumentError(
        `${fn}: outputPadding must be smaller than stride or dilation (as in PyTorch), got outputPadding ${describeData(outputPadding)}, stride ${describeData(stride)}, dilation ${describeData(dilation)}`,
      );
    }
    // Input channels first: PyTorch's layout for a transposed convolution's weight.
    const weightShape = [inChannels, outChannels / args.groups, ...args.kernelSize];
    return { ...args, ...convolutionWeightAndBias(weightShape, outChannels, options) };
  },
  forward: (m, x: Tensor) => {
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
        tf.reshape(tf.transpose(tf.reshape(m.weight, [g, m.inChannels / g, m.outChannels / g, kh, kw]), [0, 2, 1, 3, 4]), [
          m.outChannels,
          m.inChannels / g,
          kh,
          kw,
        ]),
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
  },
  extraRepr: (m) => convolutionRepr(m, m.padding[0] === 0 && m.padding[1] === 0),
});

/**
 * The `ConvTranspose2d` layer: `create` builds one (uninitialized), `forward` / `apply` run it,
 * `toConfig` / `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const up = initialize(nn.ConvTranspose2d.create(8, 4, 4, { stride: 2, padding: 1 }))(random.key(0))
 * nn.ConvTranspose2d.forward(up, tf.ones([1, 8, 16, 16])).shape // [1, 4, 32, 32]
 * @category layers
 * @since 0.1.0
 */
export const ConvTranspose2d = configurable(ConvTranspose2dDef, ConvTranspose2dConfig, {
  toConfig: convolutionConfigOf,
  fromConfig: ({ inChannels, outChannels, kernelSize, ...options }) =>
    ConvTranspose2dDef.create(inChannels, outChannels, kernelSize, options),
});
/**
 * A `ConvTranspose2d` layer whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, type tf } from 'parallax-ts'
 * const up: nn.ConvTranspose2d<tf.Tensor> = initialize(nn.ConvTranspose2d.create(8, 4, 4))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type ConvTranspose2d<A> = ModuleType<typeof ConvTranspose2d, A>;
