/**
 * Parameters a layer has only with some options (`bias: false`, `affine: false`, PyTorch's `None`):
 * absent ones are zero-size `[0]` leaves, so every layer of a kind has the same tree shape, and
 * state dicts leave them out, as PyTorch does. Internal to `nn` (not re-exported); the examples
 * show each helper through a layer that uses it.
 *
 * @internal
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import type { Initializer } from '../init/Initializer.js';
import { type ParamInit, paramInit } from '../tree/ParamInit.js';

type Tensor = tf.Tensor;

const absentInit: Initializer = () => () => tf.zeros([0]);

/**
 * The zero-size leaf of an absent parameter.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.Linear.create(5, 10, { bias: false }).bias.shape // [0]
 * @internal
 * @category constructors
 * @since 0.1.0
 */
export const absentParam = (): ParamInit<Tensor> => paramInit([0], absentInit);

/**
 * `paramInit(shape, init)` when `present`, else {@link absentParam}.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.LayerNorm.create(16).bias.shape // [16]
 * nn.LayerNorm.create(16, { elementwiseAffine: false }).bias.shape // [0]
 * @internal
 * @category constructors
 * @since 0.1.0
 */
export const optionalParam = (present: boolean, shape: ReadonlyArray<number>, init: Initializer): ParamInit<Tensor> =>
  present ? paramInit(shape, init) : absentParam();
