/**
 * Activation functions as modules, PyTorch's `nn.ReLU`, `nn.GELU`, … : parameter-free layers that take
 * a place in a `Sequential` as they do in PyTorch, so that state-dict indices line up —
 * `Sequential.create([Linear.create(6, 16), ReLU.create(), Linear.create(16, 3)])` has the keys
 * `0.weight, 0.bias, 2.weight, 2.bias`, as `torch.nn.Sequential(Linear(6, 16), ReLU(), Linear(16, 3))`.
 *
 * - input: a float32 tensor of any shape (`Softmax` / `LogSoftmax`: rank > `dim`); output: the same
 *   shape. `Identity` takes any tensor and returns it as it is.
 * - no leaves: created at leaf type `never`, so they fit in any tree; their arguments are constants,
 *   written by `nn.toConfig` and read by `nn.fromConfig`.
 * - the math is the functions of `activations.ts` (each matches PyTorch's function of the same name).
 *
 * @since 0.2.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant } from '../tree/Field.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import { ModuleError } from '../tree/ModuleError.js';
import * as act from './activations.js';
import { configObject, FiniteNumber, oneOf } from './configCodecs.js';
import { configurable } from './configurable.js';
import { checkTensor } from './inputCheck.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/** The config of an activation without arguments: `{}` (any key is an unknown option). */
const noArguments = (name: string) => configObject(`${name} config`, {});

/**
 * An activation module without arguments: its definition (URI `parallax-ts/nn/<name>`), config `{}`,
 * forward `f` on a float32 input. The URI is a type parameter, so each kind keeps its own literal.
 */
const argumentFree = <const U extends string>(URI: U, name: string, f: (x: Tensor) => Tensor) => {
  const def = defineModule(URI, {
    name,
    fields: {},
    create: () => ({}),
    forward: (_m, x: Tensor) => f(checkTensor(x)),
  });
  return configurable(def, noArguments(name), { toConfig: () => ({}), fromConfig: () => def.create() });
};

/** A float number checked at construction, with the argument's name in the error. */
const checkFinite = (fn: string, name: string, v: unknown): number => {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ArgumentError(`${fn}: ${name} must be a finite number, got ${describeData(v)}`);
  return v;
};

// -------------------------------------------------------------------------------------
// without arguments
// -------------------------------------------------------------------------------------

/**
 * `ReLU`: `max(x, 0)` elementwise (PyTorch's `nn.ReLU`).
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.ReLU.forward(nn.ReLU.create(), tf.tensor1d([-1, 2])) // [0, 2]
 * const net = nn.Sequential.create([nn.Linear.create(6, 16), nn.ReLU.create(), nn.Linear.create(16, 3)]) // keys 0.*, 2.*
 * @category layers
 * @since 0.2.0
 */
export const ReLU = argumentFree('parallax-ts/nn/ReLU', 'ReLU', act.relu);
/**
 * A `ReLU` module (no leaves; `A` is the leaf type of the tree it sits in).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const relu: nn.ReLU<tf.Tensor> = nn.ReLU.create()
 * @category model
 * @since 0.2.0
 */
export type ReLU<A> = ModuleType<typeof ReLU, A>;

/**
 * `SiLU` (swish): `x · σ(x)` elementwise (PyTorch's `nn.SiLU`).
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.SiLU.forward(nn.SiLU.create(), tf.tensor1d([1])) // [0.7311]
 * @category layers
 * @since 0.2.0
 */
export const SiLU = argumentFree('parallax-ts/nn/SiLU', 'SiLU', act.silu);
/**
 * A `SiLU` module (no leaves).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const silu: nn.SiLU<tf.Tensor> = nn.SiLU.create()
 * @category model
 * @since 0.2.0
 */
export type SiLU<A> = ModuleType<typeof SiLU, A>;

/**
 * `Tanh`: `tanh(x)` elementwise (PyTorch's `nn.Tanh`).
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.Tanh.forward(nn.Tanh.create(), tf.tensor1d([0])) // [0]
 * @category layers
 * @since 0.2.0
 */
export const Tanh = argumentFree('parallax-ts/nn/Tanh', 'Tanh', act.tanh);
/**
 * A `Tanh` module (no leaves).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const tanh: nn.Tanh<tf.Tensor> = nn.Tanh.create()
 * @category model
 * @since 0.2.0
 */
export type Tanh<A> = ModuleType<typeof Tanh, A>;

