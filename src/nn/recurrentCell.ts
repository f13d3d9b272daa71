/**
 * What `LSTMCell` and `GRUCell` have in common: the same four parameters under PyTorch's names
 * (`weight_ih [G·H, in]`, `weight_hh [G·H, H]`, `bias_ih [G·H]`, `bias_hh [G·H]` with `G` gates:
 * LSTM 4, GRU 3), the same constructor arguments (`inputSize`, `hiddenSize`, `bias`) and config,
 * the same input projection and the same input and state checks. Each cell's file keeps only its
 * own gate equations.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant, param } from '../tree/Field.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { type ParamInit, paramInit } from '../tree/ParamInit.js';
import { optionalParam } from './optionalParam.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { pytorchBiasInit } from './Linear.js';

type Tensor = tf.Tensor;

/** @internal the fields of a recurrent cell (both cells declare exactly these) */
export const recurrentCellFields = {
  weight_ih: param(),
  weight_hh: param(),
  bias_ih: param(),
  bias_hh: param(),
  inputSize: constant<number>(),
  hiddenSize: constant<number>(),
  useBias: constant<boolean>(),
};

/** A recurrent cell's parameters and constructor arguments, leaves `A`. @internal */
export interface RecurrentCellRecord<A> {
  readonly weight_ih: A;
  readonly weight_hh: A;
  readonly bias_ih: A;
  readonly bias_hh: A;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly useBias: boolean;
}

/** Options of the recurrent cells' `create`. @since 0.1.0 */
export interface RecurrentCellOptions {
  /** Default `true`; without bias, `bias_ih` and `bias_hh` are zero-size `[0]` leaves (no state-dict key, as in PyTorch). */
  readonly bias?: boolean;
}

/**
 * Checks a cell input and state; returns whether the input is batched and the batch size.
 * @internal shared by the recurrent cells and the sequence layers
 */
export const checkCellInput = (x: unknown, inputSize: number, what = 'input'): { batched: boolean; n: number } => {
  if (!(x instanceof tf.Tensor)) throw new ModuleError(`expected ${what} to be a tensor, got ${typeof x}`);
  if (x.dtype !== 'float32') throw new ModuleError(`expected ${what} of dtype float32, got ${x.dtype}`);
  if ((x.rank !== 1 && x.rank !== 2) || x.shape[x.rank - 1] !== inputSize) {
    throw new ModuleError(`expected ${what} of shape [N, ${inputSize}] or [${inputSize}], got ${formatShape(x.shape)}`);
  }
  return { batched: x.rank === 2, n: x.rank === 2 ? x.shape[0]! : 1 };
};

/** @internal checks one state tensor against the expected shape */
export const checkStateTensor = (s: unknown, shape: ReadonlyArray<number>, what: string): Tensor => {
  if (!(s instanceof tf.Tensor)) throw new ModuleError(`expected ${what} to be a tensor, got ${typeof s}`);
  if (s.dtype !== 'float32') throw new ModuleError(`expected ${what} of dtype float32, got ${s.dtype}`);
  if (s.rank !== shape.length || s.shape.some((d: number, i: number) => d !== shape[i])) {
    throw new ModuleError(`expected ${what} of shape ${formatShape(shape)}, got ${formatShape(s.shape)}`);
  }
  return s;
};

/** @internal size check shared by the recurrent layers' constructors */
export const checkPositive = (fn: string, name: string, n: unknown): number => {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new Error(`${fn}: ${name} must be a positive integer, got ${JSON.stringify(n)}`);
  }
  return n;
};


/**
 * A new cell's record with `gates` gates (LSTM 4, GRU 3): arguments checked, parameters with
 * PyTorch's init (every one `U(±1/√hiddenSize)`).
 * @internal
 */
export const newRecurrentCell = (
  fn: string,
  gates: number,
  inputSize: number,
  hiddenSize: number,
  options: RecurrentCellOptions,
): RecurrentCellRecord<ParamInit<Tensor>> => {
  checkPositive(fn, 'inputSize', inputSize);
  checkPositive(fn, 'hiddenSize', hiddenSize);
  const useBias = options.bias ?? true;
  const u = pytorchBiasInit(hiddenSize);
  return {
    weight_ih: paramInit([gates * hiddenSize, inputSize], u),
    weight_hh: paramInit([gates * hiddenSize, hiddenSize], u),
    bias_ih: optionalParam(useBias, [gates * hiddenSize], u),
    bias_hh: optionalParam(useBias, [gates * hiddenSize], u),
    inputSize,
    hiddenSize,
    useBias,
  };
};

/**
 * `x W_ihᵀ + b_ih` for batched `x [M, in]`: the part of a step that does not depend on the state,
 * so a sequence layer computes it for all steps at once. Not tidied: callers tidy.
 * @internal
 */
export const cellInputProjection = (m: RecurrentCellRecord<Tensor>, x: Tensor): Tensor => {
  const y = tf.matMul(x, m.weight_ih, false, true);
  return m.useBias ? tf.add(y, m.bias_ih) : y;
};

/** @internal PyTorch-like extra line of a cell: `in, hidden[, bias=false]` */
export const cellExtraRepr = (m: RecurrentCellRecord<unknown>): string =>
  `${m.inputSize}, ${m.hiddenSize}${m.useBias ? '' : ', bias=false'}`;

/**
 * The config codec of a recurrent cell: `{ inputSize, hiddenSize, bias? }`, named after the cell.
 * @example
 * const LSTMCellConfig = recurrentCellConfig('LSTMCell config')
 * @internal
 * @since 0.1.0
 */
export const recurrentCellConfig = (name: string) =>
  configObject(name, { inputSize: PositiveInt, hiddenSize: PositiveInt }, { bias: t.boolean });

/** @internal a cell's constructor arguments as JSON */
export const cellConfigOf = (m: RecurrentCellRecord<unknown>): { inputSize: number; hiddenSize: number; bias: boolean } => ({
  inputSize: m.inputSize,
  hiddenSize: m.hiddenSize,
  bias: m.useBias,
});
