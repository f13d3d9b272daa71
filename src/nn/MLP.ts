/**
 * `MLP`: a multi-layer perceptron built from `Linear` layers, `sizes = [in, h1, …, out]`:
 * `Linear(in, h1) → act → dropout → … → Linear(h_{k-1}, out)`; by default no activation after the
 * last layer (`finalActivation` adds one).
 *
 * - input `[..., sizes[0]]`, output `[..., sizes[sizes.length - 1]]`
 * - leaves (field paths) `layers.<i>.weight: [sizes[i+1], sizes[i]]`, `layers.<i>.bias: [sizes[i+1]]`
 * - state-dict keys: those of the same network written as PyTorch's `nn.Sequential`, so a PyTorch
 *   MLP's `state_dict()` loads as it is. Without dropout (the default) that is
 *   `Sequential(Linear, act, Linear, act, …, Linear)`: Linear `i` is `<2i>.weight`, `<2i>.bias`
 *   (`0.*`, `2.*`, `4.*`, …). With `dropout > 0`, each hidden block is `Linear, act, Dropout`, as
 *   `Sequential(Linear, act, Dropout, Linear, …, Linear)`: Linear `i` is `<3i>.*` (`0.*`, `3.*`,
 *   `6.*`, …), the layout chosen when the module is made (`create`, `make`, `fromConfig`). A final
 *   activation comes after the last Linear and shifts no index.
 * - default init: each Linear's (PyTorch's `U(±1/√in)` for weight and bias)
 * - dropout (rate `dropout`, default 0) after every hidden activation, in train mode only; the one
 *   `dropout` submodule is used once per hidden layer, as `reuse(dropout, i)`, so each use draws
 *   its own mask
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { reuse } from '../random/newState.js';
import { constant, submodule, submodules } from '../tree/Field.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import { activation, type ActivationName, ActivationNameCodec } from './Activation.js';
import { configObject, DropoutRate, PositiveInt } from './configCodecs.js';
import { configurable } from './configurable.js';
import { Dropout } from './Dropout.js';
import { Linear } from './Linear.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link MLP.create}.
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.MLPOptions = { activation: 'tanh', finalActivation: 'sigmoid', dropout: 0.1, bias: true }
 * const mlp = nn.MLP.create([4, 16, 1], options)
 * @category model
 * @since 0.1.0
 */
export interface MLPOptions {
  /** Hidden activation; default `'relu'`. */
  readonly activation?: ActivationName;
  /** Activation after the last layer; default `'identity'`. */
  readonly finalActivation?: ActivationName;
  /** Dropout rate after each hidden activation; default 0. */
  readonly dropout?: number;
  /** Whether the Linear layers have biases; default `true`. */
  readonly bias?: boolean;
}

/** At least two sizes: the input's and the output's. */
const Sizes = t.refinement(t.array(PositiveInt), (xs) => xs.length >= 2, 'a list of at least 2 positive integers');

/**
 * `MLP`'s constructor arguments as JSON: `{ sizes, activation?, finalActivation?, dropout?, bias? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const mlp = nn.MLP.fromConfig({ sizes: [4, 16, 2], activation: 'gelu' })
 * @category config
 * @since 0.1.0
 */
export const MLPConfig = configObject(
  'MLP config',
  { sizes: Sizes },
  { activation: ActivationNameCodec, finalActivation: ActivationNameCodec, dropout: DropoutRate, bias: t.boolean },
);
/**
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.MLPConfig = { sizes: [4, 16, 2], activation: 'gelu', dropout: 0.1 }
 * @category config
 * @since 0.1.0
 */
export type MLPConfig = t.TypeOf<typeof MLPConfig>;

/** The sizes an MLP was built with: `[in, hidden…, out]`. */
const sizesOf = (m: {
  readonly layers: ReadonlyArray<{ readonly inFeatures: number; readonly outFeatures: number }>;
}): ReadonlyArray<number> => [m.layers[0]!.inFeatures, ...m.layers.map((l) => l.outFeatures)];

