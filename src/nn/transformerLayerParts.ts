/**
 * What PyTorch's `TransformerEncoderLayer` and `TransformerDecoderLayer` share: their constructor
 * options and defaults, the checks on them, their config codec, the input check, the feedforward
 * block and the residual wiring (post-norm, PyTorch's default, or pre-norm).
 *
 * @since 0.2.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { activation, type ActivationName, ActivationNameCodec } from './Activation.js';
import { configObject, DropoutRate, FiniteNumber, PositiveInt } from './configCodecs.js';
import { Dropout } from './Dropout.js';
import { LayerNorm } from './LayerNorm.js';
import { Linear } from './Linear.js';
import { checkEps } from './normalizationArguments.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of `TransformerEncoderLayer.create` and `TransformerDecoderLayer.create`: PyTorch's
 * arguments in camelCase, with PyTorch's defaults — except `batchFirst`, which can only be `true`
 * (inputs `[N, L, E]`; PyTorch's default `batch_first=False` layout `[L, N, E]` is not offered:
 * transpose such inputs with `tf.transpose(x, [1, 0, 2])`).
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.TransformerLayerOptions = { dimFeedforward: 64, dropout: 0, activation: 'gelu', normFirst: true }
 * const layer = nn.TransformerEncoderLayer.create(16, 4, options)
 * @category model
 * @since 0.2.0
 */
export interface TransformerLayerOptions {
  /** Hidden size of the feedforward block; default 2048. */
  readonly dimFeedforward?: number;
  /** Dropout probability after attention, inside and after the feedforward block, and on the attention weights; default 0.1. */
  readonly dropout?: number;
  /** Activation of the feedforward block; default `'relu'` (PyTorch's strings `"relu"`, `"gelu"`, and the other named activations). */
  readonly activation?: ActivationName;
  /** LayerNorm's epsilon; default 1e-5. */
  readonly layerNormEps?: number;
  /** Only `true` (the default here): inputs are `[N, L, E]`. */
  readonly batchFirst?: true;
  /** Pre-norm (`x + f(norm(x))`) instead of post-norm (`norm(x + f(x))`, the default). */
  readonly normFirst?: boolean;
  /** Biases in the Linear layers, the attention projections and the LayerNorms; default `true`. */
  readonly bias?: boolean;
}

/**
 * Every option resolved, with `dModel` and `nhead`: what `toConfig` writes.
 * @example
 * import { nn } from 'parallax-ts'
 * const args = nn.TransformerEncoderLayer.toConfig(nn.TransformerEncoderLayer.create(16, 4)) // { dModel: 16, nhead: 4, dimFeedforward: 2048, ... }
 * @internal
 * @category model
 * @since 0.2.0
 */
export interface TransformerLayerArguments {
  readonly dModel: number;
  readonly nhead: number;
  readonly dimFeedforward: number;
  readonly dropout: number;
  readonly activation: ActivationName;
  readonly layerNormEps: number;
  readonly normFirst: boolean;
  readonly bias: boolean;
}

const checkPositiveInt = (fn: string, name: string, n: unknown): number => {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new ArgumentError(`${fn}: ${name} must be a positive integer, got ${describeData(n)}`);
  return n;
};

