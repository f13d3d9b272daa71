/**
 * `Embedding`: a lookup table, row `i` of `weight` for index `i`, PyTorch's `nn.Embedding`.
 *
 * - input: an int32 tensor of indices, any shape `[...]`, values in `[0, numEmbeddings)`;
 *   output `[..., embeddingDim]`
 * - `weight: [numEmbeddings, embeddingDim]`
 * - default init, PyTorch's: `N(0, 1)`; with `paddingIdx`, that row starts at zero and gets no
 *   gradient (as in PyTorch; its value is still whatever the weight holds, e.g. after loading)
 * - indices out of range are a `ModuleError` (checked by reading the indices back: a small sync cost)
 * - not supported: PyTorch's `max_norm` renormalization and sparse gradients
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import type { Initializer } from '../init/Initializer.js';
import { normal } from '../init/normal.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { type ParamInit, paramInit } from '../tree/ParamInit.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { checkTensor } from './inputCheck.js';
import { checkPositiveInt } from './spatial.js';

type Tensor = tf.Tensor;

/** Any integer (an unbranded `Integer`). */
const Integer = new t.Type<number, number, unknown>(
  'an integer',
  (u): u is number => Number.isInteger(u),
  (u, c) => (Number.isInteger(u) ? t.success(u as number) : t.failure(u, c)),
  t.identity,
);

const fields = {
  weight: param(),
  numEmbeddings: constant<number>(),
  embeddingDim: constant<number>(),
  /** Normalized to `[0, numEmbeddings)`, or `null`. */
  paddingIdx: constant<number | null>(),
};

/**
 * The fp-ts URI of `Embedding` modules (also `Embedding.URI`).
 * @example
 * nn.Embedding.URI // 'parallax-ts/nn/Embedding'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/Embedding';
/** @since 0.1.0 */
export type URI = typeof URI;
/** An `Embedding` layer whose leaves are `A`. @since 0.1.0 */
export type Embedding<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: Embedding<A>;
  }
}

/** The identity on the weight, with the padding row's gradient zeroed (PyTorch's padding_idx rule). */
const blockRowGradient = (w: Tensor, row: number): Tensor => {
  const f = tf.customGrad(((weight: Tensor) => ({
    value: tf.clone(weight),
    gradFunc: (dy: Tensor) => {
      const keep = tf.tensor2d(
        Array.from({ length: weight.shape[0]! }, (_, i) => (i === row ? 0 : 1)),
        [weight.shape[0]!, 1],
      );
      return tf.mul(dy, keep);
    },
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(w);
};

const forward = (m: Embedding<Tensor>, x: Tensor): Tensor => {
  checkTensor(x, 'int32', 'indices');
  if (x.size > 0) {
    const values = x.dataSync();
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo < 0 || hi >= m.numEmbeddings) {
      throw new ModuleError(`index ${lo < 0 ? lo : hi} out of range [0, ${m.numEmbeddings}) in indices of shape ${formatShape(x.shape)}`);
    }
  }
  return tf.tidy(() => {
    const w = m.paddingIdx === null ? m.weight : blockRowGradient(m.weight, m.paddingIdx);
    const rows = tf.gather(w, tf.reshape(x, [-1]));
    return tf.reshape(rows, [...x.shape, m.embeddingDim]);
  });
};

const def: ModuleDef<URI, typeof fields, [indices: Tensor], Tensor> = defineModule(URI, {
  name: 'Embedding',
  fields,
  extraRepr: (m) => `${m.numEmbeddings}, ${m.embeddingDim}${m.paddingIdx === null ? '' : `, padding_idx=${m.paddingIdx}`}`,
  forward,
});

/** Options of {@link Embedding.create}. @since 0.1.0 */
export interface EmbeddingOptions {
  /** Default none. Negative values count from the end, as in PyTorch. */
  readonly paddingIdx?: number | null;
  /** Default `N(0, 1)` (then the padding row is zeroed). */
  readonly weightInit?: Initializer;
}

/**
 * The JSON-able constructor arguments of an `Embedding`.
 * @example
 * nn.Embedding.fromConfig({ numEmbeddings: 100, embeddingDim: 16, paddingIdx: 0 })
 * @since 0.1.0
 */
export const EmbeddingConfig = configObject(
  'Embedding config',
  { numEmbeddings: PositiveInt, embeddingDim: PositiveInt },
  { paddingIdx: t.union([Integer, t.null]) },
);
/** @since 0.1.0 */
export type EmbeddingConfig = t.TypeOf<typeof EmbeddingConfig>;

/**
 * `Embedding`: the module definition plus `create`, and its config.
 * @since 0.1.0
 */
export interface EmbeddingDef extends ModuleDef<URI, typeof fields, [indices: Tensor], Tensor> {
  /** A new, uninitialized layer: `weight: [numEmbeddings, embeddingDim]`. */
  readonly create: (numEmbeddings: number, embeddingDim: number, options?: EmbeddingOptions) => Embedding<ParamInit<Tensor>>;
  /** The io-ts codec of the constructor arguments. */
  readonly configCodec: typeof EmbeddingConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: Embedding<unknown>) => EmbeddingConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: EmbeddingConfig) => Embedding<ParamInit<Tensor>>;
}

const create: EmbeddingDef['create'] = (numEmbeddings, embeddingDim, options = {}) => {
  const fn = 'Embedding.create';
  checkPositiveInt(fn, 'numEmbeddings', numEmbeddings);
  checkPositiveInt(fn, 'embeddingDim', embeddingDim);
  const raw = options.paddingIdx ?? null;
  if (raw !== null && !(Number.isInteger(raw) && raw >= -numEmbeddings && raw < numEmbeddings)) {
    throw new Error(`${fn}: paddingIdx must be an integer in [-${numEmbeddings}, ${numEmbeddings}), got ${JSON.stringify(raw)}`);
  }
  const paddingIdx = raw === null ? null : raw < 0 ? raw + numEmbeddings : raw;
  const base = options.weightInit ?? normal(1);
  const weightInit: Initializer =
    paddingIdx === null
      ? base
      : (shape) => (key) =>
          tf.tidy(() => {
            const w = base(shape)(key);
            const keep = tf.tensor2d(Array.from({ length: numEmbeddings }, (_, i) => (i === paddingIdx ? 0 : 1)), [numEmbeddings, 1]);
            return tf.mul(w, keep);
          });
  return def.make({ weight: paramInit([numEmbeddings, embeddingDim], weightInit), numEmbeddings, embeddingDim, paddingIdx });
};

/**
 * The `Embedding` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link EmbeddingDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const emb = initialize(nn.Embedding.create(100, 16))(random.key(0))
 * nn.Embedding.forward(emb, tf.tensor2d([[1, 2, 3]], [1, 3], 'int32')).shape // [1, 3, 16]
 * @since 0.1.0
 */
export const Embedding: EmbeddingDef = {
  ...def,
  create,
  configCodec: EmbeddingConfig,
  toConfig: (m) => ({ numEmbeddings: m.numEmbeddings, embeddingDim: m.embeddingDim, paddingIdx: m.paddingIdx }),
  fromConfig: (c) => create(c.numEmbeddings, c.embeddingDim, c),
};
