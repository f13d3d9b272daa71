/**
 * One training step as a function of values: `(trainState, batch) => [trainState', metrics]`, with
 * `trainState = { params, optState, key, step }`. Types follow the model: a step built for
 * `Net<Tensor>` takes and returns `TrainState`s whose `params` are `Net<Tensor>` and whose optimizer
 * moments are `Net`s too. It splits the key, threads it through the model in
 * train mode (`newState`), differentiates the loss, runs the optimizer, applies the updates, keeps
 * updated buffers (BatchNorm statistics) when the loss returns the model from `applyWithState`, and
 * reads the loss and metrics out as numbers.
 *
 * Ownership: a step *consumes* its input state — it disposes the old params and optimizer state —
 * and the returned state owns fresh tensors. Keep only the latest state (or `dispose` it yourself if
 * you stop early); `tf.memory().numTensors` then stays flat however long you train.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { dispose, tidy } from '../engine/memory.js';
import { type CompilePart, compileSelf } from '../engine/selfCompiling.js';
import { valueAndGrad } from '../grad/valueAndGrad.js';
import { newState } from '../random/newState.js';
import { isPRNGKey, type PRNGKey } from '../random/PRNGKey.js';
import { split } from '../random/split.js';
import type { AnyModule } from '../tree/Field.js';
import { fromArray, isModule, leafEntries, toArray } from '../tree/Module.js';
import { applyUpdates } from './applyUpdates.js';
import type { GradientTransformation, StateFor } from './GradientTransformation.js';
import { checkOptionKeys, checkTransformation, show } from './hyperparameters.js';
import { trainablePredicate, type Mask } from './Mask.js';
import { NonFiniteError, OptimizerError } from './OptimizerError.js';
import { trainOnly } from './trainOnly.js';
import type { Updates } from './Updates.js';

type Tensor = tf.Tensor;

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Everything a training run carries from one step to the next, for a model of type `M` and an
 * optimizer whose state has shape `S` (`optState` is that state for `M`: see `StateFor`).
 * @example
 * import { initialize, nn, optim, random, tf } from 'parallax-ts'
 * const opt = optim.adam(1e-3)
 * const state: optim.TrainState<nn.Linear<tf.Tensor>, optim.StateOf<typeof opt>> = optim.initTrainState(
 *   initialize(nn.Linear.create(2, 3))(random.key(0)),
 *   opt,
 *   random.key(1),
 * )
 * const [adamState] = state.optState // adamState.mu: an nn.Linear<Tensor | null>
 * @category model
 * @since 0.1.0
 */
export interface TrainState<M, S> {
  readonly params: M;
  readonly optState: StateFor<S, M>;
  /** The key the next step splits. */
  readonly key: PRNGKey;
  /** Steps taken so far. */
  readonly step: number;
}

/**
 * What a loss returns: a scalar, or the scalar with metrics (scalar tensors or numbers, reported as
 * numbers) and the model with updated buffers (the second result of `applyWithState`).
 * @example
 * import { applyWithState, nn, optim, tf } from 'parallax-ts'
 * const loss = (m: nn.Linear<tf.Tensor>, x: tf.Tensor): optim.LossResult<nn.Linear<tf.Tensor>> => {
 *   const [y, model] = applyWithState(m, x)
 *   return { loss: tf.mean(tf.square(y)), metrics: { maxAbs: tf.max(tf.abs(y)) }, model }
 * }
 * @category model
 * @since 0.1.0
 */
export type LossResult<M> =
  | Tensor
  | {
      readonly loss: Tensor;
      readonly metrics?: Readonly<Record<string, Tensor | number>>;
      readonly model?: M;
    };

/**
 * The loss and metrics of one step, as numbers.
 * @example
 * import { optim } from 'parallax-ts'
 * const report = (m: optim.Metrics): string => `loss ${m.loss.toFixed(4)}`
 * @category model
 * @since 0.1.0
 */
export type Metrics = { readonly loss: number } & Readonly<Record<string, number>>;

/**
 * Options of {@link trainStep}.
 * @example
 * import { nn, optim, tf } from 'parallax-ts'
 * const options: optim.TrainStepOptions<nn.Linear<tf.Tensor>, tf.Tensor, optim.StateOf<ReturnType<typeof optim.sgd>>> = {
 *   loss: (m, x) => tf.sum(nn.Linear.forward(m, x)),
 *   optimizer: optim.sgd(0.1),
 *   trainable: (info) => info.path === 'bias',
 * }
 * @category model
 * @since 0.1.0
 */
