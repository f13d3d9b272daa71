/**
 * The constructor-argument checks shared by the normalization layers (`LayerNorm`, `RMSNorm`,
 * `GroupNorm`, `BatchNorm1d/2d`): `normalizedShape` and `eps`. Internal to `nn` (not re-exported).
 *
 * @since 0.1.0
 */

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

