/**
 * `varianceScaling`: draws whose variance is `scale / fan`, the family behind Glorot/Xavier,
 * LeCun and He/Kaiming initialization, as `jax.nn.initializers.variance_scaling`.
 *
 * ## Which axes are the fans
 *
 * `fanIn` and `fanOut` are the sizes of the input and output axes times the receptive field
 * (the product of every other axis). Where those axes are depends on how a layer lays out its
 * weight; pass them with `{ inAxis, outAxis }`:
 *
 * | weight layout                         | example                              | options                          | fanIn                 | fanOut                 |
 * | ------------------------------------- | ------------------------------------ | -------------------------------- | --------------------- | ---------------------- |
 * | `(..., in, out)` — JAX / Flax default | `Dense` kernel `[in, out]`, conv HWIO `[kh, kw, in, out]` | `{}` (`inAxis: -2, outAxis: -1`) | `shape[-2] * receptive` | `shape[-1] * receptive` |
 * | `(out, in, ...)` — PyTorch layout     | `Linear` weight `[out, in]`          | `{ inAxis: -1, outAxis: -2 }`    | `shape[-1] * receptive` | `shape[-2] * receptive` |
 * | `(out, in, kh, kw)` — PyTorch conv OIHW | `Conv2d` weight                    | `{ inAxis: 1, outAxis: 0 }`      | `in * kh * kw`        | `out * kh * kw`        |
 *
 * `receptive` is the product of the axes that are neither `inAxis` nor `outAxis` (1 for a
 * matrix). With the defaults the draws equal JAX's for the same key and shape; with other axes
 * they equal JAX's `variance_scaling(..., in_axis, out_axis)` with the same axes.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { normalFloats } from '../random/normal.js';
import { describeData } from '../tree/describeData.js';
import { type Shape } from '../random/Shape.js';
import { truncatedNormalFloats } from '../random/truncatedNormal.js';
import { uniformFloats } from '../random/uniform.js';
import { type Initializer, makeInitializer } from './Initializer.js';
import { ArgumentError } from '../tree/ArgumentError.js';

/**
 * Which fan divides the scale: `fanIn`, `fanOut`, their mean `fanAvg`, or their geometric mean
 * `fanGeoAvg`.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const mode: init.FanMode = 'fanOut'
 * const w = init.varianceScaling(2, mode, 'normal')([256, 128])(random.key(0)) // variance 2 / 128
 * @category model
 * @since 0.1.0
 */
export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg' | 'fanGeoAvg';

/**
 * The distribution drawn: a normal truncated to ±2 standard deviations (rescaled so the variance
 * is still `scale / fan`), a normal, or a uniform on `±sqrt(3 * scale / fan)`.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const distribution: init.Distribution = 'uniform'
 * const w = init.varianceScaling(1, 'fanIn', distribution)([3, 4])(random.key(0)) // on ±sqrt(3 / 3) = ±1
 * @category model
 * @since 0.1.0
 */
export type Distribution = 'truncatedNormal' | 'normal' | 'uniform';

/**
 * Where the input and output axes are (negative counts from the end); default
 * `{ inAxis: -2, outAxis: -1 }`, JAX's.
 *
 * @example
 * import { init } from 'parallax-ts'
 * const torchConv: init.FanAxes = { inAxis: 1, outAxis: 0 } // an OIHW conv weight
 * init.computeFans([16, 3, 5, 5], torchConv) // { fanIn: 75, fanOut: 400 }
 * @category model
 * @since 0.1.0
 */
export interface FanAxes {
  readonly inAxis?: number;
  readonly outAxis?: number;
}

/** The standard deviation of a standard normal truncated to (-2, 2). */
const TRUNCATED_STDDEV = 0.87962566103423978;

const MODES: ReadonlyArray<FanMode> = ['fanIn', 'fanOut', 'fanAvg', 'fanGeoAvg'];
const DISTRIBUTIONS: ReadonlyArray<Distribution> = ['truncatedNormal', 'normal', 'uniform'];

/**
 * `fanIn` and `fanOut` of a weight of `shape`, the fans as `jax.nn.initializers` computes them
 * (see the table in this module's doc). The shape needs at least two axes.
 *
 * @example
 * import { computeFans } from 'parallax-ts/init'
 * computeFans([3, 3, 2, 4])                              // { fanIn: 18, fanOut: 36 }
 * computeFans([10, 5], { inAxis: -1, outAxis: -2 })      // { fanIn: 5, fanOut: 10 }
 * @category utils
 * @since 0.1.0
 */
