/**
 * `TransformerDecoder`: `numLayers` decoder layers applied in turn to the target, each attending to
 * the same `memory`, then an optional final LayerNorm — PyTorch's
 * `nn.TransformerDecoder(decoder_layer, num_layers, norm=None)`.
 *
 * - inputs `tgt [N, T, dModel]`, `memory [N, S, dModel]` (or both unbatched); output `[N, T, dModel]`
 * - masks: those of {@link TransformerDecoderLayer} (`tgtMask`, `memoryMask`, `tgtKeyPaddingMask`,
 *   `memoryKeyPaddingMask`, `tgtIsCausal`, `memoryIsCausal`), passed to every layer
 * - leaves, under PyTorch's state-dict names: `layers.<i>.<the layer's keys>`
 *   (`layers.0.multihead_attn.in_proj_weight`, …) and, with a final norm, `norm.weight`, `norm.bias`
 *   (field path `norm.0.weight`: a list of zero or one LayerNorm)
 * - `create(layer, numLayers)` repeats an *uninitialized* layer; `initialize` gives each copy its
 *   own parameters (PyTorch's copies start out equal)
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
import {
  checkDecoderInputs,
  DECODER_MASKS,
  TransformerDecoderLayer,
  TransformerDecoderLayerConfig,
  type TransformerDecoderMasks,
} from './TransformerDecoderLayer.js';
import { layerArgumentsOf } from './transformerLayerParts.js';
import { checkStackArguments, type TransformerStackOptions } from './transformerStack.js';
import { checkLayerOptions, moduleError } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * `TransformerDecoder`'s constructor arguments as JSON: `{ layer, numLayers, norm? }`, `layer` a
 * {@link TransformerDecoderLayerConfig} and `norm` a LayerNorm config.
 * @example
 * import { nn } from 'parallax-ts'
 * const decoder = nn.TransformerDecoder.fromConfig({ layer: { dModel: 16, nhead: 4 }, numLayers: 2 })
 * @category config
 * @since 0.2.0
 */
export const TransformerDecoderConfig = configObject(
  'TransformerDecoder config',
  { layer: TransformerDecoderLayerConfig, numLayers: PositiveInt },
  { norm: LayerNormConfig },
);
/**
 * The decoded form of {@link TransformerDecoderConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.TransformerDecoderConfig = { layer: { dModel: 16, nhead: 4 }, numLayers: 6, norm: { normalizedShape: 16 } }
 * @category config
 * @since 0.2.0
 */
export type TransformerDecoderConfig = t.TypeOf<typeof TransformerDecoderConfig>;

const TransformerDecoderDef = defineModule('parallax-ts/nn/TransformerDecoder', {
  name: 'TransformerDecoder',
  fields: { layers: submodules(TransformerDecoderLayer), norm: submodules(LayerNorm) },
  // PyTorch's `norm.weight`: the list holds at most one LayerNorm, whose keys need no index.
  stateDictKeys: { norm: (childKey: string): string => `norm.${childKey}` },
  create: (layer: TransformerDecoderLayer<ParamInit<Tensor>>, numLayers: number, options: TransformerStackOptions = {}) => {
    checkLayerOptions('TransformerDecoder.create', options, { norm: 'value' });
    checkStackArguments(
      'TransformerDecoder.create',
      TransformerDecoderLayer,
      layer,
      numLayers,
      options.norm,
      (l: TransformerDecoderLayer<unknown>) => l.linear1.inFeatures,
    );
    // One record repeated: records are immutable and its leaves are lazy, so nothing is shared after `initialize`.
    return { layers: Array.from({ length: numLayers }, () => layer), norm: options.norm === undefined ? [] : [options.norm] };
  },
  forward: (m, tgt: Tensor, memory: Tensor, masks: TransformerDecoderMasks = {}) => {
    checkLayerOptions('TransformerDecoder.forward', masks, DECODER_MASKS, moduleError);
    const first = m.layers[0]!;
    checkDecoderInputs(tgt, memory, first.linear1.inFeatures, first.selfAttn.numHeads, masks);
    return tf.tidy(() => {
      const x = m.layers.reduce((h, layer) => TransformerDecoderLayer.forward(layer, h, memory, masks), tgt);
      return m.norm.reduce((h, norm) => LayerNorm.forward(norm, h), x);
    });
  },
  extraRepr: (m) => `numLayers=${m.layers.length}`,
});

/**
 * The `TransformerDecoder` layer: `create(layer, numLayers, { norm? })` builds one from an
 * uninitialized `TransformerDecoderLayer` (eval mode until `newState(model, 'train')`),
 * `forward(m, tgt, memory, masks?)` / `apply` run it, `toConfig` / `fromConfig` convert its
 * architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const layer = nn.TransformerDecoderLayer.create(16, 4, { dimFeedforward: 64 })
 * const decoder = initialize(nn.TransformerDecoder.create(layer, 2, { norm: nn.LayerNorm.create(16) }))(random.key(0))
 * const y = nn.TransformerDecoder.forward(decoder, tf.randomNormal([2, 5, 16]), tf.randomNormal([2, 7, 16]), { tgtIsCausal: true })
 * @category layers
 * @since 0.2.0
 */
export const TransformerDecoder = configurable(TransformerDecoderDef, TransformerDecoderConfig, {
  toConfig: (m) => ({
    layer: layerArgumentsOf(m.layers[0]!),
    numLayers: m.layers.length,
    ...(m.norm.length > 0 ? { norm: LayerNorm.toConfig(m.norm[0]!) } : {}),
  }),
  fromConfig: (c) =>
    TransformerDecoderDef.create(
      TransformerDecoderLayer.fromConfig(c.layer),
      c.numLayers,
      c.norm === undefined ? {} : { norm: LayerNorm.fromConfig(c.norm) },
    ),
});
/**
 * A `TransformerDecoder` whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const decoder: nn.TransformerDecoder<tf.Tensor> = initialize(nn.TransformerDecoder.create(nn.TransformerDecoderLayer.create(16, 4), 2))(random.key(0))
 * @category model
 * @since 0.2.0
 */
export type TransformerDecoder<A> = ModuleType<typeof TransformerDecoder, A>;
