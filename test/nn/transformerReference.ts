/**
 * An independent float64 reference for PyTorch's Transformer layers, written with plain JS loops
 * from PyTorch's documented formulas (`TransformerEncoderLayer.forward`, `TransformerDecoderLayer.forward`,
 * `MultiheadAttention` with `need_weights=False`), reading parameters by PyTorch's state-dict names.
 * Also PyTorch's documented state-dict layout of these layers, to build state dicts from and to
 * check names and shapes against.
 */
import { tf } from '../../src/engine/backend.js';
import { seededValues } from './helpers.js';

type Tensor = tf.Tensor;

/** Parameters by PyTorch state-dict key, as float64 numbers. */
export type RefParams = ReadonlyMap<string, ReadonlyArray<number>>;
/** `[N][L][E]`. */
export type Seq = number[][][];
/** An additive attention mask entry for batch `n`, head `h`, query `i`, key `j` (0, a float, or −∞). */
export type MaskFn = (n: number, h: number, i: number, j: number) => number;
/** A multiplier (dropout mask / keep, or 1) at a position. */
export type DropFn = (n: number, ...index: number[]) => number;

// -------------------------------------------------------------------------------------
// PyTorch's documented layout
// -------------------------------------------------------------------------------------

/** `nn.MultiheadAttention(E, H, bias=bias)`'s state dict: packed in-projection, then out_proj. */
const attentionLayout = (prefix: string, E: number, bias: boolean): Array<[string, number[]]> => [
  [`${prefix}in_proj_weight`, [3 * E, E]],
  ...(bias ? ([[`${prefix}in_proj_bias`, [3 * E]]] as Array<[string, number[]]>) : []),
  [`${prefix}out_proj.weight`, [E, E]],
  ...(bias ? ([[`${prefix}out_proj.bias`, [E]]] as Array<[string, number[]]>) : []),
];
const linearLayout = (prefix: string, out: number, inn: number, bias: boolean): Array<[string, number[]]> => [
  [`${prefix}weight`, [out, inn]],
  ...(bias ? ([[`${prefix}bias`, [out]]] as Array<[string, number[]]>) : []),
];
const normLayout = (prefix: string, E: number, bias: boolean): Array<[string, number[]]> => [
  [`${prefix}weight`, [E]],
  ...(bias ? ([[`${prefix}bias`, [E]]] as Array<[string, number[]]>) : []),
];

/** `torch.nn.TransformerEncoderLayer(E, H, F, bias=bias).state_dict()`: keys and shapes, in order. */
export const encoderLayerLayout = (prefix: string, E: number, F: number, bias = true): Array<[string, number[]]> => [
  ...attentionLayout(`${prefix}self_attn.`, E, bias),
  ...linearLayout(`${prefix}linear1.`, F, E, bias),
  ...linearLayout(`${prefix}linear2.`, E, F, bias),
  ...normLayout(`${prefix}norm1.`, E, bias),
  ...normLayout(`${prefix}norm2.`, E, bias),
];

/** `torch.nn.TransformerDecoderLayer(E, H, F, bias=bias).state_dict()`: keys and shapes, in order. */
export const decoderLayerLayout = (prefix: string, E: number, F: number, bias = true): Array<[string, number[]]> => [
  ...attentionLayout(`${prefix}self_attn.`, E, bias),
  ...attentionLayout(`${prefix}multihead_attn.`, E, bias),
  ...linearLayout(`${prefix}linear1.`, F, E, bias),
  ...linearLayout(`${prefix}linear2.`, E, F, bias),
  ...normLayout(`${prefix}norm1.`, E, bias),
  ...normLayout(`${prefix}norm2.`, E, bias),
  ...normLayout(`${prefix}norm3.`, E, bias),
];

/** A stack's layout: `layers.<i>.…` for each layer, then `norm.*` when it has a final norm. */
export const stackLayout = (
  layer: (prefix: string) => Array<[string, number[]]>,
  numLayers: number,
  finalNorm: { readonly E: number; readonly bias: boolean } | undefined,
): Array<[string, number[]]> => [
  ...Array.from({ length: numLayers }, (_, i) => layer(`layers.${i}.`)).flat(),
  ...(finalNorm === undefined ? [] : normLayout('norm.', finalNorm.E, finalNorm.bias)),
];

