/**
 * What `LSTM` and `GRU` have in common: a stack of cells run over a batch-first sequence. Layer
 * `k > 0` reads layer `k-1`'s outputs (through dropout in train mode, not after the last layer, as
 * PyTorch); each layer projects the inputs of all steps at once, then steps its cell along the
 * sequence. The fields, constructor arguments (`numLayers`, `dropout`, `bias`), config, printout,
 * PyTorch's state-dict names (`weight_ih_l<k>`), the checks and the forward pass are shared too.
 * Each layer's file holds a thin declaration around its cell's {@link Recurrence}:
 *
 * ```ts
 * const LSTMDef = defineModule('parallax-ts/nn/LSTM', {
 *   ...recurrentStack('LSTM', LSTMCell),
 *   forward: (m, x: Tensor, state?: LSTMState): LSTMOutput => runStack(lstmRecurrence, m, x, state),
 * });
 * ```
 *
 * @internal
 * @since 0.1.0
 */
import * as O from 'fp-ts/lib/Option.js';
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { bernoulli } from '../random/bernoulli.js';
import { foldIn } from '../random/foldIn.js';
import { type AnySpec, constant, context, type Context, type ModuleOf, submodules } from '../tree/Field.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { configObject, DropoutRate, PositiveInt } from './configCodecs.js';
import {
  cellInputProjection,
  checkFloat32,
  checkState,
  type Recurrence,
  type RecurrentCellOptions,
  type RecurrentCellRecord,
} from './recurrentCell.js';
import { checkPositiveInt } from './spatial.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of `LSTM.create` and `GRU.create`.
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.RecurrentOptions = { numLayers: 2, dropout: 0.1, bias: true }
 * const lstm = nn.LSTM.create(3, 8, options)
 * @category model
 * @since 0.1.0
 */
export interface RecurrentOptions extends RecurrentCellOptions {
  /** Stacked layers; default 1. */
  readonly numLayers?: number;
  /** Dropout on every layer's outputs but the last's, in train mode; default 0. */
  readonly dropout?: number;
}

/** A stack's fields as its shared functions read them: its cells, the inter-layer dropout rate and its mode/key slot. */
interface StackRecord<A> {
  readonly layers: ReadonlyArray<RecurrentCellRecord<A>>;
  readonly dropout: number;
  readonly ctx: Context;
}

/**
 * The PyTorch state-dict name of a recurrent layer's leaf: `layers.<k>.<name>` → `<name>_l<k>`
 * (e.g. `layers.1.weight_hh` → `weight_hh_l1`), for `LSTM` and `GRU`. Other paths come back as they are.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.pytorchRecurrentName('layers.0.bias_ih') // 'bias_ih_l0'
 * @category utils
 * @since 0.1.0
 */
export const pytorchRecurrentName = (path: string): string => {
  const m = /^layers\.(\d+)\.(weight_ih|weight_hh|bias_ih|bias_hh)$/.exec(path);
  return m === null ? path : `${m[2]}_l${m[1]}`;
};

/** Checks a batch-first sequence (length ≥ 1, as PyTorch); returns the sizes. */
const checkSequence = (input: unknown, inputSize: number): { readonly batched: boolean; readonly n: number; readonly len: number } => {
  const x = checkFloat32(input, 'input');
  if ((x.rank !== 2 && x.rank !== 3) || x.shape[x.rank - 1] !== inputSize) {
    throw new ModuleError(`expected input of shape [N, L, ${inputSize}] (batch first) or [L, ${inputSize}], got ${formatShape(x.shape)}`);
  }
  const batched = x.rank === 3;
  const len = x.shape[x.rank - 2]!;
  // PyTorch's RNNs refuse an empty sequence ("Expected sequence length to be larger than 0 in RNN")
  // rather than return h0 as the final state.
  if (len === 0) throw new ModuleError(`expected a sequence of length ≥ 1, got input of shape ${formatShape(x.shape)} (sequence length 0)`);
  return { batched, n: batched ? x.shape[0]! : 1, len };
};

