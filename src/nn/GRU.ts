/**
 * `GRU`: a stack of `GRUCell`s run over a batch-first sequence (PyTorch's `nn.GRU` with
 * `batch_first=True`, unidirectional).
 *
 * - input `x [N, L, inputSize]` (unbatched `[L, inputSize]`); optional initial state
 *   `h0 [numLayers, N, hiddenSize]` (`[numLayers, hiddenSize]`), zeros when omitted
 * - output `[output, h_n]`: `output [N, L, hiddenSize]` is the last layer's `h` at every step,
 *   `h_n [numLayers, N, hiddenSize]` every layer's final state (as PyTorch)
 * - layer `k > 0` takes layer `k-1`'s outputs; with `dropout > 0`, in train mode those outputs go
 *   through dropout first (not after the last layer), as PyTorch
 * - parameters: `layers.<k>.weight_ih [3H, in_k]`, `layers.<k>.weight_hh [3H, H]`,
 *   `layers.<k>.bias_ih [3H]`, `layers.<k>.bias_hh [3H]`; gate order r, z, n. PyTorch's
 *   state-dict names are `weight_ih_l<k>` etc.: see `pytorchRecurrentName`.
 * - default init, PyTorch's: every parameter `U(±1/√hiddenSize)`
 * - not supported (yet): `bidirectional`, packed variable-length sequences
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/lib/Option.js';
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant, context, submodules } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { configObject, DropoutRate, PositiveInt } from './configCodecs.js';
import { GRUCell, gruInputProjection, gruStep } from './GRUCell.js';
import {
  checkCellsInitialized,
  checkRecurrentOptions,
  checkSequence,
  evalContext,
  interLayerDropout,
  type RecurrentOptions,
} from './LSTM.js';
import { checkPositive, checkStateTensor } from './LSTMCell.js';

type Tensor = tf.Tensor;

const fields = {
  layers: submodules(GRUCell),
  dropout: constant<number>(),
  ctx: context(),
};

/** @since 0.1.0 */
export const URI = 'parallax-ts/nn/GRU';
/** @since 0.1.0 */
export type URI = typeof URI;
/** A `GRU` whose leaves are `A`. @since 0.1.0 */
export type GRU<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: GRU<A>;
  }
}

/** A GRU's output and final state. @since 0.1.0 */
export type GRUOutput = readonly [output: Tensor, h: Tensor];

const forward = (m: GRU<Tensor>, x: Tensor, h0?: Tensor): GRUOutput => {
  checkCellsInitialized(m.layers);
  const first = m.layers[0]!;
  const { batched, n, len } = checkSequence(x, first.inputSize);
  const H = first.hiddenSize;
  const K = m.layers.length;
  if (h0 !== undefined) checkStateTensor(h0, batched ? [K, n, H] : [K, H], 'h0');
  if (m.ctx.mode === 'train' && m.dropout > 0 && K > 1 && O.isNone(m.ctx.key)) {
    interLayerDropout(m.ctx, m.dropout, 0, x); // throws the "needs a key" error before any work
  }
  return tf.tidy(() => {
    let seq = batched ? x : tf.expandDims(x, 0); // [N, L, in]
    const h0s = h0 === undefined ? undefined : tf.unstack(tf.reshape(h0, [K, n, H]));
    const hs: Tensor[] = [];
    m.layers.forEach((cell, k) => {
      const inSize = seq.shape[2]!;
      // The input projection of all steps at once: one matMul instead of L.
      const xProj = tf.reshape(gruInputProjection(cell, tf.reshape(seq, [n * len, inSize])), [n, len, 3 * H]);
      const steps = len === 0 ? [] : tf.unstack(xProj, 1);
      let h = h0s?.[k] ?? tf.zeros([n, H]);
      const outs: Tensor[] = [];
      for (const xt of steps) {
        h = gruStep(cell, xt, h);
        outs.push(h);
      }
      hs.push(h);
      const y = outs.length === 0 ? tf.zeros([n, 0, H]) : tf.stack(outs, 1);
      seq = k < K - 1 ? interLayerDropout(m.ctx, m.dropout, k, y) : y;
    });
    const hn = tf.stack(hs);
    return batched ? ([seq, hn] as const) : ([tf.squeeze(seq, [0]), tf.reshape(hn, [K, H])] as const);
  }) as unknown as GRUOutput;
};

type Inputs = [x: Tensor, h0?: Tensor];

const def: ModuleDef<URI, typeof fields, Inputs, GRUOutput> = defineModule(URI, {
  name: 'GRU',
  fields,
  // PyTorch's state-dict names: layer k's `weight_ih` is `weight_ih_l<k>`.
  stateDictKeys: { layers: (childKey, k) => `${childKey}_l${k}` },
  extraRepr: (m) =>
    `${m.layers[0]?.inputSize}, ${m.layers[0]?.hiddenSize}` +
    (m.layers.length > 1 ? `, numLayers=${m.layers.length}` : '') +
    (m.layers[0]?.useBias === false ? ', bias=false' : '') +
    (m.dropout > 0 ? `, dropout=${m.dropout}` : ''),
  forward,
});

/**
 * `GRU`: the module definition plus `create(inputSize, hiddenSize, options)`.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const gru = initialize(nn.GRU.create(3, 8))(random.key(0))
 * const [out, h] = nn.GRU.forward(gru, tf.ones([4, 10, 3])) // out [4, 10, 8], h [1, 4, 8]
 * @since 0.1.0
 */
export interface GRUDef extends ModuleDef<URI, typeof fields, Inputs, GRUOutput> {
  /** A new, uninitialized GRU (eval mode until `newState(model, 'train')`). */
  readonly create: (inputSize: number, hiddenSize: number, options?: RecurrentOptions) => GRU<ParamInit<Tensor>>;
  /** The io-ts codec of {@link GRUConfig}. */
  readonly configCodec: typeof GRUConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: GRU<unknown>) => GRUConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: GRUConfig) => GRU<ParamInit<Tensor>>;
}

/**
 * `GRU`'s constructor arguments as JSON: `{ inputSize, hiddenSize, numLayers?, dropout?, bias? }`.
 * @example
 * nn.GRU.fromConfig({ inputSize: 3, hiddenSize: 8, numLayers: 2 })
 * @since 0.1.0
 */
export const GRUConfig = configObject(
  'GRU config',
  { inputSize: PositiveInt, hiddenSize: PositiveInt },
  { numLayers: PositiveInt, dropout: DropoutRate, bias: t.boolean },
);
/** @since 0.1.0 */
export type GRUConfig = t.TypeOf<typeof GRUConfig>;

export const GRU: GRUDef = {
  ...def,
  create: (inputSize, hiddenSize, options = {}) => {
    checkPositive('GRU.create', 'inputSize', inputSize);
    checkPositive('GRU.create', 'hiddenSize', hiddenSize);
    const { numLayers, dropout } = checkRecurrentOptions('GRU.create', options);
    const layers = Array.from({ length: numLayers }, (_, k) =>
      GRUCell.create(k === 0 ? inputSize : hiddenSize, hiddenSize, { bias: options.bias ?? true }),
    );
    return def.make<ParamInit<Tensor>>({ layers, dropout, ctx: evalContext });
  },
  configCodec: GRUConfig,
  toConfig: (m) => ({
    inputSize: m.layers[0]!.inputSize,
    hiddenSize: m.layers[0]!.hiddenSize,
    numLayers: m.layers.length,
    dropout: m.dropout,
    bias: m.layers[0]!.useBias,
  }),
  fromConfig: (c) => GRU.create(c.inputSize, c.hiddenSize, c),
};
