/**
 * LeCun initialization: variance `1 / fanIn` (LeCun et al., "Efficient BackProp", 1998).
 *
 * @since 0.1.0
 */
import type { Initializer } from './Initializer.js';
import { type FanAxes, varianceScaling } from './varianceScaling.js';

/**
 * `jax.nn.initializers.lecun_normal()`: `varianceScaling(1, 'fanIn', 'truncatedNormal', axes)`.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.lecunNormal()([5, 10])(random.key(0))
 * @category initializers
 * @since 0.1.0
 */
export const lecunNormal = (axes: FanAxes = {}): Initializer => varianceScaling(1, 'fanIn', 'truncatedNormal', axes, 'lecunNormal');

/**
 * `jax.nn.initializers.lecun_uniform()`: `varianceScaling(1, 'fanIn', 'uniform', axes)`.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.lecunUniform()([5, 10])(random.key(0))
 * @category initializers
 * @since 0.1.0
 */
export const lecunUniform = (axes: FanAxes = {}): Initializer => varianceScaling(1, 'fanIn', 'uniform', axes, 'lecunUniform');