const fields = {
  layers: submodules(Linear),
  dropout: submodule(Dropout),
  activation: constant<ActivationName>(),
  finalActivation: constant<ActivationName>(),
};

// PyTorch's `Sequential(Linear, act, Linear, …)` numbers Linear `i` `2i`; with dropout,
// `Sequential(Linear, act, Dropout, Linear, …)`, `3i`.
const MLPDef = defineModule('parallax-ts/nn/MLP', {
  name: 'MLP',
  fields,
  stateDictKeys: { layers: (childKey, i, m) => `${(m.dropout.rate > 0 ? 3 : 2) * i}.${childKey}` },
  create: (sizes: ReadonlyArray<number>, options: MLPOptions = {}) => {
    checkLayerOptions('MLP.create', options, { activation: 'value', finalActivation: 'value', dropout: 'value', bias: 'flag' });
    if (!Array.isArray(sizes) || sizes.length < 2) {
      throw new ArgumentError(`MLP.create: sizes must list at least the input and output sizes, got ${describeData(sizes)}`);
    }
    const act = options.activation ?? 'relu';
    const finalAct = options.finalActivation ?? 'identity';
    for (const [what, name] of [
      ['activation', act],
      ['finalActivation', finalAct],
    ] as const) {
      if (!ActivationNameCodec.is(name)) {
        throw new ArgumentError(`MLP.create: ${what} must be ${ActivationNameCodec.name}, got ${describeData(name)}`);
      }
    }
    return {
      layers: sizes.slice(1).map((out, i) => Linear.create(sizes[i]!, out, { bias: options.bias ?? true })),
      dropout: Dropout.create(options.dropout ?? 0),
      activation: act,
      finalActivation: finalAct,
    };
  },
  forward: (m, x: Tensor) => {
    const act = activation(m.activation);
    const last = m.layers.length - 1;
    return tf.tidy(() =>
      m.layers.reduce((h, layer, i) => {
        const y = Linear.forward(layer, h);
        return i < last ? Dropout.forward(reuse(m.dropout, i), act(y)) : activation(m.finalActivation)(y);
      }, x),
    );
  },
  extraRepr: (m) =>
    `sizes=[${[m.layers[0]?.inFeatures, ...m.layers.map((l) => l.outFeatures)].join(', ')}], activation=${m.activation}` +
    (m.dropout.rate > 0 ? `, dropout=${m.dropout.rate}` : '') +
    (m.finalActivation !== 'identity' ? `, finalActivation=${m.finalActivation}` : ''),
});

/**
 * The `MLP` layer: `create(sizes, options?)` builds one (uninitialized, `sizes.length - 1` Linear
 * layers), `forward` / `apply` run it, `sizes` gives back the sizes it was built with, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const mlp = initialize(nn.MLP.create([4, 16, 16, 2], { activation: 'gelu', dropout: 0.1 }))(random.key(0))
 * nn.MLP.forward(mlp, tf.ones([8, 4])).shape // [8, 2]
 * nn.MLP.sizes(mlp) // [4, 16, 16, 2]
 * @category layers
 * @since 0.1.0
 */
export const MLP = {
  ...configurable(MLPDef, MLPConfig, {
    toConfig: (m) => ({
      sizes: [...sizesOf(m)],
      activation: m.activation,
      finalActivation: m.finalActivation,
      dropout: m.dropout.rate,
      bias: m.layers[0]!.useBias,
    }),
    fromConfig: ({ sizes, ...options }) => MLPDef.create(sizes, options),
  }),
  /** The sizes an MLP was built with: `[in, hidden…, out]`. */
  sizes: (m: ModuleType<typeof MLPDef, unknown>): ReadonlyArray<number> => sizesOf(m),
};
/**
 * An `MLP` whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const mlp: nn.MLP<tf.Tensor> = initialize(nn.MLP.create([4, 16, 2]))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type MLP<A> = ModuleType<typeof MLP, A>;
