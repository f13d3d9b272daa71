/**
 * `parallax-ts/optim`: pure optimizers over module trees, in the style of optax.
 *
 * An optimizer is a {@link GradientTransformation}: `init(params) => state` and
 * `update(grads, state, params) => [updates, state]`, then `applyUpdates(params, updates)`. States
 * are plain records/arrays of counts (numbers) and moment trees of the model's kind, with `null`
 * at buffers and frozen leaves; `dispose(state)`, `showState(state)` and `saveCheckpoint` (parallax-ts/node) work on
 * any of them. Types follow the model: for a `Net<Tensor>`, the moments and updates are `Net`s and
 * `applyUpdates` gives a `Net<Tensor>` back. `update` never frees its inputs and returns only new
 * tensors. `trainStep` wraps it all into one leak-free step.
 *
 * @example
 * import { dispose, initialize, nn, optim, random, tf, valueAndGrad } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(4, 2))(random.key(0))
 * const loss = (m: nn.Linear<tf.Tensor>, x: tf.Tensor, y: tf.Tensor) => tf.mean(tf.square(tf.sub(nn.Linear.forward(m, x), y)))
 * const opt = optim.chain(optim.clipByGlobalNorm(1), optim.adamw(optim.warmupCosineDecay(0, 1e-3, 100, 1000)))
 * const optState = opt.init(params)
 * const { value, grads } = valueAndGrad(loss)(params, tf.ones([3, 4]), tf.zeros([3, 2]))
 * const [updates, nextOptState] = opt.update(grads, optState, params)
 * const nextParams: nn.Linear<tf.Tensor> = optim.applyUpdates(params, updates)
 * dispose([params, optState, grads, updates, value])
 * @since 0.1.0
 */
export {
  gradientTransformation,
  stateless,
  identity,
  type EmptyState,
  type GradientTransformation,
  type StateFor,
  type StateOf,
} from './GradientTransformation.js';
export { isActive, mapActive, zipActive, initMoments, updateMoments, type Moments, type Updates } from './Updates.js';
export { NonFiniteError, OptimizerError } from './OptimizerError.js';
export { applyUpdates } from './applyUpdates.js';
export { chain, type ChainState } from './chain.js';
export {
  constant,
  cosineDecay,
  exponentialDecay,
  joinSchedules,
  linearSchedule,
  linearWarmup,
  warmupCosineDecay,
  type ExponentialDecayOptions,
  type ScalarOrSchedule,
  type Schedule,
} from './schedule.js';
export { scale, scaleBySchedule, scaleByLearningRate, type CountState, type ScaleByLearningRateOptions } from './scaleByLearningRate.js';
export { trace, type TraceOptions, type TraceState } from './trace.js';
export { scaleByAdam, type ScaleByAdamOptions, type ScaleByAdamState } from './scaleByAdam.js';
export { scaleByRms, type ScaleByRmsOptions, type ScaleByRmsState } from './scaleByRms.js';
export { scaleByRss, type ScaleByRssOptions, type ScaleByRssState } from './scaleByRss.js';
export { scaleByLion, type ScaleByLionOptions, type ScaleByLionState } from './scaleByLion.js';
export { clipByGlobalNorm, globalNorm } from './clipByGlobalNorm.js';
export { addDecayedWeights } from './addDecayedWeights.js';
export { maskPredicate, selectLeaves, trainablePredicate, type Mask } from './Mask.js';
export { masked, type MaskedState } from './masked.js';
export { trainOnly } from './trainOnly.js';
export { freeze, partition, type PartitionState } from './partition.js';
export { sgd, type SgdOptions } from './sgd.js';
export { adam, adamw, type AdamWOptions } from './adam.js';
export { rmsprop, type RmspropOptions } from './rmsprop.js';
export { adagrad } from './adagrad.js';
export { lion, type LionOptions } from './lion.js';
export { showState } from './showState.js';
export {
  initTrainState,
  trainStep,
  type LossResult,
  type Metrics,
  type TrainState,
  type TrainStep,
  type TrainStepOptions,
} from './trainStep.js';