/**
 * `Sigmoid`: `1 / (1 + e^−x)` elementwise (PyTorch's `nn.Sigmoid`).
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.Sigmoid.forward(nn.Sigmoid.create(), tf.tensor1d([0])) // [0.5]
 * @category layers
 * @since 0.2.0
 */
export const Sigmoid = argumentFree('parallax-ts/nn/Sigmoid', 'Sigmoid', act.sigmoid);
/**
 * A `Sigmoid` module (no leaves).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const sigmoid: nn.Sigmoid<tf.Tensor> = nn.Sigmoid.create()
 * @category model
 * @since 0.2.0
 */
export type Sigmoid<A> = ModuleType<typeof Sigmoid, A>;

const IdentityDef = defineModule('parallax-ts/nn/Identity', {
  name: 'Identity',
  fields: {},
  create: () => ({}),
  // Any dtype, as PyTorch's: the input itself, not a copy (a Sequential's tidy keeps what it was given).
  forward: (_m, x: Tensor) => {
    if (!(x instanceof tf.Tensor)) throw new ModuleError(`expected input to be a tensor, got ${x === null ? 'null' : typeof x}`);
    return x;
  },
});

/**
 * `Identity`: returns its input as it is (PyTorch's `nn.Identity`), e.g. a placeholder for a layer
 * switched off by a configuration, which keeps the indices of the layers after it.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * const x = tf.tensor1d([1, 2])
 * nn.Identity.forward(nn.Identity.create(), x) === x // true
 * @category layers
 * @since 0.2.0
 */
export const Identity = configurable(IdentityDef, noArguments('Identity'), {
  toConfig: () => ({}),
  fromConfig: () => IdentityDef.create(),
});
/**
 * An `Identity` module (no leaves).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const id: nn.Identity<tf.Tensor> = nn.Identity.create()
 * @category model
 * @since 0.2.0
 */
export type Identity<A> = ModuleType<typeof Identity, A>;

// -------------------------------------------------------------------------------------
// with arguments
// -------------------------------------------------------------------------------------

/**
 * How {@link GELU} computes Φ: `'none'` exactly (with erf), `'tanh'` with the tanh approximation.
 * @example
 * import { nn } from 'parallax-ts'
 * const approximate: nn.GELUApproximation = 'tanh'
 * const gelu = nn.GELU.create({ approximate })
 * @category model
 * @since 0.2.0
 */
export type GELUApproximation = 'none' | 'tanh';
const GELUApproximationCodec = oneOf<GELUApproximation>(['none', 'tanh']);

/**
 * `GELU`'s constructor arguments as JSON: `{ approximate? }` (default `'none'`).
 * @example
 * import { nn } from 'parallax-ts'
 * const gelu = nn.GELU.fromConfig({ approximate: 'tanh' })
 * @category config
 * @since 0.2.0
 */
export const GELUConfig = configObject('GELU config', {}, { approximate: GELUApproximationCodec });
/**
 * The decoded form of {@link GELUConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.GELUConfig = { approximate: 'none' }
 * @category config
 * @since 0.2.0
 */
export type GELUConfig = t.TypeOf<typeof GELUConfig>;

const GELUDef = defineModule('parallax-ts/nn/GELU', {
  name: 'GELU',
  fields: { approximate: constant<GELUApproximation>() },
  create: (options: { readonly approximate?: GELUApproximation } = {}) => {
    checkLayerOptions('GELU.create', options, { approximate: 'value' });
    const approximate = options.approximate ?? 'none';
    if (!GELUApproximationCodec.is(approximate)) {
      throw new ArgumentError(`GELU.create: approximate must be ${GELUApproximationCodec.name}, got ${describeData(approximate)}`);
    }
    return { approximate };
  },
  forward: (m, x: Tensor) => (m.approximate === 'tanh' ? act.geluTanh : act.gelu)(checkTensor(x)),
  extraRepr: (m) => `approximate='${m.approximate}'`,
});

/**
 * `GELU`: `x · Φ(x)`, exact by default, or with PyTorch's tanh approximation (`{ approximate: 'tanh' }`,
 * GPT-2's) — PyTorch's `nn.GELU(approximate=...)`.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.GELU.forward(nn.GELU.create(), tf.tensor1d([0, 1])) // [0, 0.8413]
 * nn.GELU.forward(nn.GELU.create({ approximate: 'tanh' }), tf.tensor1d([1])) // [0.8412]
 * @category layers
 * @since 0.2.0
 */
