/**
 * `MultiheadAttention`: PyTorch's `nn.MultiheadAttention` with `batch_first=True`.
 *
 * `out = out_proj(concat_h(softmax(Q_h K_hᵀ / √d + mask) V_h))`, with `Q = query W_qᵀ + b_q`,
 * `K = key W_kᵀ + b_k`, `V = value W_vᵀ + b_v`, `E = embedDim` split into `numHeads` heads of
 * `d = E / numHeads`.
 *
 * - inputs (batch first): `query [N, L, E]`, `key [N, S, kdim]`, `value [N, S, vdim]`; unbatched
 *   `[L, E]`, `[S, kdim]`, `[S, vdim]` also work. `key` defaults to `query` (self-attention) and
 *   `value` to `key`.
 * - output `[N, L, E]` (`[L, E]` unbatched); {@link MultiheadAttention.attend} also returns the
 *   attention weights `[N, L, S]` averaged over heads (or `[N, numHeads, L, S]`).
 * - masks, PyTorch's boolean convention (**`true` = may not attend**): `attnMask` `[L, S]` or
 *   `[N·numHeads, L, S]` (a float mask is added to the scores instead); `causal: true` masks every
 *   `j > i`; `keyPaddingMask` `[N, S]` (`[S]` unbatched) hides padded keys. A query row whose every
 *   key is masked gives NaN (weights and output), as PyTorch's default `need_weights=True` path;
 *   with `need_weights=False` PyTorch ≥ 2.5 runs `scaled_dot_product_attention`, whose kernels give
 *   such a row zero weights instead (output row = `out_proj.bias`). Slice such rows out either way.
 * - parameters, named as PyTorch's state dict: when `kdim = vdim = E`, `in_proj_weight [3E, E]`
 *   (rows: q, k, v); otherwise `q_proj_weight [E, E]`, `k_proj_weight [E, kdim]`,
 *   `v_proj_weight [E, vdim]`. The unused form is held as zero-size `[0]` leaves (like `Linear`'s
 *   absent bias), which have no state-dict key, as in PyTorch. `in_proj_bias [3E]` (`[0]` when `bias: false`), `out_proj` a `Linear(E, E)`.
 * - default init, PyTorch's: projection weights Xavier-uniform (`in_proj_weight` as one `[3E, E]`
 *   matrix), `in_proj_bias` and `out_proj.bias` zeros, `out_proj.weight` `U(±1/√E)`.
 * - `dropout` on the attention weights in train mode, with the key `newState` hands this module.
 * - not supported (yet): PyTorch's `add_bias_kv`, `add_zero_attn`, float `key_padding_mask`.
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/lib/Option.js';
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { glorotUniform } from '../init/glorot.js';
import type { Initializer } from '../init/Initializer.js';
import { bernoulli } from '../random/bernoulli.js';
import { constant, context, type Context, type FieldValues, param, submodule } from '../tree/Field.js';
import { defineModule, type ModuleType, runForward } from '../tree/Module.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { configObject, DropoutRate, PositiveInt } from './configCodecs.js';
import { configurable } from './configurable.js';
import { Linear } from './Linear.js';
import { optionalParam } from './optionalParam.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';
import { checkLayerOptions, moduleError, type OptionKinds } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link MultiheadAttention.create}.
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.MultiheadAttentionOptions = { dropout: 0.1, kdim: 8, vdim: 8 }
 * const mha = nn.MultiheadAttention.create(16, 4, options)
 * @category model
 * @since 0.1.0
 */
export interface MultiheadAttentionOptions {
  /** Dropout probability on the attention weights (train mode); default 0. */
  readonly dropout?: number;
  /** Biases on the input and output projections; default `true`. */
  readonly bias?: boolean;
  /** Key feature size; default `embedDim`. */
  readonly kdim?: number;
  /** Value feature size; default `embedDim`. */
  readonly vdim?: number;
}

/**
 * `MultiheadAttention`'s constructor arguments as JSON: `{ embedDim, numHeads, dropout?, bias?, kdim?, vdim? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const mha = nn.MultiheadAttention.fromConfig({ embedDim: 16, numHeads: 4, kdim: 8 })
 * @category config
 * @since 0.1.0
 */
