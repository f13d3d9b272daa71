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
import { readTensors } from '../engine/trace.js';
import type { Initializer } from '../init/Initializer.js';
import { normal } from '../init/normal.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { paramInit } from '../tree/ParamInit.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { configurable } from './configurable.js';
import { checkTensor } from './inputCheck.js';
import { checkPositiveInt } from './spatial.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/** Any integer (an unbranded `Integer`). */
const Integer = new t.Type<number, number, unknown>(
  'an integer',
  (u): u is number => Number.isInteger(u),
  (u, c) => (Number.isInteger(u) ? t.success(u as number) : t.failure(u, c)),
  t.identity,
);

/**
 * Options of {@link Embedding.create}.
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.EmbeddingOptions = { paddingIdx: 0 }
 * const emb = nn.Embedding.create(100, 16, options)
 * @category model
 * @since 0.1.0
 */
export interface EmbeddingOptions {
  /** Default none. Negative values count from the end, as in PyTorch. */
  readonly paddingIdx?: number | null;
  /** Default `N(0, 1)` (then the padding row is zeroed). */
  readonly weightInit?: Initializer;
}

/**
 * `Embedding`'s constructor arguments as JSON: `{ numEmbeddings, embeddingDim, paddingIdx? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const emb = nn.Embedding.fromConfig({ numEmbeddings: 100, embeddingDim: 16, paddingIdx: 0 })
 * @category config
 * @since 0.1.0
 */
export const EmbeddingConfig = configObject(
  'Embedding config',
  { numEmbeddings: PositiveInt, embeddingDim: PositiveInt },
  { paddingIdx: t.union([Integer, t.null]) },
);
/**
 * The decoded form of {@link EmbeddingConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.EmbeddingConfig = { numEmbeddings: 100, embeddingDim: 16, paddingIdx: null }
 * @category config
 * @since 0.1.0
 */
export type EmbeddingConfig = t.TypeOf<typeof EmbeddingConfig>;

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

const EmbeddingDef = defineModule('parallax-ts/nn/Embedding', {
  name: 'Embedding',
  fields: {
    weight: param(),
    numEmbeddings: constant<number>(),
    embeddingDim: constant<number>(),
    /** Normalized to `[0, numEmbeddings)`, or `null`. */
    paddingIdx: constant<number | null>(),
  },
  create: (numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) => {
    const fn = 'Embedding.create';
    checkLayerOptions(fn, options, { paddingIdx: 'value', weightInit: 'initializer' });
    checkPositiveInt(fn, 'numEmbeddings', numEmbeddings);
    checkPositiveInt(fn, 'embeddingDim', embeddingDim);
    const raw = options.paddingIdx ?? null;
    if (raw !== null && !(Number.isInteger(raw) && raw >= -numEmbeddings && raw < numEmbeddings)) {
      throw new ArgumentError(`${fn}: paddingIdx must be an integer in [-${numEmbeddings}, ${numEmbeddings}), got ${describeData(raw)}`);
    }
    const paddingIdx = raw === null ? null : raw < 0 ? raw + numEmbeddings : raw;
    const base = options.weightInit ?? normal(1);
    const weightInit: Initializer =
      paddingIdx === null
        ? base
        : (shape) => (key) =>
            tf.tidy(() => {
              const w = base(shape)(key);
              const keep = tf.tensor2d(
                Array.from({ length: numEmbeddings }, (_, i) => (i === paddingIdx ? 0 : 1)),
                [numEmbeddings, 1],
              );
              return tf.mul(w, keep);
            });
    return { weight: paramInit([numEmbeddings, embeddingDim], weightInit), numEmbeddings, embeddingDim, paddingIdx };
  },
  forward: (m, indices: Tensor) => {
    checkTensor(indices, 'int32', 'indices');
    if (indices.size > 0) {
      readTensors('check', [indices], ([values]) => {
        let lo = Infinity;
        let hi = -Infinity;
        for (const v of values as Int32Array) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        if (lo < 0 || hi >= m.numEmbeddings) {
          throw new ModuleError(
            `index ${lo < 0 ? lo : hi} out of range [0, ${m.numEmbeddings}) in indices of shape ${formatShape(indices.shape)}`,
          );
        }
      });
    }
    return tf.tidy(() => {
      const w = m.paddingIdx === null ? m.weight : blockRowGradient(m.weight, m.paddingIdx);
      const rows = tf.gather(w, tf.reshape(indices, [-1]));
      return tf.reshape(rows, [...indices.shape, m.embeddingDim]);
    });
  },
  extraRepr: (m) => `${m.numEmbeddings}, ${m.embeddingDim}${m.paddingIdx === null ? '' : `, padding_idx=${m.paddingIdx}`}`,
});

/**
 * The `Embedding` layer: `create(numEmbeddings, embeddingDim, options?)` builds one (uninitialized;
 * `weight: [numEmbeddings, embeddingDim]`), `forward` / `apply` look indices up, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const emb = initialize(nn.Embedding.create(100, 16))(random.key(0))
 * nn.Embedding.forward(emb, tf.tensor2d([[1, 2, 3]], [1, 3], 'int32')).shape // [1, 3, 16]
 * @category layers
 * @since 0.1.0
 */
export const Embedding = configurable(EmbeddingDef, EmbeddingConfig, {
  toConfig: (m) => ({ numEmbeddings: m.numEmbeddings, embeddingDim: m.embeddingDim, paddingIdx: m.paddingIdx }),
  fromConfig: ({ numEmbeddings, embeddingDim, ...options }) => EmbeddingDef.create(numEmbeddings, embeddingDim, options),
});
/**
 * An `Embedding` layer whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const emb: nn.Embedding<tf.Tensor> = initialize(nn.Embedding.create(100, 16))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type Embedding<A> = ModuleType<typeof Embedding, A>;
