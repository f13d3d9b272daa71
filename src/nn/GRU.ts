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
 *   state-dict names are `weight_ih_l<k>` etc. (declared with `stateDictKeys`, as `LSTM`'s); see `pytorchRecurrentName`.
 * - default init, PyTorch's: every parameter `U(±1/√hiddenSize)`
 * - not supported (yet): `bidirectional`, packed variable-length sequences
 *
 * @since 0.1.0
 */
import type * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import { configurable } from './configurable.js';
import { GRUCell, gruRecurrence } from './GRUCell.js';
import { recurrentStack, recurrentStackConfig, runStack, stackConfigOf } from './recurrentStack.js';

type Tensor = tf.Tensor;

/**
 * A GRU's output and final state: `[output [N, L, H], h_n [numLayers, N, H]]`.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const gru = initialize(nn.GRU.create(3, 8))(random.key(0))
 * const [output, hn]: nn.GRUOutput = nn.GRU.forward(gru, tf.ones([4, 10, 3]))
 * @category model
 * @since 0.1.0
 */
export type GRUOutput = readonly [output: Tensor, h: Tensor];

/**
 * `GRU`'s constructor arguments as JSON: `{ inputSize, hiddenSize, numLayers?, dropout?, bias? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const gru = nn.GRU.fromConfig({ inputSize: 3, hiddenSize: 8, numLayers: 2 })
 * @category config
 * @since 0.1.0
 */
export const GRUConfig = recurrentStackConfig('GRU config');
/**
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.GRUConfig = { inputSize: 3, hiddenSize: 8, bias: false }
 * @category config
 * @since 0.1.0
 */
export type GRUConfig = t.TypeOf<typeof GRUConfig>;

const GRUDef = defineModule('parallax-ts/nn/GRU', {
  ...recurrentStack('GRU', GRUCell),
  forward: (m, x: Tensor, h0?: Tensor): GRUOutput => runStack(gruRecurrence, m, x, h0),
});

/**
 * The `GRU` layer: `create(inputSize, hiddenSize, options?)` builds one (uninitialized, in eval
 * mode until `newState(model, 'train')`), `forward` / `apply` run it, `toConfig` / `fromConfig`
 * convert its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const gru = initialize(nn.GRU.create(3, 8))(random.key(0))
 * const [out, h] = nn.GRU.forward(gru, tf.ones([4, 10, 3])) // out [4, 10, 8], h [1, 4, 8]
 * @category layers
 * @since 0.1.0
 */
export const GRU = configurable(GRUDef, GRUConfig, {
  toConfig: stackConfigOf,
  fromConfig: ({ inputSize, hiddenSize, ...options }) => GRUDef.create(inputSize, hiddenSize, options),
});
/**
 * A `GRU` whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const gru: nn.GRU<tf.Tensor> = initialize(nn.GRU.create(3, 8))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type GRU<A> = ModuleType<typeof GRU, A>;
