/**
 * Checkpoints of a training run: module parameters (and buffers), optimizer state, PRNG key, step
 * and user metadata in one safetensors file, written atomically (temporary file, fsync, rename), so
 * a crash mid-save leaves the previous checkpoint intact.
 *
 * Layout: tensors are named `params.<leaf path>` and `optState.<state path>` (see
 * `namedLeaves.ts`), stored in their own dtype (float32 → F32, so restoring is bit-exact). The
 * header's `__metadata__` holds one entry, `"parallax-ts/checkpoint"`, a JSON text validated with
 * io-ts on load ({@link CheckpointHeaderCodec}): format and version, step, key words and scheme,
 * the tensor names, the optimizer state's scalars (step counts), and the user's JSON metadata.
 *
 * Restoring needs a template of the same shape — the model (initialized or not) and the optimizer
 * (its `init` gives the state's structure) — and checks it against the file: every missing,
 * unexpected or wrongly shaped entry is listed in one {@link CheckpointError}, before any tensor is
 * made.
 *
 * @since 0.1.0
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { dispose } from '../engine/memory.js';
import { wrapKeyData, type PRNGKey, assertPRNGKey } from '../random/PRNGKey.js';
import type { AnyModule } from '../tree/Field.js';
import { mapModule, type Relabel } from '../tree/Module.js';
import { isParamInit } from '../tree/ParamInit.js';
import { readSafetensorsFile, readSafetensorsFileSync, writeSafetensorsFile, writeSafetensorsFileSync } from './files.js';
import { NonNegativeIntegerCodec, reportHeaderErrors } from './header.js';
import { namedLeaves, replaceLeaves, type ScalarLeaf, type TensorSlot } from './namedLeaves.js';
import type { RawTensor } from './RawTensor.js';
import { readsAs } from './rawValues.js';
import type { GradientTransformation, StateFor } from '../optim/GradientTransformation.js';
import { parseSafetensors, serializeSafetensors, type Safetensors } from './safetensors.js';
import { rawToTensor, tensorsToRaw } from './tensors.js';

type Tensor = tf.Tensor;

/**
 * The `__metadata__` entry that holds the checkpoint header (JSON).
 * @example
 * import { initialize, io, nn, optim, random } from 'parallax-ts'
 * const start = optim.initTrainState(initialize(nn.Linear.create(2, 3))(random.key(0)), optim.sgd(0.1), random.key(1))
 * const text = io.parseSafetensors(io.encodeCheckpoint(start)).metadata[io.CHECKPOINT_METADATA_KEY]
 * JSON.parse(text ?? '{}').step // 0
 * @category model
 * @since 0.1.0
 */
export const CHECKPOINT_METADATA_KEY = 'parallax-ts/checkpoint';

/**
 * The current checkpoint format version, written into every header.
 * @example
 * import { io } from 'parallax-ts'
 * io.CHECKPOINT_VERSION // 1
 * @category model
 * @since 0.1.0
 */
export const CHECKPOINT_VERSION = 1;

