/**
 * Compile-time tests of the activation modules, the Transformer blocks and the MLP: what must
 * compile does (assignments to exact types), what must not is marked `// @ts-expect-error` (an
 * expected error that does not fire is itself an error, TS2578).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { initialize, io, nn, type ParamInit, random, tf } from '../../src/index.js';

const x = tf.zeros([2, 6]);
const seqIn = tf.zeros([2, 5, 16]);

// A Sequential with activation modules is typed from its layers, as with any other layer.
const net = initialize(nn.Sequential.create([nn.Linear.create(6, 16), nn.ReLU.create(), nn.Linear.create(16, 3), nn.LogSoftmax.create(1)]))(
  random.key(0),
);
const netOut: Tensor = nn.Sequential.forward(net, x);
// @ts-expect-error the output is a Tensor
const netWrong: string = nn.Sequential.forward(net, x);
// Activation modules have no leaves: they fit in a tree of any leaf type.
const relu: nn.ReLU<Tensor> = nn.ReLU.create();
const gelu: nn.GELU<ParamInit<Tensor>> = nn.GELU.create({ approximate: 'tanh' });
const approximation: nn.GELUApproximation = gelu.approximate;
const every = [
  nn.ReLU.create(),
  nn.GELU.create(),
  nn.SiLU.create(),
  nn.Tanh.create(),
  nn.Sigmoid.create(),
  nn.Softmax.create(-1),
  nn.LogSoftmax.create(-1),
  nn.LeakyReLU.create(),
  nn.ELU.create(),
  nn.Identity.create(),
] as const;
const chain = nn.Sequential.create([nn.Linear.create(6, 6), ...every]);
const chainOut: Tensor = nn.Sequential.forward(initialize(chain)(random.key(1)), x);
// @ts-expect-error Softmax needs its dim
nn.Softmax.create();
// @ts-expect-error approximate is 'none' or 'tanh'
nn.GELU.create({ approximate: 'fast' });
// @ts-expect-error the negative slope is a number
nn.LeakyReLU.create('0.2');

// Transformer layers: typed inputs, outputs and masks.
const encoderLayer = initialize(nn.TransformerEncoderLayer.create(16, 4, { dimFeedforward: 32, normFirst: true }))(random.key(2));
const encoded: Tensor = nn.TransformerEncoderLayer.forward(encoderLayer, seqIn, { isCausal: true });
const encoder: nn.TransformerEncoder<Tensor> = initialize(
  nn.TransformerEncoder.create(nn.TransformerEncoderLayer.create(16, 4), 2, { norm: nn.LayerNorm.create(16) }),
)(random.key(3));
const encoderOut: Tensor = nn.TransformerEncoder.forward(encoder, seqIn, {
  mask: nn.generateSquareSubsequentMask(5),
  srcKeyPaddingMask: tf.zeros([2, 5], 'bool'),
});
// @ts-expect-error PyTorch's name for the encoder's mask is `mask` (the layer's is `srcMask`)
nn.TransformerEncoder.forward(encoder, seqIn, { srcMask: tf.zeros([5, 5]) });
// @ts-expect-error isCausal is a boolean
nn.TransformerEncoderLayer.forward(encoderLayer, seqIn, { isCausal: 'yes' });
// @ts-expect-error only batch-first inputs are supported
nn.TransformerEncoderLayer.create(16, 4, { batchFirst: false });
const decoderLayer = initialize(nn.TransformerDecoderLayer.create(16, 4))(random.key(4));
const decoded: Tensor = nn.TransformerDecoderLayer.forward(decoderLayer, seqIn, seqIn, {
  tgtIsCausal: true,
  memoryKeyPaddingMask: tf.zeros([2, 5], 'bool'),
});
// @ts-expect-error a decoder layer needs the memory
nn.TransformerDecoderLayer.forward(decoderLayer, seqIn);
const decoder = initialize(nn.TransformerDecoder.create(nn.TransformerDecoderLayer.create(16, 4), 2))(random.key(5));
const decoderOut: Tensor = nn.TransformerDecoder.forward(decoder, seqIn, seqIn);
// @ts-expect-error a stack repeats an uninitialized layer
nn.TransformerEncoder.create(encoderLayer, 2);
// @ts-expect-error an encoder stack takes encoder layers
nn.TransformerEncoder.create(nn.TransformerDecoderLayer.create(16, 4), 2);
// An encoder layer takes one input, so it fits in a Sequential; a decoder layer takes two and does not.
const withHead = initialize(nn.Sequential.create([nn.TransformerEncoderLayer.create(16, 4), nn.Linear.create(16, 3)]))(random.key(6));
const headOut: Tensor = nn.Sequential.forward(withHead, seqIn);
// @ts-expect-error a decoder layer takes tgt and memory: it cannot be chained
nn.Sequential.create([nn.TransformerDecoderLayer.create(16, 4)]);

// MLP: the same record type as before (layers are Linears), loaded from a PyTorch-named state dict.
const mlp: nn.MLP<Tensor> = io.loadStateDict(nn.MLP.create([6, 16, 3]), {
  '0.weight': tf.zeros([16, 6]),
  '0.bias': tf.zeros([16]),
  '2.weight': tf.zeros([3, 16]),
  '2.bias': tf.zeros([3]),
});
const firstLayer: nn.Linear<Tensor> = mlp.layers[0]!;
const mlpOut: Tensor = nn.MLP.forward(mlp, x);

export const uses = [
  netOut,
  netWrong,
  relu,
  gelu,
  approximation,
  chainOut,
  encoded,
  encoderOut,
  decoded,
  decoderOut,
  headOut,
  mlp,
  firstLayer,
  mlpOut,
];
