/**
 * Held-out evaluation: the model's mean next-character loss, in bits, over fixed windows of the
 * held-out text (no gradients, nothing kept), and the token ids it scored, so the unigram baseline
 * can be computed on exactly the same characters.
 *
 * @since 0.2.0
 */
import { dispose, tf, tidy } from '../../src/engine/index.js';
import { evenlySpacedOffsets, windowsAt } from './batches.js';
import { bitsPerCharacter } from './bits.js';
import { CharTransformer } from './model.js';

type Tensor = tf.Tensor;

/** What {@link evaluateHeldOut} measured. @since 0.2.0 */
export interface HeldOutReport {
  /** Mean next-character loss in bits over the scored characters. */
  readonly bits: number;
  /** The scored characters (the targets of every window), in order. */
  readonly targets: Uint8Array;
}

/**
 * Scores `count` windows of `params.context` characters spread evenly over `tokens` (see
 * `evenlySpacedOffsets`), `batchSize` windows per forward pass. Every position of a window is
 * scored, so early positions predict from a short context, as at the start of a sample.
 * @example
 * const { bits, targets } = await evaluateHeldOut(trained, heldOutTokens, 2048) // bits ≈ 2.9 after the default run
 * @since 0.2.0
 */
export const evaluateHeldOut = async (
  params: CharTransformer<Tensor>,
  tokens: Uint8Array,
  count: number,
  batchSize = 64,
): Promise<HeldOutReport> => {
  const length = params.context;
  const offsets = evenlySpacedOffsets(tokens.length, count, length);
  const targets = new Uint8Array(count * length);
  let bitSum = 0;
  for (let start = 0; start < count; start += batchSize) {
    const slice = offsets.subarray(start, Math.min(start + batchSize, count));
    const batch = windowsAt(tokens, slice, length);
    const mean = tidy(() => bitsPerCharacter(CharTransformer.forward(params, batch.x), batch.y));
    bitSum += (await mean.data())[0]! * slice.length * length;
    targets.set(await batch.y.data(), start * length);
    dispose([mean, batch]);
  }
  return { bits: bitSum / (count * length), targets };
};
