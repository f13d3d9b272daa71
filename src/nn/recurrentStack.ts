/**
 * What `LSTM` and `GRU` have in common: a stack of cells run over a batch-first sequence. Layer
 * `k > 0` reads layer `k-1`'s outputs (through dropout in train mode, not after the last layer, as
 * PyTorch); each layer projects the inputs of all steps at once, then steps its cell along the
 * sequence. The constructor arguments (`numLayers`, `dropout`, `bias`), config, printout and
 * PyTorch's state-dict names (`weight_ih_l<k>`) are shared too. Each layer's file keeps only what
 * its state is (`[h, c]` or `h`) and how one step of its cell goes.
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/lib/Option.js';
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { bernoulli } from '../random/bernoulli.js';
import { foldIn } from '../random/foldIn.js';
import type { Context } from '../tree/Field.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { configObject, DropoutRate, PositiveInt } from './configCodecs.js';
import {
  cellInputProjection,
  checkPositive,
  type RecurrentCellOptions,
  type RecurrentCellRecord,
} from './recurrentCell.js';

type Tensor = tf.Tensor;

/** A stack layer's record: its cells, the inter-layer dropout rate and its mode/key slot. @internal */
export interface RecurrentStackRecord<Cell> {
  readonly layers: ReadonlyArray<Cell>;
  readonly dropout: number;
  readonly ctx: Context;
}

/**
 * The PyTorch state-dict name of a recurrent layer's leaf: `layers.<k>.<name>` → `<name>_l<k>`
 * (e.g. `layers.1.weight_hh` → `weight_hh_l1`), for `LSTM` and `GRU`. Other paths come back as they are.
 * @example
 * pytorchRecurrentName('layers.0.bias_ih') // 'bias_ih_l0'
 * @since 0.1.0
 */
export const pytorchRecurrentName = (path: string): string => {
  const m = /^layers\.(\d+)\.(weight_ih|weight_hh|bias_ih|bias_hh)$/.exec(path);
  return m === null ? path : `${m[2]}_l${m[1]}`;
};

/** @internal PyTorch's state-dict names, declared by both stacks: layer k's `weight_ih` is `weight_ih_l<k>`. */
export const recurrentStackKeys = { layers: (childKey: string, k: number): string => `${childKey}_l${k}` };

/**
 * Checks a batch-first sequence (length ≥ 1, as PyTorch) and an optional stacked state; returns the sizes.
 * @internal
 */
export const checkSequence = (
  x: unknown,
  inputSize: number,
): { readonly batched: boolean; readonly n: number; readonly len: number } => {
  if (!(x instanceof tf.Tensor)) throw new ModuleError(`expected input to be a tensor, got ${typeof x}`);
  if (x.dtype !== 'float32') throw new ModuleError(`expected input of dtype float32, got ${x.dtype}`);
  if ((x.rank !== 2 && x.rank !== 3) || x.shape[x.rank - 1] !== inputSize) {
    throw new ModuleError(
      `expected input of shape [N, L, ${inputSize}] (batch first) or [L, ${inputSize}], got ${formatShape(x.shape)}`,
    );
  }
  const batched = x.rank === 3;
  const len = x.shape[x.rank - 2]!;
  // PyTorch's RNNs refuse an empty sequence ("Expected sequence length to be larger than 0 in RNN")
  // rather than return h0 as the final state.
  if (len === 0) throw new ModuleError(`expected a sequence of length ≥ 1, got input of shape ${formatShape(x.shape)} (sequence length 0)`);
  return { batched, n: batched ? x.shape[0]! : 1, len };
};

/**
 * Dropout between stacked layers: the mask for layer `k`'s outputs is drawn with `foldIn(key, k)`.
 * @internal
 */
export const interLayerDropout = (ctx: Context, rate: number, k: number, y: Tensor): Tensor => {
  if (ctx.mode !== 'train' || rate === 0) return y;
  if (O.isNone(ctx.key)) {
    throw new ModuleError(
      'train mode with dropout needs a key: thread one through the model with newState(model, "train")(key) before the forward pass',
    );
  }
  const keep = 1 - rate;
  return tf.mul(y, tf.div(tf.cast(bernoulli(foldIn(ctx.key.value, k), keep, y.shape), 'float32'), keep));
};

/** @internal the sequence layers call their cells' step functions directly, so they check initialization here */
export const checkCellsInitialized = (layers: ReadonlyArray<{ readonly weight_ih: unknown }>): void => {
  layers.forEach((cell, k) => {
    if (!(cell.weight_ih instanceof tf.Tensor)) {
      throw new ModuleError(`layer ${k} ("layers.${k}") is uninitialized; initialize the module first: initialize(module)(key)`);
    }
  });
};

/** The sizes of a stack's forward pass. @internal */
export interface StackSizes {
  readonly batched: boolean;
  /** Batch size (1 when unbatched). */
  readonly n: number;
  /** Sequence length. */
  readonly len: number;
  /** Hidden size. */
  readonly H: number;
  /** Number of layers. */
  readonly K: number;
}

/**
 * Every check before a stack's forward pass that does not depend on the state's form: initialized
 * cells, the input sequence, and a key when train-mode dropout will need one (so that error comes
 * before any work).
 * @internal
 */
