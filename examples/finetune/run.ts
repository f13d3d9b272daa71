/**
 * The fine-tuning workflow as two "programs" that share nothing but a file:
 *
 * 1. `pretrain`: train Flatten → MLP(784, 256, 128) → Linear(128, 5) on digits 0–4 and save it with
 *    `saveModel` (architecture + weights, so the second program needs no model source).
 * 2. `finetune`: load it with `loadModel`, swap the last layer for a fresh Linear(128, 5) head for
 *    digits 5–9, and train only that head (`trainStep`'s `trainable` mask); the body stays frozen.
 *
 * @since 0.1.0
 */
import { type AnyModule, dispose, initialize, io, type LeafInfo, nn, random, type Relabel, specOf, tf } from '../../src/index.js';
import type { Digits } from '../mnist/data.js';
import { evaluate } from '../mnist/train.js';
import { digitRange } from './digits.js';
import { fit } from './fit.js';
import { changedLeaves, snapshotBits } from './frozen.js';
import { loadModel, saveModel } from '../../src/node/index.js';

type Tensor = tf.Tensor;

/** Options of {@link runFinetune}. @since 0.1.0 */
export interface FinetuneOptions {
  readonly train: Digits;
  readonly test: Digits;
  /** Where `pretrain` saves the model and `finetune` loads it from. */
  readonly path: string;
  readonly pretrainEpochs: number;
  readonly finetuneEpochs: number;
  readonly batchSize: number;
  /** Adam's learning rates: pretraining the whole model, and training the new head alone. */
  readonly learningRate: number;
  readonly headLearningRate: number;
  readonly seed: number;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** What {@link runFinetune} measured. @since 0.1.0 */
export interface FinetuneReport {
  /** Test accuracy of the base model on digits 0–4. */
  readonly baseAccuracy: number;
  /** Test accuracy of the fine-tuned model on digits 5–9. */
  readonly headAccuracy: number;
  /** How many leaves were frozen, and which of them changed (none, if freezing works). */
  readonly frozenLeaves: number;
  readonly changedFrozen: ReadonlyArray<string>;
  /** Whether the head's weight moved away from its initial value. */
  readonly headChanged: boolean;
}

/**
 * The base model: 784 pixels → 256 → 128 (ReLU after both) → 5 logits. Only registered layers, so
 * `saveModel` can write its architecture.
 * @example
 * const params = initialize(baseModel())(random.key(0))
 * @since 0.1.0
 */
export const baseModel = () =>
  nn.Sequential.create([nn.Flatten.create(), nn.MLP.create([784, 256, 128], { finalActivation: 'relu' }), nn.Linear.create(128, 5)]);

/**
 * The leaves fine-tuning trains: the last layer's (`layers.<n-1>.*`). A mask on leaf paths.
 * @example
 * headOnly(model)({ path: 'layers.2.weight', kind: 'param' }) // true
 * @since 0.1.0
 */
export const headOnly =
  (m: nn.Sequential<unknown>) =>
  (info: LeafInfo): boolean =>
    info.path.startsWith(`layers.${m.layers.length - 1}.`);

/** The base model's kind with leaves `A`: Flatten → MLP → Linear head, a classifier. @since 0.2.0 */
export type BaseModel<A> = Relabel<ReturnType<typeof baseModel>, A>;

/**
 * A loaded model swapped onto a new head: the loaded layers but the last, then `head`. The body's
 * tensors are the loaded ones (shared, not copied). Throws unless `loaded` is a `Sequential` of the
 * base model's layer kinds: a loaded model's kind is only known at run time, so it is checked here,
 * and from here on the compiler knows it (a {@link BaseModel}, hence a classifier).
 * @example
 * const model = withNewHead(await loadModel(path), head)
 * @since 0.1.0
 */
export const withNewHead = (loaded: AnyModule<Tensor>, head: nn.Linear<Tensor>): BaseModel<Tensor> => {
  if (specOf(loaded).name !== 'Sequential') throw new Error(`expected a saved Sequential, got ${specOf(loaded).name}`);
  const kinds = (loaded as nn.Sequential<Tensor>).layers.map((layer) => specOf(layer).name);
  const expected = baseModel().layers.map((layer) => specOf(layer).name);
  if (kinds.join() !== expected.join())
    throw new Error(`expected a saved Sequential of ${expected.join(', ')}, got one of ${kinds.join(', ')}`);
  const [flatten, body] = (loaded as BaseModel<Tensor>).layers;
  return nn.Sequential.create([flatten, body, head]);
};

/**
 * Runs both programs (see the file comment) and checks the frozen body bit for bit.
 * Ownership: every tensor it makes is disposed before it returns.
 * @example
 * const report = await runFinetune({ train, test, path: 'out/base.safetensors', pretrainEpochs: 3, finetuneEpochs: 10, batchSize: 64, learningRate: 1e-3, headLearningRate: 1e-2, seed: 0 })
 * @since 0.1.0
 */
export const runFinetune = async (o: FinetuneOptions): Promise<FinetuneReport> => {
  const log = o.log ?? (() => {});
  const { batchSize, seed } = o;

  // --- Program 1: train on digits 0–4, save, forget the model. ---
  const lower = { train: digitRange(o.train, 0, 5), test: digitRange(o.test, 0, 5) };
  const initial = initialize(baseModel())(random.key(o.seed));
  const base = fit(initial, lower.train, { batchSize, seed, learningRate: o.learningRate, epochs: o.pretrainEpochs });
  const baseAccuracy = await evaluate(base.model, lower.test);
  log(`base model, digits 0-4: train loss ${base.loss.toFixed(4)}, test accuracy ${(100 * baseAccuracy).toFixed(2)}%`);
  await saveModel(o.path, base.model);
  dispose(base.model);
  log(`saved to ${o.path}`);

  // --- Program 2: load, swap the head, train only the head on digits 5–9. ---
  const upper = { train: digitRange(o.train, 5, 5), test: digitRange(o.test, 5, 5) };
  const loaded = await loadModel(o.path);
  const head = initialize(nn.Linear.create(128, 5))(random.key(o.seed + 1));
  const model = withNewHead(loaded, head);
  const trainable = headOnly(model);
  // Bits of every leaf before training: the body's must survive, the head's must not.
  const frozenBefore = snapshotBits(model, (info) => !trainable(info));
  const headBefore = snapshotBits(model, trainable);
  log(`loaded ${specOf(loaded).name}; training ${headBefore.size} of ${headBefore.size + frozenBefore.size} leaves (the new head)`);
  // `fit` consumes `model`, which shares its body tensors with `loaded` and the head's with `head`.
  const tuned = fit(model, upper.train, { batchSize, seed, learningRate: o.headLearningRate, epochs: o.finetuneEpochs, trainable });
  const headAccuracy = await evaluate(tuned.model, upper.test);
  log(`fine-tuned, digits 5-9: train loss ${tuned.loss.toFixed(4)}, test accuracy ${(100 * headAccuracy).toFixed(2)}%`);

  const changedFrozen = changedLeaves(
    frozenBefore,
    snapshotBits(tuned.model, (info) => !trainable(info)),
  );
  const headChanged = changedLeaves(headBefore, snapshotBits(tuned.model, trainable)).length > 0;
  log(
    `frozen leaves bit-identical to the loaded ones: ${changedFrozen.length === 0 ? 'yes' : `no (${changedFrozen.join(', ')})`} (${frozenBefore.size} leaves)`,
  );
  log(`head changed: ${headChanged ? 'yes' : 'no'}`);
  // The old head of the loaded model was not part of `model`: free it here.
  dispose((loaded as nn.Sequential<Tensor>).layers.at(-1));
  dispose(tuned.model);
  return { baseAccuracy, headAccuracy, frozenLeaves: frozenBefore.size, changedFrozen, headChanged };
};
