/**
 * `TransformerEncoderLayer`: self-attention and a feedforward block, each in a residual connection
 * with a LayerNorm — PyTorch's `nn.TransformerEncoderLayer` (with `batch_first=True`), its
 * arguments, defaults, state-dict names and numerics.
 *
 * Post-norm (PyTorch's default, `normFirst: false`):
 * `x = norm1(x + dropout1(selfAttn(x))); x = norm2(x + dropout2(ff(x)))`; pre-norm (`normFirst: true`):
 * `x = x + dropout1(selfAttn(norm1(x))); x = x + dropout2(ff(norm2(x)))`; where
 * `ff(x) = linear2(dropout(activation(linear1(x))))`.
 *
 * - input `src [N, L, dModel]` (or unbatched `[L, dModel]`); output: the same shape
 * - masks (PyTorch's conventions; bool `true` = may not attend, float = added to the scores):
 *   `srcMask` `[L, L]` or `[N·nhead, L, L]`, `srcKeyPaddingMask` `[N, L]` (`[L]` unbatched),
 *   `isCausal: true` masks every later position. PyTorch treats `is_causal` as a hint about
 *   `src_mask` and needs the mask with it; here `isCausal` alone applies the causal mask, and with a
 *   mask both apply (the same thing when the mask is causal, as the hint promises). A query whose
 *   every key is masked gets `out_proj.bias` from the attention (PyTorch ≥ 2.5's
 *   `need_weights=False` path), not NaN.
 * - leaves, under PyTorch's state-dict names: `self_attn.in_proj_weight [3·dModel, dModel]`,
 *   `self_attn.in_proj_bias [3·dModel]`, `self_attn.out_proj.weight [dModel, dModel]`,
 *   `self_attn.out_proj.bias`, `linear1.weight [dimFeedforward, dModel]`, `linear1.bias`,
 *   `linear2.weight [dModel, dimFeedforward]`, `linear2.bias`, `norm1.weight [dModel]`,
 *   `norm1.bias`, `norm2.weight`, `norm2.bias` (no biases with `bias: false`). The field holding the
 *   attention is `selfAttn` (leaf paths `selfAttn.in_proj_weight`, …).
 * - default init: each submodule's, as PyTorch's (attention: Xavier-uniform projections, zero
 *   biases; Linear `U(±1/√in)`; LayerNorm ones and zeros)
 * - dropout (rate `dropout`, default 0.1) in train mode only, where PyTorch has it: on the attention
 *   weights (`selfAttn`'s own), after the attention (`dropout1`), after the activation (`dropout`)
 *   and after the feedforward block (`dropout2`); each gets its own key from `newState`. A new layer
 *   is in eval mode.
 * - not supported: PyTorch's `batch_first=False` (see {@link TransformerLayerOptions}).
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
import { transformerAttention } from './transformerAttention.js';
import {
  checkSequence,
  feedForward,
  layerRepr,
  residual,
  resolveLayerArguments,
  layerArgumentsOf,
  transformerLayerConfig,
  type TransformerLayerOptions,
} from './transformerLayerParts.js';
import { checkLayerOptions, moduleError } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * The masks of {@link TransformerEncoderLayer.forward}, PyTorch's `src_mask`, `src_key_padding_mask`
 * and `is_causal`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const layer = initialize(nn.TransformerEncoderLayer.create(8, 2, { dimFeedforward: 16 }))(random.key(0))
 * const masks: nn.TransformerEncoderLayerMasks = { isCausal: true, srcKeyPaddingMask: tf.tensor2d([[false, false, true]], [1, 3], 'bool') }
 * const y = nn.TransformerEncoderLayer.forward(layer, tf.ones([1, 3, 8]), masks)
 * @category model
 * @since 0.2.0
 */
export interface TransformerEncoderLayerMasks {
  /** `[L, L]` or `[N·nhead, L, L]`; bool (`true` = may not attend) or float32 (added to the scores). */
  readonly srcMask?: Tensor;
  /** `[N, L]` (`[L]` unbatched); bool (`true` = padding, attended by no one) or float32 (added). */
  readonly srcKeyPaddingMask?: Tensor;
  /** Mask every later position (a causal, decoder-style encoder), with the other masks. */
  readonly isCausal?: boolean;
}

/**
 * `TransformerEncoderLayer`'s constructor arguments as JSON: `{ dModel, nhead, dimFeedforward?,
 * dropout?, activation?, layerNormEps?, batchFirst?, normFirst?, bias? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const layer = nn.TransformerEncoderLayer.fromConfig({ dModel: 16, nhead: 4, dimFeedforward: 64, normFirst: true })
 * @category config
 * @since 0.2.0
 */