export const computeFans = (shape: Shape, axes: FanAxes = {}, fn = 'computeFans'): { readonly fanIn: number; readonly fanOut: number } => {
  if (!Array.isArray(shape)) throw new ArgumentError(`${fn}: shape must be an array of non-negative integers, got ${describeData(shape)}`);
  if (typeof axes !== 'object' || axes === null) {
    throw new ArgumentError(`${fn}: the fan axes must be an object like { inAxis: -1, outAxis: -2 }, got ${describeData(axes)}`);
  }
  const rank = shape.length;
  if (rank < 2) {
    throw new ArgumentError(
      `${fn}: cannot tell input and output sizes of a rank-${rank} shape [${shape.join(', ')}]; fans need at least 2 axes (use zeros, constant or normal for biases)`,
    );
  }
  const axis = (name: string, a: unknown): number => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank) {
      throw new ArgumentError(
        `${fn}: ${name} must be an integer in [${-rank}, ${rank - 1}] for shape [${shape.join(', ')}], got ${describeData(a)}`,
      );
    }
    return a < 0 ? a + rank : a;
  };
  const inAxis = axis('inAxis', axes.inAxis ?? -2);
  const outAxis = axis('outAxis', axes.outAxis ?? -1);
  if (inAxis === outAxis) {
    throw new ArgumentError(`${fn}: inAxis and outAxis must be different axes, both are axis ${inAxis} of shape [${shape.join(', ')}]`);
  }
  let receptive = 1;
  for (let i = 0; i < rank; i++) if (i !== inAxis && i !== outAxis) receptive *= shape[i]!;
  return { fanIn: shape[inAxis]! * receptive, fanOut: shape[outAxis]! * receptive };
};

const denominatorOf = (mode: FanMode, fanIn: number, fanOut: number): number => {
  switch (mode) {
    case 'fanIn':
      return fanIn;
    case 'fanOut':
      return fanOut;
    case 'fanAvg':
      return (fanIn + fanOut) / 2;
    case 'fanGeoAvg':
      return Math.sqrt(fanIn * fanOut);
  }
};

/**
 * `jax.nn.initializers.variance_scaling(scale, mode, distribution, in_axis, out_axis)`: float32
 * draws with variance `scale / n`, `n` the fan chosen by `mode`. All float arithmetic is float32
 * as in JAX, so draws equal JAX's within 2 ulp. See the module doc for which axes to pass.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * // a JAX-layout kernel [in, out]
 * const k = init.varianceScaling(2, 'fanIn', 'truncatedNormal')([256, 128])(random.key(0))
 * // a PyTorch-layout weight [out, in], as nn.Linear stores it
 * const w = init.varianceScaling(1, 'fanAvg', 'uniform', { inAxis: -1, outAxis: -2 })([128, 256])(random.key(1))
 * @category initializers
 * @since 0.1.0
 */
export const varianceScaling = (
  scale: number,
  mode: FanMode,
  distribution: Distribution,
  axes: FanAxes = {},
  name = 'varianceScaling',
): Initializer => {
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new ArgumentError(`${name}: scale must be a positive finite number, got ${describeData(scale)}`);
  }
  if (!MODES.includes(mode)) {
    throw new ArgumentError(`${name}: mode must be one of ${MODES.map((m) => `"${m}"`).join(', ')}, got ${describeData(mode)}`);
  }
  if (!DISTRIBUTIONS.includes(distribution)) {
    throw new ArgumentError(
      `${name}: distribution must be one of ${DISTRIBUTIONS.map((d) => `"${d}"`).join(', ')}, got ${describeData(distribution)}`,
    );
  }
  if (typeof axes !== 'object' || axes === null) {
    throw new ArgumentError(`${name}: the fan axes must be an object like { inAxis: -1, outAxis: -2 }, got ${describeData(axes)}`);
  }
  return makeInitializer(name, (shape, size) => {
    const { fanIn, fanOut } = computeFans(shape, axes, name);
    const dims = [...shape];
    if (size === 0) return () => tf.zeros(dims, 'float32');
    const variance = Math.fround(scale / denominatorOf(mode, fanIn, fanOut));
    return (key) => {
      let values: Float32Array;
      let multiplier: number;
      switch (distribution) {
        case 'truncatedNormal':
          values = truncatedNormalFloats(key, size, -2, 2);
          multiplier = Math.fround(Math.fround(Math.sqrt(variance)) / Math.fround(TRUNCATED_STDDEV));
          break;
        case 'normal':
          values = normalFloats(key, size);
          multiplier = Math.fround(Math.sqrt(variance));
          break;
        case 'uniform':
          // the scaling is fused into the draw (one pass; same float32 products)
          return tf.tensor(uniformFloats(key, size, -1, 1, Math.fround(Math.sqrt(Math.fround(3 * variance)))), dims, 'float32');
      }
      for (let i = 0; i < size; i++) values[i] = values[i]! * multiplier;
      return tf.tensor(values, dims, 'float32');
    };
  });
};
