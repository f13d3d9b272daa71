/**
 * `GRU`: a stack of `GRUCell`s run over a batch-first sequence (PyTorch's `nn.GRU` with
 * `batch_first=True`, unidirectional).
 *
 * - input `x [N, L, inputSize]` (unbatched `[L, inputSize]`), `L ≥ 1` (an empty sequence is an error, as in PyTorch); optional initial state
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
import type * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant, context, submodules } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { GRUCell, gruStep } from './GRUCell.js';
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

type Tensor = tf.Tensor;

const fields = {
  layers: submodules(GRUCell),
  dropout: constant<number>(),
  ctx: context(),
};

/**
 * The fp-ts URI of `GRU` modules (also `GRU.URI`).
 * @example
 * nn.GRU.URI // 'parallax-ts/nn/GRU'
 * @since 0.1.0
 */
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
  const sizes = checkStackInput(m, x);
  const { batched, n, H, K } = sizes;
  if (h0 !== undefined) checkStateTensor(h0, batched ? [K, n, H] : [K, H], 'h0');
  return tf.tidy(() => {
    const h0s = h0 === undefined ? undefined : tf.unstack(tf.reshape(h0, [K, n, H]));
    const { output, finals } = runRecurrentStack<GRUCell<Tensor>, Tensor>(
      m,
      batched ? x : tf.expandDims(x, 0),
      sizes,
      (k) => h0s?.[k] ?? tf.zeros([n, H]),
      gruStep,
      (h) => h,
    );
    const hn = tf.stack([...finals]);
    return batched ? ([output, hn] as const) : ([tf.squeeze(output, [0]), tf.reshape(hn, [K, H])] as const);
  }) as unknown as GRUOutput;
};

type Inputs = [x: Tensor, h0?: Tensor];

const def: ModuleDef<URI, typeof fields, Inputs, GRUOutput> = defineModule(URI, {
  name: 'GRU',
  fields,
  stateDictKeys: recurrentStackKeys,
  extraRepr: stackExtraRepr,
  forward,
});

/**
 * `GRU`: the module definition plus `create(inputSize, hiddenSize, options)`.
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
export const GRUConfig = recurrentStackConfig('GRU config');
/** @since 0.1.0 */
export type GRUConfig = t.TypeOf<typeof GRUConfig>;

/**
 * The `GRU` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link GRUDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const gru = initialize(nn.GRU.create(3, 8))(random.key(0))
 * const [out, h] = nn.GRU.forward(gru, tf.ones([4, 10, 3])) // out [4, 10, 8], h [1, 4, 8]
 * @since 0.1.0
 */
export const GRU: GRUDef = {
  ...def,
  create: (inputSize, hiddenSize, options = {}) =>
    def.make<ParamInit<Tensor>>(newRecurrentStack('GRU.create', inputSize, hiddenSize, options, GRUCell.create)),
  configCodec: GRUConfig,
  toConfig: stackConfigOf,
  fromConfig: (c) => GRU.create(c.inputSize, c.hiddenSize, c),
};
