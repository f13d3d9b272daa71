/**
 * He (Kaiming) initialization: variance `2 / fanIn`, for ReLU networks (He et al., 2015).
 *
 * @since 0.1.0
 */
import type { Initializer } from './Initializer.js';
import { type FanAxes, varianceScaling } from './varianceScaling.js';

/**
 * `jax.nn.initializers.he_normal()`: `varianceScaling(2, 'fanIn', 'truncatedNormal', axes)`.
 * (PyTorch's `kaiming_normal_` draws an untruncated normal: use
 * `varianceScaling(2, 'fanIn', 'normal', { inAxis: -1, outAxis: -2 })` for that.)
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.heNormal()([5, 10])(random.key(0))
 * @category initializers
 * @since 0.1.0
 */
export const heNormal = (axes: FanAxes = {}): Initializer => varianceScaling(2, 'fanIn', 'truncatedNormal', axes, 'heNormal');

/**
 * `jax.nn.initializers.he_uniform()`: `varianceScaling(2, 'fanIn', 'uniform', axes)`.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.heUniform()([5, 10])(random.key(0))
 * @category initializers
 * @since 0.1.0
 */
export const heUniform = (axes: FanAxes = {}): Initializer => varianceScaling(2, 'fanIn', 'uniform', axes, 'heUniform');

/**
 * Alias of {@link heNormal}.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.kaimingNormal()([3, 3])(random.key(0)) // the draw of init.heNormal()
 * @category initializers
 * @since 0.1.0
 */
export const kaimingNormal = heNormal;

/**
 * Alias of {@link heUniform}.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.kaimingUniform()([3, 3])(random.key(0)) // the draw of init.heUniform()
 * @category initializers
 * @since 0.1.0
 */
export const kaimingUniform = heUniform;
