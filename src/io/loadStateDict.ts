/**
 * Placing a state dict into a module: PyTorch's `load_state_dict`, made pure. The module passed in
 * is not changed; a new module comes back with the tensors in place.
 *
 * Checks come first and are complete: every missing, unexpected, shape-mismatched and
 * dtype-mismatched key is listed in one {@link StateDictError}, and nothing is allocated before
 * they all pass, so a failed load leaves no tensor behind.
 *
 * Dtypes: every leaf declares one — a tensor its own, a `ParamInit` the one it was made with
 * (`float32` unless declared, e.g. `BatchNorm`'s int32 `numBatchesTracked`). A strict load (the
 * default) refuses a source of another element type, naming the key and both dtypes; a file's
 * `F16`/`BF16`/`F64` are float32 and its `I64`/`I8`/`U8` int32 for this purpose (see `rawValues.ts`).
 * A non-strict load converts the values as PyTorch's `copy_` does (see `castValues.ts`).
 *
 * Ownership: the returned module's tensors are all new and owned by the caller (dispose them with
 * `dispose`); the tensors passed in and the input module's tensors stay owned by whoever owned them
 * (they are copied with `tf.clone`, which shares the data buffer, so a copy costs no memory).
 *
 * Zero-size leaves (placeholders for tensors a layer does not have, e.g. `Linear`'s bias with
 * `bias: false`) have no state-dict key (see `stateDictEntries.ts`): they are never missing and keep
 * their value (a new clone, or drawn from their `ParamInit`, so owned like every other leaf). A
 * source that does give a non-empty tensor under such a key is unexpected (in strict mode), as in
 * PyTorch; an empty one (an older file of ours) is accepted and ignored.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { tidy } from '../engine/memory.js';
import { formatShape } from '../tree/ModuleError.js';
import { type AnyModule, fromArray, isModule, type LeafOf, type Relabel, specOf } from '../tree/Module.js';
import { isParamInit, paramDtype, type ParamInit } from '../tree/ParamInit.js';
import { describeValue } from '../tree/walk.js';
import { castValues } from './castValues.js';
import type { TfDtype, TfValues } from './rawValues.js';
import { key as prngKey } from '../random/PRNGKey.js';
import { isAbsentLeaf, keyedLeafEntries } from './stateDictEntries.js';
import { StateDictError, type StateDictProblem } from './StateDictError.js';
import type { TensorEntries } from './tensors.js';
import { unknownOption } from '../tree/optionKeys.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link loadStateDict}.
 * @example
 * import { io, nn, tf } from 'parallax-ts'
 * const options: io.LoadStateDictOptions = { strict: false }
 * const partial = io.loadStateDict(nn.Linear.create(2, 3), { weight: tf.ones([3, 2]) }, options) // bias: still a ParamInit
 * @category model
 * @since 0.1.0
 */
export interface LoadStateDictOptions {
  /**
   * Default `true`: every key of the module must be given and no other, each of the leaf's dtype.
   * `false` ignores missing keys (those leaves keep their current value, copied) and unexpected keys
   * (not read), and converts a source of another dtype to the leaf's as PyTorch's `copy_` does
   * (int → float rounds, float → int truncates toward zero, non-zero → `true`; a NaN, infinite or
   * out-of-range float for an int32 leaf is an error). Shape mismatches are errors either way.
   */
  readonly strict?: boolean;
}

/**
 * A source tensor's shape and tfjs dtype, known before any tensor is made from it.
 * @example
 * import { io, nn, tf } from 'parallax-ts'
 * // Every state-dict load (tensors, raw file tensors) goes through the same checks:
 * try {
 *   io.loadStateDict(nn.Linear.create(2, 3), { weight: tf.ones([3, 2], 'int32'), bias: tf.ones([4]) })
 * } catch (e) {
 *   if (e instanceof io.StateDictError) console.log(e.keys('shape')) // ['bias'] (a ParamInit accepts any dtype)
 * }
 * @internal
 * @category state dicts
 * @since 0.1.0
 */
export interface SourceInfo {
  readonly shape: ReadonlyArray<number>;
  readonly dtype: string;
  /** Shown after the dtype in messages, e.g. `'I64 in the file'`. */
  readonly note?: string;
}

