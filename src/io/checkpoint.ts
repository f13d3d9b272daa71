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
import { isParamInit, paramDtype } from '../tree/ParamInit.js';
import { describeValue } from '../tree/walk.js';
import { formatConfigErrors } from '../nn/configCodecs.js';
import { NonNegativeIntegerCodec } from './header.js';
import { jsonText } from './jsonText.js';
import { namedLeaves, type NamedLeaves, replaceLeaves, type ScalarLeaf, type TensorSlot } from './namedLeaves.js';
import type { RawTensor } from './RawTensor.js';
import { rawToValues, readsAs, type TfValues } from './rawValues.js';
import type { GradientTransformation, StateFor } from '../optim/GradientTransformation.js';
import { parseSafetensors, serializeSafetensors, type Safetensors } from './safetensors.js';
import { tensorsToRaw } from './tensors.js';
import { unknownOption } from '../tree/optionKeys.js';

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

const isUint32 = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 0xffffffff;
const isKeyWords = (u: unknown): u is readonly [number, number] => Array.isArray(u) && u.length === 2 && isUint32(u[0]) && isUint32(u[1]);

/** A key's data: exactly two uint32 words (io-ts's `tuple` would drop a third word silently). */
const KeyWordsCodec = new t.Type<readonly [number, number], readonly [number, number], unknown>(
  '[word, word] (exactly two uint32s)',
  isKeyWords,
  (u, c) => (isKeyWords(u) ? t.success([u[0], u[1]] as const) : t.failure(u, c)),
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
      data: KeyWordsCodec,
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
    options?: { readonly cause?: unknown },
  ) {
    super(problems.length === 0 ? message : `${message}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
  }
}

const describeSlot = (dtype: string, shape: ReadonlyArray<number>): string => `${dtype}[${shape.join(', ')}]`;
const slotDtype = (s: TensorSlot): string => (s instanceof tf.Tensor ? s.dtype : paramDtype(s));

/** Named leaves, or a `CheckpointError` saying which value cannot be stored. */
const leavesOf = (u: unknown, prefix: string, where: string): NamedLeaves => {
  try {
    return namedLeaves(u, prefix);
  } catch (e) {
    throw new CheckpointError(`${where}: ${e instanceof Error ? e.message : String(e)}`, [], { cause: e });
  }
};

/**
 * Whether an optimizer-state scalar counts something (updates, steps): by optax's and our naming,
 * a field `count` or `step` (or ending so). Its value must be a non-negative safe integer; other
 * numbers only finite.
 */
const isCounter = (path: string): boolean => /(^|\.)(\w*[cC]ount|\w*[sS]tep)$/.test(path);

/** What is wrong with a restored optimizer scalar (its template value gives the type), or `undefined`. */
const scalarProblem = (path: string, got: unknown, want: ScalarLeaf): string | undefined => {
  if (typeof got !== typeof want)
    return `wrong type: optimizer value "${path}" is a ${typeof got} in the checkpoint, expected a ${typeof want}`;
  if (typeof got !== 'number') return undefined;
  if (isCounter(path) && !(Number.isSafeInteger(got) && got >= 0)) {
    return `bad value: optimizer counter "${path}" is ${got} in the checkpoint, expected a non-negative integer up to 2^53 - 1`;
  }
  if (!Number.isFinite(got)) return `bad value: optimizer value "${path}" is ${got} in the checkpoint, expected a finite number`;
  return undefined;
};

/** The tensors and metadata of a checkpoint (shared by the byte and the file writers). @internal */
export const buildCheckpoint = <M, S>(state: CheckpointState<M, S>, options: SaveCheckpointOptions) => {
  const where = 'saveCheckpoint';
  if (typeof state !== 'object' || state === null) {
    throw new CheckpointError(`${where}: argument state: expected { params, optState, key, step }, got ${describeValue(state)}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new CheckpointError(`${where}: argument options: expected an object like { metadata }, got ${describeValue(options)}`);
  }
  const unknown = unknownOption(options, ['metadata']);
  if (unknown !== undefined)
    throw new CheckpointError(`${where}: argument options: expected only metadata, got the unknown option ${JSON.stringify(unknown)}`);
  try {
    assertPRNGKey(where, 'state.key', state.key);
  } catch (e) {
    throw new CheckpointError(e instanceof Error ? e.message : String(e), [], { cause: e });
  }
  if (!Number.isSafeInteger(state.step) || state.step < 0)
    throw new CheckpointError(`${where}: step must be a non-negative integer, got ${String(state.step)}`);
  const params = leavesOf(state.params, 'params', where);
  const opt = leavesOf(state.optState, 'optState', where);
  const tensors = new Map<string, Tensor>();
  const problems: string[] = [];
  for (const [path, slot] of [...params.tensors, ...opt.tensors]) {
    if (!(slot instanceof tf.Tensor)) problems.push(`"${path}" is not initialized (a ParamInit)`);
    else if (slot.isDisposed) problems.push(`"${path}" is a disposed tensor`);
    else tensors.set(path, slot);
  }
  for (const [path] of params.scalars) problems.push(`params leaf "${path}" is not a tensor`);
  for (const [path, v] of opt.scalars) {
    if (typeof v === 'number' && !Number.isFinite(v)) problems.push(`optimizer value "${path}" is ${v}, which JSON cannot hold`);
  }
  if (problems.length > 0) throw new CheckpointError(`${where}: cannot save this state`, problems);
  const header: CheckpointHeader = {
    format: 'parallax-ts/checkpoint',
    version: CHECKPOINT_VERSION,
    step: state.step,
    key: { data: [state.key.data[0], state.key.data[1]], scheme: state.key.partitionable ? 'partitionable' : 'legacy' },
    params: params.tensors.map(([p]) => p),
    optState: { tensors: opt.tensors.map(([p]) => p), scalars: Object.fromEntries(opt.scalars) },
    metadata: options.metadata ?? {},
  };
  let json: string | undefined;
  try {
    json = jsonText(header);
  } catch (e) {
    throw new CheckpointError(`${where}: the header does not survive JSON: ${e instanceof Error ? e.message : String(e)}`, [], {
      cause: e,
    });
  }
  // Round-trip the header now so that a value JSON cannot hold (NaN, a function) fails the save, not the load.
  const check = CheckpointHeaderCodec.decode(JSON.parse(json ?? 'null'));
  if (isLeft(check)) throw new CheckpointError(`${where}: the header does not survive JSON`, formatConfigErrors(check.left));
  return { raw: tensorsToRaw(tensors), metadata: { [CHECKPOINT_METADATA_KEY]: json! } };
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
  // One line per problem, at its path in the header (`key.data: expected ..., got [1,2,3]`), at most 100.
  if (isLeft(decoded)) throw new CheckpointError(`${where}: invalid checkpoint header`, formatConfigErrors(decoded.left).slice(0, 100));
  return decoded.right;
};

