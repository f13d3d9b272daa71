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
import { defineModule, type ModuleType } from '../tree/Module.js';
import { configurable } from './configurable.js';
import { cellConfigOf, type Recurrence, recurrentCell, recurrentCellConfig, runCell } from './recurrentCell.js';

type Tensor = tf.Tensor;

/**
 * GRU's gate equations (gate order r, z, n; `r` applied to the hidden projection with its bias,
 * as PyTorch) and state `h`, shared by `GRUCell` and `GRU`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * // GRUCell.forward runs one step of gruRecurrence; GRU runs it along a sequence
 * const gru = initialize(nn.GRU.create(3, 5))(random.key(0))
 * const [out, h] = nn.GRU.forward(gru, tf.ones([2, 7, 3]))
 * @internal
 * @category model
 * @since 0.2.0
 */
export const gruRecurrence: Recurrence<Tensor> = {
  gates: 3,
  stateNames: ['h'],
  toParts: (h) => [h],
  fromParts: ([h]) => h!,
  step: (m, xProj, h) => {
    const hp0 = tf.matMul(h, m.weight_hh, false, true);
    const hProj = m.useBias ? tf.add(hp0, m.bias_hh) : hp0;
    const [xr, xz, xn] = tf.split(xProj, 3, -1) as [Tensor, Tensor, Tensor];
    const [hr, hz, hn] = tf.split(hProj, 3, -1) as [Tensor, Tensor, Tensor];
    const r = tf.sigmoid(tf.add(xr, hr));
    const z = tf.sigmoid(tf.add(xz, hz));
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    return tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
  },
};

/**
 * `GRUCell`'s constructor arguments as JSON: `{ inputSize, hiddenSize, bias? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const cell = nn.GRUCell.fromConfig({ inputSize: 3, hiddenSize: 5 })
 * @category config
 * @since 0.1.0
 */
export const GRUCellConfig = recurrentCellConfig('GRUCell config');
/**
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.GRUCellConfig = { inputSize: 3, hiddenSize: 5, bias: false }
 * @category config
 * @since 0.1.0
 */
export type GRUCellConfig = t.TypeOf<typeof GRUCellConfig>;

const GRUCellDef = defineModule('parallax-ts/nn/GRUCell', {
  ...recurrentCell('GRUCell', gruRecurrence),
  forward: (m, x: Tensor, h?: Tensor): Tensor => runCell(gruRecurrence, m, x, h),
});

/**
 * The `GRUCell` layer: `create(inputSize, hiddenSize, options?)` builds one (uninitialized),
 * `forward` / `apply` run it, `toConfig` / `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const cell = initialize(nn.GRUCell.create(3, 5))(random.key(0))
 * const h = nn.GRUCell.forward(cell, tf.ones([2, 3])) // [2, 5]
 * const h2 = nn.GRUCell.forward(cell, tf.ones([2, 3]), h)
 * @category layers
 * @since 0.1.0
 */
export const GRUCell = configurable(GRUCellDef, GRUCellConfig, {
  toConfig: cellConfigOf,
  fromConfig: ({ inputSize, hiddenSize, ...options }) => GRUCellDef.create(inputSize, hiddenSize, options),
});
/**
 * A `GRUCell` whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const cell: nn.GRUCell<tf.Tensor> = initialize(nn.GRUCell.create(3, 5))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type GRUCell<A> = ModuleType<typeof GRUCell, A>;
