/**
 * Glorot (Xavier) initialization: variance `1 / fanAvg` (Glorot & Bengio, 2010).
 *
 * @since 0.1.0
 */
import type { Initializer } from './Initializer.js';
import { type FanAxes, varianceScaling } from './varianceScaling.js';

/**
 * `jax.nn.initializers.glorot_normal()`: `varianceScaling(1, 'fanAvg', 'truncatedNormal', axes)`.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.glorotNormal()([5, 10])(random.key(0))
 * @category initializers
 * @since 0.1.0
 */
export const glorotNormal = (axes: FanAxes = {}): Initializer => varianceScaling(1, 'fanAvg', 'truncatedNormal', axes, 'glorotNormal');

/**
 * `jax.nn.initializers.glorot_uniform()`: `varianceScaling(1, 'fanAvg', 'uniform', axes)`,
 * uniform on `±sqrt(6 / (fanIn + fanOut))`.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.glorotUniform({ inAxis: -1, outAxis: -2 })([10, 5])(random.key(0)) // a Linear weight
 * @category initializers
 * @since 0.1.0
 */
export const glorotUniform = (axes: FanAxes = {}): Initializer => varianceScaling(1, 'fanAvg', 'uniform', axes, 'glorotUniform');

/**
 * Alias of {@link glorotNormal}.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.xavierNormal()([3, 3])(random.key(0)) // the draw of init.glorotNormal()
 * @category initializers
 * @since 0.1.0
 */
export const xavierNormal = glorotNormal;

/**
 * Alias of {@link glorotUniform}.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.xavierUniform()([3, 3])(random.key(0)) // the draw of init.glorotUniform()
 * @category initializers
 * @since 0.1.0
 */
export const xavierUniform = glorotUniform;
