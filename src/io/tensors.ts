/**
 * The tfjs edge of safetensors: files and raw tensors to `tf.Tensor`s and back.
 *
 * tfjs has three element types, so dtypes are widened or narrowed as `rawValues.ts` documents
 * (`F16`/`BF16`/`F64` read as float32, `I64`/`U8`/`I8` as int32; writing picks `F32`/`I32`/`BOOL`
 * unless a target dtype is given per tensor). Every conversion finishes before the first tensor is
 * made, so a failure leaks nothing.
 *
 * Tensors returned here are owned by the caller: dispose them (or create them inside `tf.tidy`).
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import type { Dtype } from './dtype.js';
import type { Metadata } from './header.js';
import type { RawTensor } from './RawTensor.js';
import { describeValue } from '../tree/walk.js';
import { parseSafetensors, SafetensorsError, serializeSafetensors, type RawTensorEntries } from './safetensors.js';
import { rawToValues, valuesToRaw, type TfValues } from './rawValues.js';

/**
 * Tensors by name: a `Map` or a record.
 * @example
 * import { io, tf } from 'parallax-ts'
 * const entries: io.TensorEntries = { w: tf.ones([2, 2]), b: tf.zeros([2]) }
 * @category model
 * @since 0.1.0
 */
export type TensorEntries = ReadonlyMap<string, tf.Tensor> | Readonly<Record<string, tf.Tensor>>;

/**
 * Options for writing tfjs tensors.
 * @example
 * import { io } from 'parallax-ts'
 * const options: io.EncodeOptions = { dtypes: { 'embed.weight': 'BF16' } }
 * @category model
 * @since 0.1.0
 */
export interface EncodeOptions {
  /** A target dtype per tensor name, e.g. `{ 'embed.weight': 'BF16' }`; others use the default. */
  readonly dtypes?: Readonly<Record<string, Dtype>>;
}

const encodeError = (message: string): SafetensorsError => new SafetensorsError(message, [message]);

const entriesOf = <A>(entries: ReadonlyMap<string, A> | Readonly<Record<string, A>>): ReadonlyArray<readonly [string, A]> =>
  entries instanceof Map ? [...entries] : Object.entries(entries as Readonly<Record<string, A>>);

/**
 * A new tfjs tensor holding a raw tensor's values (owned by the caller).
 * @example
 * import { io } from 'parallax-ts'
 * const t = io.rawToTensor('w', { dtype: 'F16', shape: [1], data: new Uint8Array([0x00, 0x3c]) })
 * t.dataSync() // Float32Array [1]
 * t.dispose()
 * @category tensors
 * @since 0.1.0
 */
export const rawToTensor = (name: string, raw: RawTensor): tf.Tensor => {
  const { dtype, values } = rawToValues(name, raw);
  return tf.tensor(values, [...raw.shape], dtype);
};

const tensorValues = (name: string, tensor: tf.Tensor): TfValues => {
  if (!(tensor instanceof tf.Tensor))
    throw encodeError(`tensor ${JSON.stringify(name)}: expected a tf.Tensor, got ${describeValue(tensor)}`);
  if (tensor.isDisposed) throw encodeError(`tensor ${JSON.stringify(name)} is disposed`);
  switch (tensor.dtype) {
    case 'float32':
      return { dtype: 'float32', values: tensor.dataSync<'float32'>() };
    case 'int32':
      return { dtype: 'int32', values: tensor.dataSync<'int32'>() };
    case 'bool':
      return { dtype: 'bool', values: tensor.dataSync<'bool'>() };
    default:
      throw encodeError(`tensor ${JSON.stringify(name)}: safetensors stores numbers and booleans, not ${tensor.dtype} tensors`);
  }
};

/**
 * The raw form of a tfjs tensor, written as `target` (default `F32`, `I32` or `BOOL` by its
 * dtype). Reads the tensor synchronously and does not dispose it.
 * @example
 * import { io, tf } from 'parallax-ts'
 * const w = tf.tensor([1, 2])
 * io.tensorToRaw('w', w, 'BF16') // { dtype: 'BF16', shape: [2], data: Uint8Array [0x80, 0x3f, 0x00, 0x40] }
 * @category tensors
 * @since 0.1.0
 */
