/**
 * The character-level language model, a user module over the library's layers (a small GPT-style
 * decoder-only Transformer):
 *
 * `tokens [B, L]` (int32 ids, `L ≤ context`) → token embedding + learned position embedding
 * (`nn.Embedding`s, `[B, L, dModel]`) → `nn.TransformerEncoder` of pre-norm layers with a final
 * LayerNorm, run with `isCausal: true` so position `t` sees only positions `≤ t` → `nn.Linear` head →
 * `logits [B, L, vocabSize]`, where `logits[b, t]` scores the character at `t + 1`.
 *
 * Pre-norm (`normFirst: true`) with a final norm is what GPT-style models use: it trains stably at
 * a higher learning rate than PyTorch's default post-norm layer, which matters in a 2-minute run.
 *
 * @since 0.2.0
 */
import { tf } from '../../src/engine/index.js';
import * as init from '../../src/init/index.js';
import * as nn from '../../src/nn/index.js';
import { constant, defineModule, type ModuleType, submodule } from '../../src/tree/index.js';

type Tensor = tf.Tensor;

/** The model's sizes. @since 0.2.0 */
export interface CharLmConfig {
  readonly vocabSize: number;
  /** The longest input (the number of learned positions). */
  readonly context: number;
  readonly dModel: number;
  readonly nhead: number;
  readonly numLayers: number;
  readonly dimFeedforward: number;
  /** Dropout in the Transformer layers (train mode only). */
  readonly dropout: number;
}

/**
 * The example's default sizes for a vocabulary of `vocabSize` characters: 2 layers of width 64, 2
 * heads, feedforward 256, context 32, no dropout (a 2-minute run sees under a sixth of the training
 * text: there is nothing to overfit yet). Chosen by held-out loss after a fixed time on the wasm
 * backend: context 64 with 4 heads costs about twice as much per character (attention) and ended
 * about 0.35 bits worse after more time; width 96 learned more per step but fewer steps fit.
 * @example
 * const config = defaultModelConfig(85) // { vocabSize: 85, context: 32, dModel: 64, ... }
 * @since 0.2.0
 */
export const defaultModelConfig = (vocabSize: number): CharLmConfig => ({
  vocabSize,
  context: 32,
  dModel: 64,
  nhead: 2,
  numLayers: 2,
  dimFeedforward: 256,
  dropout: 0,
});

/**
 * The model: `create(config)`, `forward(m, tokens)` → logits `[B, L, vocabSize]`.
 * @example
 * const model = initialize(CharTransformer.create(defaultModelConfig(85)))(random.key(0))
 * CharTransformer.forward(model, tf.zeros([2, 10], 'int32')).shape // [2, 10, 85]
 * @since 0.2.0
 */
export const CharTransformer = defineModule('examples/CharTransformer', {
  name: 'CharTransformer',
  fields: {
    tokenEmbedding: submodule(nn.Embedding),
    positionEmbedding: submodule(nn.Embedding),
    encoder: submodule(nn.TransformerEncoder),
    head: submodule(nn.Linear),
    context: constant<number>(),
  },
  create: (config: CharLmConfig) => {
    const { vocabSize, context, dModel, nhead, numLayers, dimFeedforward, dropout } = config;
    // GPT-2's embedding scale: N(0, 0.02) instead of nn.Embedding's N(0, 1), so the sum of the two
    // embeddings starts small next to what the (normalized) residual branches add.
    const embeddingInit = init.normal(0.02);
    const layer = nn.TransformerEncoderLayer.create(dModel, nhead, { dimFeedforward, dropout, activation: 'gelu', normFirst: true });
    return {
      tokenEmbedding: nn.Embedding.create(vocabSize, dModel, { weightInit: embeddingInit }),
      positionEmbedding: nn.Embedding.create(context, dModel, { weightInit: embeddingInit }),
      encoder: nn.TransformerEncoder.create(layer, numLayers, { norm: nn.LayerNorm.create(dModel) }),
      head: nn.Linear.create(dModel, vocabSize),
      context,
    };
  },
  forward: (m, tokens: Tensor) => {
    const length = tokens.shape[tokens.rank - 1]!;
    if (tokens.rank !== 2 || length > m.context) {
      throw new Error(`CharTransformer: expected tokens [B, L] with L ≤ ${m.context}, got [${tokens.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const positions = tf.range(0, length, 1, 'int32');
      // [B, L, d] + [L, d]: the same position vectors for every sequence of the batch.
      const x = tf.add(nn.Embedding.forward(m.tokenEmbedding, tokens), nn.Embedding.forward(m.positionEmbedding, positions));
      const h = nn.TransformerEncoder.forward(m.encoder, x, { isCausal: true });
      return nn.Linear.forward(m.head, h);
    });
  },
  extraRepr: (m) => `context=${m.context}`,
});
/** The character-level Transformer. @since 0.2.0 */
export type CharTransformer<A> = ModuleType<typeof CharTransformer, A>;
