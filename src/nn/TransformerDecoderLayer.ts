/**
 * `TransformerDecoderLayer`: self-attention over the target, cross-attention to the encoder's output
 * (`memory`) and a feedforward block, each in a residual connection with a LayerNorm — PyTorch's
 * `nn.TransformerDecoderLayer` (with `batch_first=True`), its arguments, defaults, state-dict names
 * and numerics.
 *
 * Post-norm (PyTorch's default):
 * `x = norm1(x + dropout1(selfAttn(x))); x = norm2(x + dropout2(multiheadAttn(x, memory))); x = norm3(x + dropout3(ff(x)))`;
 * pre-norm (`normFirst: true`): `x = x + dropout1(selfAttn(norm1(x)))`, `x = x + dropout2(multiheadAttn(norm2(x), memory))`,
 * `x = x + dropout3(ff(norm3(x)))`; where `ff(x) = linear2(dropout(activation(linear1(x))))`.
 *
 * - inputs `tgt [N, T, dModel]`, `memory [N, S, dModel]` (or both unbatched); output `[N, T, dModel]`
 * - masks (PyTorch's conventions; bool `true` = may not attend, float = added to the scores):
 *   self-attention: `tgtMask` `[T, T]` or `[N·nhead, T, T]`, `tgtKeyPaddingMask` `[N, T]`,
 *   `tgtIsCausal` (a causal target: position `i` sees positions `≤ i`); cross-attention:
 *   `memoryMask` `[T, S]` or `[N·nhead, T, S]`, `memoryKeyPaddingMask` `[N, S]`, `memoryIsCausal`.
 *   PyTorch treats the `*IsCausal` flags as hints about the masks and needs the mask with them;
 *   here a flag alone applies the causal mask, and with a mask both apply. A query whose every key
 *   is masked gets `out_proj.bias` from that attention (PyTorch ≥ 2.5), not NaN.
 * - leaves, under PyTorch's state-dict names: `self_attn.*` and `multihead_attn.*` (each
 *   `in_proj_weight [3·dModel, dModel]`, `in_proj_bias`, `out_proj.weight`, `out_proj.bias`),
 *   `linear1.*`, `linear2.*`, `norm1.*`, `norm2.*`, `norm3.*`; fields `selfAttn`, `multiheadAttn`.
 * - default init and dropout as {@link TransformerEncoderLayer}'s: dropout on both attentions'
 *   weights, after each attention (`dropout1`, `dropout2`), after the activation (`dropout`) and
 *   after the feedforward block (`dropout3`). A new layer is in eval mode.
 *
 * @since 0.2.0
 */
import type * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant, submodule } from '../tree/Field.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import type { ActivationName } from './Activation.js';
import { configurable } from './configurable.js';
import { Dropout } from './Dropout.js';
import { LayerNorm } from './LayerNorm.js';
import { Linear } from './Linear.js';
import { MultiheadAttention } from './MultiheadAttention.js';
import { checkAttentionMasks, transformerAttention, type TransformerAttentionMasks } from './transformerAttention.js';
import {
  checkSequence,
  feedForward,
  layerArgumentsOf,
  layerRepr,
  residual,
  resolveLayerArguments,
  transformerLayerConfig,
  type TransformerLayerOptions,
} from './transformerLayerParts.js';
import { checkLayerOptions, moduleError, type OptionKinds } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * The masks of {@link TransformerDecoderLayer.forward} and `TransformerDecoder.forward`: PyTorch's
 * `tgt_mask`, `memory_mask`, `tgt_key_padding_mask`, `memory_key_padding_mask`, `tgt_is_causal`,
 * `memory_is_causal`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const layer = initialize(nn.TransformerDecoderLayer.create(8, 2, { dimFeedforward: 16 }))(random.key(0))
 * const masks: nn.TransformerDecoderMasks = { tgtIsCausal: true, memoryKeyPaddingMask: tf.tensor2d([[false, true]], [1, 2], 'bool') }
 * const y = nn.TransformerDecoderLayer.forward(layer, tf.ones([1, 3, 8]), tf.ones([1, 2, 8]), masks) // [1, 3, 8]
 * @category model
 * @since 0.2.0
 */
