/**
 * What `LSTMCell` and `GRUCell` have in common: the same four parameters under PyTorch's names
 * (`weight_ih [G·H, in]`, `weight_hh [G·H, H]`, `bias_ih [G·H]`, `bias_hh [G·H]` with `G` gates:
 * LSTM 4, GRU 3), the same constructor arguments (`inputSize`, `hiddenSize`, `bias`) and config,
 * the same input projection, the same input and state checks and the same forward pass around one
 * step. What sets a cell apart is a {@link Recurrence}: its gate count, the form of its state and
 * its gate equations. Each cell's file holds its recurrence and a thin declaration:
 *
 * ```ts
 * const LSTMCellDef = defineModule('parallax-ts/nn/LSTMCell', {
 *   ...recurrentCell('LSTMCell', lstmRecurrence),
 *   forward: (m, x: Tensor, state?: LSTMState): LSTMState => runCell(lstmRecurrence, m, x, state),
 * });
 * ```
 *
 * @internal
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant, type FieldValues, param } from '../tree/Field.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { paramInit } from '../tree/ParamInit.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { pytorchBiasInit } from './Linear.js';
import { optionalParam } from './optionalParam.js';
import { checkPositiveInt } from './spatial.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of `LSTMCell.create` and `GRUCell.create`.
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.RecurrentCellOptions = { bias: false }
 * const cell = nn.GRUCell.create(3, 5, options) // bias_ih and bias_hh are [0]
 * @category model
 * @since 0.1.0
 */
export interface RecurrentCellOptions {
  /** Default `true`; without bias, `bias_ih` and `bias_hh` are zero-size `[0]` leaves (no state-dict key, as in PyTorch). */
  readonly bias?: boolean;
}

// Both cells declare exactly these fields.
const cellFields = {
  weight_ih: param(),
  weight_hh: param(),
  bias_ih: param(),
  bias_hh: param(),
  inputSize: constant<number>(),
  hiddenSize: constant<number>(),
  useBias: constant<boolean>(),
};

/**
 * A recurrent cell's fields with leaves `A`: what the gate equations and the sequence layers read.
 * @example
 * import { initialize, nn, random } from 'parallax-ts'
 * const cell = initialize(nn.GRUCell.create(3, 5))(random.key(0)) // a RecurrentCellRecord<Tensor>, among others
 * cell.weight_hh.shape // [15, 5]
 * @internal
 * @category model
 * @since 0.2.0
 */
export type RecurrentCellRecord<A> = FieldValues<typeof cellFields, A>;

/**
 * What sets one recurrent cell apart from another: its gate count, the form of its state `S` and
 * one step of its gate equations. `LSTMCell` / `LSTM` share LSTM's, `GRUCell` / `GRU` GRU's.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * // a cell's forward pass is one step of its recurrence on the projected input
 * const cell = initialize(nn.LSTMCell.create(3, 5))(random.key(0))
 * const [h, c] = nn.LSTMCell.forward(cell, tf.ones([2, 3]))
 * @internal
 * @category model
 * @since 0.2.0
 */
export interface Recurrence<S> {
  /** `G`: the parameters are `[G·H, …]`, and the projected input `[N, G·H]`. */
  readonly gates: number;
  /** The names of the state's tensors, the hidden state first, as errors call them (`['h', 'c']`). */
  readonly stateNames: ReadonlyArray<string>;
  /** The state's tensors, in the order of `stateNames`. */
  readonly toParts: (state: S) => ReadonlyArray<Tensor>;
  /** A state from its tensors, in the order of `stateNames`. */
  readonly fromParts: (parts: ReadonlyArray<Tensor>) => S;
  /**
   * One step on a batch: the input projection `xProj = x W_ihᵀ + b_ih [N, G·H]` (precomputed for
   * a whole sequence by the sequence layers) and every state tensor `[N, H]`. Not tidied: callers tidy.
   */
  readonly step: (m: RecurrentCellRecord<Tensor>, xProj: Tensor, state: S) => S;
}

