/**
 * `TransformerEncoder`: `numLayers` encoder layers applied in turn, then an optional final LayerNorm
 * — PyTorch's `nn.TransformerEncoder(encoder_layer, num_layers, norm=None)`.
 *
 * - input `src [N, L, dModel]` (or unbatched `[L, dModel]`); output: the same shape
 * - masks: `mask` (`[L, L]` or `[N·nhead, L, L]`), `srcKeyPaddingMask` (`[N, L]`), `isCausal`,
 *   passed to every layer (see {@link TransformerEncoderLayer} for their meaning)
 * - leaves, under PyTorch's state-dict names: `layers.<i>.<the layer's keys>` (`layers.0.self_attn.in_proj_weight`,
 *   `layers.1.linear1.weight`, …) and, with a final norm, `norm.weight`, `norm.bias`. The final norm
 *   is held in a list of zero or one LayerNorm (field path `norm.0.weight`), so that an encoder
 *   without one has no leaves for it.
 * - `create(layer, numLayers)` repeats an *uninitialized* layer: `initialize` then gives each copy
 *   its own parameters. (PyTorch deep-copies an instance, so its copies start out equal; its
 *   `nn.Transformer` re-initializes them afterwards.)
 * - differences from PyTorch: its inference fast path (eval mode, no autograd, `enable_nested_tensor`)
 *   returns zeros at padded positions of `src_key_padding_mask`; its standard path, and this
 *   encoder, compute them like any other position. Outputs at unpadded positions agree.
 *
 * @since 0.2.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { submodules } from '../tree/Field.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { configurable } from './configurable.js';
import { LayerNorm, LayerNormConfig } from './LayerNorm.js';
import { TransformerEncoderLayer, TransformerEncoderLayerConfig } from './TransformerEncoderLayer.js';
import { checkAttentionMasks } from './transformerAttention.js';
import { checkSequence, layerArgumentsOf } from './transformerLayerParts.js';
import { checkStackArguments, type TransformerStackOptions } from './transformerStack.js';
import { checkLayerOptions, moduleError } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * The masks of {@link TransformerEncoder.forward}: PyTorch's `mask`, `src_key_padding_mask`, `is_causal`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const encoder = initialize(nn.TransformerEncoder.create(nn.TransformerEncoderLayer.create(8, 2, { dimFeedforward: 16 }), 2))(random.key(0))
 * const masks: nn.TransformerEncoderMasks = { mask: nn.generateSquareSubsequentMask(4) }
 * const y = nn.TransformerEncoder.forward(encoder, tf.ones([1, 4, 8]), masks)
 * @category model
 * @since 0.2.0
 */
export interface TransformerEncoderMasks {
  /** `[L, L]` or `[N·nhead, L, L]`; bool (`true` = may not attend) or float32 (added to the scores). */
  readonly mask?: Tensor;
  /** `[N, L]` (`[L]` unbatched); bool (`true` = padding) or float32 (added). */
  readonly srcKeyPaddingMask?: Tensor;
  /** Mask every later position, in every layer. */
  readonly isCausal?: boolean;
}

/**
 * `TransformerEncoder`'s constructor arguments as JSON: `{ layer, numLayers, norm? }`, `layer` a
 * {@link TransformerEncoderLayerConfig} and `norm` a LayerNorm config.
 * @example
 * import { nn } from 'parallax-ts'
 * const encoder = nn.TransformerEncoder.fromConfig({ layer: { dModel: 16, nhead: 4 }, numLayers: 2, norm: { normalizedShape: 16 } })
 * @category config
 * @since 0.2.0
 */
export const TransformerEncoderConfig = configObject(
  'TransformerEncoder config',
  { layer: TransformerEncoderLayerConfig, numLayers: PositiveInt },
  { norm: LayerNormConfig },
);
/**
 * The decoded form of {@link TransformerEncoderConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.TransformerEncoderConfig = { layer: { dModel: 16, nhead: 4, normFirst: true }, numLayers: 6 }
 * @category config
 * @since 0.2.0
 */
export type TransformerEncoderConfig = t.TypeOf<typeof TransformerEncoderConfig>;

