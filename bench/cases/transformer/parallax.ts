/**
 * Case 6 the README way: the char-LM model declared with `defineModule` from library layers,
 * `valueAndGrad` for the gradient tree, SGD as `zipWith` inside `tidy` (bench/cases/parallaxSgd.ts).
 */
import { defineModule, initialize, losses, type ModuleType, nn, random, submodule, tf, valueAndGrad } from '../../../src/index.js';
import type { Runner } from '../../harness.js';
import { compiledSgdRunner, sgdRunner } from '../parallaxSgd.js';
import { CHARLM, charLmData } from './spec.js';

type Tensor = tf.Tensor;

/** How the encoder is told to attend causally. */
export type CausalVia = 'isCausal' | 'mask';

const CharLm = defineModule('bench/CharLm', {
  name: 'CharLm',
  fields: {
    tokenEmbedding: submodule(nn.Embedding),
    positionEmbedding: submodule(nn.Embedding),
    encoder: submodule(nn.TransformerEncoder),
    head: submodule(nn.Linear),
  },
  create: () => {
    const { vocab, context, dModel, nhead, numLayers, dimFeedforward } = CHARLM;
    const layer = nn.TransformerEncoderLayer.create(dModel, nhead, { dimFeedforward, dropout: 0, activation: 'gelu', normFirst: true });
    return {
      tokenEmbedding: nn.Embedding.create(vocab, dModel),
      positionEmbedding: nn.Embedding.create(context, dModel),
      encoder: nn.TransformerEncoder.create(layer, numLayers, { norm: nn.LayerNorm.create(dModel) }),
      head: nn.Linear.create(dModel, vocab),
    };
  },
  forward: (m, tokens: Tensor, masks: nn.TransformerEncoderMasks) => {
    const positions = tf.range(0, tokens.shape[1]!, 1, 'int32');
    const x = tf.add(nn.Embedding.forward(m.tokenEmbedding, tokens), nn.Embedding.forward(m.positionEmbedding, positions));
    return nn.Linear.forward(m.head, nn.TransformerEncoder.forward(m.encoder, x, masks));
  },
});
type CharLm<A> = ModuleType<typeof CharLm, A>;

const lossAndGrad = valueAndGrad((m: CharLm<Tensor>, x: Tensor, y: Tensor, masks: nn.TransformerEncoderMasks) => {
  const logits = CharLm.forward(m, x, masks);
  return losses.crossEntropy(tf.reshape(logits, [-1, CHARLM.vocab]), tf.reshape(y, [-1])) as tf.Scalar;
});

/**
 * A runner of the case's step with causal attention asked for `via` one way or the other; `batch`
 * defaults to the case's; `compiled` wraps the step in `compile` (inputs and masks are its arguments).
 */
export const setupWith =
  (via: CausalVia, batch: number = CHARLM.batch, compiled: boolean = false) =>
  (): Runner => {
    const d = charLmData();
    const n = batch * CHARLM.context;
    const x = tf.tensor2d(d.x.slice(0, n), [batch, CHARLM.context], 'int32');
    const y = tf.tensor2d(d.y.slice(0, n), [batch, CHARLM.context], 'int32');
    const mask = via === 'mask' ? nn.generateSquareSubsequentMask(CHARLM.context) : undefined;
    const masks: nn.TransformerEncoderMasks = mask === undefined ? { isCausal: true } : { mask };
    const params = initialize(CharLm.create())(random.key(0));
    const runner = compiled ? compiledSgdRunner : sgdRunner;
    type Inputs = { readonly x: Tensor; readonly y: Tensor; readonly masks: nn.TransformerEncoderMasks };
    return runner(
      params,
      (m, i: Inputs) => lossAndGrad(m, i.x, i.y, i.masks),
      CHARLM.lr,
      { x, y, masks },
      mask === undefined ? [x, y] : [x, y, mask],
    );
  };
