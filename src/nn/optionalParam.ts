/**
 * Parameters a layer has only with some options (`bias: false`, `affine: false`, PyTorch's `None`):
 * absent ones are zero-size `[0]` leaves, so every layer of a kind has the same tree shape, and
 * state dicts leave them out, as PyTorch does.
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
 * absentParam().shape // [0]
 * @internal
 */
export const absentParam = (): ParamInit<Tensor> => paramInit([0], absentInit);

/**
 * `paramInit(shape, init)` when `present`, else {@link absentParam}.
 * @example
 * optionalParam(useBias, [outFeatures], biasInit)
 * @internal
 */
export const optionalParam = (present: boolean, shape: ReadonlyArray<number>, init: Initializer): ParamInit<Tensor> =>
  present ? paramInit(shape, init) : absentParam();
