/**
 * Reading and writing the safetensors format in memory, with no tfjs involved.
 *
 * Layout: 8 bytes holding the header length N (little-endian u64), N bytes of UTF-8 JSON header
 * (see `header.ts`), then the data region, each tensor's bytes row-major and little-endian.
 *
 * Reading validates everything first (lengths, UTF-8, JSON, the io-ts header codec, the layout
 * rules) and reports every problem found in one `SafetensorsError`; a caller never sees a partly
 * read file. Writing is deterministic and matches the reference writer (huggingface `safetensors`)
 * byte for byte: tensors laid out by decreasing dtype alignment then by name, compact JSON,
 * header padded with spaces to a multiple of 8 bytes so the data region starts aligned.
 *
 * @since 0.1.0
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { compareLayoutOrder, itemSize } from './dtype.js';
import {
  HeaderCodec,
  METADATA_KEY,
  checkLayout,
  compareCodePoints,
  duplicateKeys,
  elementCount,
  headerJson,
  MAX_HEADER_PROBLEMS,
  reportHeaderErrors,
  type Metadata,
  type TensorInfo,
} from './header.js';
import { rawTensorProblem, type RawTensor } from './RawTensor.js';
import { SafetensorsError } from './SafetensorsError.js';

export { SafetensorsError } from './SafetensorsError.js';

/**
 * The largest header accepted or written, as in the reference implementation (100 MB).
 * @example
 * import { io } from 'parallax-ts'
 * io.MAX_HEADER_BYTES // 100_000_000
 * @category model
 * @since 0.1.0
 */
export const MAX_HEADER_BYTES = 100_000_000;

const notListed = /^and (\d+) more problems? \(not listed\)$/;

