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
import { defineModule, type ModuleType } from '../tree/Module.js';
import { paramInit } from '../tree/ParamInit.js';
import { configurable } from './configurable.js';
import { optionalParam } from './optionalParam.js';
import { configObject, PositiveInt } from './configCodecs.js';
import { checkLastAxis } from './inputCheck.js';
import { linearOp } from './linearOp.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/** Options of {@link Linear.create}. @category model @since 0.1.0 */
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
    throw new ArgumentError(`${fn}: ${name} must be a positive integer, got ${describeData(n)}`);
  }
  return n;
};

/**
 * PyTorch's default bias draw for a layer with `fanIn` inputs: `U(-1/√fanIn, 1/√fanIn)`.
 * @example
 * import { nn, random } from 'parallax-ts'
 * const bias = nn.pytorchBiasInit(5)([10])(random.key(0)) // Tensor of shape [10]
 * @category initializers
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
 * `Linear`'s constructor arguments as JSON: `{ inFeatures, outFeatures, bias? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const layer = nn.Linear.fromConfig({ inFeatures: 5, outFeatures: 10, bias: false })
 * @category config
 * @since 0.1.0
 */
export const LinearConfig = configObject('Linear config', { inFeatures: PositiveInt, outFeatures: PositiveInt }, { bias: t.boolean });
/** @category config @since 0.1.0 */
export type LinearConfig = t.TypeOf<typeof LinearConfig>;

const LinearDef = defineModule('parallax-ts/nn/Linear', {
  name: 'Linear',
  fields: { weight: param(), bias: param(), inFeatures: constant<number>(), outFeatures: constant<number>(), useBias: constant<boolean>() },
  create: (inFeatures: number, outFeatures: number, options: LinearOptions = {}) => {
    checkLayerOptions('Linear.create', options, { bias: 'flag', weightInit: 'initializer', biasInit: 'initializer' });
    checkSize('Linear.create', 'inFeatures', inFeatures);
    checkSize('Linear.create', 'outFeatures', outFeatures);
    const useBias = options.bias ?? true;
    return {
      weight: paramInit(
        [outFeatures, inFeatures],
        options.weightInit ?? varianceScaling(1 / 3, 'fanIn', 'uniform', { inAxis: -1, outAxis: -2 }),
      ),
      bias: optionalParam(useBias, [outFeatures], options.biasInit ?? pytorchBiasInit(inFeatures)),
      inFeatures,
      outFeatures,
      useBias,
    };
  },
  // One differentiable op with a hand-written gradient: flag-free matMuls on wasm, no reshapes for a
  // rank-1 input (see linearOp.ts for the measurements behind it).
  forward: (m, x: Tensor) => linearOp(checkLastAxis(x, m.inFeatures), m.weight, m.useBias ? m.bias : undefined),
  extraRepr: (m) => `${m.inFeatures}, ${m.outFeatures}${m.useBias ? '' : ', bias=false'}`,
});

/**
 * The `Linear` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const layer = initialize(nn.Linear.create(5, 10))(random.key(0))
 * nn.Linear.forward(layer, tf.ones([3, 5])).shape // [3, 10]
 * @category layers
 * @since 0.1.0
 */
export const Linear = configurable(LinearDef, LinearConfig, {
  toConfig: (m) => ({ inFeatures: m.inFeatures, outFeatures: m.outFeatures, bias: m.useBias }),
  fromConfig: (c) => LinearDef.create(c.inFeatures, c.outFeatures, { bias: c.bias ?? true }),
});
/** A `Linear` layer whose leaves are `A` (`ParamInit` before initialization, `Tensor` after). @category model @since 0.1.0 */
export type Linear<A> = ModuleType<typeof Linear, A>;