/** Dropout between stacked layers: the mask for layer `k`'s outputs is drawn with `foldIn(key, k)`. */
const interLayerDropout = (ctx: Context, rate: number, k: number, y: Tensor): Tensor => {
  if (ctx.mode !== 'train' || rate === 0) return y;
  if (O.isNone(ctx.key)) {
    throw new ModuleError(
      'train mode with dropout needs a key: thread one through the model with newState(model, "train")(key) before the forward pass',
    );
  }
  const keep = 1 - rate;
  return tf.mul(y, tf.div(tf.cast(bernoulli(foldIn(ctx.key.value, k), keep, y.shape), 'float32'), keep));
};

/** The stack calls its cells' step directly, so it checks their initialization itself. */
const checkCellsInitialized = (layers: ReadonlyArray<{ readonly weight_ih: unknown }>): void => {
  layers.forEach((cell, k) => {
    if (!(cell.weight_ih instanceof tf.Tensor)) {
      throw new ModuleError(`layer ${k} ("layers.${k}") is uninitialized; initialize the module first: initialize(module)(key)`);
    }
  });
};

// A new recurrent layer is in eval mode until `newState(model, 'train')` hands it a key.
const evalContext: Context = { mode: 'eval', key: O.none };

/**
 * The part of a sequence layer's declaration that does not depend on its cell's gate equations, to
 * spread into `defineModule` beside the layer's `forward`: its name, fields (`layers`: cells of
 * the given kind, `dropout`, `ctx`), PyTorch's state-dict names (layer k's `weight_ih` is
 * `weight_ih_l<k>`), `create(inputSize, hiddenSize, options)` (arguments checked; layer 0 reads
 * `inputSize`, the others `hiddenSize`; eval mode) and its printout
 * `in, hidden[, numLayers=K][, bias=false][, dropout=p]`.
 * @example
 * import { nn } from 'parallax-ts'
 * // LSTM is declared as { ...recurrentStack('LSTM', LSTMCell), forward }
 * const lstm = nn.LSTM.create(3, 8, { numLayers: 2 })
 * lstm.layers[1].weight_ih.shape // [32, 8]
 * @internal
 * @category constructors
 * @since 0.2.0
 */
export const recurrentStack = <CS extends AnySpec>(
  name: string,
  cell: {
    readonly spec: CS;
    readonly create: (inputSize: number, hiddenSize: number, options: RecurrentCellOptions) => ModuleOf<CS, ParamInit<Tensor>>;
  },
) => ({
  name,
  fields: { layers: submodules(cell), dropout: constant<number>(), ctx: context() },
  stateDictKeys: { layers: (childKey: string, k: number): string => `${childKey}_l${k}` },
  create: (inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) => {
    const fn = `${name}.create`;
    checkLayerOptions(fn, options, { bias: 'flag', numLayers: 'value', dropout: 'value' });
    checkPositiveInt(fn, 'inputSize', inputSize);
    checkPositiveInt(fn, 'hiddenSize', hiddenSize);
    const numLayers = checkPositiveInt(fn, 'numLayers', options.numLayers ?? 1);
    const dropout = options.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
      throw new ArgumentError(`${fn}: dropout must be in [0, 1), got ${describeData(dropout)}`);
    }
    const bias = options.bias ?? true;
    const layers = Array.from({ length: numLayers }, (_, k) => cell.create(k === 0 ? inputSize : hiddenSize, hiddenSize, { bias }));
    return { layers, dropout, ctx: evalContext };
  },
  extraRepr: (m: StackRecord<unknown>): string =>
    `${m.layers[0]?.inputSize}, ${m.layers[0]?.hiddenSize}` +
    (m.layers.length > 1 ? `, numLayers=${m.layers.length}` : '') +
    (m.layers[0]?.useBias === false ? ', bias=false' : '') +
    (m.dropout > 0 ? `, dropout=${m.dropout}` : ''),
});

