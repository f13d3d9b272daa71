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
import type * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { ModuleError } from '../tree/ModuleError.js';
import type { ParamInit } from '../tree/ParamInit.js';
import {
  cellConfigOf,
  cellExtraRepr,
  cellInputProjection,
  checkCellInput,
  checkStateTensor,
  newRecurrentCell,
  type RecurrentCellOptions,
  recurrentCellConfig,
  recurrentCellFields,
} from './recurrentCell.js';

export type { RecurrentCellOptions } from './recurrentCell.js';

type Tensor = tf.Tensor;

const fields = recurrentCellFields;

/**
 * The fp-ts URI of `LSTMCell` modules (also `LSTMCell.URI`).
 * @example
 * nn.LSTMCell.URI // 'parallax-ts/nn/LSTMCell'
 * @since 0.1.0
 */
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
    const [h2, c2] = lstmStep(m, cellInputProjection(m, x2), h, c);
    return (batched ? [h2, c2] : [tf.reshape(h2, [H]), tf.reshape(c2, [H])]) as [Tensor, Tensor];
  });
};

type Inputs = [x: Tensor, state?: LSTMState];

const def: ModuleDef<URI, typeof fields, Inputs, LSTMState> = defineModule(URI, {
  name: 'LSTMCell',
  fields,
  extraRepr: cellExtraRepr,
  forward,
});

/**
 * `LSTMCell`: the module definition plus `create(inputSize, hiddenSize)`.
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
export const LSTMCellConfig = recurrentCellConfig('LSTMCell config');
/** @since 0.1.0 */
export type LSTMCellConfig = t.TypeOf<typeof LSTMCellConfig>;

/**
 * The `LSTMCell` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link LSTMCellDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const cell = initialize(nn.LSTMCell.create(3, 5))(random.key(0))
 * const [h, c] = nn.LSTMCell.forward(cell, tf.ones([2, 3])) // each [2, 5]
 * const [h2, c2] = nn.LSTMCell.forward(cell, tf.ones([2, 3]), [h, c])
 * @since 0.1.0
 */
export const LSTMCell: LSTMCellDef = {
  ...def,
  create: (inputSize, hiddenSize, options = {}) =>
    def.make<ParamInit<Tensor>>(newRecurrentCell('LSTMCell.create', 4, inputSize, hiddenSize, options)),
  configCodec: LSTMCellConfig,
  toConfig: cellConfigOf,
  fromConfig: (c) => LSTMCell.create(c.inputSize, c.hiddenSize, c),
};
