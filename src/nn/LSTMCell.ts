/**
 * `LSTMCell`: one step of a long short-term memory (PyTorch's `nn.LSTMCell`, same gate order).
 *
 * ```
 * [i, f, g, o] = split₄(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)     (gate order i, f, g, o)
 * c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g)
 * h' = σ(o) ⊙ tanh(c')
 * ```
 *
 * - input `x [N, inputSize]` (or unbatched `[inputSize]`), state `[h, c]` each `[N, hiddenSize]`
 *   (`[hiddenSize]`), zeros when omitted; output the new `[h', c']`
 * - parameters, PyTorch's names: `weight_ih [4H, inputSize]`, `weight_hh [4H, H]`, `bias_ih [4H]`,
 *   `bias_hh [4H]` (`[0]` when `bias: false`)
 * - default init, PyTorch's: every parameter `U(±1/√hiddenSize)`
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import type { Initializer } from '../init/Initializer.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { type ParamInit, paramInit } from '../tree/ParamInit.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { pytorchBiasInit } from './Linear.js';

type Tensor = tf.Tensor;

const fields = {
  weight_ih: param(),
  weight_hh: param(),
  bias_ih: param(),
  bias_hh: param(),
  inputSize: constant<number>(),
  hiddenSize: constant<number>(),
  useBias: constant<boolean>(),
};

/** @since 0.1.0 */
export const URI = 'parallax-ts/nn/LSTMCell';
/** @since 0.1.0 */
export type URI = typeof URI;
/** An `LSTMCell` whose leaves are `A`. @since 0.1.0 */
export type LSTMCell<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: LSTMCell<A>;
  }
}

/** An LSTM state `[h, c]`. @since 0.1.0 */
export type LSTMState = readonly [h: Tensor, c: Tensor];

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

/**
 * One LSTM step on batched `x [N, in]`, `h, c [N, H]`, where `xProj = x W_ihᵀ + b_ih` may be
 * precomputed for a whole sequence. Not tidied: callers tidy.
 * @internal
 */
export const lstmStep = (m: LSTMCell<Tensor>, xProj: Tensor, h: Tensor, c: Tensor): LSTMState => {
  const hProj = tf.matMul(h, m.weight_hh, false, true);
  const z = m.useBias ? tf.add(tf.add(xProj, hProj), m.bias_hh) : tf.add(xProj, hProj);
  const [i, f, g, o] = tf.split(z, 4, -1) as [Tensor, Tensor, Tensor, Tensor];
  const c2 = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
  const h2 = tf.mul(tf.sigmoid(o), tf.tanh(c2));
  return [h2, c2];
};

/** @internal `x W_ihᵀ + b_ih` for batched `x [M, in]` */
export const lstmInputProjection = (m: LSTMCell<Tensor>, x: Tensor): Tensor => {
  const y = tf.matMul(x, m.weight_ih, false, true);
  return m.useBias ? tf.add(y, m.bias_ih) : y;
};

const forward = (m: LSTMCell<Tensor>, x: Tensor, state?: LSTMState): LSTMState => {
  const { batched, n } = checkCellInput(x, m.inputSize);
  const H = m.hiddenSize;
  const stateShape = batched ? [n, H] : [H];
  if (state !== undefined) {
    if (!Array.isArray(state) || state.length !== 2) throw new ModuleError('expected state to be a pair [h, c]');
    checkStateTensor(state[0], stateShape, 'h');
    checkStateTensor(state[1], stateShape, 'c');
  }
  return tf.tidy(() => {
    const x2 = batched ? x : tf.expandDims(x, 0);
    const h = state === undefined ? tf.zeros([n, H]) : tf.reshape(state[0], [n, H]);
    const c = state === undefined ? tf.zeros([n, H]) : tf.reshape(state[1], [n, H]);
    const [h2, c2] = lstmStep(m, lstmInputProjection(m, x2), h, c);
    return (batched ? [h2, c2] : [tf.reshape(h2, [H]), tf.reshape(c2, [H])]) as [Tensor, Tensor];
  });
};

type Inputs = [x: Tensor, state?: LSTMState];