/**
 * A sequence layer's forward pass: checks the cells, the sequence `x [N, L, in]` (or unbatched
 * `[L, in]`), the key that train-mode dropout needs (before any work) and the optional initial
 * state (each tensor `[K, N, H]`, zeros when omitted); runs every layer along the sequence, the
 * input projection of all steps at once; returns `[output [N, L, H], final state]`, the final state
 * with each tensor stacked over layers as PyTorch (`h_n`, `c_n` before dropout), in the input's
 * batching. Tidied: only the returned tensors are kept.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * // GRU's forward pass is runStack(gruRecurrence, gru, x, h0)
 * const gru = initialize(nn.GRU.create(3, 8, { numLayers: 2 }))(random.key(0))
 * const [out, h] = nn.GRU.forward(gru, tf.ones([4, 10, 3])) // out [4, 10, 8], h [2, 4, 8]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const runStack = <S>(r: Recurrence<S>, m: StackRecord<Tensor>, x: Tensor, state: S | undefined): readonly [Tensor, S] => {
  checkCellsInitialized(m.layers);
  const first = m.layers[0]!;
  const { batched, n, len } = checkSequence(x, first.inputSize);
  const H = first.hiddenSize;
  const K = m.layers.length;
  if (m.ctx.mode === 'train' && m.dropout > 0 && K > 1 && O.isNone(m.ctx.key)) {
    interLayerDropout(m.ctx, m.dropout, 0, x); // throws the "needs a key" error before any work
  }
  const given = state === undefined ? undefined : checkState(r, state, batched ? [K, n, H] : [K, H], '0');
  const [output, ...parts] = tf.tidy(() => {
    // each given state tensor [K, n, H], split by layer
    const initial = given?.map((s) => tf.unstack(tf.reshape(s, [K, n, H])));
    const finals: S[] = [];
    let current = batched ? x : tf.expandDims(x, 0);
    m.layers.forEach((cell, k) => {
      const inSize = current.shape[2]!;
      // The input projection of all steps at once: one matMul instead of L.
      const xProj = tf.reshape(cellInputProjection(cell, tf.reshape(current, [n * len, inSize])), [n, len, cell.weight_ih.shape[0]!]);
      let s = r.fromParts(r.stateNames.map((_, i) => initial?.[i]![k] ?? tf.zeros([n, H])));
      const outs = tf.unstack(xProj, 1).map((xt) => {
        s = r.step(cell, xt, s);
        return r.toParts(s)[0]!;
      });
      finals.push(s);
      const y = tf.stack(outs, 1);
      current = k < K - 1 ? interLayerDropout(m.ctx, m.dropout, k, y) : y;
    });
    const stacked = r.stateNames.map((_, i) => tf.stack(finals.map((s) => r.toParts(s)[i]!)));
    return batched ? [current, ...stacked] : [tf.squeeze(current, [0]), ...stacked.map((p) => tf.reshape(p, [K, H]))];
  });
  return [output!, r.fromParts(parts)];
};

/**
 * The config codec of a sequence layer: `{ inputSize, hiddenSize, numLayers?, dropout?, bias? }`,
 * named after the layer.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.LSTMConfig.is({ inputSize: 3, hiddenSize: 8, numLayers: 2 }) // true: LSTMConfig = recurrentStackConfig('LSTM config')
 * @internal
 * @category config
 * @since 0.1.0
 */
export const recurrentStackConfig = (name: string) =>
  configObject(
    name,
    { inputSize: PositiveInt, hiddenSize: PositiveInt },
    { numLayers: PositiveInt, dropout: DropoutRate, bias: t.boolean },
  );

/**
 * A sequence layer's constructor arguments as JSON (the `toConfig` of both layers).
 * @example
 * import { nn } from 'parallax-ts'
 * nn.GRU.toConfig(nn.GRU.create(3, 8)) // { inputSize: 3, hiddenSize: 8, numLayers: 1, dropout: 0, bias: true }
 * @internal
 * @category config
 * @since 0.1.0
 */
export const stackConfigOf = (
  m: StackRecord<unknown>,
): { inputSize: number; hiddenSize: number; numLayers: number; dropout: number; bias: boolean } => ({
  inputSize: m.layers[0]!.inputSize,
  hiddenSize: m.layers[0]!.hiddenSize,
  numLayers: m.layers.length,
  dropout: m.dropout,
  bias: m.layers[0]!.useBias,
});
