/**
 * Losses in bits per character, the unit character-level language models are compared in: the
 * mean cross-entropy (negative log-likelihood) of the next character, with base-2 logarithms. A
 * model that knew nothing but the alphabet scores `log2(vocabulary size)`; one that knew only how
 * often each character occurs scores the unigram baseline below; the model must beat that to have
 * learned anything about *sequences*.
 *
 * @since 0.2.0
 */
import { tf } from '../../src/engine/index.js';
import { crossEntropy } from '../../src/losses/index.js';

/**
 * A loss in nats (natural logarithms, what `crossEntropy` returns) in bits: `nats / ln 2`.
 * @example
 * natsToBits(Math.log(4)) // 2
 * @since 0.2.0
 */
export const natsToBits = (nats: number): number => nats / Math.LN2;

/**
 * The mean next-character loss in bits of `logits` `[..., V]` against int32 `targets` `[...]`:
 * `mean_i(−log2 softmax(logits_i)[targets_i])`. A new scalar, owned by the caller.
 * @example
 * bitsPerCharacter(tf.zeros([1, 4]), tf.tensor1d([1], 'int32')) // 2 (uniform over 4 characters)
 * @since 0.2.0
 */
export const bitsPerCharacter = (logits: tf.Tensor, targets: tf.Tensor): tf.Scalar =>
  tf.tidy(() => {
    const vocab = logits.shape[logits.rank - 1]!;
    const nats = crossEntropy(tf.reshape(logits, [-1, vocab]), tf.reshape(targets, [-1]));
    return tf.div(nats, Math.LN2) as tf.Scalar;
  });

/**
 * How often each of the `vocabSize` token ids occurs in `tokens`.
 * @example
 * characterCounts(Uint8Array.of(0, 0, 1), 3) // Float64Array [2, 1, 0]
 * @since 0.2.0
 */
export const characterCounts = (tokens: ArrayLike<number>, vocabSize: number): Float64Array => {
  const counts = new Float64Array(vocabSize);
  for (let i = 0; i < tokens.length; i++) counts[tokens[i]!]! += 1;
  return counts;
};

/**
 * The entropy in bits of the distribution with these counts, `−Σ p log2 p` (0 log 0 = 0).
 * @example
 * entropyBits(Float64Array.of(1, 1, 2)) // 1.5
 * @since 0.2.0
 */
export const entropyBits = (counts: ArrayLike<number>): number => {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const p = counts[i]! / total;
    if (p > 0) h -= p * Math.log2(p);
  }
  return h;
};

/**
 * The unigram baseline: the loss in bits per character on `heldOut` of a model that predicts every
 * character with its training frequency, `−mean_t log2 p(heldOut_t)`, where
 * `p(c) = (count_train(c) + 1) / (n_train + V)`. The add-one keeps a character that never occurs in
 * training from making the baseline infinite; with millions of training characters it moves the
 * figure by well under 0.001 bits.
 * @example
 * unigramBaselineBits(Uint8Array.of(0, 0, 1), Uint8Array.of(0, 1), 2) // −(log2(3/5) + log2(2/5)) / 2 ≈ 1.0294
 * @since 0.2.0
 */
export const unigramBaselineBits = (train: ArrayLike<number>, heldOut: ArrayLike<number>, vocabSize: number): number => {
  if (heldOut.length === 0) throw new Error('unigramBaselineBits: the held-out text is empty');
  const counts = characterCounts(train, vocabSize);
  const total = train.length + vocabSize;
  let bits = 0;
  for (let i = 0; i < heldOut.length; i++) bits -= Math.log2((counts[heldOut[i]!]! + 1) / total);
  return bits / heldOut.length;
};