const def: ModuleDef<URI, typeof fields, Inputs, LSTMState> = defineModule(URI, {
  name: 'LSTMCell',
  fields,
  extraRepr: (m) => `${m.inputSize}, ${m.hiddenSize}${m.useBias ? '' : ', bias=false'}`,
  forward,
});

/** Options of the recurrent cells' `create`. @since 0.1.0 */
export interface RecurrentCellOptions {
  /** Default `true`; without bias, `bias_ih` and `bias_hh` are zero-size `[0]` leaves. */
  readonly bias?: boolean;
}

/** @internal the zero-size leaf of an absent bias */
export const emptyParam = (): ParamInit<Tensor> => paramInit([0], (() => () => tf.zeros([0])) as Initializer);

/** @internal size check shared by the recurrent layers' constructors */
export const checkPositive = (fn: string, name: string, n: unknown): number => {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new Error(`${fn}: ${name} must be a positive integer, got ${JSON.stringify(n)}`);
  }
  return n;
};

/**
 * Builds the four parameters of a cell with `gates` gates (LSTM 4, GRU 3), PyTorch's init.
 * @internal
 */
export const recurrentParams = (
  gates: number,
  inputSize: number,
  hiddenSize: number,
  useBias: boolean,
): {
  weight_ih: ParamInit<Tensor>;
  weight_hh: ParamInit<Tensor>;
  bias_ih: ParamInit<Tensor>;
  bias_hh: ParamInit<Tensor>;
} => {
  const u = pytorchBiasInit(hiddenSize);
  return {
    weight_ih: paramInit([gates * hiddenSize, inputSize], u),
    weight_hh: paramInit([gates * hiddenSize, hiddenSize], u),
    bias_ih: useBias ? paramInit([gates * hiddenSize], u) : emptyParam(),
    bias_hh: useBias ? paramInit([gates * hiddenSize], u) : emptyParam(),
  };
};

/**
 * `LSTMCell`: the module definition plus `create(inputSize, hiddenSize)`.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const cell = initialize(nn.LSTMCell.create(3, 5))(random.key(0))
 * const [h, c] = nn.LSTMCell.forward(cell, tf.ones([2, 3])) // each [2, 5]
 * const [h2, c2] = nn.LSTMCell.forward(cell, tf.ones([2, 3]), [h, c])
 * @since 0.1.0
 */
export interface LSTMCellDef extends ModuleDef<URI, typeof fields, Inputs, LSTMState> {
  /** A new, uninitialized cell. */
  readonly create: (inputSize: number, hiddenSize: number, options?: RecurrentCellOptions) => LSTMCell<ParamInit<Tensor>>;
  /** The io-ts codec of {@link LSTMCellConfig}. */
  readonly configCodec: typeof LSTMCellConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: LSTMCell<unknown>) => LSTMCellConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: LSTMCellConfig) => LSTMCell<ParamInit<Tensor>>;
}

/**
 * `LSTMCell`'s constructor arguments as JSON: `{ inputSize, hiddenSize, bias? }`.
 * @example
 * nn.LSTMCell.fromConfig({ inputSize: 3, hiddenSize: 5 })
 * @since 0.1.0
 */
export const LSTMCellConfig = configObject(
  'LSTMCell config',
  { inputSize: PositiveInt, hiddenSize: PositiveInt },
  { bias: t.boolean },
);
/** @since 0.1.0 */
export type LSTMCellConfig = t.TypeOf<typeof LSTMCellConfig>;

export const LSTMCell: LSTMCellDef = {
  ...def,
  create: (inputSize, hiddenSize, options = {}) => {
    checkPositive('LSTMCell.create', 'inputSize', inputSize);
    checkPositive('LSTMCell.create', 'hiddenSize', hiddenSize);
    const useBias = options.bias ?? true;
    return def.make<ParamInit<Tensor>>({
      ...recurrentParams(4, inputSize, hiddenSize, useBias),
      inputSize,
      hiddenSize,
      useBias,
    });
  },
  configCodec: LSTMCellConfig,
  toConfig: (m) => ({ inputSize: m.inputSize, hiddenSize: m.hiddenSize, bias: m.useBias }),
  fromConfig: (c) => LSTMCell.create(c.inputSize, c.hiddenSize, c),
};