/** A template as `restore` reads it: the params, and the optimizer (its `init` typed loosely) or a state. */
interface AnyTemplate {
  readonly params: unknown;
  readonly optimizer?: { readonly init: (params: AnyModule<Tensor>) => unknown };
  readonly optState?: unknown;
}

/** Restores a parsed checkpoint into a checked template (shared by the byte and the file readers). @internal */
export const restore = (file: Safetensors, template: AnyTemplate, where: string): RestoredCheckpoint<AnyModule<Tensor>, unknown> => {
  const header = checkpointHeader(file, where);
  const entries: ReadonlyMap<string, RawTensor> = file.tensors;
  const listed = new Set([...header.params, ...header.optState.tensors]);
  const problems: string[] = [];
  for (const name of listed) if (!entries.has(name)) problems.push(`header lists "${name}", which the file does not contain`);
  for (const name of entries.keys()) if (!listed.has(name)) problems.push(`the file contains "${name}", which the header does not list`);
  if (problems.length > 0) throw new CheckpointError(`${where}: inconsistent checkpoint`, problems);

  const p = leavesOf(template.params, 'params', where);
  const disposed = p.tensors
    .filter(([, slot]) => slot instanceof tf.Tensor && slot.isDisposed)
    .map(([path]) => `"${path}" is a disposed tensor`);
  if (disposed.length > 0) throw new CheckpointError(`${where}: the template's params cannot be used`, disposed);

  // The optimizer's init needs tensors: lazy template leaves stand in as zeros of their declared
  // dtype, for the structure (and each moment's shape and dtype) only.
  const made: Tensor[] = [];
  let optTemplate: unknown;
  try {
    const tensorParams =
      template.optimizer === undefined
        ? (template.params as AnyModule<Tensor>)
        : (mapModule(template.params as AnyModule<unknown>, (leaf) => {
            if (!isParamInit(leaf)) return leaf;
            const z = tf.zeros([...leaf.shape], paramDtype(leaf));
            made.push(z);
            return z;
          }) as AnyModule<Tensor>);
    optTemplate =
      template.optState !== undefined
        ? template.optState
        : template.optimizer !== undefined
          ? template.optimizer.init(tensorParams)
          : undefined;
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(
      `${where}: the template's optimizer cannot make a state for its params: ${e instanceof Error ? e.message : String(e)}`,
      [],
      { cause: e },
    );
  } finally {
    dispose(made);
  }
  const ownOptTemplate = template.optState === undefined;
  try {
    const expected = new Map<string, TensorSlot>();
    const o = leavesOf(optTemplate, 'optState', where);
    for (const [path, slot] of [...p.tensors, ...o.tensors]) expected.set(path, slot);
    for (const [path, slot] of expected) {
      const raw = entries.get(path);
      if (raw === undefined) {
        problems.push(`missing: "${path}" (${describeSlot(slotDtype(slot), slot.shape)}) is not in the checkpoint`);
        continue;
      }
      // Every slot declares its dtype: a tensor its own, a lazy leaf (ParamInit) the one it was made
      // with (BatchNorm's counter: int32), so a file cannot pass an int32 tensor off as a float32 weight.
      const got = describeSlot(readsAs[raw.dtype], raw.shape);
      const want = describeSlot(slotDtype(slot), slot.shape);
      const sameShape = raw.shape.length === slot.shape.length && raw.shape.every((d, i) => d === slot.shape[i]);
      if (got !== want)
        problems.push(`wrong ${sameShape ? 'dtype' : 'shape'}: "${path}" is ${got} in the checkpoint, the model expects ${want}`);
    }
    for (const [path, raw] of entries) {
      if (!expected.has(path))
        problems.push(`unexpected: "${path}" (${describeSlot(readsAs[raw.dtype], raw.shape)}) has no place in the model`);
    }
    const scalarsExpected = new Map<string, ScalarLeaf>(o.scalars);
    const scalarsGot = header.optState.scalars;
    for (const [path, v] of scalarsExpected) {
      const got = Object.hasOwn(scalarsGot, path) ? scalarsGot[path] : undefined;
      if (got === undefined) problems.push(`missing: optimizer value "${path}" is not in the checkpoint`);
      else {
        const problem = scalarProblem(path, got, v);
        if (problem !== undefined) problems.push(problem);
      }
    }
    for (const path of Object.keys(scalarsGot)) {
      if (!scalarsExpected.has(path)) problems.push(`unexpected: optimizer value "${path}" has no place in the optimizer state`);
    }
    // Every conversion (an I64 value outside int32, say) is done before the first tensor is made.
    const values = new Map<string, TfValues>();
    if (problems.length === 0) {
      for (const path of expected.keys()) {
        try {
          values.set(path, rawToValues(path, entries.get(path)!));
        } catch (e) {
          problems.push(`bad value: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
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
          const { dtype, values: v } = values.get(path)!;
          const tensor = tf.tensor(v, [...entries.get(path)!.shape], dtype);
          created.push(tensor);
          return tensor;
        }
        return scalarsGot[path];
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
    // Freed leaf by leaf (namedLeaves walks module trees iteratively; `dispose` recurses).
    if (ownOptTemplate) dispose(leavesOf(optTemplate, 'optState', where).tensors.map(([, slot]) => slot));
  }
};

/** Checks a checkpoint template argument. @internal */
export const checkTemplate = (template: unknown, where: string): AnyTemplate => {
  const t = template as AnyTemplate | null | undefined;
  const ok =
    typeof t === 'object' &&
    t !== null &&
    t.params !== undefined &&
    (t.optimizer === undefined || (typeof t.optimizer === 'object' && t.optimizer !== null && typeof t.optimizer.init === 'function')) &&
    (t.optimizer !== undefined || Object.hasOwn(t, 'optState'));
  if (!ok) {
    throw new CheckpointError(
      `${where}: argument template: expected { params, optimizer } or { params, optState }, got ${describeValue(template)}`,
    );
  }
  return template as AnyTemplate;
};

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
  return restore(parseSafetensors(bytes), checkTemplate(template, 'decodeCheckpoint'), 'checkpoint');
}