const Uint32Codec = new t.Type<number, number, unknown>(
  'a uint32',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 0xffffffff,
  (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 0xffffffff ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/**
 * The checkpoint header (JSON inside `__metadata__`), validated on load.
 * @example
 * import { isRight } from 'fp-ts/lib/Either.js'
 * import { initialize, io, nn, optim, random } from 'parallax-ts'
 * const start = optim.initTrainState(initialize(nn.Linear.create(2, 3))(random.key(0)), optim.sgd(0.1), random.key(1))
 * const { metadata } = io.parseSafetensors(io.encodeCheckpoint(start))
 * isRight(io.CheckpointHeaderCodec.decode(JSON.parse(metadata[io.CHECKPOINT_METADATA_KEY] ?? 'null'))) // true
 * @category codecs
 * @since 0.1.0
 */
export const CheckpointHeaderCodec = t.readonly(
  t.type({
    format: t.literal('parallax-ts/checkpoint'),
    version: t.literal(CHECKPOINT_VERSION),
    step: NonNegativeIntegerCodec,
    key: t.type({
      data: t.tuple([Uint32Codec, Uint32Codec]),
      scheme: t.keyof({ partitionable: null, legacy: null }),
    }),
    params: t.readonlyArray(t.string),
    optState: t.type({
      tensors: t.readonlyArray(t.string),
      scalars: t.record(t.string, t.union([t.number, t.string, t.boolean])),
    }),
    metadata: t.UnknownRecord,
  }),
  'CheckpointHeader',
);

/**
 * The decoded checkpoint header.
 * @example
 * import { initialize, io, nn, optim, random } from 'parallax-ts'
 * const start = optim.initTrainState(initialize(nn.Linear.create(2, 3))(random.key(0)), optim.sgd(0.1), random.key(1))
 * const header: io.CheckpointHeader = io.checkpointHeader(io.parseSafetensors(io.encodeCheckpoint(start)))
 * header.step // 0
 * @category model
 * @since 0.1.0
 */
export type CheckpointHeader = t.TypeOf<typeof CheckpointHeaderCodec>;

/**
 * What a checkpoint holds; the same fields as `optim.TrainState` (whose `optState` is the state for its model).
 * @example
 * import { initialize, io, nn, optim, random } from 'parallax-ts'
 * const start = optim.initTrainState(initialize(nn.Linear.create(2, 3))(random.key(0)), optim.sgd(0.1), random.key(1))
 * const saved: io.CheckpointState<typeof start.params, typeof start.optState> = start
 * @category model
 * @since 0.1.0
 */
export interface CheckpointState<M, S> {
  readonly params: M;
  readonly optState: S;
  readonly key: PRNGKey;
  readonly step: number;
}

/**
 * Options of {@link saveCheckpoint}.
 * @example
 * import { io } from 'parallax-ts'
 * const options: io.SaveCheckpointOptions = { metadata: { epoch: 3, config: { lr: 1e-3 } } }
 * @category model
 * @since 0.1.0
 */
export interface SaveCheckpointOptions {
  /** JSON-serializable data stored in the header (epoch, config, metrics...). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * What restoring needs to know the structure: the model, and the optimizer ({@link OptimizerTemplate})
 * or a state of the right structure ({@link StateTemplate}).
 * @example
 * import { io, nn, optim } from 'parallax-ts'
 * const template: io.CheckpointTemplate<nn.Linear<unknown>, optim.StateOf<ReturnType<typeof optim.sgd>>> = {
 *   params: nn.Linear.create(2, 3),
 *   optimizer: optim.sgd(0.1),
 * }
 * @category model
 * @since 0.1.0
 */
export type CheckpointTemplate<M, S> = OptimizerTemplate<M, S> | StateTemplate<M, S>;

/**
 * A restore template from the model and its optimizer: the optimizer's `init` gives the state's
 * structure, and the restored state is typed for the model (`optim.StateFor<S, Relabel<M, Tensor>>`).
 * @example
 * import { io, nn, optim } from 'parallax-ts'
 * const template: io.OptimizerTemplate<nn.MLP<unknown>, optim.StateOf<ReturnType<typeof optim.adam>>> = {
 *   params: nn.MLP.create([4, 8, 2]), // a fresh model: no tensor is made for it
 *   optimizer: optim.adam(1e-3),
 * }
 * @category model
 * @since 0.2.0
 */
export interface OptimizerTemplate<M, S> {
  /**
   * A module of the same shape: initialized (not consumed), or fresh from `create` / `make` (lazy
   * leaves, no tensors made). Either way the restored params are tensors: `Relabel<M, Tensor>`.
   */
  readonly params: M;
  /** The optimizer whose `init` gives the state's structure (e.g. `step.optimizer`). */
  readonly optimizer: GradientTransformation<S>;
  readonly optState?: undefined;
}

/**
 * A restore template from the model and a state of the right structure (not consumed); the restored
 * state has the type of that state.
 * @example
 * import { io, nn, tf } from 'parallax-ts'
 * const template: io.StateTemplate<nn.Linear<unknown>, { readonly count: number; readonly scale: tf.Tensor }> = {
 *   params: nn.Linear.create(2, 3),
 *   optState: { count: 0, scale: tf.zeros([3]) },
 * }
 * @category model
 * @since 0.2.0
 */
export interface StateTemplate<M, S> {
  /** A module of the same shape, initialized or not (see {@link OptimizerTemplate}). */
  readonly params: M;
  /** A state of the right structure (not consumed). */
  readonly optState: S;
  readonly optimizer?: undefined;
}

/**
 * A restored checkpoint: tensors owned by the caller.
 * @example
 * import { initialize, io, nn, optim, random } from 'parallax-ts'
 * const start = optim.initTrainState(initialize(nn.Linear.create(2, 3))(random.key(0)), optim.sgd(0.1), random.key(1))
 * const restored = io.decodeCheckpoint(io.encodeCheckpoint(start, { metadata: { epoch: 1 } }), { params: nn.Linear.create(2, 3), optimizer: optim.sgd(0.1) })
 * restored.metadata // { epoch: 1 }
 * restored.state.step // 0
 * @category model
 * @since 0.1.0
 */
export interface RestoredCheckpoint<M, S> {
  readonly state: CheckpointState<M, S>;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/**
 * Restoring failed; `problems` lists every mismatch (the message lists them too).
 * @example
 * import { initialize, io, nn, optim, random } from 'parallax-ts'
 * const model = initialize(nn.Linear.create(2, 3))(random.key(0))
 * try {
 *   io.decodeCheckpoint(io.encodeModel(model), { params: model, optimizer: optim.sgd(0.1) })
 * } catch (e) {
 *   if (e instanceof io.CheckpointError) console.log(e.message) // 'checkpoint: not a parallax-ts checkpoint (no "parallax-ts/checkpoint" metadata)'
 * }
 * @category errors
 * @since 0.1.0
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    message: string,
    readonly problems: ReadonlyArray<string> = [],
  ) {
    super(problems.length === 0 ? message : `${message}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const describeSlot = (dtype: string, shape: ReadonlyArray<number>): string => `${dtype}[${shape.join(', ')}]`;
const slotDtype = (s: TensorSlot): string => (s instanceof tf.Tensor ? s.dtype : 'float32');

const buildCheckpoint = <M, S>(state: CheckpointState<M, S>, options: SaveCheckpointOptions) => {
  assertPRNGKey('saveCheckpoint', 'state.key', state.key);
  if (!Number.isSafeInteger(state.step) || state.step < 0)
    throw new Error(`saveCheckpoint: step must be a non-negative integer, got ${state.step}`);
  const params = namedLeaves(state.params, 'params');
  const opt = namedLeaves(state.optState, 'optState');
  const tensors = new Map<string, Tensor>();
  for (const [path, slot] of [...params.tensors, ...opt.tensors]) {
    if (!(slot instanceof tf.Tensor)) throw new Error(`saveCheckpoint: "${path}" is not initialized`);
    tensors.set(path, slot);
  }
  if (params.scalars.length > 0) throw new Error(`saveCheckpoint: params leaf "${params.scalars[0]![0]}" is not a tensor`);
  const header: CheckpointHeader = {
    format: 'parallax-ts/checkpoint',
    version: CHECKPOINT_VERSION,
    step: state.step,
    key: { data: [state.key.data[0], state.key.data[1]], scheme: state.key.partitionable ? 'partitionable' : 'legacy' },
    params: params.tensors.map(([p]) => p),
    optState: { tensors: opt.tensors.map(([p]) => p), scalars: Object.fromEntries(opt.scalars) },
    metadata: options.metadata ?? {},
  };
  const json = JSON.stringify(header);
  // Round-trip the header now so that a value JSON cannot hold (NaN, a function) fails the save, not the load.
  const check = CheckpointHeaderCodec.decode(JSON.parse(json));
  if (isLeft(check)) throw new CheckpointError('saveCheckpoint: the header does not survive JSON', reportHeaderErrors(check.left));
  return { raw: tensorsToRaw(tensors), metadata: { [CHECKPOINT_METADATA_KEY]: json } };
};

/**
 * The checkpoint as safetensors bytes (for storage other than files).
 * @example
 * import { initialize, io, nn, optim, random } from 'parallax-ts'
 * const start = optim.initTrainState(initialize(nn.Linear.create(2, 3))(random.key(0)), optim.sgd(0.1), random.key(1))
 * const bytes = io.encodeCheckpoint(start, { metadata: { epoch: 3 } })
 * @category bytes
 * @since 0.1.0
 */
export const encodeCheckpoint = <M, S>(state: CheckpointState<M, S>, options: SaveCheckpointOptions = {}): Uint8Array => {
  const { raw, metadata } = buildCheckpoint(state, options);
  return serializeSafetensors(raw, metadata);
};

/**
 * Writes a checkpoint atomically: either the old file or the complete new one is at `path`,
 * whatever happens during the write. Tensors are read, not disposed.
 * @example
 * import { initialize, io, nn, optim, random } from 'parallax-ts'
 * const start = optim.initTrainState(initialize(nn.Linear.create(2, 3))(random.key(0)), optim.sgd(0.1), random.key(1))
 * await io.saveCheckpoint('run/ckpt.safetensors', start, { metadata: { epoch: 0 } })
 * @category files
 * @since 0.1.0
 */
export const saveCheckpoint = async <M, S>(
  path: string,
  state: CheckpointState<M, S>,
  options: SaveCheckpointOptions = {},
): Promise<void> => {
  const { raw, metadata } = buildCheckpoint(state, options);
  await writeSafetensorsFile(path, raw, metadata);
};

/**
 * {@link saveCheckpoint}, synchronously.
 * @example
 * import { initialize, io, nn, optim, random } from 'parallax-ts'
 * const start = optim.initTrainState(initialize(nn.Linear.create(2, 3))(random.key(0)), optim.sgd(0.1), random.key(1))
 * io.saveCheckpointSync('run/ckpt.safetensors', start)
 * @category files
 * @since 0.1.0
 */
export const saveCheckpointSync = <M, S>(path: string, state: CheckpointState<M, S>, options: SaveCheckpointOptions = {}): void => {
  const { raw, metadata } = buildCheckpoint(state, options);
  writeSafetensorsFileSync(path, raw, metadata);
};

/**
 * The validated checkpoint header of parsed safetensors contents.
 * @example
 * import { initialize, io, nn, optim, random } from 'parallax-ts'
 * const start = optim.initTrainState(initialize(nn.Linear.create(2, 3))(random.key(0)), optim.sgd(0.1), random.key(1))
 * io.checkpointHeader(io.parseSafetensors(io.encodeCheckpoint(start))).step // 0
 * @category bytes
 * @since 0.1.0
 */
export const checkpointHeader = (file: Safetensors, where = 'checkpoint'): CheckpointHeader => {
  const text = file.metadata[CHECKPOINT_METADATA_KEY];
  if (text === undefined) throw new CheckpointError(`${where}: not a parallax-ts checkpoint (no "${CHECKPOINT_METADATA_KEY}" metadata)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${where}: the checkpoint header is not JSON (${(e as Error).message})`);
  }
  const decoded = CheckpointHeaderCodec.decode(json);
  if (isLeft(decoded)) throw new CheckpointError(`${where}: invalid checkpoint header`, reportHeaderErrors(decoded.left));
  return decoded.right;
};

/** A template as `restore` reads it: the params, and the optimizer (its `init` typed loosely) or a state. */
interface AnyTemplate {
  readonly params: unknown;
  readonly optimizer?: { readonly init: (params: AnyModule<Tensor>) => unknown };
  readonly optState?: unknown;
}

const restore = (file: Safetensors, template: AnyTemplate, where: string): RestoredCheckpoint<AnyModule<Tensor>, unknown> => {
  const header = checkpointHeader(file, where);
  const entries: ReadonlyMap<string, RawTensor> = file.tensors;
  const listed = new Set([...header.params, ...header.optState.tensors]);
  const problems: string[] = [];
  for (const name of listed) if (!entries.has(name)) problems.push(`header lists "${name}", which the file does not contain`);
  for (const name of entries.keys()) if (!listed.has(name)) problems.push(`the file contains "${name}", which the header does not list`);
  if (problems.length > 0) throw new CheckpointError(`${where}: inconsistent checkpoint`, problems);

  // The optimizer's init needs tensors: lazy template leaves stand in as zeros for the structure only.
  const made: Tensor[] = [];
  const tensorParams =
    template.optimizer === undefined
      ? (template.params as AnyModule<Tensor>)
      : (mapModule(template.params as AnyModule<unknown>, (leaf) => {
          if (!isParamInit(leaf)) return leaf;
          const z = tf.zeros([...leaf.shape]);
          made.push(z);
          return z;
        }) as AnyModule<Tensor>);
  let optTemplate: unknown;
  try {
    optTemplate =
      template.optState !== undefined
        ? template.optState
        : template.optimizer !== undefined
          ? template.optimizer.init(tensorParams)
          : undefined;
  } finally {
    dispose(made);
  }
  const ownOptTemplate = template.optState === undefined;
  try {
    const expected = new Map<string, TensorSlot>();
    const p = namedLeaves(template.params, 'params');
    const o = namedLeaves(optTemplate, 'optState');
    for (const [path, slot] of [...p.tensors, ...o.tensors]) expected.set(path, slot);
    for (const [path, slot] of expected) {
      const raw = entries.get(path);
      if (raw === undefined) {
        problems.push(`missing: "${path}" (${describeSlot(slotDtype(slot), slot.shape)}) is not in the checkpoint`);
        continue;
      }
      // A lazy template leaf (ParamInit) records a shape but no dtype: any dtype fits it (BatchNorm's
      // int32 counter restores into `Net.create()`), as in loadStateDict.
      const wantDtype = slot instanceof tf.Tensor ? slot.dtype : readsAs[raw.dtype];
      const got = describeSlot(readsAs[raw.dtype], raw.shape);
      const want = describeSlot(wantDtype, slot.shape);
      const sameShape = raw.shape.length === slot.shape.length && raw.shape.every((d, i) => d === slot.shape[i]);
      if (got !== want)
        problems.push(`wrong ${sameShape ? 'dtype' : 'shape'}: "${path}" is ${got} in the checkpoint, the model expects ${want}`);
    }
    for (const [path, raw] of entries) {
      if (!expected.has(path))
        problems.push(`unexpected: "${path}" (${describeSlot(readsAs[raw.dtype], raw.shape)}) has no place in the model`);
    }
    const scalarsExpected = new Map<string, ScalarLeaf>(o.scalars);
    for (const [path, v] of scalarsExpected) {
      const got = header.optState.scalars[path];
      if (got === undefined) problems.push(`missing: optimizer value "${path}" is not in the checkpoint`);
      else if (typeof got !== typeof v)
        problems.push(`wrong type: optimizer value "${path}" is a ${typeof got} in the checkpoint, expected a ${typeof v}`);
    }
    for (const path of Object.keys(header.optState.scalars)) {
      if (!scalarsExpected.has(path)) problems.push(`unexpected: optimizer value "${path}" has no place in the optimizer state`);
    }
    if (problems.length > 0) {
      throw new CheckpointError(
        `${where}: the checkpoint does not fit the model/optimizer (${problems.length} mismatch${problems.length === 1 ? '' : 'es'})`,
        problems,
      );
    }
    const created: Tensor[] = [];
    try {
      const take = (path: string, slot: TensorSlot | ScalarLeaf): unknown => {
        if (typeof slot === 'object') {
          const tensor = rawToTensor(path, entries.get(path)!);
          created.push(tensor);
          return tensor;
        }
        return header.optState.scalars[path];
      };
      const params = replaceLeaves(template.params, 'params', take) as AnyModule<Tensor>;
      const optState = replaceLeaves(optTemplate, 'optState', take);
      const key = wrapKeyData(header.key.data, { partitionable: header.key.scheme === 'partitionable' });
      return { state: { params, optState, key, step: header.step }, metadata: header.metadata };
    } catch (e) {
      dispose(created);
      throw e;
    }
  } finally {
    if (ownOptTemplate) dispose(optTemplate);
  }
};

const checkTemplate = (template: unknown): AnyTemplate => {
  if (typeof template !== 'object' || template === null || (template as AnyTemplate).params === undefined) {
    throw new Error('loadCheckpoint: the template must be { params, optimizer } or { params, optState }');
  }
  return template as AnyTemplate;
};

/**
 * Restores a checkpoint into the structure of `template` (the model and its optimizer, or the model
 * and a state); the returned tensors are new and owned by the caller. The restored params are typed
 * from the template's (`Relabel<M, Tensor>`: a fresh `Net.create()` gives a `Net<Tensor>`), the
 * optimizer state from the optimizer (for that model) or from the state given. A mismatch of any
 * kind throws a {@link CheckpointError} listing all of them, and nothing is allocated.
 * @example
 * import { io, nn, optim, type tf } from 'parallax-ts'
 * const opt = optim.adam(1e-3)
 * // A fresh model is a template as it is: no tensors made for it.
 * const { state, metadata } = await io.loadCheckpoint('run/ckpt.safetensors', { params: nn.MLP.create([4, 16, 2]), optimizer: opt })
 * const mlp: nn.MLP<tf.Tensor> = state.params
 * @category files
 * @since 0.1.0
 */
export function loadCheckpoint<M, S>(
  path: string,
  template: OptimizerTemplate<M, S>,
): Promise<RestoredCheckpoint<Relabel<M, Tensor>, StateFor<S, Relabel<M, Tensor>>>>;
export function loadCheckpoint<M, S>(path: string, template: StateTemplate<M, S>): Promise<RestoredCheckpoint<Relabel<M, Tensor>, S>>;
export async function loadCheckpoint(
  path: string,
  template: CheckpointTemplate<unknown, unknown>,
): Promise<RestoredCheckpoint<unknown, unknown>> {
  const t = checkTemplate(template);
  return restore(await readSafetensorsFile(path), t, path);
}

/**
 * {@link loadCheckpoint}, synchronously.
 * @example
 * import { initialize, io, nn, optim, random } from 'parallax-ts'
 * const net = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const { state } = io.loadCheckpointSync('run/ckpt.safetensors', { params: net, optimizer: optim.sgd(0.1) })
 * @category files
 * @since 0.1.0
 */
export function loadCheckpointSync<M, S>(
  path: string,
  template: OptimizerTemplate<M, S>,
): RestoredCheckpoint<Relabel<M, Tensor>, StateFor<S, Relabel<M, Tensor>>>;
export function loadCheckpointSync<M, S>(path: string, template: StateTemplate<M, S>): RestoredCheckpoint<Relabel<M, Tensor>, S>;
export function loadCheckpointSync(path: string, template: CheckpointTemplate<unknown, unknown>): RestoredCheckpoint<unknown, unknown> {
  return restore(readSafetensorsFileSync(path), checkTemplate(template), path);
}

/**
 * Restores a checkpoint from safetensors bytes (see {@link loadCheckpoint}).
 * @example
 * import { initialize, io, nn, optim, random, type tf } from 'parallax-ts'
 * const opt = optim.sgd(0.1, { momentum: 0.9 })
 * const start = optim.initTrainState(initialize(nn.Linear.create(2, 3))(random.key(0)), opt, random.key(1))
 * const bytes = io.encodeCheckpoint(start)
 * const { state } = io.decodeCheckpoint(bytes, { params: nn.Linear.create(2, 3), optimizer: opt })
 * const resumed: optim.TrainState<nn.Linear<tf.Tensor>, optim.StateOf<typeof opt>> = state
 * @category bytes
 * @since 0.1.0
 */
export function decodeCheckpoint<M, S>(
  bytes: Uint8Array,
  template: OptimizerTemplate<M, S>,
): RestoredCheckpoint<Relabel<M, Tensor>, StateFor<S, Relabel<M, Tensor>>>;
export function decodeCheckpoint<M, S>(bytes: Uint8Array, template: StateTemplate<M, S>): RestoredCheckpoint<Relabel<M, Tensor>, S>;
export function decodeCheckpoint(bytes: Uint8Array, template: CheckpointTemplate<unknown, unknown>): RestoredCheckpoint<unknown, unknown> {
  return restore(parseSafetensors(bytes), checkTemplate(template), 'checkpoint');
}
