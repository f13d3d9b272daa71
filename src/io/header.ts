/**
 * The safetensors header: its io-ts codec, the layout rules the codec alone cannot state, and its
 * canonical JSON text.
 *
 * A header is a JSON object mapping each tensor name to `{ dtype, shape, data_offsets }`, plus an
 * optional `"__metadata__"` map of strings to strings. `data_offsets` are `[begin, end)` byte
 * offsets into the data region that follows the header. The layout rules follow the reference
 * implementation (huggingface `safetensors`): taken in order of their offsets, the tensors must tile
 * the data region exactly, starting at 0, with no overlap and no hole (a hole could hide a second
 * file inside the first), and each span must be exactly `product(shape) * itemsize` bytes.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { isLeft } from 'fp-ts/lib/Either.js';
import { describeJson } from '../nn/configCodecs.js';
import { DtypeCodec, itemSize } from './dtype.js';

/**
 * The header key that holds the free-form string map (`parseSafetensors` returns it as `metadata`).
 * @example
 * import { io } from 'parallax-ts'
 * // The file's `__metadata__` entry holds the string map given when writing:
 * io.parseSafetensors(io.serializeSafetensors({}, { format: 'pt' })).metadata // { format: 'pt' }
 * @internal
 * @category codecs
 * @since 0.1.0
 */
export const METADATA_KEY = '__metadata__';

const isNonNegativeInteger = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0;

/**
 * A dimension or an offset: a non-negative integer JavaScript holds exactly (below 2^53).
 * @example
 * import { io } from 'parallax-ts'
 * // Shapes and offsets are non-negative integers; a header with another number is refused.
 * io.TensorInfoCodec.is({ dtype: 'F32', shape: [-1], data_offsets: [0, 0] }) // false
 * @internal
 * @category codecs
 * @since 0.1.0
 */