export const MultiheadAttentionConfig = configObject(
  'MultiheadAttention config',
  { embedDim: PositiveInt, numHeads: PositiveInt },
  { dropout: DropoutRate, bias: t.boolean, kdim: PositiveInt, vdim: PositiveInt },
);
/**
 * The decoded form of {@link MultiheadAttentionConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.MultiheadAttentionConfig = { embedDim: 16, numHeads: 4, dropout: 0.1 }
 * @category config
 * @since 0.1.0
 */
export type MultiheadAttentionConfig = t.TypeOf<typeof MultiheadAttentionConfig>;

/**
 * Masks and options of one attention call (`forward`, `attend`).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const mha = initialize(nn.MultiheadAttention.create(8, 2))(random.key(0))
 * const x = tf.randomNormal([2, 3, 8])
 * const options: nn.AttentionOptions = { causal: true, keyPaddingMask: tf.tensor2d([[false, false, true], [false, false, false]], [2, 3], 'bool') }
 * const y = nn.MultiheadAttention.forward(mha, x, x, x, options)
 * @category model
 * @since 0.1.0
 */
export interface AttentionOptions {
  /** `[L, S]` or `[N·numHeads, L, S]`; bool (`true` = masked) or float (added to the scores). */
  readonly attnMask?: Tensor;
  /** Mask every key after the query's position (`j > i`); combined with `attnMask` if both are given. */
  readonly causal?: boolean;
  /** `[N, S]` (`[S]` unbatched), bool, `true` = a padding key nobody attends to. */
  readonly keyPaddingMask?: Tensor;
  /** `attend` only: average the weights over heads (default `true`), else `[N, numHeads, L, S]`. */
  readonly averageWeights?: boolean;
}

/**
 * What {@link MultiheadAttention.attend} returns; both tensors are new and owned by the caller.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const mha = initialize(nn.MultiheadAttention.create(8, 2))(random.key(0))
 * const result: nn.AttentionResult = nn.MultiheadAttention.attend(mha, tf.randomNormal([2, 3, 8]))
 * result.weights.shape // [2, 3, 3]
 * @category model
 * @since 0.1.0
 */
export interface AttentionResult {
  readonly output: Tensor;
  /** `[N, L, S]` averaged over heads (or `[N, numHeads, L, S]`); unbatched: without `N`. After dropout, as PyTorch. */
  readonly weights: Tensor;
}

// Named (not inline in the declaration): the attention computation below, shared by `forward` and
// `attend`, reads the same fields.
const fields = {
  in_proj_weight: param(),
  q_proj_weight: param(),
  k_proj_weight: param(),
  v_proj_weight: param(),
  in_proj_bias: param(),
  out_proj: submodule(Linear),
  embedDim: constant<number>(),
  numHeads: constant<number>(),
  kdim: constant<number>(),
  vdim: constant<number>(),
  useBias: constant<boolean>(),
  dropout: constant<number>(),
  ctx: context(),
};

/** A `MultiheadAttention`'s fields with leaves `A`. */
type Attention<A> = FieldValues<typeof fields, A>;

const usesPackedProjection = (m: Attention<unknown>): boolean => m.kdim === m.embedDim && m.vdim === m.embedDim;

const checkFloat = (x: unknown, what: string): Tensor => {
  if (!(x instanceof tf.Tensor)) throw new ModuleError(`expected ${what} to be a tensor, got ${typeof x}`);
  if (x.dtype !== 'float32') throw new ModuleError(`expected ${what} of dtype float32, got ${x.dtype}`);
  return x;
};

