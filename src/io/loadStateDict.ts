/**
 * Placing a state dict into a module: PyTorch's `load_state_dict`, made pure. The module passed in
 * is not changed; a new module comes back with the tensors in place.
 *
 * Checks come first and are complete: every missing, unexpected, shape-mismatched and
 * dtype-mismatched key is listed in one {@link StateDictError}, and nothing is allocated before
 * they all pass, so a failed load leaves no tensor behind.
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
import { type AnyModule, fromArray, type LeafOf, type Relabel, specOf } from '../tree/Module.js';
import { isParamInit, type ParamInit } from '../tree/ParamInit.js';
import { key as prngKey } from '../random/PRNGKey.js';
import { isAbsentLeaf, keyedLeafEntries } from './stateDictEntries.js';
import { StateDictError, type StateDictProblem } from './StateDictError.js';
import type { TensorEntries } from './tensors.js';

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
   * Default `true`: every key of the module must be given and no other. `false` ignores missing
   * keys (those leaves keep their current value, copied) and unexpected keys (not read); shape and
   * dtype mismatches are errors either way.
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
  /** Does all fallible work (conversions) and returns the maker of the tensor; may throw. */
  readonly prepare: (key: string, s: S) => () => Tensor;
}

const placeholderKey = prngKey(0);

const sameShape = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

const fieldNote = (key: string, path: string): string => (key === path ? '' : ` (field ${path})`);
const withNote = (info: SourceInfo): string => (info.note === undefined ? info.dtype : `${info.dtype} (${info.note})`);

/** The expected shape and dtype of a leaf: a tensor's own, or a `ParamInit`'s shape (any dtype). */
const expectedOf = (leaf: unknown, path: string): { readonly shape: ReadonlyArray<number>; readonly dtype?: string } => {
  if (leaf instanceof tf.Tensor) return { shape: leaf.shape, dtype: leaf.dtype };
  if (isParamInit(leaf)) return { shape: leaf.shape };
  throw new TypeError(`loadStateDict: leaf "${path}" is neither a tf.Tensor nor a ParamInit`);
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
  const used: Array<readonly [number, string, S]> = [];
  const absent = new Map<string, string>();
  entries.forEach(({ key, info, leaf }, i) => {
    if (isAbsentLeaf(leaf)) {
      absent.set(key, info.path);
      return;
    }
    const expected = expectedOf(leaf, info.path);
    const expectedText = `shape ${formatShape(expected.shape)}${expected.dtype === undefined ? '' : `, ${expected.dtype}`}`;
    if (!given.has(key)) {
      if (strict)
        missing.push({ kind: 'missing', key, message: `missing key "${key}"${fieldNote(key, info.path)}: expected ${expectedText}` });
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
    if (expected.dtype !== undefined && actual.dtype !== expected.dtype) {
      ok = false;
      dtypes.push({
        kind: 'dtype',
        key,
        message: `dtype mismatch for "${key}"${fieldNote(key, info.path)}: expected ${expected.dtype}, got ${withNote(actual)}`,
      });
    }
    if (ok) used.push([i, key, s]);
  });
  if (strict) {
    const known = new Set(entries.map((e) => e.key));
    for (const [key, s] of sources) {
      const actual = source.describe(key, s);
      const placeholder = absent.get(key);
      if (placeholder !== undefined && typeof actual !== 'string' && actual.shape.includes(0)) continue;
      if (placeholder === undefined && known.has(key)) continue;
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
    for (const [i, key, s] of used) {
      try {
        makers.set(i, source.prepare(key, s));
      } catch (e) {
        values.push({ kind: 'value', key, message: `key "${key}": ${e instanceof Error ? e.message : String(e)}` });
      }
    }
  }
  const problems = [...missing, ...unexpected, ...shapes, ...dtypes, ...values];
  if (problems.length > 0) throw new StateDictError(specOf(m).name, problems);
  return tidy(() =>
    fromArray(
      m,
      entries.map(({ leaf }, i) => {
        const make = makers.get(i);
        if (make !== undefined) return make();
        if (leaf instanceof tf.Tensor) return tf.clone(leaf);
        // An uninitialized placeholder is drawn (its initializer knows the dtype, e.g. int32), so
        // a strict load gives tensors only; any key will do for zero elements.
        return isParamInit(leaf) && isAbsentLeaf(leaf) ? (leaf as ParamInit).init(leaf.shape)(placeholderKey) : leaf;
      }),
    ),
  ) as Relabel<M, Tensor | LeafOf<M>>;
};

const tensorSource: StateDictSource<unknown> = {
  describe: (_key, t) => {
    if (!(t instanceof tf.Tensor)) return `expected a tf.Tensor, got ${t === null ? 'null' : typeof t}`;
    if (t.isDisposed) return 'the tensor is disposed';
    return { shape: t.shape, dtype: t.dtype };
  },
  prepare: (_key, t) => () => tf.clone(t as Tensor),
};

const entriesOf = (tensors: TensorEntries): ReadonlyArray<readonly [string, unknown]> =>
  tensors instanceof Map ? [...tensors] : Object.entries(tensors as Readonly<Record<string, Tensor>>);

/**
 * A copy of `m` with its leaves replaced by `tensors`, matched by state-dict key (see
 * `stateDictKeys`). Works on uninitialized modules (`ParamInit` leaves: their shape is checked, any
 * dtype is accepted, since a `ParamInit` records none) and initialized ones (shape and dtype checked).
 *
 * Throws a {@link StateDictError} listing every problem at once (missing, unexpected, shape and dtype
 * mismatches, values that are not live tensors) and allocating nothing. Strict by default; with
 * `{ strict: false }` missing and unexpected keys are ignored, mismatches still rejected.
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
  return placeStateDict(m, entriesOf(tensors), tensorSource, options);
}
