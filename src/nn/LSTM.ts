/**
 * `LSTM`: a stack of `LSTMCell`s run over a batch-first sequence (PyTorch's `nn.LSTM` with
 * `batch_first=True`, unidirectional).
 *
 * - input `x [N, L, inputSize]` (unbatched `[L, inputSize]`), `L ≥ 1` (an empty sequence is an error, as in PyTorch); optional initial state `[h0, c0]`,
 *   each `[numLayers, N, hiddenSize]` (`[numLayers, hiddenSize]`), zeros when omitted
 * - output `[output, [h_n, c_n]]`: `output [N, L, hiddenSize]` is the last layer's `h` at every
 *   step; `h_n`, `c_n` `[numLayers, N, hiddenSize]` are every layer's final state (as PyTorch)
 * - layer `k > 0` takes layer `k-1`'s outputs; with `dropout > 0`, in train mode those outputs go
 *   through dropout first (not after the last layer), as PyTorch
 * - parameters: `layers.<k>.weight_ih [4H, in_k]`, `layers.<k>.weight_hh [4H, H]`,
 *   `layers.<k>.bias_ih [4H]`, `layers.<k>.bias_hh [4H]` (`in_0 = inputSize`, else `H`); gate
 *   order i, f, g, o. **PyTorch's state-dict names** are `weight_ih_l<k>`, `weight_hh_l<k>`,
 *   `bias_ih_l<k>`, `bias_hh_l<k>`: the definition declares them (`stateDictKeys`), so state dicts
 *   use them; {@link pytorchRecurrentName} maps a leaf path to its PyTorch name by hand.
 * - default init, PyTorch's: every parameter `U(±1/√hiddenSize)`
 * - not supported (yet): `bidirectional`, `proj_size`, packed variable-length sequences
 *
 * @since 0.1.0
 */
import type * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant, context, submodules } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { ModuleError } from '../tree/ModuleError.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { LSTMCell, type LSTMState, lstmStep } from './LSTMCell.js';
import { checkStateTensor } from './recurrentCell.js';
import {
  checkStackInput,
  newRecurrentStack,
  type RecurrentOptions,
  recurrentStackConfig,
  recurrentStackKeys,
  runRecurrentStack,
  stackConfigOf,
  stackExtraRepr,
} from './recurrentStack.js';

export { pytorchRecurrentName, type RecurrentOptions } from './recurrentStack.js';

type Tensor = tf.Tensor;

const fields = {
  layers: submodules(LSTMCell),
  dropout: constant<number>(),
  ctx: context(),
};

/**
 * The fp-ts URI of `LSTM` modules (also `LSTM.URI`).
 * @example
 * nn.LSTM.URI // 'parallax-ts/nn/LSTM'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/LSTM';
/** @since 0.1.0 */
export type URI = typeof URI;
/** An `LSTM` whose leaves are `A`. @since 0.1.0 */
export type LSTM<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: LSTM<A>;
  }
}

/** An LSTM's output and final state. @since 0.1.0 */
export type LSTMOutput = readonly [output: Tensor, state: LSTMState];

const forward = (m: LSTM<Tensor>, x: Tensor, state?: LSTMState): LSTMOutput => {
  const sizes = checkStackInput(m, x);
  const { batched, n, H, K } = sizes;
  if (state !== undefined) {
    if (!Array.isArray(state) || state.length !== 2) throw new ModuleError('expected state to be a pair [h0, c0]');
    const shape = batched ? [K, n, H] : [K, H];
    checkStateTensor(state[0], shape, 'h0');
    checkStateTensor(state[1], shape, 'c0');
  }
  return tf.tidy(() => {
    const h0s = state === undefined ? undefined : tf.unstack(tf.reshape(state[0], [K, n, H]));
    const c0s = state === undefined ? undefined : tf.unstack(tf.reshape(state[1], [K, n, H]));
    const { output, finals } = runRecurrentStack<LSTMCell<Tensor>, LSTMState>(
      m,
      batched ? x : tf.expandDims(x, 0),
      sizes,
      (k) => [h0s?.[k] ?? tf.zeros([n, H]), c0s?.[k] ?? tf.zeros([n, H])],
      (cell, xt, [h, c]) => lstmStep(cell, xt, h, c),
      ([h]) => h,
    );
    const hn = tf.stack(finals.map(([h]) => h));
    const cn = tf.stack(finals.map(([, c]) => c));
    return batched
      ? ([output, [hn, cn]] as const)
      : ([tf.squeeze(output, [0]), [tf.reshape(hn, [K, H]), tf.reshape(cn, [K, H])]] as const);
  }) as unknown as LSTMOutput;
};

type Inputs = [x: Tensor, state?: LSTMState];

const def: ModuleDef<URI, typeof fields, Inputs, LSTMOutput> = defineModule(URI, {
  name: 'LSTM',
  fields,
  stateDictKeys: recurrentStackKeys,
  extraRepr: stackExtraRepr,
  forward,
});

/**
 * `LSTM`: the module definition plus `create(inputSize, hiddenSize, options)`.
 * @since 0.1.0
 */
export interface LSTMDef extends ModuleDef<URI, typeof fields, Inputs, LSTMOutput> {
  /** A new, uninitialized LSTM (eval mode until `newState(model, 'train')`). */
  readonly create: (inputSize: number, hiddenSize: number, options?: RecurrentOptions) => LSTM<ParamInit<Tensor>>;
  /** The io-ts codec of {@link LSTMConfig}. */
  readonly configCodec: typeof LSTMConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: LSTM<unknown>) => LSTMConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: LSTMConfig) => LSTM<ParamInit<Tensor>>;
}

/**
 * `LSTM`'s constructor arguments as JSON: `{ inputSize, hiddenSize, numLayers?, dropout?, bias? }`.
 * @example
 * nn.LSTM.fromConfig({ inputSize: 3, hiddenSize: 8, numLayers: 2 })
 * @since 0.1.0
 */
export const LSTMConfig = recurrentStackConfig('LSTM config');
/** @since 0.1.0 */
export type LSTMConfig = t.TypeOf<typeof LSTMConfig>;

/**
 * The `LSTM` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link LSTMDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const lstm = initialize(nn.LSTM.create(3, 8, { numLayers: 2 }))(random.key(0))
 * const [out, [h, c]] = nn.LSTM.forward(lstm, tf.ones([4, 10, 3])) // out [4, 10, 8], h and c [2, 4, 8]
 * @since 0.1.0
 */
export const LSTM: LSTMDef = {
  ...def,
  create: (inputSize, hiddenSize, options = {}) =>
    def.make<ParamInit<Tensor>>(newRecurrentStack('LSTM.create', inputSize, hiddenSize, options, LSTMCell.create)),
  configCodec: LSTMConfig,
  toConfig: stackConfigOf,
  fromConfig: (c) => LSTM.create(c.inputSize, c.hiddenSize, c),
};