export const TransformerEncoderLayerConfig = transformerLayerConfig('TransformerEncoderLayer config');
/**
 * The decoded form of {@link TransformerEncoderLayerConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.TransformerEncoderLayerConfig = { dModel: 16, nhead: 4, dropout: 0 }
 * @category config
 * @since 0.2.0
 */
export type TransformerEncoderLayerConfig = t.TypeOf<typeof TransformerEncoderLayerConfig>;

const TransformerEncoderLayerDef = defineModule('parallax-ts/nn/TransformerEncoderLayer', {
  name: 'TransformerEncoderLayer',
  // In PyTorch's registration order, which is its state dict's order.
  fields: {
    selfAttn: submodule(MultiheadAttention),
    linear1: submodule(Linear),
    dropout: submodule(Dropout),
    linear2: submodule(Linear),
    norm1: submodule(LayerNorm),
    norm2: submodule(LayerNorm),
    dropout1: submodule(Dropout),
    dropout2: submodule(Dropout),
    activation: constant<ActivationName>(),
    normFirst: constant<boolean>(),
  },
  stateDictKeys: { selfAttn: 'self_attn' },
  create: (dModel: number, nhead: number, options: TransformerLayerOptions = {}) => {
    const a = resolveLayerArguments('TransformerEncoderLayer.create', dModel, nhead, options);
    const norm = () => LayerNorm.create(a.dModel, { eps: a.layerNormEps, bias: a.bias });
    return {
      selfAttn: MultiheadAttention.create(a.dModel, a.nhead, { dropout: a.dropout, bias: a.bias }),
      linear1: Linear.create(a.dModel, a.dimFeedforward, { bias: a.bias }),
      dropout: Dropout.create(a.dropout),
      linear2: Linear.create(a.dimFeedforward, a.dModel, { bias: a.bias }),
      norm1: norm(),
      norm2: norm(),
      dropout1: Dropout.create(a.dropout),
      dropout2: Dropout.create(a.dropout),
      activation: a.activation,
      normFirst: a.normFirst,
    };
  },
  forward: (m, src: Tensor, masks: TransformerEncoderLayerMasks = {}) => {
    checkLayerOptions(
      'TransformerEncoderLayer.forward',
      masks,
      { srcMask: 'value', srcKeyPaddingMask: 'value', isCausal: 'value' },
      moduleError,
    );
    checkSequence(src, 'src', m.linear1.inFeatures);
    const attentionMasks = {
      attnMask: masks.srcMask,
      keyPaddingMask: masks.srcKeyPaddingMask,
      isCausal: masks.isCausal,
      names: { attnMask: 'srcMask', keyPaddingMask: 'srcKeyPaddingMask', isCausal: 'isCausal' },
    };
    return tf.tidy(() => {
      const x = residual(m.normFirst, m.norm1, src, (h) =>
        Dropout.forward(m.dropout1, transformerAttention(m.selfAttn, h, h, attentionMasks)),
      );
      return residual(m.normFirst, m.norm2, x, (h) => Dropout.forward(m.dropout2, feedForward(m, h)));
    });
  },
  extraRepr: layerRepr,
});

/**
 * The `TransformerEncoderLayer` layer: `create(dModel, nhead, options?)` builds one (uninitialized,
 * eval mode until `newState(model, 'train')`), `forward(m, src, masks?)` / `apply` run it,
 * `toConfig` / `fromConfig` convert its architecture to and from JSON. It takes one input, so it
 * fits in a `Sequential`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const layer = initialize(nn.TransformerEncoderLayer.create(16, 4, { dimFeedforward: 64, normFirst: true }))(random.key(0))
 * const y = nn.TransformerEncoderLayer.forward(layer, tf.randomNormal([2, 5, 16]), { isCausal: true }) // [2, 5, 16]
 * @category layers
 * @since 0.2.0
 */
export const TransformerEncoderLayer = configurable(TransformerEncoderLayerDef, TransformerEncoderLayerConfig, {
  toConfig: (m) => layerArgumentsOf(m),
  fromConfig: ({ dModel, nhead, ...options }) => TransformerEncoderLayerDef.create(dModel, nhead, options),
});
/**
 * A `TransformerEncoderLayer` whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const layer: nn.TransformerEncoderLayer<tf.Tensor> = initialize(nn.TransformerEncoderLayer.create(16, 4))(random.key(0))
 * @category model
 * @since 0.2.0
 */
export type TransformerEncoderLayer<A> = ModuleType<typeof TransformerEncoderLayer, A>;
