/**
 * Options shared by the margin losses.
 *
 * @since 0.2.0
 */
import type { Reduction } from './Reduction.js';

/**
 * Options of the margin losses, `cosineEmbeddingLoss` and `marginRankingLoss`.
 * @example
 * import { losses } from 'parallax-ts'
 * const options: losses.MarginOptions = { margin: 0.5, reduction: 'sum' }
 * @category model
 * @since 0.2.0
 */
export interface MarginOptions<R extends Reduction = Reduction> {
  /** Default 0. */
  readonly margin?: number;
  /** Default `'mean'`. */
  readonly reduction?: R;
}
