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
import { defineModule, type ModuleType } from '../tree/Module.js';
import { configurable } from './configurable.js';
import { cellConfigOf, type Recurrence, recurrentCell, recurrentCellConfig, runCell } from './recurrentCell.js';

export type { RecurrentCellOptions } from './recurrentCell.js';

type Tensor = tf.Tensor;

/**
 * An LSTM state `[h, c]`: what `LSTMCell` takes and returns, and, stacked over layers, `LSTM`'s.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const cell = initialize(nn.LSTMCell.create(3, 5))(random.key(0))
 * const state: nn.LSTMState = [tf.zeros([2, 5]), tf.zeros([2, 5])]
 * const next: nn.LSTMState = nn.LSTMCell.forward(cell, tf.ones([2, 3]), state)
 * @category model
 * @since 0.1.0
 */
export type LSTMState = readonly [h: Tensor, c: Tensor];

/**
 * LSTM's gate equations (gate order i, f, g, o) and state `[h, c]`, shared by `LSTMCell` and `LSTM`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * // LSTMCell.forward runs one step of lstmRecurrence; LSTM runs it along a sequence
 * const lstm = initialize(nn.LSTM.create(3, 5))(random.key(0))
 * const [out, [h, c]] = nn.LSTM.forward(lstm, tf.ones([2, 7, 3]))
 * @internal
 * @category model
 * @since 0.2.0
 */
export const lstmRecurrence: Recurrence<LSTMState> = {
  gates: 4,
  stateNames: ['h', 'c'],
  toParts: (state) => state,
  fromParts: ([h, c]) => [h!, c!],
  step: (m, xProj, [h, c]) => {
    const hProj = tf.matMul(h, m.weight_hh, false, true);
    const z = m.useBias ? tf.add(tf.add(xProj, hProj), m.bias_hh) : tf.add(xProj, hProj);
    const [i, f, g, o] = tf.split(z, 4, -1) as [Tensor, Tensor, Tensor, Tensor];
    const c2 = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    const h2 = tf.mul(tf.sigmoid(o), tf.tanh(c2));
    return [h2, c2];
  },
};

/**
 * `LSTMCell`'s constructor arguments as JSON: `{ inputSize, hiddenSize, bias? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const cell = nn.LSTMCell.fromConfig({ inputSize: 3, hiddenSize: 5 })
 * @category config
 * @since 0.1.0
 */
export const LSTMCellConfig = recurrentCellConfig('LSTMCell config');
/**
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.LSTMCellConfig = { inputSize: 3, hiddenSize: 5, bias: false }
 * @category config
 * @since 0.1.0
 */
export type LSTMCellConfig = t.TypeOf<typeof LSTMCellConfig>;

const LSTMCellDef = defineModule('parallax-ts/nn/LSTMCell', {
  ...recurrentCell('LSTMCell', lstmRecurrence),
  forward: (m, x: Tensor, state?: LSTMState): LSTMState => runCell(lstmRecurrence, m, x, state),
});

/**
 * The `LSTMCell` layer: `create(inputSize, hiddenSize, options?)` builds one (uninitialized),
 * `forward` / `apply` run it, `toConfig` / `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const cell = initialize(nn.LSTMCell.create(3, 5))(random.key(0))
 * const [h, c] = nn.LSTMCell.forward(cell, tf.ones([2, 3])) // each [2, 5]
 * const [h2, c2] = nn.LSTMCell.forward(cell, tf.ones([2, 3]), [h, c])
 * @category layers
 * @since 0.1.0
 */
export const LSTMCell = configurable(LSTMCellDef, LSTMCellConfig, {
  toConfig: cellConfigOf,
  fromConfig: ({ inputSize, hiddenSize, ...options }) => LSTMCellDef.create(inputSize, hiddenSize, options),
});
/**
 * An `LSTMCell` whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const cell: nn.LSTMCell<tf.Tensor> = initialize(nn.LSTMCell.create(3, 5))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type LSTMCell<A> = ModuleType<typeof LSTMCell, A>;