const TransformerEncoderDef = defineModule('parallax-ts/nn/TransformerEncoder', {
  name: 'TransformerEncoder',
  fields: { layers: submodules(TransformerEncoderLayer), norm: submodules(LayerNorm) },
  // PyTorch's `norm.weight`: the list holds at most one LayerNorm, whose keys need no index.
  stateDictKeys: { norm: (childKey: string): string => `norm.${childKey}` },
  create: (layer: TransformerEncoderLayer<ParamInit<Tensor>>, numLayers: number, options: TransformerStackOptions = {}) => {
    checkLayerOptions('TransformerEncoder.create', options, { norm: 'value' });
    checkStackArguments(
      'TransformerEncoder.create',
      TransformerEncoderLayer,
      layer,
      numLayers,
      options.norm,
      (l: TransformerEncoderLayer<unknown>) => l.linear1.inFeatures,
    );
    // One record repeated: records are immutable and its leaves are lazy, so nothing is shared after `initialize`.
    return { layers: Array.from({ length: numLayers }, () => layer), norm: options.norm === undefined ? [] : [options.norm] };
  },
  forward: (m, src: Tensor, masks: TransformerEncoderMasks = {}) => {
    checkLayerOptions('TransformerEncoder.forward', masks, { mask: 'value', srcKeyPaddingMask: 'value', isCausal: 'value' }, moduleError);
    const first = m.layers[0]!;
    checkSequence(src, 'src', first.linear1.inFeatures);
    // Checked once here, under the names this forward takes, rather than in each layer under its own.
    const batched = src.rank === 3;
    const L = src.shape[src.rank - 2]!;
    checkAttentionMasks(
      {
        attnMask: masks.mask,
        keyPaddingMask: masks.srcKeyPaddingMask,
        isCausal: masks.isCausal,
        names: { attnMask: 'mask', keyPaddingMask: 'srcKeyPaddingMask', isCausal: 'isCausal' },
      },
      { batched, N: batched ? src.shape[0]! : 1, L, S: L, numHeads: first.selfAttn.numHeads },
    );
    const layerMasks = { srcMask: masks.mask, srcKeyPaddingMask: masks.srcKeyPaddingMask, isCausal: masks.isCausal };
    return tf.tidy(() => {
      const x = m.layers.reduce((h, layer) => TransformerEncoderLayer.forward(layer, h, layerMasks), src);
      return m.norm.reduce((h, norm) => LayerNorm.forward(norm, h), x);
    });
  },
  extraRepr: (m) => `numLayers=${m.layers.length}`,
});

/**
 * The `TransformerEncoder` layer: `create(layer, numLayers, { norm? })` builds one from an
 * uninitialized `TransformerEncoderLayer` (eval mode until `newState(model, 'train')`),
 * `forward(m, src, masks?)` / `apply` run it, `toConfig` / `fromConfig` convert its architecture to
 * and from JSON. It takes one input, so it fits in a `Sequential`.
 * @example
 * import { initialize, io, nn, random, tf } from 'parallax-ts'
 * const layer = nn.TransformerEncoderLayer.create(16, 4, { dimFeedforward: 64, dropout: 0.1 })
 * const encoder = initialize(nn.TransformerEncoder.create(layer, 2))(random.key(0))
 * io.stateDictKeys(encoder)[0] // 'layers.0.self_attn.in_proj_weight'
 * const y = nn.TransformerEncoder.forward(encoder, tf.randomNormal([2, 5, 16]), { isCausal: true }) // [2, 5, 16]
 * @category layers
 * @since 0.2.0
 */
export const TransformerEncoder = configurable(TransformerEncoderDef, TransformerEncoderConfig, {
  toConfig: (m) => ({
    layer: layerArgumentsOf(m.layers[0]!),
    numLayers: m.layers.length,
    ...(m.norm.length > 0 ? { norm: LayerNorm.toConfig(m.norm[0]!) } : {}),
  }),
  fromConfig: (c) =>
    TransformerEncoderDef.create(
      TransformerEncoderLayer.fromConfig(c.layer),
      c.numLayers,
      c.norm === undefined ? {} : { norm: LayerNorm.fromConfig(c.norm) },
    ),
});
/**
 * A `TransformerEncoder` whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const encoder: nn.TransformerEncoder<tf.Tensor> = initialize(nn.TransformerEncoder.create(nn.TransformerEncoderLayer.create(16, 4), 2))(random.key(0))
 * @category model
 * @since 0.2.0
 */
export type TransformerEncoder<A> = ModuleType<typeof TransformerEncoder, A>;