const sameShape = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** Checks every input's shape against the others and returns the batched `[N, L, S]` sizes. */
const checkInputs = (
  m: Attention<Tensor>,
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options: AttentionOptions,
): { readonly batched: boolean; readonly N: number; readonly L: number; readonly S: number } => {
  checkFloat(query, 'query');
  checkFloat(key, 'key');
  checkFloat(value, 'value');
  const E = m.embedDim;
  if ((query.rank !== 3 && query.rank !== 2) || query.shape[query.rank - 1] !== E) {
    throw new ModuleError(`expected query of shape [N, L, ${E}] or [L, ${E}], got ${formatShape(query.shape)}`);
  }
  const batched = query.rank === 3;
  const N = batched ? query.shape[0]! : 1;
  const L = query.shape[query.rank - 2]!;
  const S = key.shape[key.rank - 2] ?? -1;
  const lead = batched ? [N] : [];
  const expectShape = (x: Tensor, what: string, shape: ReadonlyArray<number | null>): void => {
    const ok = x.rank === shape.length && shape.every((d, i) => d === null || d === x.shape[i]);
    if (!ok) throw new ModuleError(`expected ${what} of shape ${formatShape(shape)}, got ${formatShape(x.shape)}`);
  };
  expectShape(query, 'query', [...lead, null, E]);
  expectShape(key, 'key', [...lead, null, m.kdim]);
  expectShape(value, 'value', [...lead, S, m.vdim]);
  if (options.attnMask !== undefined) {
    const mask = options.attnMask;
    if (!(mask instanceof tf.Tensor)) throw new ModuleError('expected attnMask to be a tensor');
    if (mask.dtype !== 'bool' && mask.dtype !== 'float32') {
      throw new ModuleError(`expected attnMask of dtype bool or float32, got ${mask.dtype}`);
    }
    if (!sameShape(mask.shape, [L, S]) && !sameShape(mask.shape, [N * m.numHeads, L, S])) {
      throw new ModuleError(
        `expected attnMask of shape ${formatShape([L, S])} or ${formatShape([N * m.numHeads, L, S])}, got ${formatShape(mask.shape)}`,
      );
    }
  }
  if (options.keyPaddingMask !== undefined) {
    const mask = options.keyPaddingMask;
    if (!(mask instanceof tf.Tensor)) throw new ModuleError('expected keyPaddingMask to be a tensor');
    if (mask.dtype !== 'bool') throw new ModuleError(`expected keyPaddingMask of dtype bool, got ${mask.dtype}`);
    expectShape(mask, 'keyPaddingMask', batched ? [N, S] : [S]);
  }
  return { batched, N, L, S };
};

/** `x [N, T, in] · Wᵀ + b` (b may be the zero-size "no bias"). */
const project = (x: Tensor, w: Tensor, b: Tensor | undefined): Tensor => {
  const [n, len, inDim] = x.shape as [number, number, number];
  const y = tf.matMul(tf.reshape(x, [n * len, inDim]), w, false, true);
  const withBias = b === undefined ? y : tf.add(y, b);
  return tf.reshape(withBias, [n, len, w.shape[0]!]);
};

/** `[N, T, E] → [N, H, T, d]`. */
const splitHeads = (x: Tensor, numHeads: number): Tensor => {
  const [n, len, e] = x.shape as [number, number, number];
  return tf.transpose(tf.reshape(x, [n, len, numHeads, e / numHeads]), [0, 2, 1, 3]);
};

/**
 * The causal mask as an additive float32 `[L, S]` tensor: `-Infinity` where `j > i` (a query may not
 * attend to a later key), 0 elsewhere. Written from a typed array, so it costs no kernels, and it is
 * broadcast into the scores, never copied per sample or head. A new tensor owned by the caller.
 * @example
 * import { causalAdditiveMask } from './MultiheadAttention.js'
 * const mask = causalAdditiveMask(2, 3) // [[0, -Infinity, -Infinity], [0, 0, -Infinity]]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const causalAdditiveMask = (L: number, S: number): Tensor => {
  const values = new Float32Array(L * S);
  // Row i keeps keys 0..i; from row S - 1 on nothing is masked (fill's start then passes its end).
  for (let i = 0; i < L; i++) values.fill(-Infinity, i * S + i + 1, (i + 1) * S);
  return tf.tensor2d(values, [L, S]);
};

/** A bool mask as an additive one (`-Infinity` where `true`, 0 elsewhere), same shape: no broadcasting, so no copies. */
const boolToAdditive = (mask: Tensor): Tensor => tf.where(mask, tf.fill(mask.shape, -Infinity), tf.zeros(mask.shape));

