/**
 * `GRUCell`: one step of a gated recurrent unit (PyTorch's `nn.GRUCell`, same gate order).
 *
 * ```
 * [x_r, x_z, x_n] = split₃(x W_ihᵀ + b_ih),  [h_r, h_z, h_n] = split₃(h W_hhᵀ + b_hh)   (order r, z, n)
 * r = σ(x_r + h_r),  z = σ(x_z + h_z),  n = tanh(x_n + r ⊙ h_n)
 * h' = (1 - z) ⊙ n + z ⊙ h
 * ```
 *
 * - input `x [N, inputSize]` (or unbatched `[inputSize]`), state `h [N, hiddenSize]`
 *   (`[hiddenSize]`), zeros when omitted; output `h'`, the same shape as `h`
 * - parameters, PyTorch's names: `weight_ih [3H, inputSize]`, `weight_hh [3H, H]`, `bias_ih [3H]`,
 *   `bias_hh [3H]` (`[0]` when `bias: false`)
 * - default init, PyTorch's: every parameter `U(±1/√hiddenSize)`
 *
 * @since 0.1.0
 */
import type * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
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

type Tensor = tf.Tensor;

const fields = recurrentCellFields;

/**
 * The fp-ts URI of `GRUCell` modules (also `GRUCell.URI`).
 * @example
 * nn.GRUCell.URI // 'parallax-ts/nn/GRUCell'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/GRUCell';
/** @since 0.1.0 */
export type URI = typeof URI;
/** A `GRUCell` whose leaves are `A`. @since 0.1.0 */
export type GRUCell<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: GRUCell<A>;
  }
}

/**
 * One GRU step on batched `h [N, H]` with the input projection `xProj [N, 3H]` precomputed.
 * Not tidied: callers tidy.
 * @internal
 */
export const gruStep = (m: GRUCell<Tensor>, xProj: Tensor, h: Tensor): Tensor => {
  const hp0 = tf.matMul(h, m.weight_hh, false, true);
  const hProj = m.useBias ? tf.add(hp0, m.bias_hh) : hp0;
  const [xr, xz, xn] = tf.split(xProj, 3, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = tf.split(hProj, 3, -1) as [Tensor, Tensor, Tensor];
  const r = tf.sigmoid(tf.add(xr, hr));
  const z = tf.sigmoid(tf.add(xz, hz));
  const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
  return tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
};

const forward = (m: GRUCell<Tensor>, x: Tensor, h?: Tensor): Tensor => {
  const { batched, n } = checkCellInput(x, m.inputSize);
  const H = m.hiddenSize;
  if (h !== undefined) checkStateTensor(h, batched ? [n, H] : [H], 'h');
  return tf.tidy(() => {
    const x2 = batched ? x : tf.expandDims(x, 0);
    const h0 = h === undefined ? tf.zeros([n, H]) : tf.reshape(h, [n, H]);
    const h1 = gruStep(m, cellInputProjection(m, x2), h0);
    return batched ? h1 : tf.reshape(h1, [H]);
  });
};

type Inputs = [x: Tensor, h?: Tensor];

const def: ModuleDef<URI, typeof fields, Inputs, Tensor> = defineModule(URI, {
  name: 'GRUCell',
  fields,
  extraRepr: cellExtraRepr,
  forward,
});

/**
 * `GRUCell`: the module definition plus `create(inputSize, hiddenSize)`.
 * @since 0.1.0
 */
export interface GRUCellDef extends ModuleDef<URI, typeof fields, Inputs, Tensor> {
  /** A new, uninitialized cell. */
  readonly create: (inputSize: number, hiddenSize: number, options?: RecurrentCellOptions) => GRUCell<ParamInit<Tensor>>;
  /** The io-ts codec of {@link GRUCellConfig}. */
  readonly configCodec: typeof GRUCellConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: GRUCell<unknown>) => GRUCellConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: GRUCellConfig) => GRUCell<ParamInit<Tensor>>;
}

/**
 * `GRUCell`'s constructor arguments as JSON: `{ inputSize, hiddenSize, bias? }`.
 * @example
 * nn.GRUCell.fromConfig({ inputSize: 3, hiddenSize: 5 })
 * @since 0.1.0
 */
export const GRUCellConfig = recurrentCellConfig('GRUCell config');
/** @since 0.1.0 */
export type GRUCellConfig = t.TypeOf<typeof GRUCellConfig>;

/**
 * The `GRUCell` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link GRUCellDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const cell = initialize(nn.GRUCell.create(3, 5))(random.key(0))
 * const h = nn.GRUCell.forward(cell, tf.ones([2, 3])) // [2, 5]
 * const h2 = nn.GRUCell.forward(cell, tf.ones([2, 3]), h)
 * @since 0.1.0
 */
export const GRUCell: GRUCellDef = {
  ...def,
  create: (inputSize, hiddenSize, options = {}) =>
    def.make<ParamInit<Tensor>>(newRecurrentCell('GRUCell.create', 3, inputSize, hiddenSize, options)),
  configCodec: GRUCellConfig,
  toConfig: cellConfigOf,
  fromConfig: (c) => GRUCell.create(c.inputSize, c.hiddenSize, c),
};