/**
 * How to read one kind of source (tfjs tensors, raw file tensors).
 * @example
 * import { io, nn, tf } from 'parallax-ts'
 * // Every state-dict load (tensors, raw file tensors) goes through the same checks:
 * try {
 *   io.loadStateDict(nn.Linear.create(2, 3), { weight: tf.ones([3, 2], 'int32'), bias: tf.ones([4]) })
 * } catch (e) {
 *   if (e instanceof io.StateDictError) console.log(e.keys('shape')) // ['bias'] (a ParamInit accepts any dtype)
 * }
 * @internal
 * @category state dicts
 * @since 0.1.0
 */
export interface StateDictSource<S> {
  /** The source's shape and dtype, or a string saying why it is unusable. */
  readonly describe: (key: string, s: S) => SourceInfo | string;
  /** Does all fallible work (conversions to `dtype`, the leaf's) and returns the maker of the tensor; may throw. */
  readonly prepare: (key: string, s: S, dtype: TfDtype) => () => Tensor;
}

const placeholderKey = prngKey(0);

const sameShape = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

const fieldNote = (key: string, path: string): string => (key === path ? '' : ` (field ${path})`);
const withNote = (info: SourceInfo): string => (info.note === undefined ? info.dtype : `${info.dtype} (${info.note})`);

/** The expected shape and dtype of a leaf: a tensor's own, or what a `ParamInit` declares; a string when the leaf is neither. */
const expectedOf = (leaf: unknown): { readonly shape: ReadonlyArray<number>; readonly dtype: TfDtype } | string => {
  if (leaf instanceof tf.Tensor) {
    return leaf.dtype === 'float32' || leaf.dtype === 'int32' || leaf.dtype === 'bool'
      ? { shape: leaf.shape, dtype: leaf.dtype }
      : `a ${leaf.dtype} tensor, which a state dict cannot hold`;
  }
  if (isParamInit(leaf)) return { shape: leaf.shape, dtype: paramDtype(leaf) };
  return `${describeValue(leaf)}, neither a tf.Tensor nor a ParamInit`;
};

const isTfDtype = (d: string): d is TfDtype => d === 'float32' || d === 'int32' || d === 'bool';

/**
 * The problems with the arguments of a state-dict load, each naming its argument (`where` is the
 * function called): `m` a module, `sources` a `Map` or a plain record, `options` an object whose
 * `strict` is a boolean.
 * @example
 * import { io, nn } from 'parallax-ts'
 * try {
 *   io.loadStateDict(nn.Linear.create(2, 3), null as never)
 * } catch (e) {
 *   if (e instanceof io.StateDictError) console.log(e.keys('argument')) // ['tensors']
 * }
 * @internal
 * @category state dicts
 * @since 0.2.0
 */
export const checkLoadArguments = (where: string, m: unknown, sources: unknown, sourcesName: string, options: unknown): void => {
  const problems: StateDictProblem[] = [];
  const argument = (key: string, message: string): void => {
    problems.push({ kind: 'argument', key, message: `${where}: argument ${key}: ${message}` });
  };
  if (!isModule(m)) argument('m', `expected a module (e.g. nn.Linear.create(2, 3)), got ${describeValue(m)}`);
  const isEntries = sources instanceof Map || (typeof sources === 'object' && sources !== null && !Array.isArray(sources));
  if (!isEntries) argument(sourcesName, `expected a Map or a record of tensors by state-dict key, got ${describeValue(sources)}`);
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    argument('options', `expected an object like { strict: false }, got ${describeValue(options)}`);
  } else if (options !== undefined) {
    const unknown = unknownOption(options, ['strict']);
    if (unknown !== undefined) argument('options', `expected only strict, got the unknown option ${JSON.stringify(unknown)}`);
    const strict = (options as { readonly strict?: unknown }).strict;
    if (strict !== undefined && typeof strict !== 'boolean') argument('options.strict', `expected a boolean, got ${describeValue(strict)}`);
  }
  if (problems.length > 0) throw new StateDictError(isModule(m) ? specOf(m).name : 'a module', problems);
};

