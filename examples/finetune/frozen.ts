/**
 * "Did freezing really freeze?": the raw bits of chosen leaves, taken before training and compared
 * after. Bits, not values within a tolerance: a frozen leaf must not move at all.
 *
 * @since 0.1.0
 */
import { type AnyModule, leafEntries, type LeafInfo, tf } from '../../src/index.js';

/** Leaf path → its float32 bits. @since 0.1.0 */
export type Bits = ReadonlyMap<string, Uint32Array>;

/**
 * A copy of the bits of every leaf `select` picks (plain arrays: the tensors may be disposed later).
 * @example
 * const before = snapshotBits(model, (info) => !info.path.startsWith('layers.2.'))
 * @since 0.1.0
 */
export const snapshotBits = (m: AnyModule<tf.Tensor>, select: (info: LeafInfo) => boolean): Bits =>
  new Map(
    leafEntries(m)
      .filter(([info]) => select(info))
      .map(([info, x]) => [info.path, new Uint32Array(Float32Array.from(x.dataSync()).buffer)] as const),
  );

/**
 * The paths whose bits differ between two snapshots (or are missing from `after`): empty when equal.
 * @example
 * changedLeaves(before, snapshotBits(tuned, isFrozen)) // []
 * @since 0.1.0
 */
export const changedLeaves = (before: Bits, after: Bits): ReadonlyArray<string> =>
  [...before]
    .filter(([path, bits]) => {
      const other = after.get(path);
      return other === undefined || other.length !== bits.length || other.some((b, i) => b !== bits[i]);
    })
    .map(([path]) => path);