/**
 * What the Transformer layers hand the attention besides the public options (see
 * `transformerAttention`): masks already combined, and rows to zero before the output projection.
 * @example
 * import { tf } from 'parallax-ts'
 * import type { AttentionInternals } from './MultiheadAttention.js'
 * const internals: AttentionInternals = { additiveMask: tf.zeros([1, 1, 3, 3]), keepRows: tf.ones([1, 3, 1]) }
 * @internal
 * @category model
 * @since 0.2.0
 */
export interface AttentionInternals {
  /** Added to the scores; broadcastable to `[N, numHeads, L, S]` (e.g. `[1, 1, L, S]`, `[N, 1, L, S]`). */
  readonly additiveMask?: Tensor;
  /**
   * float32, broadcastable to `[N, L, 1]`: multiplies the heads' concatenated output before
   * `out_proj`, so a row multiplied by 0 comes out as `out_proj.bias` (finite, and its gradient
   * reaches the bias through the projection's own reduction, not through a copy of the bias).
   */
  readonly keepRows?: Tensor;
}

/**
 * The attention itself, run inside the caller's `tidy`: the output (`[N, L, E]`, or `[L, E]`
 * unbatched) and the per-head weights `[N, H, L, S]` it came from (batched even for unbatched input).
 */
const attention = (
  m: Attention<Tensor>,
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options: AttentionOptions,
  internals: AttentionInternals,
): {
  readonly output: Tensor;
  readonly weights: Tensor;
  readonly batched: boolean;
  readonly N: number;
  readonly L: number;
  readonly S: number;
} => {
  checkLayerOptions('MultiheadAttention.forward', options, ATTENTION_OPTIONS, moduleError);
  const { batched, N, L, S } = checkInputs(m, query, key, value, options);
  const train = m.ctx.mode === 'train' && m.dropout > 0;
  if (train && O.isNone(m.ctx.key)) {
    throw new ModuleError(
      'train mode with dropout needs a key: thread one through the model with newState(model, "train")(key) before the forward pass',
    );
  }
  const E = m.embedDim;
  const H = m.numHeads;
  const d = E / H;
  const q3 = batched ? query : tf.expandDims(query, 0);
  const k3 = batched ? key : tf.expandDims(key, 0);
  const v3 = batched ? value : tf.expandDims(value, 0);
  const biases = m.useBias ? tf.split(m.in_proj_bias, 3) : [undefined, undefined, undefined];
  let wq: Tensor, wk: Tensor, wv: Tensor;
  if (usesPackedProjection(m)) [wq, wk, wv] = tf.split(m.in_proj_weight, 3) as [Tensor, Tensor, Tensor];
  else [wq, wk, wv] = [m.q_proj_weight, m.k_proj_weight, m.v_proj_weight];
  const q = splitHeads(project(q3, wq, biases[0]), H);
  const k = splitHeads(project(k3, wk, biases[1]), H);
  const v = splitHeads(project(v3, wv, biases[2]), H);
  // PyTorch scales q before the product; same result up to rounding.
  let scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(d)), k, false, true); // [N, H, L, S]
  // Every mask as an additive one (0 = may attend, -Infinity = may not; a float mask's own values),
  // each at its own small shape, summed, then added to the scores once with broadcasting: no mask
  // is copied to [N, H, L, S], and the scores' gradient through the addition is dy itself. Same
  // numbers as masking with `where`: x + 0 = x and x + -Infinity = -Infinity for finite x.
  const parts: Tensor[] = [];
  if (options.attnMask !== undefined) {
    const mask = options.attnMask.rank === 2 ? options.attnMask : tf.reshape(options.attnMask, [N, H, L, S]);
    parts.push(mask.dtype === 'bool' ? boolToAdditive(mask) : mask);
  }
  if (options.causal === true) parts.push(causalAdditiveMask(L, S));
  if (options.keyPaddingMask !== undefined) parts.push(boolToAdditive(tf.reshape(options.keyPaddingMask, [N, 1, 1, S])));
  if (internals.additiveMask !== undefined) parts.push(internals.additiveMask);
  if (parts.length > 0) {
    const mask = parts.reduce((acc, part) => tf.add(acc, part));
    // Without its leading axes of size 1 (a free reshape): tfjs-backend-cpu broadcasts a lower-rank
    // operand several times faster (measured adding into [32, 2, 64, 64]: [64, 64] 3.5 ms, [1, 1, 64, 64] 23 ms).
    const lead = mask.shape.findIndex((dim) => dim !== 1);
    scores = tf.add(scores, lead > 0 ? tf.reshape(mask, mask.shape.slice(lead)) : mask);
  }
  let weights = tf.softmax(scores, -1);
  if (train && O.isSome(m.ctx.key)) {
    const keep = 1 - m.dropout;
    weights = tf.mul(weights, tf.div(tf.cast(bernoulli(m.ctx.key.value, keep, weights.shape), 'float32'), keep));
  }
  const heads = tf.matMul(weights, v); // [N, H, L, d]
  const merged = tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [N, L, E]);
  const out = Linear.forward(m.out_proj, internals.keepRows === undefined ? merged : tf.mul(merged, internals.keepRows));
  return { output: batched ? out : tf.squeeze(out, [0]), weights, batched, N, L, S };
};

