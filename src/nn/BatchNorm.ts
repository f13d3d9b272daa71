/**
 * `BatchNorm1d` and `BatchNorm2d`: batch normalization, PyTorch's `nn.BatchNorm1d` / `nn.BatchNorm2d`.
 *
 * - `BatchNorm1d`: input `[N, C]` or `[N, C, L]`; `BatchNorm2d`: input `[N, C, H, W]`; output: the same shape
 * - parameters `weight: [C]`, `bias: [C]` (default 1 and 0; shape `[0]` when `affine: false`)
 * - buffers (non-trainable leaves: gradients never flow to them, optimizers skip them), named as in
 *   PyTorch's state dict so a PyTorch checkpoint loads as is: `runningMean: [C]` (init 0),
 *   `runningVar: [C]` (init 1), `numBatchesTracked: []` int32 (init 0); all `[0]`-shaped when
 *   `trackRunningStats: false`
 * - constants: `eps` (1e-5), `momentum` (0.1, PyTorch's convention: `running = (1 − momentum) ·
 *   running + momentum · batch`; `null` = cumulative average, factor `1 / numBatchesTracked`),
 *   `affine`, `trackRunningStats`
 * - mode (the `ctx` field, set by `setMode` / `newState`; a new layer is in eval mode, like `Dropout`):
 *   - train: normalizes with the batch's mean and biased variance (over every axis but `C`)
 *   - eval: normalizes with the running statistics (with `trackRunningStats: false`, batch statistics always)
 *
 * ## State, purely
 *
 * `forward(m, x)` never changes anything: in train mode it normalizes with batch statistics and
 * drops the update. `forwardWithState(m, x)` in train mode returns `[y, m']`, where `m'` is `m`
 * with new `runningMean`, `runningVar` (updated with the *unbiased* batch variance, as PyTorch)
 * and `numBatchesTracked + 1`; in eval mode it returns `[y, m]`. This is the `State` style of the
 * RNG threading: the caller threads `m'` into the next step (`applyWithState` does it for any
 * module, `Sequential` for its children). Ownership: `y` and the three new buffers are new tensors
 * owned by the caller; the old buffers are not disposed (they still belong to `m`, which the caller
 * may keep or `dispose`; parameters are shared between `m` and `m'`).
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/lib/Option.js';
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { ones, zeros } from '../init/constant.js';
import { buffer, constant, context, type Context, type FieldValues, param } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { type ParamInit, paramInit } from '../tree/ParamInit.js';
import { configObject, FiniteNumber, PositiveInt } from './configCodecs.js';
import { checkTensor } from './inputCheck.js';
import { checkEps } from './normalizationArguments.js';
import { optionalParam } from './optionalParam.js';
import { checkPositiveInt } from './spatial.js';

type Tensor = tf.Tensor;

const fields = {
  weight: param(),
  bias: param(),
  runningMean: buffer(),
  runningVar: buffer(),
  numBatchesTracked: buffer(),
  numFeatures: constant<number>(),
  eps: constant<number>(),
  /** `null`: cumulative moving average. */
  momentum: constant<number | null>(),
  affine: constant<boolean>(),
  trackRunningStats: constant<boolean>(),
  ctx: context({ stochastic: false }),
};

type Values<A> = FieldValues<typeof fields, A>;

/**
 * The fp-ts URI of `BatchNorm1d` modules (also `BatchNorm1d.URI`).
 * @example
 * nn.BatchNorm1d.URI // 'parallax-ts/nn/BatchNorm1d'
 * @since 0.1.0
 */
export const URI1d = 'parallax-ts/nn/BatchNorm1d';
/** @since 0.1.0 */
export type URI1d = typeof URI1d;
/**
 * The fp-ts URI of `BatchNorm2d` modules (also `BatchNorm2d.URI`).
 * @example
 * nn.BatchNorm2d.URI // 'parallax-ts/nn/BatchNorm2d'
 * @since 0.1.0
 */
export const URI2d = 'parallax-ts/nn/BatchNorm2d';
/** @since 0.1.0 */
export type URI2d = typeof URI2d;
/** A `BatchNorm1d` layer whose leaves are `A`. @since 0.1.0 */
export type BatchNorm1d<A> = ModuleOf<URI1d, typeof fields, A>;
/** A `BatchNorm2d` layer whose leaves are `A`. @since 0.1.0 */
export type BatchNorm2d<A> = ModuleOf<URI2d, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI1d]: BatchNorm1d<A>;
    readonly [URI2d]: BatchNorm2d<A>;
  }
}

const checkInput = (m: Values<Tensor>, x: unknown, ranks: ReadonlyArray<number>, expected: string): Tensor => {
  const x0 = checkTensor(x);
  if (!ranks.includes(x0.rank) || x0.shape[1] !== m.numFeatures) {
    throw new ModuleError(`expected input of shape ${expected.replaceAll('C', String(m.numFeatures))}, got ${formatShape(x0.shape)}`);
  }
  return x0;
};

const usesBatchStats = (m: Values<Tensor>): boolean => m.ctx.mode === 'train' || !m.trackRunningStats;