export const GELU = configurable(GELUDef, GELUConfig, {
  toConfig: (m) => ({ approximate: m.approximate }),
  fromConfig: (c) => GELUDef.create(c),
});
/**
 * A `GELU` module (no leaves).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const gelu: nn.GELU<tf.Tensor> = nn.GELU.create({ approximate: 'tanh' })
 * @category model
 * @since 0.2.0
 */
export type GELU<A> = ModuleType<typeof GELU, A>;

/**
 * `LeakyReLU`'s constructor arguments as JSON: `{ negativeSlope? }` (default 0.01).
 * @example
 * import { nn } from 'parallax-ts'
 * const leaky = nn.LeakyReLU.fromConfig({ negativeSlope: 0.2 })
 * @category config
 * @since 0.2.0
 */
export const LeakyReLUConfig = configObject('LeakyReLU config', {}, { negativeSlope: FiniteNumber });
/**
 * The decoded form of {@link LeakyReLUConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.LeakyReLUConfig = { negativeSlope: 0.2 }
 * @category config
 * @since 0.2.0
 */
export type LeakyReLUConfig = t.TypeOf<typeof LeakyReLUConfig>;

const LeakyReLUDef = defineModule('parallax-ts/nn/LeakyReLU', {
  name: 'LeakyReLU',
  fields: { negativeSlope: constant<number>() },
  create: (negativeSlope: number = 0.01) => ({ negativeSlope: checkFinite('LeakyReLU.create', 'negativeSlope', negativeSlope) }),
  forward: (m, x: Tensor) => act.leakyRelu(checkTensor(x), m.negativeSlope),
  extraRepr: (m) => `negative_slope=${m.negativeSlope}`,
});

/**
 * `LeakyReLU`: `x` for `x ≥ 0`, `negativeSlope · x` below (PyTorch's `nn.LeakyReLU`, default slope 0.01).
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.LeakyReLU.forward(nn.LeakyReLU.create(), tf.tensor1d([-1, 1])) // [-0.01, 1]
 * nn.LeakyReLU.forward(nn.LeakyReLU.create(0.2), tf.tensor1d([-1, 1])) // [-0.2, 1]
 * @category layers
 * @since 0.2.0
 */
export const LeakyReLU = configurable(LeakyReLUDef, LeakyReLUConfig, {
  toConfig: (m) => ({ negativeSlope: m.negativeSlope }),
  fromConfig: (c) => LeakyReLUDef.create(c.negativeSlope),
});
/**
 * A `LeakyReLU` module (no leaves).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const leaky: nn.LeakyReLU<tf.Tensor> = nn.LeakyReLU.create(0.2)
 * @category model
 * @since 0.2.0
 */
export type LeakyReLU<A> = ModuleType<typeof LeakyReLU, A>;

/**
 * `ELU`'s constructor arguments as JSON: `{ alpha? }` (default 1).
 * @example
 * import { nn } from 'parallax-ts'
 * const elu = nn.ELU.fromConfig({ alpha: 0.5 })
 * @category config
 * @since 0.2.0
 */
export const ELUConfig = configObject('ELU config', {}, { alpha: FiniteNumber });
/**
 * The decoded form of {@link ELUConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.ELUConfig = { alpha: 1 }
 * @category config
 * @since 0.2.0
 */
export type ELUConfig = t.TypeOf<typeof ELUConfig>;

const ELUDef = defineModule('parallax-ts/nn/ELU', {
  name: 'ELU',
  fields: { alpha: constant<number>() },
  create: (alpha: number = 1) => ({ alpha: checkFinite('ELU.create', 'alpha', alpha) }),
  forward: (m, x: Tensor) => act.elu(checkTensor(x), m.alpha),
  extraRepr: (m) => `alpha=${m.alpha}`,
});

/**
 * `ELU`: `x` for `x > 0`, `alpha · (eˣ − 1)` otherwise (PyTorch's `nn.ELU`, default `alpha` 1).
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.ELU.forward(nn.ELU.create(), tf.tensor1d([-1, 1])) // [-0.6321, 1]
 * @category layers
 * @since 0.2.0
 */
export const ELU = configurable(ELUDef, ELUConfig, {
  toConfig: (m) => ({ alpha: m.alpha }),
  fromConfig: (c) => ELUDef.create(c.alpha),
});
/**
 * An `ELU` module (no leaves).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const elu: nn.ELU<tf.Tensor> = nn.ELU.create(0.5)
 * @category model
 * @since 0.2.0
 */
export type ELU<A> = ModuleType<typeof ELU, A>;