/** The kinds of a forward pass's options (see `checkLayerOptions`). */
const ATTENTION_OPTIONS: OptionKinds<AttentionOptions> = {
  attnMask: 'value',
  causal: 'flag',
  keyPaddingMask: 'value',
  averageWeights: 'flag',
};

/** The output only (PyTorch's `need_weights=False`): no head average of the weights to compute and drop. */
const forwardImpl = (
  m: Attention<Tensor>,
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options: AttentionOptions,
  internals: AttentionInternals = {},
): Tensor => tf.tidy(() => attention(m, query, key, value, options, internals).output);

const attendImpl = (m: Attention<Tensor>, query: Tensor, key: Tensor, value: Tensor, options: AttentionOptions): AttentionResult =>
  tf.tidy(() => {
    const { output, weights, batched, N, L, S } = attention(m, query, key, value, options, {});
    // (an empty batch skips the mean: tfjs-backend-wasm's Mean over a non-last axis divides by zero on it)
    const w = options.averageWeights === false ? weights : N === 0 ? tf.reshape(weights, [0, L, S]) : tf.mean(weights, 1);
    return { output, weights: batched ? w : tf.squeeze(w, [0]) };
  });

const zerosInit: Initializer = (shape) => () => tf.zeros([...shape]);

const checkSize = (name: string, n: unknown): number => {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new ArgumentError(`MultiheadAttention.create: ${name} must be a positive integer, got ${describeData(n)}`);
  }
  return n;
};

const initialContext: Context = { mode: 'eval', key: O.none };

