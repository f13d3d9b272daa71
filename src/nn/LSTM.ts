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
import { defineModule, type ModuleType } from '../tree/Module.js';
import { configurable } from './configurable.js';
import { LSTMCell, type LSTMState, lstmRecurrence } from './LSTMCell.js';
import { recurrentStack, recurrentStackConfig, runStack, stackConfigOf } from './recurrentStack.js';

export { pytorchRecurrentName, type RecurrentOptions } from './recurrentStack.js';

type Tensor = tf.Tensor;

/**
 * An LSTM's output and final state: `[output [N, L, H], [h_n, c_n]]`, `h_n` and `c_n` `[numLayers, N, H]`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const lstm = initialize(nn.LSTM.create(3, 8))(random.key(0))
 * const [output, [hn, cn]]: nn.LSTMOutput = nn.LSTM.forward(lstm, tf.ones([4, 10, 3]))
 * @category model
 * @since 0.1.0
 */
export type LSTMOutput = readonly [output: Tensor, state: LSTMState];

/**
 * `LSTM`'s constructor arguments as JSON: `{ inputSize, hiddenSize, numLayers?, dropout?, bias? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const lstm = nn.LSTM.fromConfig({ inputSize: 3, hiddenSize: 8, numLayers: 2 })
 * @category config
 * @since 0.1.0
 */
export const LSTMConfig = recurrentStackConfig('LSTM config');
/**
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.LSTMConfig = { inputSize: 3, hiddenSize: 8, numLayers: 2, dropout: 0.1 }
 * @category config
 * @since 0.1.0
 */
export type LSTMConfig = t.TypeOf<typeof LSTMConfig>;

const LSTMDef = defineModule('parallax-ts/nn/LSTM', {
  ...recurrentStack('LSTM', LSTMCell),
  forward: (m, x: Tensor, state?: LSTMState): LSTMOutput => runStack(lstmRecurrence, m, x, state),
});

/**
 * The `LSTM` layer: `create(inputSize, hiddenSize, options?)` builds one (uninitialized, in eval
 * mode until `newState(model, 'train')`), `forward` / `apply` run it, `toConfig` / `fromConfig`
 * convert its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const lstm = initialize(nn.LSTM.create(3, 8, { numLayers: 2 }))(random.key(0))
 * const [out, [h, c]] = nn.LSTM.forward(lstm, tf.ones([4, 10, 3])) // out [4, 10, 8], h and c [2, 4, 8]
 * @category layers
 * @since 0.1.0
 */
export const LSTM = configurable(LSTMDef, LSTMConfig, {
  toConfig: stackConfigOf,
  fromConfig: ({ inputSize, hiddenSize, ...options }) => LSTMDef.create(inputSize, hiddenSize, options),
});
/**
 * An `LSTM` whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const lstm: nn.LSTM<tf.Tensor> = initialize(nn.LSTM.create(3, 8))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type LSTM<A> = ModuleType<typeof LSTM, A>;