/** Any integer (negative dims count from the end). */
const Dim = new t.Type<number, number, unknown>(
  'an integer',
  (u): u is number => Number.isInteger(u),
  (u, c) => (Number.isInteger(u) ? t.success(u as number) : t.failure(u, c)),
  t.identity,
);

const checkDim = (fn: string, dim: unknown): number => {
  if (!Number.isInteger(dim)) throw new ArgumentError(`${fn}: dim must be an integer, got ${describeData(dim)}`);
  return dim as number;
};

/**
 * `Softmax`'s and `LogSoftmax`'s constructor arguments as JSON: `{ dim }` (required: PyTorch's
 * implicit choice of `dim=None` is deprecated there and not offered here).
 * @example
 * import { nn } from 'parallax-ts'
 * const softmax = nn.Softmax.fromConfig({ dim: -1 })
 * @category config
 * @since 0.2.0
 */
export const SoftmaxConfig = configObject('Softmax config', { dim: Dim });
/**
 * The decoded form of {@link SoftmaxConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.SoftmaxConfig = { dim: 1 }
 * @category config
 * @since 0.2.0
 */
export type SoftmaxConfig = t.TypeOf<typeof SoftmaxConfig>;

const SoftmaxDef = defineModule('parallax-ts/nn/Softmax', {
  name: 'Softmax',
  fields: { dim: constant<number>() },
  create: (dim: number) => ({ dim: checkDim('Softmax.create', dim) }),
  forward: (m, x: Tensor) => act.softmax(checkTensor(x), m.dim),
  extraRepr: (m) => `dim=${m.dim}`,
});

/**
 * `Softmax(dim)`: `exp(x − max) / Σ exp(x − max)` along `dim` (negative counts from the end),
 * PyTorch's `nn.Softmax`.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.Softmax.forward(nn.Softmax.create(1), tf.tensor2d([[0, 0]])) // [[0.5, 0.5]]
 * @category layers
 * @since 0.2.0
 */
export const Softmax = configurable(SoftmaxDef, SoftmaxConfig, {
  toConfig: (m) => ({ dim: m.dim }),
  fromConfig: (c) => SoftmaxDef.create(c.dim),
});
/**
 * A `Softmax` module (no leaves).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const softmax: nn.Softmax<tf.Tensor> = nn.Softmax.create(-1)
 * @category model
 * @since 0.2.0
 */
export type Softmax<A> = ModuleType<typeof Softmax, A>;

/**
 * `LogSoftmax`'s constructor arguments as JSON: `{ dim }` (required, as for `Softmax`).
 * @example
 * import { nn } from 'parallax-ts'
 * const logSoftmax = nn.LogSoftmax.fromConfig({ dim: 1 })
 * @category config
 * @since 0.2.0
 */
export const LogSoftmaxConfig = configObject('LogSoftmax config', { dim: Dim });
/**
 * The decoded form of {@link LogSoftmaxConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.LogSoftmaxConfig = { dim: -1 }
 * @category config
 * @since 0.2.0
 */
export type LogSoftmaxConfig = t.TypeOf<typeof LogSoftmaxConfig>;

const LogSoftmaxDef = defineModule('parallax-ts/nn/LogSoftmax', {
  name: 'LogSoftmax',
  fields: { dim: constant<number>() },
  create: (dim: number) => ({ dim: checkDim('LogSoftmax.create', dim) }),
  forward: (m, x: Tensor) => act.logSoftmax(checkTensor(x), m.dim),
  extraRepr: (m) => `dim=${m.dim}`,
});

/**
 * `LogSoftmax(dim)`: `(x − max) − log Σ exp(x − max)` along `dim`, PyTorch's `nn.LogSoftmax`.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.LogSoftmax.forward(nn.LogSoftmax.create(1), tf.tensor2d([[0, 0]])) // [[-0.6931, -0.6931]]
 * @category layers
 * @since 0.2.0
 */
export const LogSoftmax = configurable(LogSoftmaxDef, LogSoftmaxConfig, {
  toConfig: (m) => ({ dim: m.dim }),
  fromConfig: (c) => LogSoftmaxDef.create(c.dim),
});
/**
 * A `LogSoftmax` module (no leaves).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const logSoftmax: nn.LogSoftmax<tf.Tensor> = nn.LogSoftmax.create(-1)
 * @category model
 * @since 0.2.0
 */
export type LogSoftmax<A> = ModuleType<typeof LogSoftmax, A>;