/**
 * The engine of every state-dict load: checks all keys, then builds the new module inside one
 * `tidy`. Leaves without a source (non-strict) keep their value, tensors cloned.
 * @example
 * import { io, nn, tf } from 'parallax-ts'
 * // Every state-dict load (tensors, raw file tensors) goes through the same checks:
 * try {
 *   io.loadStateDict(nn.Linear.create(2, 3), { weight: tf.ones([3, 2], 'int32'), bias: tf.ones([4]) })
 * } catch (e) {
 *   if (e instanceof io.StateDictError) console.log(e.keys('shape')) // ['bias'] (a ParamInit accepts any dtype)
 * }
 * @internal
 * @category state dicts
 * @since 0.1.0
 */
export const placeStateDict = <M extends AnyModule<unknown>, S>(
  m: M,
  sources: ReadonlyArray<readonly [string, S]>,
  source: StateDictSource<S>,
  options: LoadStateDictOptions = {},
): Relabel<M, Tensor | LeafOf<M>> => {
  const strict = options.strict ?? true;
  const entries = keyedLeafEntries(m);
  const given = new Map(sources);
  const missing: StateDictProblem[] = [];
  const unexpected: StateDictProblem[] = [];
  const shapes: StateDictProblem[] = [];
  const dtypes: StateDictProblem[] = [];
  const values: StateDictProblem[] = [];
  const used: Array<readonly [number, string, S, TfDtype]> = [];
  const absent = new Map<string, string>();
  entries.forEach(({ key, info, leaf }, i) => {
    if (isAbsentLeaf(leaf)) {
      absent.set(key, info.path);
      return;
    }
    const expected = expectedOf(leaf);
    if (typeof expected === 'string') {
      values.push({ kind: 'value', key, message: `leaf "${info.path}" (key "${key}") of the module is ${expected}` });
      return;
    }
    if (!given.has(key)) {
      if (strict) {
        missing.push({
          kind: 'missing',
          key,
          message: `missing key "${key}"${fieldNote(key, info.path)}: expected shape ${formatShape(expected.shape)}, ${expected.dtype}`,
        });
      } else if (leaf instanceof tf.Tensor && leaf.isDisposed) {
        values.push({
          kind: 'value',
          key,
          message: `leaf "${info.path}" (key "${key}") of the module is a disposed tensor, and the source does not replace it`,
        });
      }
      return;
    }
    const s = given.get(key) as S;
    const actual = source.describe(key, s);
    if (typeof actual === 'string') {
      values.push({ kind: 'value', key, message: `key "${key}": ${actual}` });
      return;
    }
    let ok = true;
    if (!sameShape(actual.shape, expected.shape)) {
      ok = false;
      shapes.push({
        kind: 'shape',
        key,
        message: `shape mismatch for "${key}"${fieldNote(key, info.path)}: expected ${formatShape(expected.shape)}, got ${formatShape(actual.shape)}`,
      });
    }
    if (actual.dtype !== expected.dtype && (strict || !isTfDtype(actual.dtype))) {
      ok = false;
      dtypes.push({
        kind: 'dtype',
        key,
        message: `dtype mismatch for "${key}"${fieldNote(key, info.path)}: expected ${expected.dtype}, got ${withNote(actual)}`,
      });
    }
    if (ok) used.push([i, key, s, expected.dtype]);
  });
  if (strict) {
    const known = new Set(entries.map((e) => e.key));
    for (const [key, s] of sources) {
      const placeholder = absent.get(key);
      if (placeholder === undefined && known.has(key)) continue;
      const actual = source.describe(key, s);
      if (placeholder !== undefined && typeof actual !== 'string' && actual.shape.includes(0)) continue;
      const why = placeholder === undefined ? '' : ` (the module has no tensor there: field ${placeholder} is a zero-size placeholder)`;
      unexpected.push({
        kind: 'unexpected',
        key,
        message: `unexpected key "${key}"${typeof actual === 'string' ? '' : `: shape ${formatShape(actual.shape)}, ${withNote(actual)}`}${why}`,
      });
    }
  }
  const makers = new Map<number, () => Tensor>();
  if (missing.length + unexpected.length + shapes.length + dtypes.length + values.length === 0) {
    for (const [i, key, s, dtype] of used) {
      try {
        makers.set(i, source.prepare(key, s, dtype));
      } catch (e) {
        values.push({ kind: 'value', key, message: `key "${key}": ${e instanceof Error ? e.message : String(e)}` });
      }
    }
  }
  const problems = [...missing, ...unexpected, ...shapes, ...dtypes, ...values];
  if (problems.length > 0) throw new StateDictError(specOf(m).name, problems);
  // The tidy returns a flat list (tf.tidy searches its result recursively: a module tree thousands
  // of levels deep would overflow the stack there); the module is rebuilt from it outside.
  const leaves = tidy(() =>
    entries.map(({ leaf }, i) => {
      const make = makers.get(i);
      if (make !== undefined) return make();
      if (leaf instanceof tf.Tensor) return tf.clone(leaf);
      // An uninitialized placeholder is drawn (its initializer knows the dtype, e.g. int32), so
      // a strict load gives tensors only; any key will do for zero elements.
      return isParamInit(leaf) && isAbsentLeaf(leaf) ? (leaf as ParamInit).init(leaf.shape)(placeholderKey) : leaf;
    }),
  );
  return fromArray(m, leaves) as Relabel<M, Tensor | LeafOf<M>>;
};

