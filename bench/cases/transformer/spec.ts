/**
 * Case 6: one training step of the char-LM example's model (examples/charlm): token + position
 * embeddings, a 2-layer pre-norm `nn.TransformerEncoder` (width 64, 2 heads, feedforward 256, gelu,
 * final LayerNorm), a linear head; batch 32 of 64 tokens, cross-entropy on class indices, plain SGD.
 * Two cases, one per way of asking for causal attention: `isCausal: true` (the example's way) and
 * an explicit `mask: nn.generateSquareSubsequentMask(64)` (PyTorch's usual way). Dispatch-heavy:
 * ~200 kernels per step of small tensors, so per-kernel overhead and copies that grow with
 * `batch × heads` show up directly.
 */
import { uniformArray } from '../../data.js';

export const CHARLM = { vocab: 85, context: 64, dModel: 64, nhead: 2, numLayers: 2, dimFeedforward: 256, batch: 32, lr: 0.05 } as const;

export interface CharLmData {
  /** int32 token ids `[batch, context]` */
  readonly x: Int32Array;
  /** int32 next-token ids `[batch, context]` */
  readonly y: Int32Array;
}

/** Token windows drawn from a fixed pseudo-random stream (the loss value does not matter here). */
export const charLmData = (): CharLmData => {
  const n = CHARLM.batch * CHARLM.context;
  const stream = uniformArray(61, n + 1, 1);
  const ids = Int32Array.from(stream, (u) => Math.min(CHARLM.vocab - 1, Math.floor(((u + 1) / 2) * CHARLM.vocab)));
  return { x: ids.slice(0, n), y: ids.slice(1, n + 1) };
};