/** `y` and, when batch statistics were used, the batch mean, biased variance and element count per channel. */
const normalize = (m: Values<Tensor>, x: Tensor): { y: Tensor; mean?: Tensor; variance?: Tensor; count: number } => {
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const count = axes.reduce((n, i) => n * x.shape[i]!, 1);
  const perChannel = x.shape.map((d, i) => (i === 1 ? d : 1));
  let mean: Tensor;
  let variance: Tensor;
  let batch: { mean?: Tensor; variance?: Tensor } = {};
  if (usesBatchStats(m)) {
    if (count <= 1) {
      throw new ModuleError(`expected more than 1 value per channel when using batch statistics, got input of shape ${formatShape(x.shape)}`);
    }
    const moments = tf.moments(x, axes);
    mean = moments.mean;
    variance = moments.variance;
    batch = { mean, variance };
  } else {
    mean = m.runningMean;
    variance = m.runningVar;
  }
  let y = tf.mul(tf.sub(x, tf.reshape(mean, perChannel)), tf.reshape(tf.rsqrt(tf.add(variance, m.eps)), perChannel));
  if (m.affine) y = tf.add(tf.mul(y, tf.reshape(m.weight, perChannel)), tf.reshape(m.bias, perChannel));
  return { y, count, ...batch };
};

const makeForward =
  (ranks: ReadonlyArray<number>, expected: string) =>
  (m: Values<Tensor>, x: Tensor): Tensor => {
    checkInput(m, x, ranks, expected);
    return tf.tidy(() => normalize(m, x).y);
  };

const makeForwardWithState =
  <M extends Values<Tensor>>(ranks: ReadonlyArray<number>, expected: string, rebuild: (m: M, v: Values<Tensor>) => M) =>
  (m: M, x: Tensor): readonly [Tensor, M] => {
    checkInput(m, x, ranks, expected);
    if (m.ctx.mode !== 'train' || !m.trackRunningStats) return [tf.tidy(() => normalize(m, x).y), m];
    const [y, mean, variance, tracked] = tf.tidy(() => {
      const r = normalize(m, x);
      const tracked1 = tf.add(m.numBatchesTracked, tf.scalar(1, 'int32'));
      const factor = m.momentum ?? 1 / (m.numBatchesTracked.dataSync()[0]! + 1);
      const unbiased = tf.mul(r.variance!, r.count / (r.count - 1));
      const mix = (old: Tensor, batch: Tensor): Tensor => tf.add(tf.mul(old, 1 - factor), tf.mul(batch, factor));
      return [r.y, mix(m.runningMean, r.mean!), mix(m.runningVar, unbiased), tracked1];
    });
    return [y!, rebuild(m, { ...m, runningMean: mean!, runningVar: variance!, numBatchesTracked: tracked! })];
  };

const extraRepr = (m: Values<unknown>): string =>
  `${m.numFeatures}, eps=${m.eps}, momentum=${m.momentum ?? 'None'}, affine=${m.affine}, track_running_stats=${m.trackRunningStats}`;

const stateDictKeys = { runningMean: 'running_mean', runningVar: 'running_var', numBatchesTracked: 'num_batches_tracked' } as const;

const EXPECTED_1D = '[N, C] or [N, C, L]';
const EXPECTED_2D = '[N, C, H, W]';

const def1d: ModuleDef<URI1d, typeof fields, [x: Tensor], Tensor> = defineModule(URI1d, {
  name: 'BatchNorm1d',
  fields,
  extraRepr,
  stateDictKeys,
  forward: makeForward([2, 3], EXPECTED_1D),
  forwardWithState: makeForwardWithState<BatchNorm1d<Tensor>>([2, 3], EXPECTED_1D, (_m, v) => def1d.make(v)),
});

const def2d: ModuleDef<URI2d, typeof fields, [x: Tensor], Tensor> = defineModule(URI2d, {
  name: 'BatchNorm2d',
  fields,
  extraRepr,
  stateDictKeys,
  forward: makeForward([4], EXPECTED_2D),
  forwardWithState: makeForwardWithState<BatchNorm2d<Tensor>>([4], EXPECTED_2D, (_m, v) => def2d.make(v)),
});

/** Options of `BatchNorm1d.create` / `BatchNorm2d.create` (PyTorch's defaults). @since 0.1.0 */
export interface BatchNormOptions {
  /** Default 1e-5. */
  readonly eps?: number;
  /** Default 0.1; `null` for a cumulative moving average. */
  readonly momentum?: number | null;
  /** Default `true`: learnable `weight` and `bias`. */
  readonly affine?: boolean;
  /** Default `true`: keep running statistics (else batch statistics in eval mode too). */
  readonly trackRunningStats?: boolean;
}

/**
 * The JSON-able constructor arguments of a `BatchNorm1d` / `BatchNorm2d`.
 * @example
 * nn.BatchNorm2d.fromConfig({ numFeatures: 16, momentum: null }) // cumulative running averages
 * @since 0.1.0
 */
