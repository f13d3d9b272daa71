/**
 * What `TransformerEncoder` and `TransformerDecoder` share: the checks on their constructor
 * arguments (a layer repeated `numLayers` times, an optional final LayerNorm).
 *
 * @since 0.2.0
 */
import type { tf } from '../engine/backend.js';
import { isModule, specOf, toArray } from '../tree/Module.js';
import { isParamInit, type ParamInit } from '../tree/ParamInit.js';
import { LayerNorm } from './LayerNorm.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';

type Tensor = tf.Tensor;

/**
 * Options of `TransformerEncoder.create` and `TransformerDecoder.create`.
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.TransformerStackOptions = { norm: nn.LayerNorm.create(16) }
 * const encoder = nn.TransformerEncoder.create(nn.TransformerEncoderLayer.create(16, 4, { normFirst: true }), 2, options)
 * @category model
 * @since 0.2.0
 */
export interface TransformerStackOptions {
  /** A final LayerNorm over `dModel` (uninitialized), as pre-norm stacks have; default none. */
  readonly norm?: LayerNorm<ParamInit<Tensor>>;
}

/**
 * Checks the arguments of a stack's `create`: a module of the layer kind, uninitialized; a positive
 * count; an uninitialized LayerNorm over `[dModel]`, if any.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.TransformerEncoder.create(nn.TransformerEncoderLayer.create(16, 4), 2, { norm: nn.LayerNorm.create(8) })
 * // throws: TransformerEncoder.create: norm must normalize the layer's dModel, [16], got normalizedShape [8]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const checkStackArguments = (
  fn: string,
  layerKind: { readonly URI: string; readonly name: string },
  layer: unknown,
  numLayers: unknown,
  norm: unknown,
  dModelOf: (layer: never) => number,
): void => {
  if (!isModule(layer) || specOf(layer).URI !== layerKind.URI) {
    throw new ArgumentError(
      `${fn}: expected a ${layerKind.name} (from ${layerKind.name}.create), got ${isModule(layer) ? specOf(layer).name : typeof layer}`,
    );
  }
  const uninitialized = (m: Parameters<typeof toArray>[0]): boolean => toArray(m).every(isParamInit);
  if (!uninitialized(layer)) {
    throw new ArgumentError(
      `${fn}: the layer must be uninitialized (as ${layerKind.name}.create returns it): each of its copies is then initialized with its own key`,
    );
  }
  if (typeof numLayers !== 'number' || !Number.isInteger(numLayers) || numLayers < 1) {
    throw new ArgumentError(`${fn}: numLayers must be a positive integer, got ${describeData(numLayers)}`);
  }
  if (norm !== undefined) {
    if (!isModule(norm) || specOf(norm).URI !== LayerNorm.URI)
      throw new ArgumentError(`${fn}: norm must be a LayerNorm (from LayerNorm.create)`);
    if (!uninitialized(norm)) throw new ArgumentError(`${fn}: norm must be uninitialized (as LayerNorm.create returns it)`);
    const dModel = dModelOf(layer as never);
    const shape = (norm as unknown as LayerNorm<unknown>).normalizedShape;
    if (shape.length !== 1 || shape[0] !== dModel) {
      throw new ArgumentError(`${fn}: norm must normalize the layer's dModel, [${dModel}], got normalizedShape [${shape.join(', ')}]`);
    }
  }
};
