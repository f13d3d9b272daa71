/**
 * State dicts as safetensors files: a module's leaves under their state-dict keys, the format
 * PyTorch (`safetensors.torch.save_file(model.state_dict(), ...)`) and JAX tools exchange.
 *
 * Loading validates the whole file and every key (see `loadStateDict`) before a tensor is made, so
 * a bad file leaks nothing. Element types are read as `rawValues.ts` documents: `F16`, `BF16`, `F64`
 * into float32 leaves (`F64` rounded to nearest even), `I64`, `U8`, `I8` into int32 leaves (`I64`
 * values outside int32 are an error), `BOOL` into bool leaves. Any other pairing (an `I32` tensor
 * for a float32 leaf, say) is a dtype mismatch naming the key and both dtypes, in a strict load;
 * a non-strict load converts it as PyTorch's `copy_` does. Writing stores each leaf as `F32`,
 * `I32` or `BOOL` by its dtype, unless `options.dtypes` names another target for a key.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import type { AnyModule, LeafOf, Relabel } from '../tree/Module.js';
import { isParamInit } from '../tree/ParamInit.js';
import type { Dtype } from './dtype.js';
import type { Metadata } from './header.js';
import { castValues } from './castValues.js';
import { checkLoadArguments, type LoadStateDictOptions, placeStateDict, type StateDictSource } from './loadStateDict.js';
import type { RawTensor } from './RawTensor.js';
import { rawToValues, readsAs } from './rawValues.js';
import { parseSafetensors, SafetensorsError, serializeSafetensors, type RawTensorEntries } from './safetensors.js';
import { stateDictEntries } from './stateDictEntries.js';
import { tensorsToRaw } from './tensors.js';
import { unknownOption } from '../tree/optionKeys.js';
import { describeData } from '../tree/describeData.js';

type Tensor = tf.Tensor;

/**
 * Options for writing a state dict.
 * @example
 * import { io } from 'parallax-ts'
 * const options: io.SaveStateDictOptions = { dtypes: { weight: 'BF16' }, metadata: { format: 'pt' } }
 * @category model
 * @since 0.1.0
 */
export interface SaveStateDictOptions {
  /** A target dtype per state-dict key, e.g. `{ 'embed.weight': 'BF16' }` (default `F32`/`I32`/`BOOL`). */
  readonly dtypes?: Readonly<Record<string, Dtype>>;
  /** String metadata stored in the file's `__metadata__` (e.g. `{ format: 'pt' }`). */
  readonly metadata?: Metadata;
}

const nativeDtype: Readonly<Record<string, Dtype>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

const rawSource: StateDictSource<RawTensor> = {
  describe: (_key, raw) => {
    const dtype = readsAs[raw.dtype];
    return nativeDtype[dtype] === raw.dtype ? { shape: raw.shape, dtype } : { shape: raw.shape, dtype, note: `${raw.dtype} in the file` };
  },
  prepare: (key, raw, target) => {
    const { dtype, values } = castValues(rawToValues(key, raw), target);
    return () => tf.tensor(values, [...raw.shape], dtype);
  },
};

const rawEntriesOf = (entries: RawTensorEntries): ReadonlyArray<readonly [string, RawTensor]> =>
  entries instanceof Map ? [...entries] : Object.entries(entries as Readonly<Record<string, RawTensor>>);

/**
 * {@link loadStateDict} from raw safetensors tensors (as `parseSafetensors` gives them): checks every
 * key against the file's shapes and dtypes before converting anything, then makes only the tensors
 * the module takes. The result's tensors are new and owned by the caller.
 * @example
 * import { initialize, io, nn, random, tf } from 'parallax-ts'
 * const bytes = io.encodeStateDict(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * const { tensors } = io.parseSafetensors(bytes)
 * const layer: nn.Linear<tf.Tensor> = io.loadStateDictRaw(nn.Linear.create(2, 3), tensors)
 * @category state dicts
 * @since 0.1.0
 */