export const BatchNormConfig = configObject(
  'BatchNorm config',
  { numFeatures: PositiveInt },
  { eps: FiniteNumber, momentum: t.union([FiniteNumber, t.null]), affine: t.boolean, trackRunningStats: t.boolean },
);
/** @since 0.1.0 */
export type BatchNormConfig = t.TypeOf<typeof BatchNormConfig>;

const initialContext: Context = { mode: 'eval', key: O.none };

const fieldValues = (fn: string, numFeatures: number, options: BatchNormOptions): Values<ParamInit<Tensor>> => {
  checkPositiveInt(fn, 'numFeatures', numFeatures);
  const eps = checkEps(fn, options.eps ?? 1e-5);
  const momentum = options.momentum === undefined ? 0.1 : options.momentum;
  if (momentum !== null && !(typeof momentum === 'number' && momentum >= 0 && momentum <= 1)) {
    throw new Error(`${fn}: momentum must be a number in [0, 1] or null, got ${JSON.stringify(momentum)}`);
  }
  const affine = options.affine ?? true;
  const track = options.trackRunningStats ?? true;
  const c = [numFeatures];
  return {
    weight: optionalParam(affine, c, ones),
    bias: optionalParam(affine, c, zeros),
    runningMean: optionalParam(track, c, zeros),
    runningVar: optionalParam(track, c, ones),
    numBatchesTracked: paramInit(track ? [] : [0], () => () => (track ? tf.scalar(0, 'int32') : tf.zeros([0], 'int32'))),
    numFeatures,
    eps,
    momentum,
    affine,
    trackRunningStats: track,
    ctx: initialContext,
  };
};

const toConfig = (m: Values<unknown>): BatchNormConfig => ({
  numFeatures: m.numFeatures,
  eps: m.eps,
  momentum: m.momentum,
  affine: m.affine,
  trackRunningStats: m.trackRunningStats,
});

/**
 * `BatchNorm1d`: the module definition plus `create`, and its config. See this module's doc for
 * the train/eval behaviour and `forwardWithState`.
 * @since 0.1.0
 */
export interface BatchNorm1dDef extends ModuleDef<URI1d, typeof fields, [x: Tensor], Tensor> {
  /** A new, uninitialized layer (eval mode). */
  readonly create: (numFeatures: number, options?: BatchNormOptions) => BatchNorm1d<ParamInit<Tensor>>;
  /** The io-ts codec of the constructor arguments. */
  readonly configCodec: typeof BatchNormConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: BatchNorm1d<unknown>) => BatchNormConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: BatchNormConfig) => BatchNorm1d<ParamInit<Tensor>>;
}

/**
 * The `BatchNorm1d` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link BatchNorm1dDef}.
 * @example
 * import { nn, initialize, random, setMode, tf } from 'parallax-ts'
 * const bn = setMode(initialize(nn.BatchNorm1d.create(8))(random.key(0)), 'train')
 * const [y, bn2] = nn.BatchNorm1d.forwardWithState(bn, tf.randomNormal([16, 8])) // bn2 holds the new running stats
 * @since 0.1.0
 */
export const BatchNorm1d: BatchNorm1dDef = {
  ...def1d,
  create: (numFeatures, options = {}) => def1d.make(fieldValues('BatchNorm1d.create', numFeatures, options)),
  configCodec: BatchNormConfig,
  toConfig,
  fromConfig: (c) => def1d.make(fieldValues('BatchNorm1d.fromConfig', c.numFeatures, c)),
};

/**
 * `BatchNorm2d`: the module definition plus `create`, and its config. See this module's doc for
 * the train/eval behaviour and `forwardWithState`.
 * @since 0.1.0
 */
export interface BatchNorm2dDef extends ModuleDef<URI2d, typeof fields, [x: Tensor], Tensor> {
  /** A new, uninitialized layer (eval mode). */
  readonly create: (numFeatures: number, options?: BatchNormOptions) => BatchNorm2d<ParamInit<Tensor>>;
  /** The io-ts codec of the constructor arguments. */
  readonly configCodec: typeof BatchNormConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: BatchNorm2d<unknown>) => BatchNormConfig;
  /** A new, uninitialized layer from its constructor arguments. */
  readonly fromConfig: (config: BatchNormConfig) => BatchNorm2d<ParamInit<Tensor>>;
}

/**
 * The `BatchNorm2d` layer: `create` builds one (uninitialized), `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link BatchNorm2dDef}.
 * @example
 * import { nn, initialize, random, setMode, tf } from 'parallax-ts'
 * const bn = setMode(initialize(nn.BatchNorm2d.create(3))(random.key(0)), 'train')
 * const [y, bn2] = nn.BatchNorm2d.forwardWithState(bn, tf.randomNormal([4, 3, 8, 8]))
 * @since 0.1.0
 */
export const BatchNorm2d: BatchNorm2dDef = {
  ...def2d,
  create: (numFeatures, options = {}) => def2d.make(fieldValues('BatchNorm2d.create', numFeatures, options)),
  configCodec: BatchNormConfig,
  toConfig,
  fromConfig: (c) => def2d.make(fieldValues('BatchNorm2d.fromConfig', c.numFeatures, c)),
};