/**
 * The options of a Transformer layer resolved with PyTorch's defaults and checked, each error naming
 * the argument (`TransformerEncoderLayer.create: nhead (3) must divide dModel (16)`).
 * @example
 * import { nn } from 'parallax-ts'
 * nn.TransformerEncoderLayer.create(16, 3) // throws: TransformerEncoderLayer.create: nhead (3) must divide dModel (16)
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const resolveLayerArguments = (
  fn: string,
  dModel: number,
  nhead: number,
  options: TransformerLayerOptions,
): TransformerLayerArguments => {
  checkLayerOptions(fn, options, {
    dimFeedforward: 'value',
    dropout: 'value',
    activation: 'value',
    layerNormEps: 'value',
    batchFirst: 'value',
    normFirst: 'flag',
    bias: 'flag',
  });
  checkPositiveInt(fn, 'dModel', dModel);
  checkPositiveInt(fn, 'nhead', nhead);
  if (dModel % nhead !== 0) throw new ArgumentError(`${fn}: nhead (${nhead}) must divide dModel (${dModel})`);
  const batchFirst: unknown = options.batchFirst ?? true;
  if (batchFirst !== true) {
    throw new ArgumentError(
      `${fn}: batchFirst must be true (inputs [N, L, E]), got ${describeData(batchFirst)}; ` +
        "PyTorch's batch_first=False layout [L, N, E] is not supported: transpose such inputs with tf.transpose(x, [1, 0, 2])",
    );
  }
  const dropout = options.dropout ?? 0.1;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))
    throw new ArgumentError(`${fn}: dropout must be in [0, 1), got ${describeData(dropout)}`);
  const act = options.activation ?? 'relu';
  if (!ActivationNameCodec.is(act))
    throw new ArgumentError(`${fn}: activation must be ${ActivationNameCodec.name}, got ${describeData(act)}`);
  const normFirst = options.normFirst ?? false;
  if (typeof normFirst !== 'boolean') throw new ArgumentError(`${fn}: normFirst must be a boolean, got ${describeData(normFirst)}`);
  const bias = options.bias ?? true;
  if (typeof bias !== 'boolean') throw new ArgumentError(`${fn}: bias must be a boolean, got ${describeData(bias)}`);
  return {
    dModel,
    nhead,
    dimFeedforward: checkPositiveInt(fn, 'dimFeedforward', options.dimFeedforward ?? 2048),
    dropout,
    activation: act,
    layerNormEps: checkEps(fn, options.layerNormEps ?? 1e-5),
    normFirst,
    bias,
  };
};

/** `true`, the only batch layout offered, named for config errors. */
const BatchFirst = new t.Type<true, true, unknown>(
  'true (only batch-first inputs [N, L, E] are supported)',
  (u): u is true => u === true,
  (u, c) => (u === true ? t.success(true) : t.failure(u, c)),
  t.identity,
);

/**
 * The config codec of a Transformer layer: `{ dModel, nhead, dimFeedforward?, dropout?, activation?,
 * layerNormEps?, batchFirst?, normFirst?, bias? }`, named after the layer.
 * @example
 * import { nn } from 'parallax-ts'
 * // nn.TransformerEncoderLayerConfig = transformerLayerConfig('TransformerEncoderLayer config')
 * nn.TransformerEncoderLayerConfig.is({ dModel: 16, nhead: 4, normFirst: true }) // true
 * @internal
 * @category config
 * @since 0.2.0
 */
export const transformerLayerConfig = (name: string) =>
  configObject(
    name,
    { dModel: PositiveInt, nhead: PositiveInt },
    {
      dimFeedforward: PositiveInt,
      dropout: DropoutRate,
      activation: ActivationNameCodec,
      layerNormEps: FiniteNumber,
      batchFirst: BatchFirst,
      normFirst: t.boolean,
      bias: t.boolean,
    },
  );

/**
 * Checks a sequence input of a Transformer layer, `[N, L, dModel]` (or unbatched `[L, dModel]`),
 * naming it (`src`, `tgt`, `memory`); with `batch`, the batch size (and batching) it must share.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const layer = initialize(nn.TransformerEncoderLayer.create(8, 2, { dimFeedforward: 16 }))(random.key(0))
 * nn.TransformerEncoderLayer.forward(layer, tf.ones([1, 3, 4]))
 * // throws: TransformerEncoderLayer at the root module: expected src of shape [N, L, 8] or [L, 8], got [1, 3, 4]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const checkSequence = (
  x: unknown,
  what: string,
  dModel: number,
  batch?: { readonly like: Tensor; readonly name: string },
): Tensor => {
  if (!(x instanceof tf.Tensor)) throw new ModuleError(`expected ${what} to be a tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.dtype !== 'float32') throw new ModuleError(`expected ${what} of dtype float32, got ${x.dtype} (shape ${formatShape(x.shape)})`);
  if ((x.rank !== 3 && x.rank !== 2) || x.shape[x.rank - 1] !== dModel) {
    throw new ModuleError(`expected ${what} of shape [N, L, ${dModel}] or [L, ${dModel}], got ${formatShape(x.shape)}`);
  }
  if (batch !== undefined) {
    const other = batch.like;
    const expected = other.rank === 3 ? [other.shape[0]!, null, dModel] : [null, dModel];
    if (x.rank !== other.rank || (x.rank === 3 && x.shape[0] !== other.shape[0])) {
      throw new ModuleError(
        `expected ${what} of shape ${formatShape(expected)} (as ${batch.name} ${formatShape(other.shape)}), got ${formatShape(x.shape)}`,
      );
    }
  }
  return x;
};

/**
 * The feedforward block's modules, as both layers name them.
 * @example
 * import { nn } from 'parallax-ts'
 * const { linear1, dropout, linear2, activation } = nn.TransformerEncoderLayer.create(16, 4)
 * @internal
 * @category model
 * @since 0.2.0
 */