export interface TransformerDecoderMasks {
  /** Self-attention: `[T, T]` or `[N·nhead, T, T]`; bool (`true` = may not attend) or float32 (added). */
  readonly tgtMask?: Tensor;
  /** Cross-attention: `[T, S]` or `[N·nhead, T, S]`; bool or float32. */
  readonly memoryMask?: Tensor;
  /** `[N, T]` (`[T]` unbatched): padded target positions, attended by no one. */
  readonly tgtKeyPaddingMask?: Tensor;
  /** `[N, S]` (`[S]` unbatched): padded memory positions. */
  readonly memoryKeyPaddingMask?: Tensor;
  /** Self-attention is causal: target position `i` attends to positions `≤ i`. */
  readonly tgtIsCausal?: boolean;
  /** Cross-attention is causal: target position `i` attends to memory positions `≤ i`. */
  readonly memoryIsCausal?: boolean;
}

/**
 * The kinds of a decoder's masks (see `checkLayerOptions`): an unknown key is refused, not ignored.
 * @example
 * import { DECODER_MASKS } from './TransformerDecoderLayer.js'
 * Object.keys(DECODER_MASKS) // ['tgtMask', 'memoryMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask', 'tgtIsCausal', 'memoryIsCausal']
 * @since 0.2.0
 * @internal
 */
export const DECODER_MASKS: OptionKinds<TransformerDecoderMasks> = {
  tgtMask: 'value',
  memoryMask: 'value',
  tgtKeyPaddingMask: 'value',
  memoryKeyPaddingMask: 'value',
  tgtIsCausal: 'value',
  memoryIsCausal: 'value',
};

/**
 * The two attentions' masks, under the names the decoder's forward takes.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * // tgt* masks go to the self-attention, memory* masks to the cross-attention
 * const layer = initialize(nn.TransformerDecoderLayer.create(8, 2, { dimFeedforward: 16 }))(random.key(0))
 * const y = nn.TransformerDecoderLayer.forward(layer, tf.ones([1, 3, 8]), tf.ones([1, 4, 8]), { tgtIsCausal: true })
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const decoderAttentionMasks = (
  masks: TransformerDecoderMasks,
): { readonly self: TransformerAttentionMasks; readonly cross: TransformerAttentionMasks } => ({
  self: {
    attnMask: masks.tgtMask,
    keyPaddingMask: masks.tgtKeyPaddingMask,
    isCausal: masks.tgtIsCausal,
    names: { attnMask: 'tgtMask', keyPaddingMask: 'tgtKeyPaddingMask', isCausal: 'tgtIsCausal' },
  },
  cross: {
    attnMask: masks.memoryMask,
    keyPaddingMask: masks.memoryKeyPaddingMask,
    isCausal: masks.memoryIsCausal,
    names: { attnMask: 'memoryMask', keyPaddingMask: 'memoryKeyPaddingMask', isCausal: 'memoryIsCausal' },
  },
});

/**
 * Checks a decoder's inputs and masks (`tgt`, `memory` sharing the batch): every problem names the
 * argument. Used by the layer and by `TransformerDecoder` (once for the whole stack).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const layer = initialize(nn.TransformerDecoderLayer.create(8, 2, { dimFeedforward: 16 }))(random.key(0))
 * nn.TransformerDecoderLayer.forward(layer, tf.ones([2, 3, 8]), tf.ones([1, 4, 8]))
 * // throws: TransformerDecoderLayer at the root module: expected memory of shape [2, *, 8] (as tgt [2, 3, 8]), got [1, 4, 8]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const checkDecoderInputs = (tgt: unknown, memory: unknown, dModel: number, nhead: number, masks: TransformerDecoderMasks): void => {
  const x = checkSequence(tgt, 'tgt', dModel);
  const mem = checkSequence(memory, 'memory', dModel, { like: x, name: 'tgt' });
  const batched = x.rank === 3;
  const N = batched ? x.shape[0]! : 1;
  const T = x.shape[x.rank - 2]!;
  const S = mem.shape[mem.rank - 2]!;
  const { self, cross } = decoderAttentionMasks(masks);
  checkAttentionMasks(self, { batched, N, L: T, S: T, numHeads: nhead });
  checkAttentionMasks(cross, { batched, N, L: T, S, numHeads: nhead });
};

/**
 * `TransformerDecoderLayer`'s constructor arguments as JSON (the same as the encoder layer's):
 * `{ dModel, nhead, dimFeedforward?, dropout?, activation?, layerNormEps?, batchFirst?, normFirst?, bias? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const layer = nn.TransformerDecoderLayer.fromConfig({ dModel: 16, nhead: 4, dimFeedforward: 64 })
 * @category config
 * @since 0.2.0
 */
