/**
 * `categorical`: draws of category indices from unnormalized log-probabilities, as
 * `jax.random.categorical` (the Gumbel-max trick, sampling with replacement).
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { sampledTensorFrom } from '../engine/trace.js';
import { gumbelFloats } from './gumbel.js';
import { assertPRNGKey, type PRNGKey } from './PRNGKey.js';
import { describeData } from '../tree/describeData.js';
import { shapeSize, type Shape } from './Shape.js';
import { RandomError } from './RandomError.js';

/**
 * Options of `categorical`.
 *
 * @example
 * import { tf } from 'parallax-ts'
 * import { type CategoricalOptions, categorical, key } from 'parallax-ts/random'
 * const logits = tf.tensor2d([[0, 1, 2], [2, 1, 0]]) // two rows of three categories
 * const options: CategoricalOptions = { axis: -1, shape: [5, 2] } // five draws per row
 * const draws = categorical(key(0), logits, options) // int32, shape [5, 2]
 * tf.dispose([logits, draws])
 * @category model
 * @since 0.1.0
 */
export interface CategoricalOptions {
  /** The axis of `logits` holding the categories; default -1. */
  readonly axis?: number;
  /**
   * The output shape; default the logits' shape without `axis`. It must end with that batch shape
   * (batch dimensions of size 1 broadcast); leading extra dimensions draw independent samples.
   */
  readonly shape?: Shape;
}

const rowMajorStrides = (shape: ReadonlyArray<number>): number[] => {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
};

/**
 * `jax.random.categorical(key, logits, axis, shape)`: a new int32 tensor of category indices,
 * `argmax(logits + gumbel)` along `axis`, with JAX's noise layout so the draws equal JAX's.
 * `logits` is a float tensor or an array of numbers (float32; `-Infinity` masks a category, NaN is
 * an error). The caller owns (and disposes) the result; `logits` is not disposed.
 *
 * @example
 * import { key, categorical } from 'parallax-ts/random'
 * const draws = categorical(key(42), [0, 1, 2], { shape: [6] }) // 2 2 2 2 1 2
 * draws.dispose()
 * @category sampling
 * @since 0.1.0
 */
export const categorical = (k: PRNGKey, logits: tf.Tensor | ReadonlyArray<number>, options?: CategoricalOptions): tf.Tensor => {
  assertPRNGKey('categorical', 'key', k);
  let logitsShape: number[];
  if (logits instanceof tf.Tensor) {
    if (logits.dtype !== 'float32') {
      throw new RandomError('categorical', 'logits', `logits must be a float32 tensor, got dtype ${logits.dtype}`, logits.dtype);
    }
    logitsShape = logits.shape.slice();
  } else if (Array.isArray(logits) && logits.every((x) => typeof x === 'number')) {
    logitsShape = [logits.length];
  } else {
    throw new RandomError(
      'categorical',
      'logits',
      `logits must be a float32 tensor or an array of numbers, got ${describeData(logits)}`,
      logits,
    );
  }
  const rank = logitsShape.length;
  if (rank === 0) throw new RandomError('categorical', 'logits', 'logits must have at least one dimension (the categories), got a scalar');
  const axisOpt = options?.axis ?? -1;
  if (!Number.isInteger(axisOpt) || axisOpt < -rank || axisOpt >= rank) {
    throw new RandomError(
      'categorical',
      'options.axis',
      `axis must be an integer in [${-rank}, ${rank - 1}] for logits of rank ${rank}, got ${describeData(axisOpt)}`,
      axisOpt,
    );
  }
  const axis = axisOpt < 0 ? axisOpt + rank : axisOpt;
  const categories = logitsShape[axis]!;
  if (categories === 0) throw new RandomError('categorical', 'logits', 'logits have no categories (axis has size 0)');
  const batchShape = logitsShape.filter((_, i) => i !== axis);
  const shape = options?.shape ?? batchShape;
  const size = shapeSize('categorical', shape);
  const prefixLen = shape.length - batchShape.length;
  const compatible = prefixLen >= 0 && batchShape.every((d, i) => d === 1 || d === shape[prefixLen + i]);
  if (!compatible) {
    throw new RandomError(
      'categorical',
      'options.shape',
      `shape [${shape.join(', ')}] must end with the logits' batch shape [${batchShape.join(', ')}] (size-1 dimensions broadcast)`,
    );
  }
  // JAX draws noise of shape prefix ++ (shape's batch part with the categories inserted at axis).
  const tail = shape.slice(prefixLen);
  const noiseShape = [...shape.slice(0, prefixLen), ...tail.slice(0, axis), categories, ...tail.slice(axis)];
  const noiseSize = shapeSize('categorical', noiseShape);
  // The draw itself reads the logits on the host: a compiled step draws again from each call's
  // key and logits.
  const draw = (key: PRNGKey, values: ArrayLike<number>): Int32Array => {
    for (let i = 0; i < values.length; i++) {
      if (Number.isNaN(values[i]!)) throw new RandomError('categorical', 'logits', `logits must not contain NaN (element ${i})`);
    }
    const noise = gumbelFloats(key, noiseSize);
    const noiseStrides = rowMajorStrides(noiseShape);
    const logitStrides = rowMajorStrides(logitsShape);
    const outStrides = rowMajorStrides(shape);
    const noiseStep = noiseStrides[prefixLen + axis]!;
    const logitStep = logitStrides[axis]!;
    const out = new Int32Array(size);
    for (let o = 0; o < size; o++) {
      let rest = o;
      let noiseBase = 0;
      let logitBase = 0;
      for (let d = 0; d < shape.length; d++) {
        const idx = Math.floor(rest / outStrides[d]!);
        rest -= idx * outStrides[d]!;
        if (d < prefixLen) {
          noiseBase += idx * noiseStrides[d]!;
        } else {
          const t = d - prefixLen; // position in the batch shape
          const pos = t < axis ? t : t + 1; // position in the logits / noise tail
          noiseBase += idx * noiseStrides[prefixLen + pos]!;
          if (batchShape[t] !== 1) logitBase += idx * logitStrides[pos]!;
        }
      }
      let best = 0;
      let bestValue = -Infinity;
      for (let c = 0; c < categories; c++) {
        const v = Math.fround(noise[noiseBase + c * noiseStep]! + values[logitBase + c * logitStep]!);
        if (v > bestValue || c === 0) {
          best = c;
          bestValue = v;
        }
      }
      out[o] = best;
    }
    return out;
  };
  const make = (v: tf.backend_util.BackendValues) => tf.tensor(v as Int32Array, [...shape], 'int32');
  if (logits instanceof tf.Tensor) return sampledTensorFrom(k, [logits], (key, [v]) => draw(key, v as Float32Array), make);
  return make(draw(k, Float32Array.from(logits)));
};