export interface FeedForwardParts {
  readonly linear1: Linear<Tensor>;
  readonly dropout: Dropout<Tensor>;
  readonly linear2: Linear<Tensor>;
  readonly activation: ActivationName;
}

/**
 * PyTorch's `_ff_block` without its last dropout (each layer applies its own): `linear2(dropout(activation(linear1(x))))`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * // the layer's second block is dropout2(feedForward(m, x)), in a residual connection
 * const layer = initialize(nn.TransformerEncoderLayer.create(8, 2, { dimFeedforward: 16 }))(random.key(0))
 * const y = nn.TransformerEncoderLayer.forward(layer, tf.ones([1, 3, 8]), { srcKeyPaddingMask: tf.tensor2d([[false, false, true]], [1, 3], 'bool') })
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const feedForward = (m: FeedForwardParts, x: Tensor): Tensor =>
  Linear.forward(m.linear2, Dropout.forward(m.dropout, activation(m.activation)(Linear.forward(m.linear1, x))));

/**
 * One residual sub-block: post-norm `norm(x + block(x))`, or pre-norm `x + block(norm(x))`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * // normFirst chooses the wiring of each block: residual(m.normFirst, m.norm1, x, selfAttentionBlock)
 * const layer = initialize(nn.TransformerEncoderLayer.create(8, 2, { dimFeedforward: 16 }))(random.key(0))
 * const y = nn.TransformerEncoderLayer.forward(layer, tf.ones([1, 3, 8]), { srcKeyPaddingMask: tf.tensor2d([[false, false, true]], [1, 3], 'bool') })
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const residual = (normFirst: boolean, norm: LayerNorm<Tensor>, x: Tensor, block: (x: Tensor) => Tensor): Tensor =>
  normFirst ? tf.add(x, block(LayerNorm.forward(norm, x))) : LayerNorm.forward(norm, tf.add(x, block(x)));

/**
 * The printed arguments of a layer that its children do not show.
 * @example
 * import { nn, show } from 'parallax-ts'
 * show(nn.TransformerEncoderLayer.create(16, 4)).split('\n')[0] // 'TransformerEncoderLayer(activation=relu, norm_first=false,'
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const layerRepr = (m: { readonly activation: ActivationName; readonly normFirst: boolean }): string =>
  `activation=${m.activation}, norm_first=${m.normFirst}`;

/**
 * The constructor arguments of an encoder or decoder layer, read back from its submodules.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.TransformerDecoderLayer.toConfig(nn.TransformerDecoderLayer.create(16, 4, { normFirst: true })).normFirst // true
 * @internal
 * @category config
 * @since 0.2.0
 */
export const layerArgumentsOf = (m: {
  readonly selfAttn: { readonly embedDim: number; readonly numHeads: number };
  readonly linear1: { readonly outFeatures: number; readonly useBias: boolean };
  readonly dropout: { readonly rate: number };
  readonly norm1: { readonly eps: number };
  readonly activation: ActivationName;
  readonly normFirst: boolean;
}): TransformerLayerArguments => ({
  dModel: m.selfAttn.embedDim,
  nhead: m.selfAttn.numHeads,
  dimFeedforward: m.linear1.outFeatures,
  dropout: m.dropout.rate,
  activation: m.activation,
  layerNormEps: m.norm1.eps,
  normFirst: m.normFirst,
  bias: m.linear1.useBias,
});