/**
 * Checks that an input or state of a recurrent layer is a float32 tensor; errors call it `what`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const cell = initialize(nn.GRUCell.create(3, 4))(random.key(0))
 * nn.GRUCell.forward(cell, tf.zeros([2, 3], 'int32')) // throws: expected input of dtype float32, got int32
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const checkFloat32 = (x: unknown, what: string): Tensor => {
  if (!(x instanceof tf.Tensor)) throw new ModuleError(`expected ${what} to be a tensor, got ${typeof x}`);
  if (x.dtype !== 'float32') throw new ModuleError(`expected ${what} of dtype float32, got ${x.dtype}`);
  return x;
};

/** Checks one state tensor against the expected shape. */
const checkStateTensor = (state: unknown, shape: ReadonlyArray<number>, what: string): Tensor => {
  const s = checkFloat32(state, what);
  if (s.rank !== shape.length || s.shape.some((d: number, i: number) => d !== shape[i])) {
    throw new ModuleError(`expected ${what} of shape ${formatShape(shape)}, got ${formatShape(s.shape)}`);
  }
  return s;
};

/**
 * Checks a given state: its form (a pair for LSTM's `[h, c]`), then each tensor against `shape`;
 * errors name each tensor `<name><suffix>` (`h`, `c` for a cell, `h0`, `c0` for a sequence layer).
 * Returns the state's tensors.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const cell = initialize(nn.LSTMCell.create(3, 4))(random.key(0))
 * nn.LSTMCell.forward(cell, tf.zeros([2, 3]), [tf.zeros([2, 4]), tf.zeros([3, 4])]) // throws: expected c of shape [2, 4], got [3, 4]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const checkState = <S>(r: Recurrence<S>, state: S, shape: ReadonlyArray<number>, suffix: string): ReadonlyArray<Tensor> => {
  const names = r.stateNames.map((name) => `${name}${suffix}`);
  if (names.length > 1 && (!Array.isArray(state) || state.length !== names.length)) {
    throw new ModuleError(`expected state to be ${names.length === 2 ? 'a pair' : 'an array'} [${names.join(', ')}]`);
  }
  const parts = r.toParts(state);
  parts.forEach((s, i) => checkStateTensor(s, shape, names[i]!));
  return parts;
};

/** Checks a cell input; returns whether it is batched and the batch size. */
const checkCellInput = (input: unknown, inputSize: number): { batched: boolean; n: number } => {
  const x = checkFloat32(input, 'input');
  if ((x.rank !== 1 && x.rank !== 2) || x.shape[x.rank - 1] !== inputSize) {
    throw new ModuleError(`expected input of shape [N, ${inputSize}] or [${inputSize}], got ${formatShape(x.shape)}`);
  }
  return { batched: x.rank === 2, n: x.rank === 2 ? x.shape[0]! : 1 };
};

/**
 * `x W_ihᵀ + b_ih` for batched `x [M, in]`: the part of a step that does not depend on the state,
 * so a sequence layer computes it for all steps at once. Not tidied: callers tidy.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const cell = initialize(nn.GRUCell.create(3, 5))(random.key(0))
 * const xProj = tf.add(tf.matMul(tf.ones([2, 3]), cell.weight_ih, false, true), cell.bias_ih) // [2, 15], as cellInputProjection
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const cellInputProjection = (m: RecurrentCellRecord<Tensor>, x: Tensor): Tensor => {
  const y = tf.matMul(x, m.weight_ih, false, true);
  return m.useBias ? tf.add(y, m.bias_ih) : y;
};

/**
 * The part of a recurrent cell's declaration that does not depend on its gate equations, to spread
 * into `defineModule` beside the cell's `forward`: its name, fields, `create(inputSize,
 * hiddenSize, options)` (arguments checked; every parameter PyTorch's `U(±1/√hiddenSize)`, sized
 * for the recurrence's gate count) and its printout `in, hidden[, bias=false]`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * // LSTMCell is declared as { ...recurrentCell('LSTMCell', lstmRecurrence), forward }
 * const cell = initialize(nn.LSTMCell.create(3, 5, { bias: false }))(random.key(0))
 * cell.weight_ih.shape // [20, 3]
 * @internal
 * @category constructors
 * @since 0.2.0
 */