/**
 * Values for a layout, chosen here: deterministic, float32-exact (so both sides see the same
 * numbers), norm weights around 1; returned as tensors (for `loadStateDict`) and as numbers.
 */
export const stateDictFor = (
  layout: ReadonlyArray<readonly [string, ReadonlyArray<number>]>,
  seed: number,
): { readonly tensors: Map<string, Tensor>; readonly params: RefParams } => {
  const tensors = new Map<string, Tensor>();
  const params = new Map<string, number[]>();
  layout.forEach(([key, shape], i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const isNormWeight = /norm\d?\.weight$/.test(key);
    const isBias = key.endsWith('bias');
    const values = seededValues(size, seed + 31 * i).map((u) => Math.fround(isNormWeight ? 1 + 0.3 * u : isBias ? 0.2 * u : 0.5 * u));
    params.set(key, values);
    tensors.set(key, tf.tensor(values, [...shape], 'float32'));
  });
  return { tensors, params };
};

// -------------------------------------------------------------------------------------
// float64 building blocks
// -------------------------------------------------------------------------------------

/** erf by its Maclaurin series (float64-accurate to ~1e-12 for |x| ≤ 4, far beyond what float32 checks need). */
export const erf = (x: number): number => {
  if (Math.abs(x) > 5) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
};

export const activate = (name: 'relu' | 'gelu', v: number): number =>
  name === 'relu' ? Math.max(0, v) : 0.5 * v * (1 + erf(v / Math.SQRT2));

const get = (p: RefParams, key: string): ReadonlyArray<number> | undefined => p.get(key);
const need = (p: RefParams, key: string): ReadonlyArray<number> => {
  const v = p.get(key);
  if (v === undefined) throw new Error(`reference: no parameter ${key}`);
  return v;
};

/** `y = W x + b` for one row; `W` row-major `[out, in]`, starting at row `row0`. */
const affine = (
  x: ReadonlyArray<number>,
  W: ReadonlyArray<number>,
  b: ReadonlyArray<number> | undefined,
  out: number,
  row0 = 0,
): number[] => {
  const inn = x.length;
  const y: number[] = [];
  for (let o = 0; o < out; o++) {
    let acc = b === undefined ? 0 : b[row0 + o]!;
    for (let i = 0; i < inn; i++) acc += W[(row0 + o) * inn + i]! * x[i]!;
    y.push(acc);
  }
  return y;
};

const layerNorm = (x: ReadonlyArray<number>, p: RefParams, prefix: string, eps: number): number[] => {
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  const w = need(p, `${prefix}weight`);
  const b = get(p, `${prefix}bias`);
  return x.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * w[i]! + (b?.[i] ?? 0));
};

/**
 * Multi-head attention of one batch element, `need_weights=False` semantics: a query row whose
 * every key is masked (−∞) gets zero weights (PyTorch ≥ 2.5's scaled_dot_product_attention).
 */
const attention = (
  p: RefParams,
  prefix: string,
  q: ReadonlyArray<ReadonlyArray<number>>,
  kv: ReadonlyArray<ReadonlyArray<number>>,
  H: number,
  mask: (h: number, i: number, j: number) => number,
  weightDrop: (h: number, i: number, j: number) => number,
): number[][] => {
  const E = q[0]!.length;
  const d = E / H;
  const W = need(p, `${prefix}in_proj_weight`);
  const b = get(p, `${prefix}in_proj_bias`);
  const Q = q.map((row) => affine(row, W, b, E, 0));
  const K = kv.map((row) => affine(row, W, b, E, E));
  const V = kv.map((row) => affine(row, W, b, E, 2 * E));
  const heads: number[][] = q.map(() => new Array<number>(E).fill(0));
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < q.length; i++) {
      const scores = K.map((k, j) => {
        let dot = 0;
        for (let c = h * d; c < (h + 1) * d; c++) dot += Q[i]![c]! * k[c]!;
        return dot / Math.sqrt(d) + mask(h, i, j);
      });
      const max = Math.max(...scores);
      const weights = max === -Infinity ? scores.map(() => 0) : scores.map((s) => Math.exp(s - max));
      const total = weights.reduce((a, c) => a + c, 0);
      for (let j = 0; j < K.length; j++) {
        const w = total === 0 ? 0 : (weights[j]! / total) * weightDrop(h, i, j);
        for (let c = h * d; c < (h + 1) * d; c++) heads[i]![c]! += w * V[j]![c]!;
      }
    }
  }
  return heads.map((row) => affine(row, need(p, `${prefix}out_proj.weight`), get(p, `${prefix}out_proj.bias`), E));
};