const MultiheadAttentionDef = defineModule('parallax-ts/nn/MultiheadAttention', {
  name: 'MultiheadAttention',
  fields,
  create: (embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) => {
    checkLayerOptions('MultiheadAttention.create', options, { dropout: 'value', bias: 'flag', kdim: 'value', vdim: 'value' });
    checkSize('embedDim', embedDim);
    checkSize('numHeads', numHeads);
    if (embedDim % numHeads !== 0) {
      throw new ArgumentError(`MultiheadAttention.create: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    }
    const kdim = checkSize('kdim', options.kdim ?? embedDim);
    const vdim = checkSize('vdim', options.vdim ?? embedDim);
    const dropout = options.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
      throw new ArgumentError(`MultiheadAttention.create: dropout must be in [0, 1), got ${describeData(dropout)}`);
    }
    const useBias = options.bias ?? true;
    const packed = kdim === embedDim && vdim === embedDim;
    const xavier = glorotUniform({ inAxis: -1, outAxis: -2 });
    return {
      in_proj_weight: optionalParam(packed, [3 * embedDim, embedDim], xavier),
      q_proj_weight: optionalParam(!packed, [embedDim, embedDim], xavier),
      k_proj_weight: optionalParam(!packed, [embedDim, kdim], xavier),
      v_proj_weight: optionalParam(!packed, [embedDim, vdim], xavier),
      in_proj_bias: optionalParam(useBias, [3 * embedDim], zerosInit),
      out_proj: Linear.create(embedDim, embedDim, { bias: useBias, biasInit: zerosInit }),
      embedDim,
      numHeads,
      kdim,
      vdim,
      useBias,
      dropout,
      ctx: initialContext,
    };
  },
  forward: (m, query: Tensor, key?: Tensor, value?: Tensor, options: AttentionOptions = {}) => {
    const k = key ?? query;
    return forwardImpl(m, query, k, value ?? k, options);
  },
  extraRepr: (m) =>
    `embedDim=${m.embedDim}, numHeads=${m.numHeads}` +
    (usesPackedProjection(m) ? '' : `, kdim=${m.kdim}, vdim=${m.vdim}`) +
    (m.useBias ? '' : ', bias=false') +
    (m.dropout > 0 ? `, dropout=${m.dropout}` : ''),
});

/**
 * The `MultiheadAttention` layer: `create(embedDim, numHeads, options?)` builds one (uninitialized,
 * eval mode until `newState(model, 'train')`), `forward` / `apply` run it, `attend` also returns the
 * attention weights, `toConfig` / `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const mha = initialize(nn.MultiheadAttention.create(16, 4))(random.key(0))
 * const x = tf.randomNormal([2, 5, 16])
 * nn.MultiheadAttention.forward(mha, x, x, x, { causal: true }).shape // [2, 5, 16]
 * const { output, weights } = nn.MultiheadAttention.attend(mha, x) // weights [2, 5, 5]
 * @category layers
 * @since 0.1.0
 */
export const MultiheadAttention = {
  ...configurable(MultiheadAttentionDef, MultiheadAttentionConfig, {
    toConfig: (m) => ({ embedDim: m.embedDim, numHeads: m.numHeads, dropout: m.dropout, bias: m.useBias, kdim: m.kdim, vdim: m.vdim }),
    fromConfig: ({ embedDim, numHeads, ...options }) => MultiheadAttentionDef.create(embedDim, numHeads, options),
  }),
  /**
   * The forward pass returning the attention weights too (PyTorch's `need_weights=True`); `key`
   * defaults to `query` and `value` to `key`. Both result tensors are new and owned by the caller.
   * @example
   * import { initialize, nn, random, tf } from 'parallax-ts'
   * const mha = initialize(nn.MultiheadAttention.create(16, 4))(random.key(0))
   * const x = tf.randomNormal([2, 5, 16])
   * const { output, weights } = nn.MultiheadAttention.attend(mha, x, x, x, { averageWeights: false }) // weights [2, 4, 5, 5]
   * @category layers
   * @since 0.1.0
   */
  attend: (
    m: ModuleType<typeof MultiheadAttentionDef, Tensor>,
    query: Tensor,
    key?: Tensor,
    value?: Tensor,
    options: AttentionOptions = {},
  ): AttentionResult => {
    // Through the core's forward wrapper, so errors carry the module's path and initialization is checked.
    const k = key ?? query;
    return runForward(m, () => attendImpl(m, query, k, value ?? k, options));
  },
};
/**
 * A `MultiheadAttention` whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const mha: nn.MultiheadAttention<tf.Tensor> = initialize(nn.MultiheadAttention.create(16, 4))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type MultiheadAttention<A> = ModuleType<typeof MultiheadAttention, A>;

/**
 * `MultiheadAttention.forward(m, query, memory, memory)` with {@link AttentionInternals}, for the
 * Transformer layers: through the core's forward wrapper (errors carry the module's path). Returns
 * the output, a new tensor owned by the caller.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * import { attendWithInternals, causalAdditiveMask } from './MultiheadAttention.js'
 * const mha = initialize(nn.MultiheadAttention.create(8, 2))(random.key(0))
 * const x = tf.ones([2, 3, 8])
 * const y = attendWithInternals(mha, x, x, { additiveMask: tf.reshape(causalAdditiveMask(3, 3), [1, 1, 3, 3]) }) // [2, 3, 8]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const attendWithInternals = (m: MultiheadAttention<Tensor>, query: Tensor, memory: Tensor, internals: AttentionInternals): Tensor =>
  runForward(m, () => forwardImpl(m, query, memory, memory, {}, internals));