export interface TrainStepOptions<M, B, S> {
  /** The loss of the model (in train mode, keys threaded) on a batch. */
  readonly loss: (model: M, batch: B) => LossResult<M>;
  readonly optimizer: GradientTransformation<S>;
  /** Train only these leaves: the others get no gradient, no update and no optimizer state. */
  readonly trainable?: Mask;
  /**
   * What to do when the loss or a gradient has a NaN or infinite element; checked on every step
   * (one extra read of a small boolean vector from the backend). `'throw'`: a `NonFiniteError`
   * naming the step and the parameters whose gradients are bad, with nothing updated and the input
   * state left usable. `'skip'`: the step changes nothing but the key and the step count — the
   * returned state holds the input's very params and optimizer state (nothing disposed) — and its
   * metrics say `skipped: 1` (every step's metrics then carry `skipped`, 0 or 1). Absent (the
   * default): no check, as before.
   */
  readonly nonFinite?: 'throw' | 'skip';
}

/**
 * A training step for a model of type `M` on batches `B` with an optimizer state of shape `S`,
 * with the matching `init` and the optimizer it really runs.
 * @example
 * import { initialize, nn, optim, random, tf } from 'parallax-ts'
 * const step: optim.TrainStep<nn.Linear<tf.Tensor>, tf.Tensor, optim.StateOf<ReturnType<typeof optim.sgd>>> = optim.trainStep({
 *   loss: (m: nn.Linear<tf.Tensor>, x: tf.Tensor) => tf.sum(nn.Linear.forward(m, x)),
 *   optimizer: optim.sgd(0.1),
 * })
 * const [next, metrics] = step(step.init(initialize(nn.Linear.create(2, 3))(random.key(0)), random.key(1)), tf.ones([4, 2]))
 * const params: nn.Linear<tf.Tensor> = next.params
 * @category model
 * @since 0.1.0
 */