export interface LayerSettings {
  readonly nhead: number;
  readonly eps: number;
  readonly normFirst: boolean;
  readonly activation: 'relu' | 'gelu';
}

/** Dropout multipliers of one layer call (default: none, eval mode). Indices: `(n, …position)`. */
export interface LayerDrops {
  /** On the self-attention weights: `(n, h, i, j)`. */
  readonly selfWeights?: DropFn;
  /** On the cross-attention weights (decoder): `(n, h, i, j)`. */
  readonly crossWeights?: DropFn;
  /** After the self-attention: `(n, i, c)`. */
  readonly dropout1?: DropFn;
  /** After the cross-attention (decoder): `(n, i, c)`. */
  readonly dropout2?: DropFn;
  /** Inside the feedforward block, after the activation: `(n, i, f)`. */
  readonly dropout?: DropFn;
  /** After the feedforward block: encoder `dropout2`, decoder `dropout3`, `(n, i, c)`. */
  readonly ffOut?: DropFn;
}

const one: DropFn = () => 1;

const feedForward = (p: RefParams, prefix: string, x: ReadonlyArray<number>, s: LayerSettings, drop: (f: number) => number): number[] => {
  const l1W = need(p, `${prefix}linear1.weight`);
  const F = l1W.length / x.length;
  const hidden = affine(x, l1W, get(p, `${prefix}linear1.bias`), F).map((v, f) => activate(s.activation, v) * drop(f));
  return affine(hidden, need(p, `${prefix}linear2.weight`), get(p, `${prefix}linear2.bias`), x.length);
};

/** `x + f(norm(x))` (pre-norm) or `norm(x + f(x))` (post-norm), row by row. */
const residual = (
  x: number[][],
  s: LayerSettings,
  normPrefix: string,
  p: RefParams,
  block: (rows: number[][]) => number[][],
): number[][] => {
  if (s.normFirst) {
    const y = block(x.map((row) => layerNorm(row, p, normPrefix, s.eps)));
    return x.map((row, i) => row.map((v, c) => v + y[i]![c]!));
  }
  const y = block(x);
  return x.map((row, i) =>
    layerNorm(
      row.map((v, c) => v + y[i]![c]!),
      p,
      normPrefix,
      s.eps,
    ),
  );
};

/** PyTorch's `TransformerEncoderLayer.forward` on `src [N][L][E]`, with an additive self-attention mask. */
export const encoderLayerRef = (p: RefParams, prefix: string, src: Seq, s: LayerSettings, mask: MaskFn, drops: LayerDrops = {}): Seq =>
  src.map((x0, n) => {
    const x1 = residual(x0, s, `${prefix}norm1.`, p, (h) =>
      attention(
        p,
        `${prefix}self_attn.`,
        h,
        h,
        s.nhead,
        (hd, i, j) => mask(n, hd, i, j),
        (hd, i, j) => (drops.selfWeights ?? one)(n, hd, i, j),
      ).map((row, i) => row.map((v, c) => v * (drops.dropout1 ?? one)(n, i, c))),
    );
    return residual(x1, s, `${prefix}norm2.`, p, (h) =>
      h.map((row, i) =>
        feedForward(p, prefix, row, s, (f) => (drops.dropout ?? one)(n, i, f)).map((v, c) => v * (drops.ffOut ?? one)(n, i, c)),
      ),
    );
  });

