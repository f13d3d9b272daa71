/**
 * Attention as PyTorch's Transformer layers call it: `MultiheadAttention` with an attention mask, a
 * key-padding mask and a causal flag, combined into one additive mask, and PyTorch's handling of a
 * query row that may attend to no key at all.
 *
 * PyTorch's Transformer layers call `self_attn(..., need_weights=False)`, which (PyTorch ≥ 2.5) runs
 * `scaled_dot_product_attention`: a row whose every key is masked gets zero attention weights, so
 * the attention output there is `out_proj.bias`. A plain softmax gives NaN on such a row instead,
 * and the NaN then spreads through the next layer's values to every row (left padding with a causal
 * mask makes the first rows fully masked). Here such rows are unmasked before the softmax (so every
 * value and gradient stays finite) and their heads' output is multiplied by 0 before `out_proj`,
 * which then gives `out_proj.bias` there: PyTorch's numbers, and no gradient reaches the attention
 * from those rows, as in PyTorch. The bias is added once, by the projection, so its gradient is the
 * projection's own sum over rows (tfjs's gradient of a bias broadcast with `broadcastTo`/`tile` is
 * one Slice and one Add per copy: thousands of kernels per step at batch 32, context 64).
 *
 * The masks follow PyTorch's conventions: boolean `true` = may not attend, a float mask is added to
 * the scores (`-Infinity` = may not attend). A row is "fully masked" when every entry of its
 * combined mask is `-Infinity` in every head; a per-head mask (`[N·numHeads, L, S]`) that masks a
 * row in some heads only leaves that head's row NaN, as `MultiheadAttention` documents.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { attendWithInternals, causalAdditiveMask, MultiheadAttention } from './MultiheadAttention.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';

type Tensor = tf.Tensor;

/**
 * The masks of one attention call inside a Transformer layer, each with the name the caller knows
 * it by (`srcMask`, `tgtKeyPaddingMask`, …) for error messages.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * // the layer's forward passes { attnMask: srcMask, keyPaddingMask: srcKeyPaddingMask, isCausal, names } to its attention
 * const layer = initialize(nn.TransformerEncoderLayer.create(8, 2, { dimFeedforward: 16 }))(random.key(0))
 * const y = nn.TransformerEncoderLayer.forward(layer, tf.ones([1, 3, 8]), { srcKeyPaddingMask: tf.tensor2d([[false, false, true]], [1, 3], 'bool') })
 * @internal
 * @category model
 * @since 0.2.0
 */
export interface TransformerAttentionMasks {
  /** `[L, S]` or `[N·numHeads, L, S]`; bool (`true` = masked) or float32 (added to the scores). */
  readonly attnMask?: Tensor;
  /** `[N, S]` (`[S]` for unbatched inputs); bool (`true` = padding) or float32 (added). */
  readonly keyPaddingMask?: Tensor;
  /** Mask every key after the query's position (`j > i`), with the other masks. */
  readonly isCausal?: boolean;
  /** The argument names of `attnMask`, `keyPaddingMask`, `isCausal`, as the caller's API spells them. */
  readonly names: { readonly attnMask: string; readonly keyPaddingMask: string; readonly isCausal: string };
}

const sameShape = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

const checkMaskTensor = (mask: unknown, name: string, shapes: ReadonlyArray<ReadonlyArray<number>>): Tensor => {
  if (!(mask instanceof tf.Tensor)) throw new ModuleError(`expected ${name} to be a tensor, got ${mask === null ? 'null' : typeof mask}`);
  if (mask.dtype !== 'bool' && mask.dtype !== 'float32') {
    throw new ModuleError(`expected ${name} of dtype bool or float32, got ${mask.dtype} (shape ${formatShape(mask.shape)})`);
  }
  if (!shapes.some((s) => sameShape(mask.shape, s))) {
    throw new ModuleError(`expected ${name} of shape ${shapes.map(formatShape).join(' or ')}, got ${formatShape(mask.shape)}`);
  }
  return mask;
};

/**
 * Checks the masks of an attention from `L` queries to `S` keys, batch `N` (or unbatched), `numHeads`
 * heads; throws a `ModuleError` naming the argument and both shapes. The causal flag must be a boolean.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const layer = initialize(nn.TransformerEncoderLayer.create(8, 2, { dimFeedforward: 16 }))(random.key(0))
 * nn.TransformerEncoderLayer.forward(layer, tf.ones([1, 3, 8]), { srcKeyPaddingMask: tf.zeros([1, 4], 'bool') })
 * // throws: TransformerEncoderLayer at the root module: expected srcKeyPaddingMask of shape [1, 3], got [1, 4]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const checkAttentionMasks = (
  masks: TransformerAttentionMasks,
  dims: { readonly batched: boolean; readonly N: number; readonly L: number; readonly S: number; readonly numHeads: number },
): void => {
  const { batched, N, L, S, numHeads } = dims;
  if (masks.attnMask !== undefined)
    checkMaskTensor(masks.attnMask, masks.names.attnMask, [
      [L, S],
      [N * numHeads, L, S],
    ]);
  if (masks.keyPaddingMask !== undefined) checkMaskTensor(masks.keyPaddingMask, masks.names.keyPaddingMask, [batched ? [N, S] : [S]]);
  if (masks.isCausal !== undefined && typeof masks.isCausal !== 'boolean') {
    throw new ModuleError(`expected ${masks.names.isCausal} to be a boolean, got ${describeData(masks.isCausal)}`);
  }
};

/** A bool mask as an additive one: `-Infinity` where `true`, 0 elsewhere; a float mask as it is. */
const additive = (mask: Tensor): Tensor =>
  mask.dtype === 'bool' ? tf.where(mask, tf.fill(mask.shape, -Infinity), tf.zeros(mask.shape)) : mask;

