/**
 * `GroupNorm`: splits the channels into `numGroups` groups and normalizes each group of each sample
 * over its channels and spatial positions, then scales and shifts per channel; PyTorch's
 * `nn.GroupNorm` (biased variance).
 *
 * - input `[N, C, *]` (any number of spatial axes, none included); output: the same shape
 * - `weight: [C]`, `bias: [C]` (shape `[0]` when `affine: false`)
 * - default init, PyTorch's: weight 1, bias 0; `eps` 1e-5
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { ones, zeros } from '../init/constant.js';
import { constant, param } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { configObject, FiniteNumber, PositiveInt } from './configCodecs.js';
import { checkTensor } from './inputCheck.js';
import { checkEps } from './normalizationArguments.js';
import { optionalParam } from './optionalParam.js';
import { checkPositiveInt } from './spatial.js';

type Tensor = tf.Tensor;

const fields = {
  weight: param(),
  bias: param(),
  numGroups: constant<number>(),
  numChannels: constant<number>(),
  eps: constant<number>(),
  affine: constant<boolean>(),
};

/**
 * The fp-ts URI of `GroupNorm` modules (also `GroupNorm.URI`).
 * @example
 * nn.GroupNorm.URI // 'parallax-ts/nn/GroupNorm'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/GroupNorm';
/** @since 0.1.0 */
export type URI = typeof URI;
/** A `GroupNorm` layer whose leaves are `A`. @since 0.1.0 */
export type GroupNorm<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: GroupNorm<A>;
  }
}

const forward = (m: GroupNorm<Tensor>, x: Tensor): Tensor => {
  const x0 = checkTensor(x);
  if (x0.rank < 2 || x0.shape[1] !== m.numChannels) {
    throw new ModuleError(`expected input of shape [N, ${m.numChannels}, *], got ${formatShape(x0.shape)}`);
  }
  return tf.tidy(() => {
    const n = x.shape[0]!;
    // explicit group size rather than -1, which tfjs cannot infer for an empty batch (N = 0)
    const groupSize = x.shape.slice(1).reduce((a, b) => a * b, 1) / m.numGroups;
    const grouped = tf.reshape(x, [n, m.numGroups, groupSize]);
    const { mean, variance } = tf.moments(grouped, [2], true);
    const normed = tf.reshape(tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, m.eps))), x.shape);
    if (!m.affine) return normed;
    const perChannel = [m.numChannels, ...x.shape.slice(2).map(() => 1)];
    return tf.add(tf.mul(normed, tf.reshape(m.weight, perChannel)), tf.reshape(m.bias, perChannel));
  });
};

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
  name: 'GroupNorm',
  fields,
  extraRepr: (m) => `${m.numGroups}, ${m.numChannels}, eps=${m.eps}, affine=${m.affine}`,
  forward,
});

/** Options of {@link GroupNorm.create} (PyTorch's defaults). @since 0.1.0 */
export interface GroupNormOptions {
  /** Default 1e-5. */
  readonly eps?: number;
  /** Default `true`: learnable per-channel `weight` and `bias`. */
  readonly affine?: boolean;
}

/**
 * The JSON-able constructor arguments of a `GroupNorm`.
 * @example
 * nn.GroupNorm.fromConfig({ numGroups: 4, numChannels: 16, eps: 1e-6 })
 * @since 0.1.0
 */
export const GroupNormConfig = configObject(
  'GroupNorm config',
  { numGroups: PositiveInt, numChannels: PositiveInt },
  { eps: FiniteNumber, affine: t.boolean },
);
/** @since 0.1.0 */
export type GroupNormConfig = t.TypeOf<typeof GroupNormConfig>;

/**
 * `GroupNorm`: the module definition plus `create`, and its config.
 * @since 0.1.0
 */
export interface GroupNormDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new, uninitialized layer: `weight`, `bias` of shape `[numChannels]`. */
  readonly create: (numGroups: number, numChannels: number, options?: GroupNormOptions) => GroupNorm<ParamInit<Tensor>>;
  /** The io-ts codec of the constructor arguments. */
  readonly configCodec: typeof GroupNormConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: GroupNorm<unknown>) => GroupNormConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: GroupNormConfig) => GroupNorm<ParamInit<Tensor>>;
}

const create: GroupNormDef['create'] = (numGroups, numChannels, options = {}) => {
  const fn = 'GroupNorm.create';
  checkPositiveInt(fn, 'numGroups', numGroups);
  checkPositiveInt(fn, 'numChannels', numChannels);
  if (numChannels % numGroups !== 0) throw new Error(`${fn}: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
  const eps = checkEps(fn, options.eps ?? 1e-5);
  const affine = options.affine ?? true;
  return def.make({
    weight: optionalParam(affine, [numChannels], ones),
    bias: optionalParam(affine, [numChannels], zeros),
    numGroups,
    numChannels,
    eps,
    affine,
  });
};

/**
 * The `GroupNorm` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link GroupNormDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const gn = initialize(nn.GroupNorm.create(4, 16))(random.key(0))
 * nn.GroupNorm.forward(gn, tf.ones([2, 16, 8, 8])).shape // [2, 16, 8, 8]
 * @since 0.1.0
 */
export const GroupNorm: GroupNormDef = {
  ...def,
  create,
  configCodec: GroupNormConfig,
  toConfig: (m) => ({ numGroups: m.numGroups, numChannels: m.numChannels, eps: m.eps, affine: m.affine }),
  fromConfig: (c) => create(c.numGroups, c.numChannels, c),
};