export function loadStateDictRaw<M extends AnyModule<unknown>>(
  m: M,
  tensors: RawTensorEntries,
  options?: LoadStateDictOptions & { readonly strict?: true },
): Relabel<M, Tensor>;
export function loadStateDictRaw<M extends AnyModule<unknown>>(
  m: M,
  tensors: RawTensorEntries,
  options: LoadStateDictOptions,
): Relabel<M, Tensor | LeafOf<M>>;
export function loadStateDictRaw<M extends AnyModule<unknown>>(
  m: M,
  tensors: RawTensorEntries,
  options: LoadStateDictOptions = {},
): unknown {
  checkLoadArguments('loadStateDictRaw', m, tensors, 'tensors', options);
  return placeStateDict(m, rawEntriesOf(tensors), rawSource, options);
}

/**
 * The raw tensors of a module's state dict (reads every tensor synchronously; disposes nothing).
 * Throws, naming every such leaf, when the module is not initialized.
 * @example
 * import { initialize, io, nn, random } from 'parallax-ts'
 * import { writeSafetensorsFileSync } from 'parallax-ts/node'
 * const model = initialize(nn.Linear.create(2, 3))(random.key(0))
 * writeSafetensorsFileSync('w.safetensors', io.stateDictToRaw(model))
 * @category state dicts
 * @since 0.1.0
 */
export const stateDictToRaw = (
  m: AnyModule<unknown>,
  options: Pick<SaveStateDictOptions, 'dtypes'> = {},
): ReadonlyMap<string, RawTensor> => {
  const entries = stateDictEntries(m);
  const uninitialized = entries.filter((e) => isParamInit(e.leaf)).map((e) => `"${e.key}"`);
  if (uninitialized.length > 0) {
    const message = `cannot save an uninitialized module: ${uninitialized.join(', ')} ${uninitialized.length === 1 ? 'is a ParamInit' : 'are ParamInits'}; initialize it first`;
    throw new SafetensorsError(message, [message]);
  }
  return tensorsToRaw(
    new Map(entries.map((e) => [e.key, e.leaf as Tensor] as const)),
    options.dtypes === undefined ? {} : { dtypes: options.dtypes },
  );
};

/**
 * A module's state dict as the bytes of a safetensors file.
 * @example
 * import { initialize, io, nn, random } from 'parallax-ts'
 * const model = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const bytes = io.encodeStateDict(model, { metadata: { format: 'pt' } })
 * @category bytes
 * @since 0.1.0
 */
export const encodeStateDict = (m: AnyModule<unknown>, options: SaveStateDictOptions = {}): Uint8Array =>
  serializeSafetensors(stateDictToRaw(m, checkSaveOptions('encodeStateDict', options)), options.metadata ?? {});

/** `options` of a state-dict writer: an object with no key but `dtypes` and `metadata` (each checked where it is used). @internal */
export const checkSaveOptions = (where: string, options: SaveStateDictOptions): SaveStateDictOptions => {
  const refuse = (problem: string): never => {
    throw new SafetensorsError(`${where}: ${problem}`, [problem]);
  };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    refuse(`options: expected an object like { dtypes, metadata }, got ${describeData(options)}`);
  }
  const unknown = unknownOption(options, ['dtypes', 'metadata']);
  if (unknown !== undefined) refuse(`options: expected only dtypes, metadata, got the unknown option ${JSON.stringify(unknown)}`);
  return options;
};

/**
 * Loads safetensors bytes into a copy of `m` (see {@link loadStateDict} for checks and ownership).
 * @example
 * import { initialize, io, nn, random, tf } from 'parallax-ts'
 * const bytes = io.encodeStateDict(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * const model: nn.Linear<tf.Tensor> = io.decodeStateDict(bytes, nn.Linear.create(2, 3))
 * @category bytes
 * @since 0.1.0
 */
export function decodeStateDict<M extends AnyModule<unknown>>(
  bytes: Uint8Array,
  m: M,
  options?: LoadStateDictOptions & { readonly strict?: true },
): Relabel<M, Tensor>;
export function decodeStateDict<M extends AnyModule<unknown>>(
  bytes: Uint8Array,
  m: M,
  options: LoadStateDictOptions,
): Relabel<M, Tensor | LeafOf<M>>;
export function decodeStateDict<M extends AnyModule<unknown>>(bytes: Uint8Array, m: M, options: LoadStateDictOptions = {}): unknown {
  checkLoadArguments('decodeStateDict', m, {}, 'bytes', options);
  return loadStateDictRaw(m, parseSafetensors(bytes).tensors, options);
}
