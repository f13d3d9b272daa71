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
 * value and gradient stays finite) and their output is replaced by `out_proj.bias` afterwards:
 * PyTorch's numbers, and no gradient reaches the attention from those rows, as in PyTorch.
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
import { MultiheadAttention } from './MultiheadAttention.js';

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
    throw new ModuleError(`expected ${masks.names.isCausal} to be a boolean, got ${JSON.stringify(masks.isCausal)}`);
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
    // Every part as [n, h, L, S] with n ∈ {1, N}, h ∈ {1, H}, summed with broadcasting.
    const parts: Tensor[] = [];
    const a = masks.attnMask;
    if (a !== undefined) parts.push(a.rank === 2 ? tf.reshape(additive(a), [1, 1, L, S]) : tf.reshape(additive(a), [N, H, L, S]));
    const p = masks.keyPaddingMask;
    if (p !== undefined) parts.push(tf.reshape(additive(p), [N, 1, 1, S]));
    if (causal) {
      const rows = tf.reshape(tf.range(0, L, 1, 'int32'), [L, 1]);
      const cols = tf.reshape(tf.range(0, S, 1, 'int32'), [1, S]);
      parts.push(tf.reshape(additive(tf.greater(cols, rows)), [1, 1, L, S]));
    }
    const sum = parts.reduce((acc, part) => tf.add(acc, part));
    const [n, h] = sum.shape as [number, number, number, number];
    // A key-padding mask alone is [N, 1, 1, S]: give it its query axis.
    const total = tf.broadcastTo(sum, [n, h, L, S]);
    // Rows every head masks completely: [n, 1, L, 1].
    const dead = tf.all(tf.all(tf.equal(total, -Infinity), 3, true), 1, true);
    const fixed = tf.where(tf.broadcastTo(dead, total.shape), tf.zeros(total.shape), total);
    const attnMask = n === 1 && h === 1 ? tf.reshape(fixed, [L, S]) : tf.reshape(tf.broadcastTo(fixed, [N, H, L, S]), [N * H, L, S]);
    const out = MultiheadAttention.forward(mha, query, memory, memory, { attnMask });
    // Zero weights on a dead row: the output is what out_proj makes of a zero vector.
    const E = mha.embedDim;
    const bias = mha.useBias ? mha.out_proj.bias : tf.zeros([E]);
    const deadRows = tf.broadcastTo(tf.reshape(dead, batched ? [n, L, 1] : [L, 1]), out.shape);
    return tf.where(deadRows, tf.broadcastTo(bias, out.shape), out);
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
    throw new Error(`generateSquareSubsequentMask: size must be a non-negative integer, got ${size}`);
  return tf.tidy(() => {
    const rows = tf.reshape(tf.range(0, size, 1, 'int32'), [size, 1]);
    const cols = tf.reshape(tf.range(0, size, 1, 'int32'), [1, size]);
    return additive(tf.greater(cols, rows));
  });
};
