/**
 * Layers. Each is a module declared with the core's own mechanism: `X.create(...)` builds an
 * uninitialized layer, `X.forward(m, input)` / `X.apply(m)(input)` run it; `X.URI` is its fp-ts URI.
 * @since 0.1.0
 */
export { Linear, type LinearOptions, pytorchBiasInit } from './Linear.js';
export { Dropout } from './Dropout.js';