export const TransformerDecoderLayerConfig = transformerLayerConfig('TransformerDecoderLayer config');
/**
 * The decoded form of {@link TransformerDecoderLayerConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.TransformerDecoderLayerConfig = { dModel: 16, nhead: 4, normFirst: true }
 * @category config
 * @since 0.2.0
 */
export type TransformerDecoderLayerConfig = t.TypeOf<typeof TransformerDecoderLayerConfig>;

const TransformerDecoderLayerDef = defineModule('parallax-ts/nn/TransformerDecoderLayer', {
  name: 'TransformerDecoderLayer',
  // In PyTorch's registration order, which is its state dict's order.
  fields: {
    selfAttn: submodule(MultiheadAttention),
    multiheadAttn: submodule(MultiheadAttention),
    linear1: submodule(Linear),
    dropout: submodule(Dropout),
    linear2: submodule(Linear),
    norm1: submodule(LayerNorm),
    norm2: submodule(LayerNorm),
    norm3: submodule(LayerNorm),
    dropout1: submodule(Dropout),
    dropout2: submodule(Dropout),
    dropout3: submodule(Dropout),
    activation: constant<ActivationName>(),
    normFirst: constant<boolean>(),
  },
  stateDictKeys: { selfAttn: 'self_attn', multiheadAttn: 'multihead_attn' },
  create: (dModel: number, nhead: number, options: TransformerLayerOptions = {}) => {
    const a = resolveLayerArguments('TransformerDecoderLayer.create', dModel, nhead, options);
    const attention = () => MultiheadAttention.create(a.dModel, a.nhead, { dropout: a.dropout, bias: a.bias });
    const norm = () => LayerNorm.create(a.dModel, { eps: a.layerNormEps, bias: a.bias });
    return {
      selfAttn: attention(),
      multiheadAttn: attention(),
      linear1: Linear.create(a.dModel, a.dimFeedforward, { bias: a.bias }),
      dropout: Dropout.create(a.dropout),
      linear2: Linear.create(a.dimFeedforward, a.dModel, { bias: a.bias }),
      norm1: norm(),
      norm2: norm(),
      norm3: norm(),
      dropout1: Dropout.create(a.dropout),
      dropout2: Dropout.create(a.dropout),
      dropout3: Dropout.create(a.dropout),
      activation: a.activation,
      normFirst: a.normFirst,
    };
  },
  forward: (m, tgt: Tensor, memory: Tensor, masks: TransformerDecoderMasks = {}) => {
    checkLayerOptions('TransformerDecoderLayer.forward', masks, DECODER_MASKS, moduleError);
    checkDecoderInputs(tgt, memory, m.linear1.inFeatures, m.selfAttn.numHeads, masks);
    const { self, cross } = decoderAttentionMasks(masks);
    return tf.tidy(() => {
      let x = residual(m.normFirst, m.norm1, tgt, (h) => Dropout.forward(m.dropout1, transformerAttention(m.selfAttn, h, h, self)));
      x = residual(m.normFirst, m.norm2, x, (h) => Dropout.forward(m.dropout2, transformerAttention(m.multiheadAttn, h, memory, cross)));
      return residual(m.normFirst, m.norm3, x, (h) => Dropout.forward(m.dropout3, feedForward(m, h)));
    });
  },
  extraRepr: layerRepr,
});

/**
 * The `TransformerDecoderLayer` layer: `create(dModel, nhead, options?)` builds one (uninitialized,
 * eval mode until `newState(model, 'train')`), `forward(m, tgt, memory, masks?)` / `apply` run it,
 * `toConfig` / `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const layer = initialize(nn.TransformerDecoderLayer.create(16, 4, { dimFeedforward: 64 }))(random.key(0))
 * const memory = tf.randomNormal([2, 7, 16])
 * const y = nn.TransformerDecoderLayer.forward(layer, tf.randomNormal([2, 5, 16]), memory, { tgtIsCausal: true }) // [2, 5, 16]
 * @category layers
 * @since 0.2.0
 */
export const TransformerDecoderLayer = configurable(TransformerDecoderLayerDef, TransformerDecoderLayerConfig, {
  toConfig: (m) => layerArgumentsOf(m),
  fromConfig: ({ dModel, nhead, ...options }) => TransformerDecoderLayerDef.create(dModel, nhead, options),
});
/**
 * A `TransformerDecoderLayer` whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const layer: nn.TransformerDecoderLayer<tf.Tensor> = initialize(nn.TransformerDecoderLayer.create(16, 4))(random.key(0))
 * @category model
 * @since 0.2.0
 */
export type TransformerDecoderLayer<A> = ModuleType<typeof TransformerDecoderLayer, A>;