/** PyTorch's `TransformerDecoderLayer.forward` on `tgt [N][T][E]`, `memory [N][S][E]`. */
export const decoderLayerRef = (
  p: RefParams,
  prefix: string,
  tgt: Seq,
  memory: Seq,
  s: LayerSettings,
  selfMask: MaskFn,
  crossMask: MaskFn,
  drops: LayerDrops = {},
): Seq =>
  tgt.map((x0, n) => {
    const x1 = residual(x0, s, `${prefix}norm1.`, p, (h) =>
      attention(
        p,
        `${prefix}self_attn.`,
        h,
        h,
        s.nhead,
        (hd, i, j) => selfMask(n, hd, i, j),
        (hd, i, j) => (drops.selfWeights ?? one)(n, hd, i, j),
      ).map((row, i) => row.map((v, c) => v * (drops.dropout1 ?? one)(n, i, c))),
    );
    const x2 = residual(x1, s, `${prefix}norm2.`, p, (h) =>
      attention(
        p,
        `${prefix}multihead_attn.`,
        h,
        memory[n]!,
        s.nhead,
        (hd, i, j) => crossMask(n, hd, i, j),
        (hd, i, j) => (drops.crossWeights ?? one)(n, hd, i, j),
      ).map((row, i) => row.map((v, c) => v * (drops.dropout2 ?? one)(n, i, c))),
    );
    return residual(x2, s, `${prefix}norm3.`, p, (h) =>
      h.map((row, i) =>
        feedForward(p, prefix, row, s, (f) => (drops.dropout ?? one)(n, i, f)).map((v, c) => v * (drops.ffOut ?? one)(n, i, c)),
      ),
    );
  });

/** The final LayerNorm of a stack (`norm.*`), row by row. */
export const finalNormRef = (p: RefParams, x: Seq, eps: number): Seq => x.map((rows) => rows.map((row) => layerNorm(row, p, 'norm.', eps)));

// -------------------------------------------------------------------------------------
// masks, as PyTorch defines them
// -------------------------------------------------------------------------------------

export interface RefMasks {
  /** `[L][S]` or `[N·H][L][S]`: bool (`true` = masked) or float (added). */
  readonly attn?: ReadonlyArray<ReadonlyArray<boolean | number>> | ReadonlyArray<ReadonlyArray<ReadonlyArray<boolean | number>>>;
  /** `[N][S]`: `true` = padding. */
  readonly padding?: ReadonlyArray<ReadonlyArray<boolean>>;
  readonly causal?: boolean;
}

const additiveEntry = (v: boolean | number): number => (typeof v === 'boolean' ? (v ? -Infinity : 0) : v);

/** The additive mask PyTorch builds from an attention mask, a key-padding mask and causality. */
export const maskFn = (masks: RefMasks, H: number): MaskFn => {
  return (n, h, i, j) => {
    let total = 0;
    if (masks.attn !== undefined) {
      const first = masks.attn[0]![0];
      const entry = Array.isArray(first)
        ? (masks.attn as ReadonlyArray<ReadonlyArray<ReadonlyArray<boolean | number>>>)[n * H + h]![i]![j]!
        : (masks.attn as ReadonlyArray<ReadonlyArray<boolean | number>>)[i]![j]!;
      total += additiveEntry(entry);
    }
    if (masks.padding?.[n]![j] === true) total += -Infinity;
    if (masks.causal === true && j > i) total += -Infinity;
    return total;
  };
};

/** A JS `[N][L][E]` array as a tensor, and back. */
export const seqTensor = (x: Seq): Tensor => tf.tensor(x.flat(2), [x.length, x[0]!.length, x[0]![0]!.length], 'float32');
/** Deterministic float32-exact inputs `[N][L][E]`. */
export const seqValues = (N: number, L: number, E: number, seed: number): Seq => {
  const flat = seededValues(N * L * E, seed).map((v) => Math.fround(v));
  return Array.from({ length: N }, (_, n) => Array.from({ length: L }, (_, l) => flat.slice((n * L + l) * E, (n * L + l + 1) * E)));
};