export const checkStackInput = (m: RecurrentStackRecord<RecurrentCellRecord<Tensor>>, x: Tensor): StackSizes => {
  checkCellsInitialized(m.layers);
  const first = m.layers[0]!;
  const { batched, n, len } = checkSequence(x, first.inputSize);
  const K = m.layers.length;
  if (m.ctx.mode === 'train' && m.dropout > 0 && K > 1 && O.isNone(m.ctx.key)) {
    interLayerDropout(m.ctx, m.dropout, 0, x); // throws the "needs a key" error before any work
  }
  return { batched, n, len, H: first.hiddenSize, K };
};

/**
 * Runs the stack over the batched sequence `seq [n, len, in]`: layer `k` starts from
 * `initial(k)`, steps with `step(cell, xProj_t, state)` and emits `hiddenOf(state)` at every step.
 * Returns the last layer's outputs `[n, len, H]` and every layer's final state. Not tidied:
 * callers tidy.
 * @internal
 */
export const runRecurrentStack = <Cell extends RecurrentCellRecord<Tensor>, S>(
  m: RecurrentStackRecord<Cell>,
  seq: Tensor,
  sizes: StackSizes,
  initial: (k: number) => S,
  step: (cell: Cell, xProj: Tensor, state: S) => S,
  hiddenOf: (state: S) => Tensor,
): { readonly output: Tensor; readonly finals: ReadonlyArray<S> } => {
  const { n, len, K } = sizes;
  const finals: S[] = [];
  let current = seq;
  m.layers.forEach((cell, k) => {
    const inSize = current.shape[2]!;
    // The input projection of all steps at once: one matMul instead of L.
    const gates = cell.weight_ih.shape[0]!;
    const xProj = tf.reshape(cellInputProjection(cell, tf.reshape(current, [n * len, inSize])), [n, len, gates]);
    const steps = tf.unstack(xProj, 1); // len ≥ 1 (checkSequence)
    let state = initial(k);
    const outs: Tensor[] = [];
    for (const xt of steps) {
      state = step(cell, xt, state);
      outs.push(hiddenOf(state));
    }
    finals.push(state);
    const y = tf.stack(outs, 1);
    current = k < K - 1 ? interLayerDropout(m.ctx, m.dropout, k, y) : y;
  });
  return { output: current, finals };
};

/** Options of `LSTM.create` and `GRU.create`. @since 0.1.0 */
export interface RecurrentOptions extends RecurrentCellOptions {
  /** Stacked layers; default 1. */
  readonly numLayers?: number;
  /** Dropout on every layer's outputs but the last's, in train mode; default 0. */
  readonly dropout?: number;
}

/** Checks a stack's `numLayers` and `dropout` options and fills in their defaults. @internal */
export const checkRecurrentOptions = (fn: string, options: RecurrentOptions): { numLayers: number; dropout: number } => {
  const numLayers = checkPositive(fn, 'numLayers', options.numLayers ?? 1);
  const dropout = options.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new Error(`${fn}: dropout must be in [0, 1), got ${JSON.stringify(dropout)}`);
  }
  return { numLayers, dropout };
};

/** @internal a new recurrent layer is in eval mode */
export const evalContext: Context = { mode: 'eval', key: O.none };

/**
 * A new stack's record: arguments checked, `numLayers` new cells (layer 0 reads `inputSize`, the
 * others `hiddenSize`), eval mode.
 * @internal
 */
export const newRecurrentStack = <Cell>(
  fn: string,
  inputSize: number,
  hiddenSize: number,
  options: RecurrentOptions,
  createCell: (inputSize: number, hiddenSize: number, options: RecurrentCellOptions) => Cell,
): RecurrentStackRecord<Cell> => {
  checkPositive(fn, 'inputSize', inputSize);
  checkPositive(fn, 'hiddenSize', hiddenSize);
  const { numLayers, dropout } = checkRecurrentOptions(fn, options);
  const layers = Array.from({ length: numLayers }, (_, k) => createCell(k === 0 ? inputSize : hiddenSize, hiddenSize, { bias: options.bias ?? true }));
  return { layers, dropout, ctx: evalContext };
};

/** @internal PyTorch-like extra line of a stack: `in, hidden[, numLayers=K][, bias=false][, dropout=p]` */
export const stackExtraRepr = (m: RecurrentStackRecord<RecurrentCellRecord<unknown>>): string =>
  `${m.layers[0]?.inputSize}, ${m.layers[0]?.hiddenSize}` +
  (m.layers.length > 1 ? `, numLayers=${m.layers.length}` : '') +
  (m.layers[0]?.useBias === false ? ', bias=false' : '') +
  (m.dropout > 0 ? `, dropout=${m.dropout}` : '');

/**
 * The config codec of a recurrent stack: `{ inputSize, hiddenSize, numLayers?, dropout?, bias? }`,
 * named after the layer.
 * @example
 * const LSTMConfig = recurrentStackConfig('LSTM config')
 * @internal
 * @since 0.1.0
 */
export const recurrentStackConfig = (name: string) =>
  configObject(name, { inputSize: PositiveInt, hiddenSize: PositiveInt }, { numLayers: PositiveInt, dropout: DropoutRate, bias: t.boolean });

/** @internal a stack's constructor arguments as JSON */
export const stackConfigOf = (
  m: RecurrentStackRecord<RecurrentCellRecord<unknown>>,
): { inputSize: number; hiddenSize: number; numLayers: number; dropout: number; bias: boolean } => ({
  inputSize: m.layers[0]!.inputSize,
  hiddenSize: m.layers[0]!.hiddenSize,
  numLayers: m.layers.length,
  dropout: m.dropout,
  bias: m.layers[0]!.useBias,
});