const fail = (context: string, all: ReadonlyArray<string>): never => {
  // Listed up to MAX_HEADER_PROBLEMS, then counted (with those the header codec already counted):
  // the message of a hostile file stays readable.
  const listed: string[] = [];
  let more = 0;
  for (const p of all) {
    const counted = notListed.exec(p);
    if (counted !== null) more += Number(counted[1]);
    else if (listed.length < MAX_HEADER_PROBLEMS) listed.push(p);
    else more++;
  }
  const problems = more > 0 ? [...listed, `and ${more} more problem${more === 1 ? '' : 's'} (not listed)`] : listed;
  const message = problems.length === 1 ? `${context}: ${problems[0]}` : `${context}:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
  throw new SafetensorsError(message, problems);
};

/**
 * The contents of a safetensors file.
 * @example
 * import { io } from 'parallax-ts'
 * const file: io.Safetensors = io.parseSafetensors(io.serializeSafetensors({ w: io.rawTensor('U8', [1], new Uint8Array([5])) }))
 * file.tensors.get('w')?.shape // [1]
 * @category model
 * @since 0.1.0
 */
export interface Safetensors {
  /** Tensors in the order the file's header lists them. */
  readonly tensors: ReadonlyMap<string, RawTensor>;
  /** The `__metadata__` map, `{}` when the file has none. */
  readonly metadata: Metadata;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/**
 * Parses and validates a safetensors file. Tensor `data` are views into `bytes` (no copy): copy
 * them (`data.slice()`) before changing `bytes`.
 * @example
 * import { io } from 'parallax-ts'
 * const file = io.serializeSafetensors({ w: io.rawTensor('U8', [2], new Uint8Array([7, 9])) })
 * io.parseSafetensors(file).tensors.get('w')?.data // Uint8Array [7, 9]
 * @category bytes
 * @since 0.1.0
 */
export const parseSafetensors = (bytes: Uint8Array): Safetensors => {
  const context = 'invalid safetensors file';
  if (!(bytes instanceof Uint8Array)) fail(context, ['expected the file as a Uint8Array']);
  if (bytes.length < 8) {
    fail(context, [`file is ${bytes.length} bytes long; it must start with an 8-byte header length (truncated?)`]);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (headerLength > MAX_HEADER_BYTES) {
    fail(context, [`header length ${headerLength} exceeds the limit of ${MAX_HEADER_BYTES} bytes`]);
  }
  if (8 + headerLength > bytes.length) {
    fail(context, [
      `header length ${headerLength} runs past the end of the file: expected at least ${8 + headerLength} bytes, ` +
        `got ${bytes.length} (truncated?)`,
    ]);
  }
  const headerBytes = bytes.subarray(8, 8 + headerLength);
  if (headerBytes[0] !== 0x7b)
    fail(context, [
      `header must begin with "{" (byte 0x7b), got ${headerBytes.length === 0 ? 'an empty header' : `byte 0x${headerBytes[0].toString(16)}`}`,
    ]);
  let text = '';
  try {
    text = utf8Decoder.decode(headerBytes);
  } catch {
    fail(context, ['header is not valid UTF-8']);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(context, [`header is not valid JSON: ${(e as Error).message}`]);
  }
  const duplicates = duplicateKeys(text);
  if (duplicates.length > 0) fail(context, duplicates);
  const decoded = HeaderCodec.decode(json);
  if (isLeft(decoded)) return fail(context, reportHeaderErrors(decoded.left));
  const header = decoded.right;
  const dataStart = 8 + headerLength;
  const problems = checkLayout(header, bytes.length - dataStart);
  if (problems.length > 0) fail(context, problems);
  const tensors = new Map<string, RawTensor>();
  for (const [name, info] of header.tensors) {
    const [begin, end] = info.data_offsets;
    tensors.set(name, { dtype: info.dtype, shape: info.shape, data: bytes.subarray(dataStart + begin, dataStart + end) });
  }
  return { tensors, metadata: header.metadata };
};

/**
 * Tensors to write: a `Map` or a record from name to raw tensor.
 * @example
 * import { io } from 'parallax-ts'
 * const asRecord: io.RawTensorEntries = { w: io.rawTensor('U8', [1], new Uint8Array([1])) }
 * const asMap: io.RawTensorEntries = new Map([['w', io.rawTensor('U8', [1], new Uint8Array([1]))]])
 * @category model
 * @since 0.1.0
 */
export type RawTensorEntries = ReadonlyMap<string, RawTensor> | Readonly<Record<string, RawTensor>>;

const entriesOf = (entries: RawTensorEntries): ReadonlyArray<readonly [string, RawTensor]> =>
  entries instanceof Map ? [...entries] : Object.entries(entries as Readonly<Record<string, RawTensor>>);

/**
 * The bytes of a safetensors file as a list of chunks: first the length prefix and header, then each
 * tensor's data (the caller's own arrays, not copies). Concatenated, they are exactly
 * `serializeSafetensors(entries, metadata)`; streaming them avoids one large copy when writing
 * files. All checks happen before this returns.
 * @example
 * import { io } from 'parallax-ts'
 * const chunks = io.safetensorsChunks({ w: io.rawTensor('U8', [1], new Uint8Array([5])) })
 * chunks.length // 2: header, then w's data
 * @category bytes
 * @since 0.1.0
 */
export const safetensorsChunks = (entries: RawTensorEntries, metadata: Metadata = {}): ReadonlyArray<Uint8Array> => {
  const context = 'cannot write safetensors';
  const list = entriesOf(entries);
  const problems: string[] = [];
  for (const [name, tensor] of list) {
    if (name === METADATA_KEY) problems.push(`"${METADATA_KEY}" is reserved and cannot name a tensor`);
    const problem = rawTensorProblem(name, tensor);
    if (problem !== undefined) problems.push(problem);
  }
  if (typeof metadata !== 'object' || metadata === null) {
    problems.push(`metadata: expected a map of strings to strings, got ${String(metadata)}`);
  } else {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') {
        problems.push(`metadata entry ${JSON.stringify(key)}: expected a string, got ${typeof value}`);
      }
    }
  }
  if (problems.length > 0) fail(context, problems);
  const ordered = [...list].sort(([nameA, a], [nameB, b]) => compareLayoutOrder(a.dtype, b.dtype) || compareCodePoints(nameA, nameB));
  let offset = 0;
  const infos: Array<readonly [string, TensorInfo]> = ordered.map(([name, tensor]) => {
    const begin = offset;
    offset += elementCount(tensor.shape) * itemSize(tensor.dtype);
    return [name, { dtype: tensor.dtype, shape: [...tensor.shape], data_offsets: [begin, offset] as const }];
  });
  const json = utf8Encoder.encode(headerJson({ tensors: infos, metadata }));
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > MAX_HEADER_BYTES) {
    fail(context, [`header would be ${headerLength} bytes, over the limit of ${MAX_HEADER_BYTES}`]);
  }
  const prefix = new Uint8Array(8 + headerLength).fill(0x20, 8 + json.length);
  const view = new DataView(prefix.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  prefix.set(json, 8);
  return [prefix, ...ordered.map(([, tensor]) => tensor.data)];
};

/**
 * Serializes tensors (and optional string metadata) to the bytes of a safetensors file.
 * Deterministic: the same input gives the same bytes, whatever the entries' order. Parsing the
 * result gives the tensors back bit for bit; a file this writer produced is re-serialized to the
 * very same bytes.
 * @example
 * import { io } from 'parallax-ts'
 * const bytes = io.serializeSafetensors({ w: io.rawTensor('U8', [2], new Uint8Array([7, 9])) }, { format: 'pt' })
 * @category bytes
 * @since 0.1.0
 */
export const serializeSafetensors = (entries: RawTensorEntries, metadata: Metadata = {}): Uint8Array => {
  const chunks = safetensorsChunks(entries, metadata);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
};
