/**
 * Layers. Each is a module declared with the core's own mechanism: `X.create(...)` builds an
 * uninitialized layer, `X.forward(m, input)` / `X.apply(m)(input)` run it; `X.URI` is its fp-ts URI.
 * @since 0.1.0
 */
export { Linear, type LinearOptions, pytorchBiasInit } from './Linear.js';
export { Dropout } from './Dropout.js';
export {
  MultiheadAttention,
  type MultiheadAttentionOptions,
  type AttentionOptions,
  type AttentionResult,
} from './MultiheadAttention.js';
export { LSTMCell, type LSTMState, type RecurrentCellOptions } from './LSTMCell.js';
export { GRUCell } from './GRUCell.js';
export { LSTM, type LSTMOutput, type RecurrentOptions, pytorchRecurrentName } from './LSTM.js';
export { GRU, type GRUOutput } from './GRU.js';
export { Sequential } from './Sequential.js';
export { MLP, type MLPOptions } from './MLP.js';
export { activation, activationNames, type ActivationName, ActivationNameCodec } from './Activation.js';
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
  registerLayer,
  registeredLayers,
  toConfig,
  fromConfig,
  fromConfigEither,
  decodeLayerConfig,
  LayerConfigCodec,
  SequentialConfig,
  ConfigError,
  type LayerConfig,
  type ConfigurableLayer,
} from './config.js';