export const recurrentCell = (name: string, recurrence: { readonly gates: number }) => ({
  name,
  fields: cellFields,
  create: (inputSize: number, hiddenSize: number, options: RecurrentCellOptions = {}) => {
    checkLayerOptions(`${name}.create`, options, { bias: 'flag' });
    checkPositiveInt(`${name}.create`, 'inputSize', inputSize);
    checkPositiveInt(`${name}.create`, 'hiddenSize', hiddenSize);
    const useBias = options.bias ?? true;
    const G = recurrence.gates;
    const u = pytorchBiasInit(hiddenSize);
    return {
      weight_ih: paramInit([G * hiddenSize, inputSize], u),
      weight_hh: paramInit([G * hiddenSize, hiddenSize], u),
      bias_ih: optionalParam(useBias, [G * hiddenSize], u),
      bias_hh: optionalParam(useBias, [G * hiddenSize], u),
      inputSize,
      hiddenSize,
      useBias,
    };
  },
  extraRepr: (m: RecurrentCellRecord<unknown>): string => `${m.inputSize}, ${m.hiddenSize}${m.useBias ? '' : ', bias=false'}`,
});

/**
 * A cell's forward pass: checks `x [N, in]` (or unbatched `[in]`) and the optional state (zeros
 * when omitted), runs one step of the recurrence, and returns the new state in the input's
 * batching. Tidied: only the returned tensors are kept.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * // GRUCell's forward pass is runCell(gruRecurrence, cell, x, h)
 * const cell = initialize(nn.GRUCell.create(3, 5))(random.key(0))
 * const h = nn.GRUCell.forward(cell, tf.ones([3])) // [5]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const runCell = <S>(r: Recurrence<S>, m: RecurrentCellRecord<Tensor>, x: Tensor, state: S | undefined): S => {
  const { batched, n } = checkCellInput(x, m.inputSize);
  const H = m.hiddenSize;
  const given = state === undefined ? undefined : checkState(r, state, batched ? [n, H] : [H], '');
  const parts = tf.tidy(() => {
    const x2 = batched ? x : tf.expandDims(x, 0);
    const s0 = r.stateNames.map((_, i) => (given === undefined ? tf.zeros([n, H]) : tf.reshape(given[i]!, [n, H])));
    const s1 = r.toParts(r.step(m, cellInputProjection(m, x2), r.fromParts(s0)));
    return batched ? [...s1] : s1.map((s) => tf.reshape(s, [H]));
  });
  return r.fromParts(parts);
};

/**
 * The config codec of a recurrent cell: `{ inputSize, hiddenSize, bias? }`, named after the cell.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.LSTMCellConfig.is({ inputSize: 3, hiddenSize: 5 }) // true: LSTMCellConfig = recurrentCellConfig('LSTMCell config')
 * @internal
 * @category config
 * @since 0.1.0
 */
export const recurrentCellConfig = (name: string) =>
  configObject(name, { inputSize: PositiveInt, hiddenSize: PositiveInt }, { bias: t.boolean });

/**
 * A cell's constructor arguments as JSON (the `toConfig` of both cells).
 * @example
 * import { nn } from 'parallax-ts'
 * nn.GRUCell.toConfig(nn.GRUCell.create(3, 5)) // { inputSize: 3, hiddenSize: 5, bias: true }
 * @internal
 * @category config
 * @since 0.1.0
 */
export const cellConfigOf = (m: RecurrentCellRecord<unknown>): { inputSize: number; hiddenSize: number; bias: boolean } => ({
  inputSize: m.inputSize,
  hiddenSize: m.hiddenSize,
  bias: m.useBias,
});
