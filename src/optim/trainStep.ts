/**
 * One training step as a function of values: `(trainState, batch) => [trainState', metrics]`, with
 * `trainState = { params, optState, key, step }`. It splits the key, threads it through the model in
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
import { valueAndGrad } from '../grad/valueAndGrad.js';
import { newState } from '../random/newState.js';
import type { PRNGKey } from '../random/PRNGKey.js';
import { split } from '../random/split.js';
import type { AnyModule } from '../tree/Field.js';
import { fromArray, leafEntries, toArray } from '../tree/Module.js';
import { applyUpdates } from './applyUpdates.js';
import type { GradientTransformation } from './GradientTransformation.js';
import { trainablePredicate, type Mask } from './Mask.js';
import { trainOnly } from './trainOnly.js';

type Tensor = tf.Tensor;

/** Everything a training run carries from one step to the next. @since 0.1.0 */
export interface TrainState<M, S> {
  readonly params: M;
  readonly optState: S;
  /** The key the next step splits. */
  readonly key: PRNGKey;
  /** Steps taken so far. */
  readonly step: number;
}

/**
 * What a loss returns: a scalar, or the scalar with metrics (scalar tensors or numbers, reported as
 * numbers) and the model with updated buffers (the second result of `applyWithState`).
 * @since 0.1.0
 */
export type LossResult<M> =
  | Tensor
  | {
      readonly loss: Tensor;
      readonly metrics?: Readonly<Record<string, Tensor | number>>;
      readonly model?: M;
    };

/** The loss and metrics of one step, as numbers. @since 0.1.0 */
export type Metrics = { readonly loss: number } & Readonly<Record<string, number>>;

/** Options of {@link trainStep}. @since 0.1.0 */
export interface TrainStepOptions<M, B, S> {
  /** The loss of the model (in train mode, keys threaded) on a batch. */
  readonly loss: (model: M, batch: B) => LossResult<M>;
  readonly optimizer: GradientTransformation<S>;
  /** Train only these leaves: the others get no gradient, no update and no optimizer state. */
  readonly trainable?: Mask;
}

/** A training step, with the matching `init` and the optimizer it really runs. @since 0.1.0 */
export interface TrainStep<M, B, S> {
  (state: TrainState<M, S>, batch: B): readonly [TrainState<M, S>, Metrics];
  /** The first state: takes ownership of `params`; `step` 0. */
  readonly init: (params: M, key: PRNGKey) => TrainState<M, S>;
  /** The optimizer restricted to `trainable` (what `init` and checkpoints use). */
  readonly optimizer: GradientTransformation<S>;
}

/**
 * The first training state for `params` (ownership passes to the state).
 * @example
 * let state = initTrainState(params, adam(1e-3), random.key(0))
 * @since 0.1.0
 */
export const initTrainState = <M extends AnyModule<Tensor>, S>(
  params: M,
  optimizer: GradientTransformation<S>,
  key: PRNGKey,
): TrainState<M, S> => ({ params, optState: optimizer.init(params), key, step: 0 });

const scalarOf = (name: string, x: Tensor | number): number => {
  if (typeof x === 'number') return x;
  if (x.size !== 1) throw new Error(`trainStep: metric "${name}" must be a scalar, got shape [${x.shape.join(', ')}]`);
  return x.dataSync()[0]!;
};

/**
 * Builds a training step.
 * @example
 * const step = trainStep({
 *   loss: (model: Net<Tensor>, batch: { x: Tensor; y: Tensor }) => {
 *     const logits = Net.forward(model, batch.x)
 *     return { loss: tf.losses.softmaxCrossEntropy(batch.y, logits), metrics: { accuracy: accuracy(logits, batch.y) } }
 *   },
 *   optimizer: adam(1e-3),
 * })
 * let state = step.init(params, random.key(0))
 * for (const batch of batches) {
 *   const [next, metrics] = step(state, batch) // the old state is disposed
 *   state = next
 *   console.log(metrics.loss, metrics.accuracy)
 * }
 * @since 0.1.0
 */
export const trainStep = <M extends AnyModule<Tensor>, B, S>(options: TrainStepOptions<M, B, S>): TrainStep<M, B, S> => {
  const { loss, trainable } = options;
  const optimizer = trainable === undefined ? options.optimizer : trainOnly(options.optimizer, trainable);
  // Updated buffers ride out of the gradient scope in aux; only those the forward pass replaced,
  // since aux tensors are re-owned by valueAndGrad and the model's own tensors must stay put.
  const lossWithAux = (model: M, batch: B) => {
    const r = loss(model, batch);
    if (r instanceof tf.Tensor) return { loss: r, aux: { metrics: {}, buffers: [] as Array<Tensor | null> } };
    let buffers: Array<Tensor | null> = [];
    if (r.model !== undefined) {
      const before = toArray(model);
      buffers = leafEntries(r.model).map(([info, x], i) =>
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
  const step = (state: TrainState<M, S>, batch: B): readonly [TrainState<M, S>, Metrics] => {
    const [nextKey, stepKey] = split(state.key) as [PRNGKey, PRNGKey];
    const [model] = newState(state.params, 'train')(stepKey);
    const out = tidy(() => {
      const { value, grads, aux } = vg(model, batch);
      const [updates, optState] = optimizer.update(grads, state.optState, model);
      const applied = applyUpdates(state.params, updates);
      const params =
        aux.buffers.length === 0 ? applied : (fromArray(applied, toArray(applied).map((x, i) => aux.buffers[i] ?? x)) as M);
      return { params, optState, value, metrics: aux.metrics as Readonly<Record<string, Tensor | number>> };
    });
    const metrics: Record<string, number> = { loss: out.value.dataSync()[0]! };
    try {
      for (const [name, x] of Object.entries(out.metrics)) metrics[name] = scalarOf(name, x);
    } catch (e) {
      // A bad metric fails the step: free its results and leave the input state as it was.
      dispose([out.value, out.metrics, out.params, out.optState]);
      throw e;
    }
    dispose([out.value, out.metrics, state.params, state.optState]);
    return [{ params: out.params, optState: out.optState, key: nextKey, step: state.step + 1 }, metrics as Metrics];
  };
  return Object.assign(step, {
    init: (params: M, key: PRNGKey) => initTrainState(params, optimizer, key),
    optimizer,
  });
};