export interface TrainStep<M, B, S> {
  (state: TrainState<M, S>, batch: B): readonly [TrainState<M, S>, Metrics];
  /** The first state: takes ownership of `params`; `step` 0. */
  readonly init: (params: M, key: PRNGKey) => TrainState<M, S>;
  /** The optimizer restricted to `trainable` (what `init` and checkpoints use). */
  readonly optimizer: GradientTransformation<S>;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The first training state for `params` (ownership passes to the state).
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const state = optim.initTrainState(params, optim.adam(1e-3), random.key(1)) // state.params: nn.Linear<Tensor>
 * @category constructors
 * @since 0.1.0
 */
export const initTrainState = <M extends AnyModule<Tensor>, S>(
  params: M,
  optimizer: GradientTransformation<S>,
  key: PRNGKey,
): TrainState<M, S> => {
  checkTransformation('initTrainState', 'optimizer', optimizer);
  if (!isPRNGKey(key)) throw new OptimizerError('initTrainState', 'key', `key must be a PRNGKey (random.key(seed)), got ${show(key)}`, key);
  return { params, optState: optimizer.init(params), key, step: 0 };
};

const scalarOf = (name: string, x: Tensor | number): number => {
  if (typeof x === 'number') return x;
  if (!(x instanceof tf.Tensor))
    throw new OptimizerError('trainStep', `metrics.${name}`, `metric "${name}" must be a scalar tensor or a number, got ${show(x)}`, x);
  if (x.size !== 1)
    throw new OptimizerError(
      'trainStep',
      `metrics.${name}`,
      `metric "${name}" must be a scalar, got shape [${x.shape.join(', ')}]`,
      x.shape,
    );
  return x.dataSync()[0]!;
};

const badState = (field: string, expected: string, got: unknown): OptimizerError =>
  new OptimizerError('trainStep', `state.${field}`, `state.${field} must be ${expected}, got ${show(got)}`, got);

/** Refuses what cannot be a training state, naming the field, before anything is computed. */
const checkState = (state: unknown): void => {
  if (typeof state !== 'object' || state === null) {
    throw new OptimizerError('trainStep', 'state', `state must be a TrainState { params, optState, key, step }, got ${show(state)}`, state);
  }
  const s = state as Record<string, unknown>;
  if (!isModule(s.params)) throw badState('params', 'a module of tensors', s.params);
  if (!isPRNGKey(s.key)) throw badState('key', 'a PRNGKey', s.key);
  if (typeof s.step !== 'number' || !Number.isSafeInteger(s.step) || s.step < 0) throw badState('step', 'a non-negative integer', s.step);
};

/** What the tensor part of a step returns (the same compiled or not). */
interface StepCore<M, S> {
  readonly params: M;
  readonly optState: StateFor<S, M>;
  readonly value: Tensor;
  readonly metrics: Readonly<Record<string, Tensor | number>>;
  /** With `nonFinite`: per trained parameter (`paths`), whether its gradient is finite. */
  readonly finite: Tensor | null;
  readonly paths: ReadonlyArray<string>;
}

/**
 * The loss (as a number) and, when it is finite, the paths of the trained parameters whose
 * gradient has a NaN or infinite element; one backend read for all gradients together.
 */
const nonFiniteReport = (core: StepCore<unknown, unknown>): { readonly loss: number; readonly paths: string[] } => {
  const loss = core.value.dataSync()[0]!;
  if (!Number.isFinite(loss) || core.finite === null) return { loss, paths: [] };
  const flags = core.finite.dataSync();
  return { loss, paths: core.paths.filter((_, i) => !flags[i]) };
};

/**
 * Builds a training step: `step(state, batch)` returns the next state — `params` of the same type
 * as the ones it got — and the step's metrics as numbers.
 * @example
 * import { initialize, nn, optim, random, tf } from 'parallax-ts'
 * const net = initialize(nn.Sequential.create([nn.Linear.create(4, 8), nn.Dropout.create(0.1), nn.Linear.create(8, 2)]))(random.key(0))
 * const step = optim.trainStep({
 *   loss: (model: typeof net, batch: { x: tf.Tensor; y: tf.Tensor }) => {
 *     const out = nn.Sequential.forward(model, batch.x)
 *     return { loss: tf.mean(tf.square(tf.sub(out, batch.y))), metrics: { maxAbs: tf.max(tf.abs(out)) } }
 *   },
 *   optimizer: optim.adam(1e-3),
 * })
 * let state = step.init(net, random.key(1))
 * for (let i = 0; i < 10; i++) {
 *   const [next, metrics] = step(state, { x: tf.ones([3, 4]), y: tf.zeros([3, 2]) }) // the old state is disposed
 *   state = next // state.params: the same type as net
 *   console.log(metrics.loss, metrics.maxAbs)
 * }
 * @category constructors
 * @since 0.1.0
 */
export const trainStep = <M extends AnyModule<Tensor>, B, S>(options: TrainStepOptions<M, B, S>): TrainStep<M, B, S> => {
  if (typeof options !== 'object' || options === null) {
    throw new OptimizerError(
      'trainStep',
      'options',
      `options must be { loss, optimizer, trainable?, nonFinite? }, got ${show(options)}`,
      options,
    );
  }
  checkOptionKeys('trainStep', options, { loss: true, optimizer: true, trainable: true, nonFinite: true });
  const { loss, trainable, nonFinite } = options;
  if (typeof loss !== 'function')
    throw new OptimizerError('trainStep', 'loss', `loss must be a function (model, batch) => loss, got ${show(loss)}`, loss);
  checkTransformation('trainStep', 'optimizer', options.optimizer);
  if (nonFinite !== undefined && nonFinite !== 'throw' && nonFinite !== 'skip') {
    throw new OptimizerError(
      'trainStep',
      'nonFinite',
      `nonFinite must be 'throw' or 'skip' (or absent), got ${show(nonFinite)}`,
      nonFinite,
    );
  }
  const optimizer = trainable === undefined ? options.optimizer : trainOnly(options.optimizer, trainable);
  // Updated buffers ride out of the gradient scope in aux; only those the forward pass replaced,
  // since aux tensors are re-owned by valueAndGrad and the model's own tensors must stay put.
  const lossWithAux = (model: M, batch: B) => {
    const r = loss(model, batch);
    if (r instanceof tf.Tensor) return { loss: r, aux: { metrics: {}, buffers: [] as Array<Tensor | null> } };
    let buffers: Array<Tensor | null> = [];
    if (r.model !== undefined) {
      const before = toArray(model);
      buffers = leafEntries(r.model as AnyModule<unknown>).map(([info, x], i) =>
        info.kind === 'buffer' && x instanceof tf.Tensor && x !== before[i] ? x : null,
      );
    }
    return { loss: r.loss, aux: { metrics: r.metrics ?? {}, buffers } };
  };
  // Frozen leaves and buffers get no gradient tensor at all: optimizers read `null` as inactive.
  const vg = valueAndGrad(
    lossWithAux,
    trainable === undefined ? { untrained: 'null' } : { trainable: trainablePredicate(trainable), untrained: 'null' },
  );
  // Inside, the model is of no particular kind; the types are the caller's, kept by every step.
  const update = optimizer.update as (updates: Updates, state: unknown, params?: Updates) => readonly [Updates, StateFor<S, M>];
  // The tensor part: gradients, optimizer, updates. It consumes nothing; `compile` records it.
  const core = (params: M, model: M, optState: StateFor<S, M>, batch: B): StepCore<M, S> =>
    tidy(() => {
      const { value, grads, aux } = vg(model, batch);
      let finite: Tensor | null = null;
      let paths: string[] = [];
      if (nonFinite !== undefined) {
        const active = leafEntries(grads as AnyModule<Tensor | null>).filter(
          (e): e is readonly [(typeof e)[0], Tensor] => e[1] instanceof tf.Tensor,
        );
        paths = active.map(([info]) => info.path);
        finite = active.length === 0 ? null : tf.stack(active.map(([, g]) => tf.all(tf.isFinite(g))));
      }
      const [updates, nextOptState] = update(grads as Updates, optState, model);
      const applied = applyUpdates(params, updates as Updates<M>);
      const nextParams =
        aux.buffers.length === 0
          ? applied
          : (fromArray(
              applied,
              toArray(applied).map((x, i) => aux.buffers[i] ?? x),
            ) as unknown as M);
      const metrics = aux.metrics as Readonly<Record<string, Tensor | number>>;
      return { params: nextParams, optState: nextOptState, value, metrics, finite, paths };
    });
  // The host part around it: keys, the step count, reading the loss and metrics, ownership.
  const makeStep =
    (runCore: typeof core) =>
    (state: TrainState<M, S>, batch: B): readonly [TrainState<M, S>, Metrics] => {
      checkState(state);
      const [nextKey, stepKey] = split(state.key) as [PRNGKey, PRNGKey];
      const [model] = newState(state.params, 'train')(stepKey);
      const out = runCore(state.params, model, state.optState, batch);
      const fresh = [out.value, out.metrics, out.finite];
      if (nonFinite !== undefined) {
        const report = nonFiniteReport(out as StepCore<unknown, unknown>);
        if (!Number.isFinite(report.loss) || report.paths.length > 0) {
          // Nothing computed from a bad step is kept: the input state goes on (or stays the caller's).
          dispose([out.params, out.optState]);
          if (nonFinite === 'throw') {
            dispose(fresh);
            throw new NonFiniteError(state.step, report.loss, report.paths);
          }
          const skippedMetrics: Record<string, number> = { loss: report.loss };
          try {
            for (const [name, x] of Object.entries(out.metrics)) skippedMetrics[name] = scalarOf(name, x);
          } finally {
            dispose(fresh);
          }
          skippedMetrics.skipped = 1;
          return [{ params: state.params, optState: state.optState, key: nextKey, step: state.step + 1 }, skippedMetrics as Metrics];
        }
      }
      const metrics: Record<string, number> = { loss: out.value.dataSync()[0]! };
      try {
        for (const [name, x] of Object.entries(out.metrics)) metrics[name] = scalarOf(name, x);
        if (nonFinite === 'skip') metrics.skipped = 0;
      } catch (e) {
        // A bad metric fails the step: free its results and leave the input state as it was.
        dispose([...fresh, out.params, out.optState]);
        throw e;
      }
      dispose([...fresh, state.params, state.optState]);
      return [{ params: out.params, optState: out.optState, key: nextKey, step: state.step + 1 }, metrics as Metrics];
    };
  const step = makeStep(core);
  const extras = {
    init: (params: M, key: PRNGKey) => initTrainState(params, optimizer, key),
    optimizer,
  };
  // `compile(step)`: the tensor part is recorded and replayed; the host part stays as it is.
  const compileStep = <X extends object>(compilePart: CompilePart<X>) => {
    const [compiledCore, members] = compilePart(core);
    return Object.assign(makeStep(compiledCore), extras, members);
  };
  return Object.assign(step, extras, { [compileSelf]: compileStep });
};
