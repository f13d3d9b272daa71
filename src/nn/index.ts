/**
 * Layers. Each is a module declared with the core's own mechanism: `X.create(...)` builds an
 * uninitialized layer, `X.forward(m, input)` / `X.apply(m)(input)` run it; `X.URI` is its fp-ts URI.
 * @since 0.1.0
 */
export { Linear, type LinearOptions, pytorchBiasInit } from './Linear.js';
export { Dropout } from './Dropout.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type AttentionOptions, type AttentionResult } from './MultiheadAttention.js';
export { LSTMCell, type LSTMState, type RecurrentCellOptions } from './LSTMCell.js';
export { GRUCell } from './GRUCell.js';
export { LSTM, type LSTMOutput, type RecurrentOptions, pytorchRecurrentName } from './LSTM.js';
export { GRU, type GRUOutput } from './GRU.js';
export { Sequential } from './Sequential.js';
export { MLP, type MLPOptions } from './MLP.js';
export { activation, activationNames, type ActivationName, ActivationNameCodec } from './Activation.js';
export {
  ReLU,
  GELU,
  type GELUApproximation,
  SiLU,
  Tanh,
  Sigmoid,
  Softmax,
  LogSoftmax,
  LeakyReLU,
  ELU,
  Identity,
  GELUConfig,
  LeakyReLUConfig,
  ELUConfig,
  SoftmaxConfig,
  LogSoftmaxConfig,
} from './activationModules.js';
// Transformer blocks (PyTorch's arguments, defaults, state-dict names; batch-first inputs).
export { TransformerEncoderLayer, TransformerEncoderLayerConfig, type TransformerEncoderLayerMasks } from './TransformerEncoderLayer.js';
export { TransformerEncoder, TransformerEncoderConfig, type TransformerEncoderMasks } from './TransformerEncoder.js';
export { TransformerDecoderLayer, TransformerDecoderLayerConfig, type TransformerDecoderMasks } from './TransformerDecoderLayer.js';
export { TransformerDecoder, TransformerDecoderConfig } from './TransformerDecoder.js';
export { type TransformerLayerOptions } from './transformerLayerParts.js';
export { type TransformerStackOptions } from './transformerStack.js';
export { generateSquareSubsequentMask } from './transformerAttention.js';
export {
  PositiveInt,
  NonNegativeInt,
  DropoutRate,
  FiniteNumber,
  oneOf,
  configObject,
  formatConfigErrors,
  type ConfigOf,
} from './configCodecs.js';
export {
  layerRegistry,
  builtinLayers,
  layerConfigCodec,
  configurable,
  toConfig,
  fromConfig,
  fromConfigEither,
  decodeLayerConfig,
  SequentialConfig,
  SequentialLayer,
  ConfigError,
  CONFIG_LIMITS,
  MAX_CONFIG_PROBLEMS,
  type ConfigLimits,
  type LayerRegistry,
  type RegistrableLayer,
  type LayerConfig,
  type ConfigurableLayer,
  type ContainerLayer,
} from './config.js';
// Convolution, pooling, normalization and embedding layers (PyTorch layouts: NCHW / NCL inputs, OIHW weights).
export { Conv1d, type Conv1dOptions, Conv1dConfig } from './Conv1d.js';
export { Conv2d, type Conv2dOptions, Conv2dConfig } from './Conv2d.js';
export { ConvTranspose2d, type ConvTranspose2dOptions, ConvTranspose2dConfig } from './ConvTranspose2d.js';
export { conv2dNchw, interleaveZeros, type Conv2dArgs } from './convolution.js';
export { MaxPool2d, type MaxPool2dOptions, MaxPool2dConfig } from './MaxPool2d.js';
export { AvgPool2d, type AvgPool2dOptions, AvgPool2dConfig } from './AvgPool2d.js';
export { AdaptiveAvgPool2d, type AdaptiveOutputSize, AdaptiveAvgPool2dConfig, adaptiveAverageMatrix } from './AdaptiveAvgPool2d.js';
export { GlobalAvgPool2d, globalAvgPool2d, GlobalAvgPool2dConfig } from './GlobalAvgPool2d.js';
export { Flatten, type FlattenOptions, FlattenConfig } from './Flatten.js';
export { Embedding, type EmbeddingOptions, EmbeddingConfig } from './Embedding.js';
export { LayerNorm, type LayerNormOptions, LayerNormConfig } from './LayerNorm.js';
export { RMSNorm, type RMSNormOptions, RMSNormConfig } from './RMSNorm.js';
export { GroupNorm, type GroupNormOptions, GroupNormConfig } from './GroupNorm.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions, BatchNormConfig } from './BatchNorm.js';
export { nchwToNhwc, nhwcToNchw, oihwToHwio, hwioToOihw } from './layout.js';
export {
  type Pair,
  type IntOrPair,
  type Padding1d,
  type Padding2d,
  PositiveIntOrPair,
  NonNegativeIntOrPair,
  Padding1dCodec,
  Padding2dCodec,
} from './spatial.js';
export { relu, gelu, geluTanh, silu, tanh, sigmoid, softmax, logSoftmax, leakyRelu, elu } from './activations.js';
// The config codecs of the layers above, as the convolution and normalization layers' are (each is also `X.configCodec`).
export { LinearConfig } from './Linear.js';
export { DropoutConfig } from './Dropout.js';
export { MultiheadAttentionConfig } from './MultiheadAttention.js';
export { LSTMCellConfig } from './LSTMCell.js';
export { GRUCellConfig } from './GRUCell.js';
export { LSTMConfig } from './LSTM.js';
export { GRUConfig } from './GRU.js';
export { MLPConfig } from './MLP.js';