const tensorSource: StateDictSource<unknown> = {
  describe: (_key, t) => {
    if (!(t instanceof tf.Tensor)) return `expected a tf.Tensor, got ${describeValue(t)}`;
    if (t.isDisposed) return 'the tensor is disposed';
    return { shape: t.shape, dtype: t.dtype };
  },
  prepare: (_key, t, dtype) => {
    const tensor = t as Tensor;
    if (tensor.dtype === dtype) return () => tf.clone(tensor);
    // Another dtype (a non-strict load): converted now, so that a value with no defined result fails before any tensor is made.
    const converted = castValues(valuesOf(tensor), dtype);
    return () => tf.tensor(converted.values, tensor.shape, converted.dtype);
  },
};

const valuesOf = (t: Tensor): TfValues => {
  switch (t.dtype) {
    case 'int32':
      return { dtype: 'int32', values: t.dataSync<'int32'>() };
    case 'bool':
      return { dtype: 'bool', values: t.dataSync<'bool'>() };
    default:
      return { dtype: 'float32', values: t.dataSync<'float32'>() };
  }
};

const entriesOf = (tensors: TensorEntries): ReadonlyArray<readonly [string, unknown]> =>
  tensors instanceof Map ? [...tensors] : Object.entries(tensors as Readonly<Record<string, Tensor>>);

/**
 * A copy of `m` with its leaves replaced by `tensors`, matched by state-dict key (see
 * `stateDictKeys`). Works on uninitialized modules (`ParamInit` leaves: their shape and declared
 * dtype are checked) and initialized ones (the tensor's shape and dtype checked).
 *
 * Throws a {@link StateDictError} listing every problem at once (missing, unexpected, shape and dtype
 * mismatches, values that are not live tensors, wrong arguments) and allocating nothing. Strict by
 * default; with `{ strict: false }` missing and unexpected keys are ignored and a tensor of another
 * dtype is converted to the leaf's as PyTorch's `copy_` does; shape mismatches are still rejected.
 *
 * Ownership: the result's tensors are new (clones) and owned by the caller; `m` and `tensors` are
 * untouched and stay owned by their owners — dispose them when no longer needed.
 * @example
 * import { initialize, io, nn, random, tf } from 'parallax-ts'
 * // Into a fresh module (no tensors made for it): the result is typed as the module's kind, with tensors.
 * const layer: nn.Linear<tf.Tensor> = io.loadStateDict(nn.Linear.create(2, 3), { weight: tf.ones([3, 2]), bias: tf.zeros([3]) })
 * // Into an initialized one, partially: missing keys keep their (copied) values.
 * const pretrained = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const patched = io.loadStateDict(pretrained, { bias: tf.ones([3]) }, { strict: false })
 * @category state dicts
 * @since 0.1.0
 */
export function loadStateDict<M extends AnyModule<unknown>>(
  m: M,
  tensors: TensorEntries,
  options?: LoadStateDictOptions & { readonly strict?: true },
): Relabel<M, Tensor>;
export function loadStateDict<M extends AnyModule<unknown>>(
  m: M,
  tensors: TensorEntries,
  options: LoadStateDictOptions,
): Relabel<M, Tensor | LeafOf<M>>;
export function loadStateDict<M extends AnyModule<unknown>>(m: M, tensors: TensorEntries, options: LoadStateDictOptions = {}): unknown {
  checkLoadArguments('loadStateDict', m, tensors, 'tensors', options);
  return placeStateDict(m, entriesOf(tensors), tensorSource, options);
}
