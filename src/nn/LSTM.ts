/**
 * `LSTM`: a stack of `LSTMCell`s run over a batch-first sequence (PyTorch's `nn.LSTM` with
 * `batch_first=True`, unidirectional).
 *
 * - input `x [N, L, inputSize]` (unbatched `[L, inputSize]`); optional initial state `[h0, c0]`,
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
import * as O from 'fp-ts/lib/Option.js';
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { bernoulli } from '../random/bernoulli.js';
import { foldIn } from '../random/foldIn.js';
import { constant, context, type Context, submodules } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { configObject, DropoutRate, PositiveInt } from './configCodecs.js';
import {
  checkPositive,
  checkStateTensor,
  LSTMCell,
  lstmInputProjection,
  type LSTMState,
  lstmStep,
  type RecurrentCellOptions,
} from './LSTMCell.js';

type Tensor = tf.Tensor;

const fields = {
  layers: submodules(LSTMCell),
  dropout: constant<number>(),
  ctx: context(),
};

/** @since 0.1.0 */
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

/**
 * Checks a batch-first sequence and an optional stacked state; returns the sizes.
 * @internal shared by LSTM and GRU
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
  return { batched, n: batched ? x.shape[0]! : 1, len: x.shape[x.rank - 2]! };
};

/**
 * Dropout between stacked layers: the mask for layer `k`'s outputs is drawn with `foldIn(key, k)`.
 * @internal shared by LSTM and GRU
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

/** An LSTM's output and final state. @since 0.1.0 */
export type LSTMOutput = readonly [output: Tensor, state: LSTMState];

const forward = (m: LSTM<Tensor>, x: Tensor, state?: LSTMState): LSTMOutput => {
  checkCellsInitialized(m.layers);
  const first = m.layers[0]!;
  const { batched, n, len } = checkSequence(x, first.inputSize);
  const H = first.hiddenSize;
  const K = m.layers.length;
  if (state !== undefined) {
    if (!Array.isArray(state) || state.length !== 2) throw new ModuleError('expected state to be a pair [h0, c0]');
    const shape = batched ? [K, n, H] : [K, H];
    checkStateTensor(state[0], shape, 'h0');
    checkStateTensor(state[1], shape, 'c0');
  }
  if (m.ctx.mode === 'train' && m.dropout > 0 && K > 1 && O.isNone(m.ctx.key)) {
    interLayerDropout(m.ctx, m.dropout, 0, x); // throws the "needs a key" error before any work
  }
  return tf.tidy(() => {
    let seq = batched ? x : tf.expandDims(x, 0); // [N, L, in]
    const h0s = state === undefined ? undefined : tf.unstack(tf.reshape(state[0], [K, n, H]));
    const c0s = state === undefined ? undefined : tf.unstack(tf.reshape(state[1], [K, n, H]));
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    m.layers.forEach((cell, k) => {
      const inSize = seq.shape[2]!;
      // The input projection of all steps at once: one matMul instead of L.
      const xProj = tf.reshape(lstmInputProjection(cell, tf.reshape(seq, [n * len, inSize])), [n, len, 4 * H]);
      const steps = len === 0 ? [] : tf.unstack(xProj, 1);
      let h = h0s?.[k] ?? tf.zeros([n, H]);
      let c = c0s?.[k] ?? tf.zeros([n, H]);
      const outs: Tensor[] = [];
      for (const xt of steps) {
        [h, c] = lstmStep(cell, xt, h, c);
        outs.push(h);
      }
      hs.push(h);
      cs.push(c);
      const y = outs.length === 0 ? tf.zeros([n, 0, H]) : tf.stack(outs, 1);
      seq = k < K - 1 ? interLayerDropout(m.ctx, m.dropout, k, y) : y;
    });
    const hn = tf.stack(hs);
    const cn = tf.stack(cs);
    return batched
      ? ([seq, [hn, cn]] as const)
      : ([tf.squeeze(seq, [0]), [tf.reshape(hn, [K, H]), tf.reshape(cn, [K, H])]] as const);
  }) as unknown as LSTMOutput;
};

type Inputs = [x: Tensor, state?: LSTMState];

const def: ModuleDef<URI, typeof fields, Inputs, LSTMOutput> = defineModule(URI, {
  name: 'LSTM',
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

/** Options of {@link LSTM.create} and `GRU.create`. @since 0.1.0 */
export interface RecurrentOptions extends RecurrentCellOptions {
  /** Stacked layers; default 1. */
  readonly numLayers?: number;
  /** Dropout on every layer's outputs but the last's, in train mode; default 0. */
  readonly dropout?: number;
}

/** @internal */
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
 * `LSTM`: the module definition plus `create(inputSize, hiddenSize, options)`.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const lstm = initialize(nn.LSTM.create(3, 8, { numLayers: 2 }))(random.key(0))
 * const [out, [h, c]] = nn.LSTM.forward(lstm, tf.ones([4, 10, 3])) // out [4, 10, 8], h and c [2, 4, 8]
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
export const LSTMConfig = configObject(
  'LSTM config',
  { inputSize: PositiveInt, hiddenSize: PositiveInt },
  { numLayers: PositiveInt, dropout: DropoutRate, bias: t.boolean },
);
/** @since 0.1.0 */
export type LSTMConfig = t.TypeOf<typeof LSTMConfig>;

export const LSTM: LSTMDef = {
  ...def,
  create: (inputSize, hiddenSize, options = {}) => {
    checkPositive('LSTM.create', 'inputSize', inputSize);
    checkPositive('LSTM.create', 'hiddenSize', hiddenSize);
    const { numLayers, dropout } = checkRecurrentOptions('LSTM.create', options);
    const layers = Array.from({ length: numLayers }, (_, k) =>
      LSTMCell.create(k === 0 ? inputSize : hiddenSize, hiddenSize, { bias: options.bias ?? true }),
    );
    return def.make<ParamInit<Tensor>>({ layers, dropout, ctx: evalContext });
  },
  configCodec: LSTMConfig,
  toConfig: (m) => ({
    inputSize: m.layers[0]!.inputSize,
    hiddenSize: m.layers[0]!.hiddenSize,
    numLayers: m.layers.length,
    dropout: m.dropout,
    bias: m.layers[0]!.useBias,
  }),
  fromConfig: (c) => LSTM.create(c.inputSize, c.hiddenSize, c),
};
