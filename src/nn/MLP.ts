/**
 * `MLP`: a multi-layer perceptron built from `Linear` layers, `sizes = [in, h1, …, out]`:
 * `Linear(in, h1) → act → dropout → … → Linear(h_{k-1}, out)`; by default no activation after the
 * last layer (`finalActivation` adds one).
 *
 * - input `[..., sizes[0]]`, output `[..., sizes[sizes.length - 1]]`
 * - leaves `layers.<i>.weight: [sizes[i+1], sizes[i]]`, `layers.<i>.bias: [sizes[i+1]]`
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
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { activation, type ActivationName, ActivationNameCodec } from './Activation.js';
import { configObject, DropoutRate, PositiveInt } from './configCodecs.js';
import { Dropout } from './Dropout.js';
import { Linear } from './Linear.js';

type Tensor = tf.Tensor;

const fields = {
  layers: submodules(Linear),
  dropout: submodule(Dropout),
  activation: constant<ActivationName>(),
  finalActivation: constant<ActivationName>(),
};

/**
 * The fp-ts URI of `MLP` modules (also `MLP.URI`).
 * @example
 * nn.MLP.URI // 'parallax-ts/nn/MLP'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/MLP';
/** @since 0.1.0 */
export type URI = typeof URI;
/** An `MLP` whose leaves are `A`. @since 0.1.0 */
export type MLP<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: MLP<A>;
  }
}

const forward = (m: MLP<Tensor>, x: Tensor): Tensor => {
  const act = activation(m.activation);
  const last = m.layers.length - 1;
  return tf.tidy(() =>
    m.layers.reduce((h, layer, i) => {
      const y = Linear.forward(layer, h);
      return i < last ? Dropout.forward(reuse(m.dropout, i), act(y)) : activation(m.finalActivation)(y);
    }, x),
  );
};

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
  name: 'MLP',
  fields,
  extraRepr: (m) =>
    `sizes=[${[m.layers[0]?.inFeatures, ...m.layers.map((l) => l.outFeatures)].join(', ')}], activation=${m.activation}` +
    (m.dropout.rate > 0 ? `, dropout=${m.dropout.rate}` : '') +
    (m.finalActivation !== 'identity' ? `, finalActivation=${m.finalActivation}` : ''),
  forward,
});

/** Options of {@link MLP.create}. @since 0.1.0 */
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

/**
 * `MLP`: the module definition plus `create(sizes, options)`.
 * @since 0.1.0
 */
export interface MLPDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new, uninitialized MLP with `sizes.length - 1` Linear layers. */
  readonly create: (sizes: ReadonlyArray<number>, options?: MLPOptions) => MLP<ParamInit<Tensor>>;
  /** The sizes an MLP was built with: `[in, hidden…, out]`. */
  readonly sizes: (m: MLP<unknown>) => ReadonlyArray<number>;
  /** The io-ts codec of {@link MLPConfig}. */
  readonly configCodec: typeof MLPConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: MLP<unknown>) => MLPConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: MLPConfig) => MLP<ParamInit<Tensor>>;
}

/** At least two sizes: the input's and the output's. */
const Sizes = t.refinement(t.array(PositiveInt), (xs) => xs.length >= 2, 'a list of at least 2 positive integers');

/**
 * `MLP`'s constructor arguments as JSON: `{ sizes, activation?, finalActivation?, dropout?, bias? }`.
 * @example
 * nn.MLP.fromConfig({ sizes: [4, 16, 2], activation: 'gelu' })
 * @since 0.1.0
 */
export const MLPConfig = configObject(
  'MLP config',
  { sizes: Sizes },
  { activation: ActivationNameCodec, finalActivation: ActivationNameCodec, dropout: DropoutRate, bias: t.boolean },
);
/** @since 0.1.0 */
export type MLPConfig = t.TypeOf<typeof MLPConfig>;

/**
 * The `MLP` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link MLPDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const mlp = initialize(nn.MLP.create([4, 16, 16, 2], { activation: 'gelu', dropout: 0.1 }))(random.key(0))
 * nn.MLP.forward(mlp, tf.ones([8, 4])).shape // [8, 2]
 * @since 0.1.0
 */
export const MLP: MLPDef = {
  ...def,
  create: (sizes, options = {}) => {
    if (!Array.isArray(sizes) || sizes.length < 2) {
      throw new Error(`MLP.create: sizes must list at least the input and output sizes, got ${JSON.stringify(sizes)}`);
    }
    const act = options.activation ?? 'relu';
    const finalAct = options.finalActivation ?? 'identity';
    for (const [what, name] of [['activation', act], ['finalActivation', finalAct]] as const) {
      if (!ActivationNameCodec.is(name)) {
        throw new Error(`MLP.create: ${what} must be ${ActivationNameCodec.name}, got ${JSON.stringify(name)}`);
      }
    }
    const layers = sizes.slice(1).map((out, i) => Linear.create(sizes[i]!, out, { bias: options.bias ?? true }));
    return def.make<ParamInit<Tensor>>({
      layers,
      dropout: Dropout.create<ParamInit<Tensor>>(options.dropout ?? 0),
      activation: act,
      finalActivation: finalAct,
    });
  },
  sizes: (m) => [m.layers[0]!.inFeatures, ...m.layers.map((l) => l.outFeatures)],
  configCodec: MLPConfig,
  toConfig: (m) => ({
    sizes: [...MLP.sizes(m)],
    activation: m.activation,
    finalActivation: m.finalActivation,
    dropout: m.dropout.rate,
    bias: m.layers[0]!.useBias,
  }),
  fromConfig: (c) => MLP.create(c.sizes, c),
};
