/**
 * The constructor-argument checks shared by the normalization layers (`LayerNorm`, `RMSNorm`,
 * `GroupNorm`, `BatchNorm1d/2d`): `normalizedShape`, `eps`, and the leaf of an absent affine
 * parameter. Internal to `nn` (not re-exported).
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';

type Tensor = tf.Tensor;

/**
 * Normalizes a `normalizedShape` argument (LayerNorm, RMSNorm): an int or a non-empty list of
 * positive ints, as a list; throws naming `fn` otherwise.
 * @example
 * toShape('LayerNorm.create', 16) // [16]
 * @internal
 * @since 0.1.0
 */
export const toShape = (fn: string, v: unknown): ReadonlyArray<number> => {
  const s = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(s) || s.length === 0 || !s.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${fn}: normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(v)}`);
  }
  return [...(s as number[])];
};

/**
 * Checks an `eps` argument: a finite number ≥ 0; throws naming `fn` otherwise.
 * @example
 * checkEps('GroupNorm.create', 1e-5) // 1e-5
 * @internal
 * @since 0.1.0
 */
export const checkEps = (fn: string, eps: unknown): number => {
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) throw new Error(`${fn}: eps must be a finite number ≥ 0, got ${JSON.stringify(eps)}`);
  return eps;
};

/**
 * The initializer of an absent optional parameter (`affine: false`, `bias: false`): a zero-size
 * `[0]` tensor, which has no state-dict key, as in PyTorch.
 * @example
 * paramInit([0], emptyInit)
 * @internal
 * @since 0.1.0
 */
export const emptyInit = (): (() => Tensor) => () => tf.zeros([0]);