export const tensorToRaw = (name: string, tensor: tf.Tensor, target?: Dtype): RawTensor =>
  valuesToRaw(name, tensorValues(name, tensor), tensor.shape, target);

/**
 * Raw tensors to tfjs tensors (owned by the caller). Converts all first, then creates the tensors,
 * so an error (an `I64` value outside int32) leaves no tensor behind.
 * @example
 * import { io, tf } from 'parallax-ts'
 * const bytes = io.encodeTensors({ w: tf.ones([2]) })
 * const { tensors } = io.parseSafetensors(bytes)
 * const record = io.rawToTensors(tensors) // { w: Tensor }
 * @category tensors
 * @since 0.1.0
 */
export const rawToTensors = (entries: RawTensorEntries): Record<string, tf.Tensor> => {
  const converted = entriesOf(entries).map(([name, raw]) => [name, rawToValues(name, raw), raw.shape] as const);
  return Object.fromEntries(
    tf.tidy(() => converted.map(([name, { dtype, values }, shape]) => [name, tf.tensor(values, [...shape], dtype)] as const)),
  );
};

/**
 * tfjs tensors to raw tensors, each written as `options.dtypes[name]` or its default. Every problem
 * (an unknown name in `dtypes`, a wrong kind, a value out of range) is reported in one error.
 * @example
 * import { io, tf } from 'parallax-ts'
 * const raw = io.tensorsToRaw({ w: tf.tensor([1.5]) }, { dtypes: { w: 'F16' } })
 * raw.get('w')?.dtype // 'F16'
 * @category tensors
 * @since 0.1.0
 */
export const tensorsToRaw = (entries: TensorEntries, options: EncodeOptions = {}): ReadonlyMap<string, RawTensor> => {
  const list = entriesOf(entries);
  const targets = options.dtypes ?? {};
  const problems: string[] = [];
  const names = new Set(list.map(([name]) => name));
  for (const name of Object.keys(targets)) {
    if (!names.has(name)) problems.push(`options.dtypes names ${JSON.stringify(name)}, which is not among the tensors`);
  }
  const out = new Map<string, RawTensor>();
  for (const [name, tensor] of list) {
    try {
      out.set(name, tensorToRaw(name, tensor, Object.hasOwn(targets, name) ? targets[name] : undefined));
    } catch (e) {
      problems.push(e instanceof SafetensorsError && e.problems.length === 1 ? e.problems[0]! : (e as Error).message);
    }
  }
  if (problems.length > 0) {
    throw new SafetensorsError(
      problems.length === 1
        ? `cannot encode tensors: ${problems[0]}`
        : `cannot encode tensors:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      problems,
    );
  }
  return out;
};

/**
 * Parses a safetensors file into tfjs tensors by name (owned by the caller; dispose them). The
 * whole file is validated and converted before any tensor is made. Use `parseSafetensors` for the
 * metadata.
 * @example
 * import { io, tf } from 'parallax-ts'
 * const bytes = io.encodeTensors({ 'fc.weight': tf.zeros([10, 784]) })
 * const weights = io.decodeTensors(bytes)
 * weights['fc.weight']?.shape // [10, 784]
 * @category bytes
 * @since 0.1.0
 */
export const decodeTensors = (bytes: Uint8Array): Record<string, tf.Tensor> => rawToTensors(parseSafetensors(bytes).tensors);

/**
 * Serializes tfjs tensors (not disposed) and optional string metadata to safetensors bytes.
 * float32 → `F32`, int32 → `I32`, bool → `BOOL` unless `options.dtypes` names another target of the
 * same kind (`F16`, `BF16`, `F64`; `I64`, `U8`, `I8`; `U8` for bool), narrowed with rounding to
 * nearest even and a range check.
 * @example
 * import { io, tf } from 'parallax-ts'
 * const bytes = io.encodeTensors({ w: tf.tensor([[1, 2]]), step: tf.scalar(3, 'int32') }, { epoch: '1' }, { dtypes: { step: 'I64' } })
 * @category bytes
 * @since 0.1.0
 */
export const encodeTensors = (entries: TensorEntries, metadata: Metadata = {}, options: EncodeOptions = {}): Uint8Array =>
  serializeSafetensors(tensorsToRaw(entries, options), metadata);