export const NonNegativeIntegerCodec = new t.Type<number, number, unknown>(
  'a non-negative integer',
  isNonNegativeInteger,
  (u, c) => (isNonNegativeInteger(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const isOffsetPair = (u: unknown): u is readonly [number, number] =>
  Array.isArray(u) && u.length === 2 && isNonNegativeInteger(u[0]) && isNonNegativeInteger(u[1]);

/**
 * `data_offsets`: exactly two non-negative integers `[begin, end]` (io-ts's `tuple` would drop
 * extra elements silently, so this codec is written out).
 * @example
 * import { io } from 'parallax-ts'
 * io.TensorInfoCodec.is({ dtype: 'U8', shape: [2], data_offsets: [0, 2] }) // true
 * io.TensorInfoCodec.is({ dtype: 'U8', shape: [2], data_offsets: [0, 2, 4] }) // false: [begin, end] only
 * @internal
 * @category codecs
 * @since 0.1.0
 */
export const DataOffsetsCodec = new t.Type<readonly [number, number], readonly [number, number], unknown>(
  '[begin, end] (two non-negative integers)',
  isOffsetPair,
  (u, c) => (isOffsetPair(u) ? t.success([u[0], u[1]] as const) : t.failure(u, c)),
  t.identity,
);

const isShape = (u: unknown): u is ReadonlyArray<number> => Array.isArray(u) && u.every(isNonNegativeInteger);

/**
 * `shape`: an array of non-negative integers. A bad shape is one problem, naming its first bad
 * dimension (an element-by-element codec would make a million-element shape a million errors).
 * @example
 * import { io } from 'parallax-ts'
 * io.TensorInfoCodec.is({ dtype: 'U8', shape: [2, -1], data_offsets: [0, 0] }) // false: shape[1] is negative
 * @internal
 * @category codecs
 * @since 0.2.0
 */
export const ShapeCodec = new t.Type<ReadonlyArray<number>, ReadonlyArray<number>, unknown>(
  'a shape (an array of non-negative integers)',
  isShape,
  (u, c) => {
    if (!Array.isArray(u)) return t.failure(u, c);
    const bad = u.findIndex((d) => !isNonNegativeInteger(d));
    return bad < 0
      ? t.success(u as ReadonlyArray<number>)
      : t.failure(u[bad], t.appendContext(c, String(bad), NonNegativeIntegerCodec, u[bad]));
  },
  t.identity,
);

/**
 * One tensor's header entry. Unknown extra fields are ignored, as the reference reader does.
 * @example
 * import { isRight } from 'fp-ts/lib/Either.js'
 * import { io } from 'parallax-ts'
 * isRight(io.TensorInfoCodec.decode({ dtype: 'F32', shape: [2], data_offsets: [0, 8] })) // true
 * @category codecs
 * @since 0.1.0
 */
export const TensorInfoCodec = t.readonly(
  t.type({
    dtype: DtypeCodec,
    shape: ShapeCodec,
    data_offsets: DataOffsetsCodec,
  }),
  'a tensor entry { dtype, shape, data_offsets }',
);

/**
 * One tensor's header entry.
 * @example
 * import { io } from 'parallax-ts'
 * const info: io.TensorInfo = { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] }
 * @category model
 * @since 0.1.0
 */
export type TensorInfo = t.TypeOf<typeof TensorInfoCodec>;

/**
 * `__metadata__`: a map of strings to strings (`null` reads as absent, as in the reference).
 * @example
 * import { isRight } from 'fp-ts/lib/Either.js'
 * import { io } from 'parallax-ts'
 * isRight(io.MetadataCodec.decode({ format: 'pt' })) // true
 * isRight(io.MetadataCodec.decode({ epoch: 3 })) // false: values must be strings
 * @category codecs
 * @since 0.1.0
 */
export const MetadataCodec = t.readonly(t.record(t.string, t.string), 'Metadata (a map of strings to strings)');

/**
 * The free-form string map a file may carry.
 * @example
 * import { io } from 'parallax-ts'
 * const metadata: io.Metadata = { format: 'pt', epoch: '3' }
 * @category model
 * @since 0.1.0
 */
export type Metadata = Readonly<Record<string, string>>;

/**
 * A decoded header: tensors in the file's key order, and the metadata (`{}` when absent).
 * @example
 * import { io } from 'parallax-ts'
 * const header: io.Header = { tensors: [['w', { dtype: 'F32', shape: [], data_offsets: [0, 4] }]], metadata: {} }
 * @category model
 * @since 0.1.0
 */
export interface Header {
  readonly tensors: ReadonlyArray<readonly [string, TensorInfo]>;
  readonly metadata: Metadata;
}

/** A tensor entry as {@link TensorInfoCodec} decodes it, when it is well formed; `undefined` otherwise. */
const wellFormedEntry = (u: unknown): TensorInfo | undefined => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return undefined;
  const { dtype, shape, data_offsets } = u as Record<string, unknown>;
  if (!DtypeCodec.is(dtype) || !isShape(shape) || !isOffsetPair(data_offsets)) return undefined;
  return { dtype, shape, data_offsets: [data_offsets[0], data_offsets[1]] };
};

const isHeader = (u: unknown): u is Header =>
  typeof u === 'object' && u !== null && Array.isArray((u as Header).tensors) && typeof (u as Header).metadata === 'object';

/**
 * The header codec, from the value `JSON.parse` gives to a {@link Header}. Errors carry the tensor
 * name and field as their io-ts context path.
 * @example
 * import { isRight } from 'fp-ts/lib/Either.js'
 * import { io } from 'parallax-ts'
 * isRight(io.HeaderCodec.decode({ w: { dtype: 'F32', shape: [], data_offsets: [0, 4] } })) // true
 * isRight(io.HeaderCodec.decode([1, 2])) // false: not an object
 * @category codecs
 * @since 0.1.0
 */
export const HeaderCodec = new t.Type<Header, Header, unknown>(
  'Header (a JSON object of tensor entries)',
  isHeader,
  (u, c) => {
    if (!t.UnknownRecord.is(u)) return t.failure(u, c);
    const errors: t.ValidationError[] = [];
    let more = 0;
    // At most MAX_HEADER_PROBLEMS errors are kept (the rest counted): a header of a million bad
    // entries is refused with bounded memory. Pushed one by one, never spread.
    const keep = (found: t.Errors): void => {
      for (const e of found) {
        if (errors.length < MAX_HEADER_PROBLEMS) errors.push(e);
        else more++;
      }
    };
    const tensors: Array<readonly [string, TensorInfo]> = [];
    let metadata: Metadata = {};
    for (const key in u) {
      if (!Object.hasOwn(u, key)) continue;
      const value = u[key];
      if (key === METADATA_KEY) {
        if (value === null) continue;
        const decoded = MetadataCodec.validate(value, t.appendContext(c, key, MetadataCodec, value));
        if (isLeft(decoded)) keep(decoded.left);
        else metadata = decoded.right;
      } else {
        // The common case, a well-formed entry, is checked directly (io-ts's `type` costs microseconds
        // per entry); the codec runs only to describe what is wrong.
        const info = wellFormedEntry(value);
        if (info !== undefined) {
          tensors.push([key, info]);
          continue;
        }
        const decoded = TensorInfoCodec.validate(value, t.appendContext(c, key, TensorInfoCodec, value));
        if (isLeft(decoded)) keep(decoded.left);
        else tensors.push([key, decoded.right]);
      }
    }
    if (more > 0) errors.push({ value: undefined, context: c, message: `and ${more} more problem${more === 1 ? '' : 's'} (not listed)` });
    return errors.length > 0 ? t.failures(errors) : t.success({ tensors, metadata });
  },
  t.identity,
);

/**
 * At most this many problems of a header are listed (the rest are counted in a last line), so a
 * hostile header is refused with bounded memory and a readable message.
 * @example
 * import { io } from 'parallax-ts'
 * io.MAX_HEADER_PROBLEMS // 100
 * @category model
 * @since 0.2.0
 */
export const MAX_HEADER_PROBLEMS = 100;

// A value as a message shows it: bounded, whatever its size or nesting (no JSON.stringify recursion).
const show = (u: unknown): string => describeJson(u, 80);

/**
 * One line per io-ts error: where in the header (tensor name, then field), what was expected and
 * what was found.
 * @example
 * import { io } from 'parallax-ts'
 * // A bad header is reported one line per problem, each naming its key:
 * try {
 *   io.parseSafetensors(io.serializeSafetensors({}).slice(0, 3))
 * } catch (e) {
 *   if (e instanceof io.SafetensorsError) console.log(e.problems)
 * }
 * @internal
 * @category codecs
 * @since 0.1.0
 */
export const reportHeaderErrors = (errors: t.Errors): ReadonlyArray<string> =>
  errors.map((e) => {
    if (e.message !== undefined) return e.message;
    const path = e.context.map((entry) => entry.key).filter((key) => key !== '');
    const expected = e.context[e.context.length - 1]?.type.name ?? 'a valid header';
    const [top, ...rest] = path;
    const where =
      top === undefined
        ? 'the header'
        : top === METADATA_KEY
          ? rest.length === 0
            ? `"${METADATA_KEY}"`
            : `"${METADATA_KEY}" entry ${JSON.stringify(rest[0])}`
          : rest.length === 0
            ? `tensor ${JSON.stringify(top)}`
            : `tensor ${JSON.stringify(top)}, ${rest[0]}${rest
                .slice(1)
                .map((k) => `[${k}]`)
                .join('')}`;
    return `${where}: expected ${expected}; got ${show(e.value)}`;
  });

const describeSpan = (name: string, [begin, end]: readonly [number, number]): string => `tensor ${JSON.stringify(name)} [${begin}, ${end})`;

/**
 * The number of elements of a shape (1 for a scalar). May exceed 2^53 for absurd shapes: callers
 * check with `Number.isSafeInteger`.
 * @example
 * import { io } from 'parallax-ts'
 * // A raw tensor's byte length is its element count times its item size; a scalar has one element.
 * io.rawTensor('F32', [], new Uint8Array(4)).data.length // 4
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const elementCount = (shape: ReadonlyArray<number>): number => shape.reduce((n, d) => n * d, 1);

/**
 * Checks the layout rules on a decoded header against the size of the data region, returning every
 * violation found (empty when the layout is valid): each span is `product(shape) * itemsize` bytes,
 * spans do not overlap, leave no hole, and cover the data region exactly.
 * @example
 * import { io } from 'parallax-ts'
 * // A file whose data region is longer than its tensors is refused, the layout problem named:
 * const bytes = io.serializeSafetensors({ w: io.rawTensor('F32', [2], new Uint8Array(8)) })
 * const padded = new Uint8Array([...bytes, 0, 0, 0, 0])
 * try {
 *   io.parseSafetensors(padded)
 * } catch (e) {
 *   if (e instanceof io.SafetensorsError) console.log(e.problems) // one problem: 4 trailing bytes
 * }
 * @internal
 * @category codecs
 * @since 0.1.0
 */
export const checkLayout = (header: Header, dataLength: number): ReadonlyArray<string> => {
  const problems: string[] = [];
  for (const [name, info] of header.tensors) {
    const [begin, end] = info.data_offsets;
    const count = elementCount(info.shape);
    const expected = count * itemSize(info.dtype);
    if (!Number.isSafeInteger(expected)) {
      problems.push(`tensor ${JSON.stringify(name)}: shape [${info.shape.join(', ')}] is too large to address`);
    } else if (end < begin) {
      problems.push(`${describeSpan(name, info.data_offsets)}: data_offsets end before they begin`);
    } else if (end - begin !== expected) {
      problems.push(
        `tensor ${JSON.stringify(name)}: ${info.dtype} shape [${info.shape.join(', ')}] needs ` +
          `${count} * ${itemSize(info.dtype)} = ${expected} bytes, but data_offsets [${begin}, ${end}] ` +
          `span ${end - begin}`,
      );
    }
    if (end > dataLength) {
      problems.push(
        `${describeSpan(name, info.data_offsets)} runs past the end of the data region ` +
          `(${dataLength} bytes): expected end <= ${dataLength}, got ${end} (truncated file?)`,
      );
    }
  }
  const ordered = [...header.tensors].sort(
    ([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0] || a.data_offsets[1] - b.data_offsets[1],
  );
  let covered = 0;
  let previous: readonly [string, TensorInfo] | undefined;
  for (const entry of ordered) {
    const [name, info] = entry;
    const [begin, end] = info.data_offsets;
    if (begin < covered && previous !== undefined) {
      problems.push(`${describeSpan(name, info.data_offsets)} overlaps ${describeSpan(previous[0], previous[1].data_offsets)}`);
    } else if (begin > covered) {
      problems.push(
        `data bytes [${covered}, ${begin}) belong to no tensor (hole before ${describeSpan(name, info.data_offsets)}); ` +
          'safetensors requires the data region to be fully covered',
      );
    }
    if (end >= covered) {
      covered = end;
      previous = entry;
    }
  }
  if (covered < dataLength) {
    problems.push(
      `data bytes [${covered}, ${dataLength}) belong to no tensor: the tensors cover ${covered} bytes, ` +
        `but the data region has ${dataLength} (trailing bytes)`,
    );
  }
  return problems;
};

/**
 * Compares strings by Unicode code point, i.e. by their UTF-8 bytes, as Rust orders `String`s
 * (JavaScript's default sort compares UTF-16 code units, which differs above U+FFFF).
 * @example
 * import { io } from 'parallax-ts'
 * // Metadata keys are written in code point order (UTF-8 byte order), as the reference writer does:
 * const bytes = io.serializeSafetensors({}, { '\u{1F600}': 'b', '\uFFFD': 'a' })
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const compareCodePoints = (a: string, b: string): number => {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done === true) return cb.done === true ? 0 : -1;
    if (cb.done === true) return 1;
    const d = (ca.value.codePointAt(0) ?? 0) - (cb.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
};

/**
 * The canonical JSON text of a header, the way the reference writer (serde_json) prints it: no
 * whitespace, `"__metadata__"` first (only when it has entries, keys sorted by code point), then the
 * tensors in the given order, each as `{"dtype":..,"shape":[..],"data_offsets":[..,..]}`.
 * @example
 * import { io } from 'parallax-ts'
 * // The header is written as the reference writer prints it:
 * const bytes = io.serializeSafetensors({ w: io.rawTensor('F32', [2], new Uint8Array(8)) })
 * new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))))
 * // '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}' (padded with spaces to a multiple of 8)
 * @internal
 * @category codecs
 * @since 0.1.0
 */
export const headerJson = (header: Header): string => {
  const parts: string[] = [];
  const metadataKeys = Object.keys(header.metadata).sort(compareCodePoints);
  if (metadataKeys.length > 0) {
    const entries = metadataKeys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(header.metadata[k])}`);
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${entries.join(',')}}`);
  }
  for (const [name, info] of header.tensors) {
    parts.push(
      `${JSON.stringify(name)}:{"dtype":${JSON.stringify(info.dtype)},"shape":[${info.shape.join(',')}],` +
        `"data_offsets":[${info.data_offsets[0]},${info.data_offsets[1]}]}`,
    );
  }
  return `{${parts.join(',')}}`;
};

/**
 * Duplicate keys in a JSON text that `JSON.parse` accepted (it keeps the last silently; the
 * safetensors format disallows duplicates). One message per duplicate, naming the enclosing key.
 * @example
 * import { io } from 'parallax-ts'
 * // A header with a duplicate key is refused (JSON.parse alone would keep the last silently):
 * const json = new TextEncoder().encode('{"w":{"dtype":"U8","shape":[],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}')
 * const bytes = new Uint8Array(8 + json.length + 1)
 * new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true)
 * bytes.set(json, 8)
 * try {
 *   io.parseSafetensors(bytes)
 * } catch (e) {
 *   if (e instanceof io.SafetensorsError) console.log(e.problems) // ['duplicate key "w" in the header']
 * }
 * @internal
 * @category codecs
 * @since 0.1.0
 */
export const duplicateKeys = (json: string): ReadonlyArray<string> => {
  const problems: string[] = [];
  // One frame per open object or array: its keys so far (null for arrays) and its own name.
  const stack: Array<{ readonly keys: Set<string> | null; readonly name: string | undefined; last?: string }> = [];
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let j = i + 1;
      let escaped = false;
      for (let code = json.charCodeAt(j); code !== 0x22; code = json.charCodeAt(j)) {
        if (code === 0x5c) {
          escaped = true;
          j += 2;
        } else j += 1;
      }
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = escaped ? (JSON.parse(json.slice(i, j + 1)) as string) : json.slice(i + 1, j);
        if (top.keys.has(key)) {
          problems.push(`duplicate key ${JSON.stringify(key)} in ${top.name === undefined ? 'the header' : JSON.stringify(top.name)}`);
        }
        top.keys.add(key);
        top.last = key;
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      stack.push({ keys: c === '{' ? new Set() : null, name: parent?.keys ? parent.last : parent?.name });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = stack[stack.length - 1]?.keys != null;
    }
  }
  return problems;
};
