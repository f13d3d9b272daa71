/**
 * `Linear`: `y = x Wᵀ + b` over the last axis (PyTorch's `nn.Linear`; the original Parallax's `Dense`).
 *
 * - input `[..., inFeatures]` (any rank ≥ 1), output `[..., outFeatures]`
 * - `weight: [outFeatures, inFeatures]`, `bias: [outFeatures]` (absent when `bias: false`)
 * - default init, PyTorch's: weight and bias `U(-1/√in, 1/√in)` — the weight as
 *   `varianceScaling(1/3, 'fanIn', 'uniform', { inAxis: -1, outAxis: -2 })`
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { varianceScaling } from '../init/varianceScaling.js';
import type { Initializer } from '../init/Initializer.js';
import { uniform } from '../random/uniform.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { type ParamInit, paramInit } from '../tree/ParamInit.js';
import { optionalParam } from './optionalParam.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { checkLastAxis } from './inputCheck.js';
import { linearOp } from './linearOp.js';

type Tensor = tf.Tensor;

const fields = {
  weight: param(),
  bias: param(),
  inFeatures: constant<number>(),
  outFeatures: constant<number>(),
  useBias: constant<boolean>(),
};

/**
 * The fp-ts URI of `Linear` modules (also `Linear.URI`).
 * @example
 * nn.Linear.URI // 'parallax-ts/nn/Linear'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/Linear';
/** @since 0.1.0 */
export type URI = typeof URI;
/** A `Linear` layer whose leaves are `A` (`ParamInit` before initialization, `Tensor` after). @since 0.1.0 */
export type Linear<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: Linear<A>;
  }
}

// One differentiable op with a hand-written gradient: flag-free matMuls on wasm, no reshapes for a
// rank-1 input (see linearOp.ts for the measurements behind it).
const forward = (m: Linear<Tensor>, x: Tensor): Tensor =>
  linearOp(checkLastAxis(x, m.inFeatures), m.weight, m.useBias ? m.bias : undefined);

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
  name: 'Linear',
  fields,
  extraRepr: (m) => `${m.inFeatures}, ${m.outFeatures}${m.useBias ? '' : ', bias=false'}`,
  forward,
});

/** Options of {@link Linear.create}. @since 0.1.0 */
export interface LinearOptions {
  /** Default `true`. Without bias, the `bias` leaf is a zero-size tensor of shape `[0]` (no state-dict key, as in PyTorch). */
  readonly bias?: boolean;
  /** Default: PyTorch's `U(±1/√in)`. */
  readonly weightInit?: Initializer;
  /** Default: PyTorch's `U(±1/√in)`. */
  readonly biasInit?: Initializer;
}

const checkSize = (fn: string, name: string, n: unknown): number => {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new Error(`${fn}: ${name} must be a positive integer, got ${JSON.stringify(n)}`);
  }
  return n;
};

/**
 * PyTorch's default bias draw for a layer with `fanIn` inputs: `U(-1/√fanIn, 1/√fanIn)`.
 * @example
 * pytorchBiasInit(5)([10])(random.key(0))
 * @since 0.1.0
 */
export const pytorchBiasInit =
  (fanIn: number): Initializer =>
  (shape) =>
  (key) => {
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    return uniform(key, shape, { minval: -bound, maxval: bound });
  };

/**
 * `Linear`: the module definition (fp-ts instances, `forward`, `apply`) plus `create`.
 * (Its type is spelled out so that modules holding a `Linear` can be declared without a type cycle.)
 * @since 0.1.0
 */
export interface LinearDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new, uninitialized layer: `weight: [out, in]`, `bias: [out]`. */
  readonly create: (inFeatures: number, outFeatures: number, options?: LinearOptions) => Linear<ParamInit<Tensor>>;
  /** The io-ts codec of {@link LinearConfig} (architecture as data; custom initializers are not part of it). */
  readonly configCodec: typeof LinearConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: Linear<unknown>) => LinearConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: LinearConfig) => Linear<ParamInit<Tensor>>;
}

/**
 * `Linear`'s constructor arguments as JSON: `{ inFeatures, outFeatures, bias? }`.
 * @example
 * nn.Linear.fromConfig({ inFeatures: 5, outFeatures: 10, bias: false })
 * @since 0.1.0
 */
export const LinearConfig = configObject('Linear config', { inFeatures: PositiveInt, outFeatures: PositiveInt }, { bias: t.boolean });
/** @since 0.1.0 */
export type LinearConfig = t.TypeOf<typeof LinearConfig>;

/**
 * The `Linear` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link LinearDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const layer = initialize(nn.Linear.create(5, 10))(random.key(0))
 * nn.Linear.forward(layer, tf.ones([3, 5])).shape // [3, 10]
 * @since 0.1.0
 */
export const Linear: LinearDef = {
  ...def,
  create: (inFeatures, outFeatures, options = {}) => {
    checkSize('Linear.create', 'inFeatures', inFeatures);
    checkSize('Linear.create', 'outFeatures', outFeatures);
    const useBias = options.bias ?? true;
    const weightInit = options.weightInit ?? varianceScaling(1 / 3, 'fanIn', 'uniform', { inAxis: -1, outAxis: -2 });
    const biasInit = options.biasInit ?? pytorchBiasInit(inFeatures);
    return def.make({
      weight: paramInit([outFeatures, inFeatures], weightInit),
      bias: optionalParam(useBias, [outFeatures], biasInit),
      inFeatures,
      outFeatures,
      useBias,
    });
  },
  configCodec: LinearConfig,
  toConfig: (m) => ({ inFeatures: m.inFeatures, outFeatures: m.outFeatures, bias: m.useBias }),
  fromConfig: (c) => Linear.create(c.inFeatures, c.outFeatures, { bias: c.bias ?? true }),
};