/**
 * `mha(query, memory, memory)` with the masks, in Transformer-layer semantics (see the file's note):
 * `query [N, L, E]` (or `[L, E]`), `memory [N, S, E]` (or `[S, E]`; the query itself for self-attention).
 * Returns the attention output, a new tensor; everything else is freed.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * // the encoder layer's self-attention block is transformerAttention(m.selfAttn, x, x, masks)
 * const layer = initialize(nn.TransformerEncoderLayer.create(8, 2, { dimFeedforward: 16 }))(random.key(0))
 * const y = nn.TransformerEncoderLayer.forward(layer, tf.ones([1, 3, 8]), { srcKeyPaddingMask: tf.tensor2d([[false, false, true]], [1, 3], 'bool') })
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const transformerAttention = (
  mha: MultiheadAttention<Tensor>,
  query: Tensor,
  memory: Tensor,
  masks: TransformerAttentionMasks,
): Tensor => {
  const batched = query.rank === 3;
  const N = batched ? query.shape[0]! : 1;
  const L = query.shape[query.rank - 2]!;
  const S = memory.shape[memory.rank - 2]!;
  const H = mha.numHeads;
  checkAttentionMasks(masks, { batched, N, L, S, numHeads: H });
  const causal = masks.isCausal === true;
  // Without a mask tensor, no row can be fully masked (a causal row always keeps key 0).
  if (masks.attnMask === undefined && masks.keyPaddingMask === undefined) {
    return MultiheadAttention.forward(mha, query, memory, memory, { causal });
  }
  return tf.tidy(() => {
    // Every part as [n, h, l, S] with n ∈ {1, N}, h ∈ {1, H}, l ∈ {1, L}, summed with broadcasting:
    // nothing is expanded to [N, H, L, S] (the attention adds the sum to its scores once).
    const parts: Tensor[] = [];
    const a = masks.attnMask;
    if (a !== undefined) parts.push(a.rank === 2 ? tf.reshape(additive(a), [1, 1, L, S]) : tf.reshape(additive(a), [N, H, L, S]));
    const p = masks.keyPaddingMask;
    if (p !== undefined) parts.push(tf.reshape(additive(p), [N, 1, 1, S]));
    if (causal) parts.push(tf.reshape(causalAdditiveMask(L, S), [1, 1, L, S]));
    const sum = parts.reduce((acc, part) => tf.add(acc, part));
    // Rows every head masks completely: [n, 1, l, 1].
    const dead = tf.all(tf.all(tf.equal(sum, -Infinity), 3, true), 1, true);
    // Unmask them (0 = attend to every key): their softmax stays finite, and their output is
    // dropped below. max(x, -Infinity) = x elsewhere; a dead row is all -Infinity, so max gives 0.
    // (A broadcasting maximum rather than `where`, which tiles its operands to a common shape first.)
    const floor = tf.where(dead, tf.zeros(dead.shape), tf.fill(dead.shape, -Infinity));
    const additiveMask = tf.maximum(sum, floor);
    // Zero weights on a dead row means a zero vector into out_proj: its output is out_proj.bias,
    // computed by the projection itself (so the bias's gradient is the projection's one reduction).
    const [n, , l] = dead.shape as [number, number, number, number];
    const keepRows = tf.reshape(tf.cast(tf.logicalNot(dead), 'float32'), [n, l, 1]);
    return attendWithInternals(mha, query, memory, { additiveMask, keepRows });
  });
};

/**
 * PyTorch's `nn.Transformer.generate_square_subsequent_mask(size)`: a float32 `[size, size]` mask,
 * `-Infinity` above the diagonal (a position may not attend to later ones) and 0 elsewhere, to pass
 * as `srcMask` / `mask` / `tgtMask`. (`isCausal: true` / `tgtIsCausal: true` apply the same mask
 * without building it.) A new tensor owned by the caller.
 * @example
 * import { nn } from 'parallax-ts'
 * const mask = nn.generateSquareSubsequentMask(3) // [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]
 * @category utils
 * @since 0.2.0
 */
export const generateSquareSubsequentMask = (size: number): Tensor => {
  if (!Number.isInteger(size) || size < 0)
    throw new ArgumentError(`generateSquareSubsequentMask: size must be a non-negative integer, got ${describeData(size)}`);
  return causalAdditiveMask(size, size);
};
