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
 * The two layers are one declaration (`declareBatchNorm`, below) that differs only in the input
 * layouts it accepts; each has its own name and URI, so they are distinct module kinds.
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
import { hostMapTensor } from '../engine/trace.js';
import { ones, zeros } from '../init/constant.js';
import { buffer, constant, context, type Context, type FieldValues, param } from '../tree/Field.js';
import { defineModule, type ModuleType } from '../tree/Module.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { type ParamInit, paramInit } from '../tree/ParamInit.js';
import { configObject, FiniteNumber, PositiveInt } from './configCodecs.js';
import { configurable } from './configurable.js';
import { checkTensor } from './inputCheck.js';
import { checkEps, scaleShift, scaleShiftChannels } from './normalizationArguments.js';
import { optionalParam } from './optionalParam.js';
import { checkPositiveInt } from './spatial.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of `BatchNorm1d.create` / `BatchNorm2d.create` (PyTorch's defaults).
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.BatchNormOptions = { momentum: null, affine: false }
 * const bn = nn.BatchNorm2d.create(16, options)
 * @category model
 * @since 0.1.0
 */
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
 * The constructor arguments of a `BatchNorm1d` / `BatchNorm2d` as JSON:
 * `{ numFeatures, eps?, momentum?, affine?, trackRunningStats? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const bn = nn.BatchNorm2d.fromConfig({ numFeatures: 16, momentum: null }) // cumulative running averages
 * @category config
 * @since 0.1.0
 */
export const BatchNormConfig = configObject(
  'BatchNorm config',
  { numFeatures: PositiveInt },
  { eps: FiniteNumber, momentum: t.union([FiniteNumber, t.null]), affine: t.boolean, trackRunningStats: t.boolean },
);
/**
 * The decoded form of {@link BatchNormConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.BatchNormConfig = { numFeatures: 8, trackRunningStats: false }
 * @category config
 * @since 0.1.0
 */
export type BatchNormConfig = t.TypeOf<typeof BatchNormConfig>;

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

const initialContext: Context = { mode: 'eval', key: O.none };

const fieldValues = (fn: string, numFeatures: number, options: BatchNormOptions): Values<ParamInit<Tensor>> => {
  checkLayerOptions(fn, options, { eps: 'value', momentum: 'value', affine: 'flag', trackRunningStats: 'flag' });
  checkPositiveInt(fn, 'numFeatures', numFeatures);
  const eps = checkEps(fn, options.eps ?? 1e-5);
  const momentum = options.momentum === undefined ? 0.1 : options.momentum;
  if (momentum !== null && !(typeof momentum === 'number' && momentum >= 0 && momentum <= 1)) {
    throw new ArgumentError(`${fn}: momentum must be a number in [0, 1] or null, got ${describeData(momentum)}`);
  }
  const affine = options.affine ?? true;
  const track = options.trackRunningStats ?? true;
  const c = [numFeatures];
  return {
    ...scaleShift(c, { weight: affine, bias: affine }),
    runningMean: optionalParam(track, c, zeros),
    runningVar: optionalParam(track, c, ones),
    numBatchesTracked: paramInit(track ? [] : [0], () => () => (track ? tf.scalar(0, 'int32') : tf.zeros([0], 'int32')), 'int32'),
    numFeatures,
    eps,
    momentum,
    affine,
    trackRunningStats: track,
    ctx: initialContext,
  };
};

/**
 * The input layouts a batch-norm layer accepts: the ranks, and how the expected shape reads in
 * messages (`C` is replaced by the layer's channel count).
 */
interface BatchNormLayout {
  readonly ranks: ReadonlyArray<number>;
  readonly expected: string;
}

const checkInput = (m: Values<Tensor>, x: unknown, layout: BatchNormLayout): Tensor => {
  const x0 = checkTensor(x);
  if (!layout.ranks.includes(x0.rank) || x0.shape[1] !== m.numFeatures) {
    throw new ModuleError(
      `expected input of shape ${layout.expected.replaceAll('C', String(m.numFeatures))}, got ${formatShape(x0.shape)}`,
    );
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
      throw new ModuleError(
        `expected more than 1 value per channel when using batch statistics, got input of shape ${formatShape(x.shape)}`,
      );
    }
    const moments = tf.moments(x, axes);
    mean = moments.mean;
    variance = moments.variance;
    batch = { mean, variance };
  } else {
    mean = m.runningMean;
    variance = m.runningVar;
  }
  const normed = tf.mul(tf.sub(x, tf.reshape(mean, perChannel)), tf.reshape(tf.rsqrt(tf.add(variance, m.eps)), perChannel));
  const y = m.affine ? scaleShiftChannels(normed, m.weight, m.bias) : normed;
  return { y, count, ...batch };
};

/** The running statistics after one train-mode batch: new `runningMean`, `runningVar`, `numBatchesTracked`. */
const updatedStatistics = (
  m: Values<Tensor>,
  r: ReturnType<typeof normalize>,
): { readonly runningMean: Tensor; readonly runningVar: Tensor; readonly numBatchesTracked: Tensor } => {
  // The cumulative average's factor comes from the counter's value (read on the host, and again by
  // each replay of a compiled step).
  const fromCount = (f: (n: number) => number): Tensor =>
    hostMapTensor(
      [m.numBatchesTracked],
      ([n]) => Float32Array.of(f((n as Int32Array)[0]!)),
      (v) => tf.tensor(v, [], 'float32'),
    );
  const factor = m.momentum ?? fromCount((n) => 1 / (n + 1));
  const keep = m.momentum !== null ? 1 - m.momentum : fromCount((n) => 1 - 1 / (n + 1));
  const unbiased = tf.mul(r.variance!, r.count / (r.count - 1));
  const mix = (old: Tensor, batch: Tensor): Tensor => tf.add(tf.mul(old, keep), tf.mul(batch, factor));
  return {
    runningMean: mix(m.runningMean, r.mean!),
    runningVar: mix(m.runningVar, unbiased),
    numBatchesTracked: tf.add(m.numBatchesTracked, tf.scalar(1, 'int32')),
  };
};

/**
 * The one declaration behind `BatchNorm1d` and `BatchNorm2d`: a batch-norm layer kind with its
 * own URI and name that accepts the inputs of `layout`. Both public layers are made by it.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * // BatchNorm1d and BatchNorm2d are declareBatchNorm's two instances:
 * const bn = initialize(nn.BatchNorm1d.create(4))(random.key(0))
 * nn.BatchNorm1d.forward(bn, tf.ones([2, 4, 3])).shape // [2, 4, 3]
 * @internal
 * @category constructors
 * @since 0.2.0
 */
const declareBatchNorm = <const U extends string>(URI: U, name: string, layout: BatchNormLayout) => {
  const def = defineModule(URI, {
    name,
    fields,
    create: (numFeatures: number, options: BatchNormOptions = {}) => fieldValues(`${name}.create`, numFeatures, options),
    forward: (m, x: Tensor) => {
      checkInput(m, x, layout);
      return tf.tidy(() => normalize(m, x).y);
    },
    forwardWithState: (m, x: Tensor) => {
      checkInput(m, x, layout);
      if (m.ctx.mode !== 'train' || !m.trackRunningStats) return [tf.tidy(() => normalize(m, x).y), m] as const;
      const { y, next } = tf.tidy(() => {
        const r = normalize(m, x);
        return { y: r.y, next: updatedStatistics(m, r) };
      });
      return [y, Object.freeze({ ...m, ...next })] as const;
    },
    extraRepr: (m) =>
      `${m.numFeatures}, eps=${m.eps}, momentum=${m.momentum ?? 'None'}, affine=${m.affine}, track_running_stats=${m.trackRunningStats}`,
    stateDictKeys: { runningMean: 'running_mean', runningVar: 'running_var', numBatchesTracked: 'num_batches_tracked' },
  });
  return configurable(def, BatchNormConfig, {
    toConfig: (m) => ({
      numFeatures: m.numFeatures,
      eps: m.eps,
      momentum: m.momentum,
      affine: m.affine,
      trackRunningStats: m.trackRunningStats,
    }),
    fromConfig: ({ numFeatures, ...options }) => def.make(fieldValues(`${name}.fromConfig`, numFeatures, options)),
  });
};

/**
 * The `BatchNorm1d` layer, on `[N, C]` or `[N, C, L]`: `create(numFeatures, options?)` builds one
 * (uninitialized, in eval mode), `forward` / `apply` run it, `forwardWithState` also returns the
 * layer with its running statistics updated (train mode), `toConfig` / `fromConfig` convert its
 * architecture to and from JSON. See this module's doc for the train/eval behaviour.
 * @example
 * import { initialize, nn, random, setMode, tf } from 'parallax-ts'
 * const bn = setMode(initialize(nn.BatchNorm1d.create(8))(random.key(0)), 'train')
 * const [y, bn2] = nn.BatchNorm1d.forwardWithState(bn, tf.randomNormal([16, 8])) // bn2 holds the new running stats
 * @category layers
 * @since 0.1.0
 */
export const BatchNorm1d = declareBatchNorm('parallax-ts/nn/BatchNorm1d', 'BatchNorm1d', {
  ranks: [2, 3],
  expected: '[N, C] or [N, C, L]',
});
/**
 * A `BatchNorm1d` layer whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const bn: nn.BatchNorm1d<tf.Tensor> = initialize(nn.BatchNorm1d.create(8))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type BatchNorm1d<A> = ModuleType<typeof BatchNorm1d, A>;

/**
 * The `BatchNorm2d` layer, on `[N, C, H, W]`: `create(numFeatures, options?)` builds one
 * (uninitialized, in eval mode), `forward` / `apply` run it, `forwardWithState` also returns the
 * layer with its running statistics updated (train mode), `toConfig` / `fromConfig` convert its
 * architecture to and from JSON. See this module's doc for the train/eval behaviour.
 * @example
 * import { initialize, nn, random, setMode, tf } from 'parallax-ts'
 * const bn = setMode(initialize(nn.BatchNorm2d.create(3))(random.key(0)), 'train')
 * const [y, bn2] = nn.BatchNorm2d.forwardWithState(bn, tf.randomNormal([4, 3, 8, 8]))
 * @category layers
 * @since 0.1.0
 */
export const BatchNorm2d = declareBatchNorm('parallax-ts/nn/BatchNorm2d', 'BatchNorm2d', { ranks: [4], expected: '[N, C, H, W]' });
/**
 * A `BatchNorm2d` layer whose leaves are `A` (`ParamInit` before initialization, `Tensor` after).
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const bn: nn.BatchNorm2d<tf.Tensor> = initialize(nn.BatchNorm2d.create(3))(random.key(0))
 * @category model
 * @since 0.1.0
 */
export type BatchNorm2d<A> = ModuleType<typeof BatchNorm2d, A>;
