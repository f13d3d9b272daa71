/**
 * Counterexamples a person can read: modules printed through `Show` (their structure, paths and
 * leaf values), generated functions named but never printed as source, and the failure of a law
 * as a {@link LawError} that says which law, on which module, and how to replay the run.
 *
 * @category reporting
 * @since 0.2.0
 */
import * as fc from 'fast-check';
import type { Show } from 'fp-ts/lib/Show.js';
import { tf } from '../engine/backend.js';
import type { AnyModule } from '../tree/Field.js';
import { defaultLeafShow, getShow } from '../tree/Show.js';
import { isParamInit } from '../tree/ParamInit.js';
import { isModule } from '../tree/walk.js';

// -------------------------------------------------------------------------------------
// printing values
// -------------------------------------------------------------------------------------

/** Tensors up to this many elements print their values too. */
const MAX_PRINTED_ELEMENTS = 8;

const describeTensor = (t: tf.Tensor): string => {
  const head = `${t.dtype}[${t.shape.join(', ')}]`;
  if (t.isDisposed) return `${head} (disposed)`;
  return t.size <= MAX_PRINTED_ELEMENTS ? `${head} ${describeValue(Array.from(t.dataSync() as ArrayLike<unknown>))}` : head;
};

const isTagged = (u: object, tag: string): boolean => (u as { readonly _tag?: unknown })._tag === tag;

/**
 * A value as the kit prints it: modules through {@link counterexampleShow}, tensors as dtype,
 * shape and (when small) values, fp-ts `Option` / `Either` as `some(…)` / `left(…)`, arrays and
 * records field by field, functions as `<function>` (never their source), anything else with
 * fast-check's `stringify`.
 * @example
 * import * as O from 'fp-ts/lib/Option.js'
 * import { describeValue } from 'parallax-ts/testing'
 * describeValue([O.some(1), O.none, (x: number) => x]) // '[some(1), none, <function>]'
 * @category printing
 * @since 0.2.0
 */
export const describeValue = (u: unknown): string => {
  if (typeof u === 'function') return '<function>';
  if (typeof u !== 'object' || u === null) return fc.stringify(u);
  if (isModule(u)) return counterexampleShow.show(u);
  if (u instanceof tf.Tensor) return describeTensor(u);
  if (isParamInit(u)) return defaultLeafShow.show(u);
  if (Array.isArray(u)) return `[${u.map(describeValue).join(', ')}]`;
  if (isTagged(u, 'None')) return 'none';
  if (isTagged(u, 'Some')) return `some(${describeValue((u as { readonly value: unknown }).value)})`;
  if (isTagged(u, 'Left')) return `left(${describeValue((u as { readonly left: unknown }).left)})`;
  if (isTagged(u, 'Right')) return `right(${describeValue((u as { readonly right: unknown }).right)})`;
  const entries = Object.entries(u);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${k}: ${describeValue(v)}`).join(', ')} }`;
};

/**
 * The `Show` the kit prints modules with: the library's module `Show` (nesting, field paths, extra
 * lines), each leaf through {@link describeValue}, so a counterexample's leaf values are visible.
 * @example
 * import * as fc from 'fast-check'
 * import { nn } from 'parallax-ts'
 * import { counterexampleShow, leavesOf } from 'parallax-ts/testing'
 * const [m] = fc.sample(leavesOf(nn.Linear.create(2, 3), fc.integer()), 1)
 * counterexampleShow.show(m!) // e.g. 'Linear(2, 3) { weight: 7, bias: -2 }'
 * @category printing
 * @since 0.2.0
 */
export const counterexampleShow: Show<AnyModule<unknown>> = getShow({ show: (a: unknown) => describeValue(a) });

/**
 * Makes fast-check print a module through {@link counterexampleShow} (in failure messages and
 * `fc.stringify`): adds a non-enumerable `fc.toStringMethod` to the record. The record's fields,
 * leaves, equality (chai's deep equality, `getEq`) and tree operations are unchanged.
 * @example
 * import * as fc from 'fast-check'
 * import { nn } from 'parallax-ts'
 * import { printable } from 'parallax-ts/testing'
 * fc.stringify(printable(nn.Linear.create(2, 3))) // 'Linear(2, 3) { weight: uninitialized[3, 2], …'
 * @category printing
 * @since 0.2.0
 */
export const printable = <M extends AnyModule<unknown>>(m: M): M => {
  if (!Object.isExtensible(m) || Object.prototype.hasOwnProperty.call(m, fc.toStringMethod)) return m;
  Object.defineProperty(m, fc.toStringMethod, { value: () => counterexampleShow.show(m), enumerable: false });
  return m;
};

// -------------------------------------------------------------------------------------
// failures
// -------------------------------------------------------------------------------------

/**
 * A law that did not hold: thrown by the kit's `check…` functions and suites. Its message names the
 * law, prints the (shrunk) counterexample module through {@link counterexampleShow} and both sides
 * of the law, and gives the fast-check `seed` and `path` that replay the run.
 * @example
 * import { nn } from 'parallax-ts'
 * import { checkFunctorLaws, LawError } from 'parallax-ts/testing'
 * try {
 *   checkFunctorLaws(nn.Linear.create(2, 3))
 * } catch (e) {
 *   if (e instanceof LawError) console.log(e.law, e.seed, e.path)
 * }
 * @category model
 * @since 0.2.0
 */
export class LawError extends Error {
  override readonly name = 'LawError';
  constructor(
    message: string,
    /** The law, e.g. `'Functor composition: map(fa, g ∘ f) = map(map(fa, f), g)'`. */
    readonly law: string,
    /** The module the law failed on (after shrinking), when the run found one. */
    readonly module: AnyModule<unknown> | undefined,
    /** fast-check's seed of the run: pass `{ seed, path }` as `parameters` to replay it. */
    readonly seed: number,
    /** fast-check's path to the counterexample. */
    readonly path: string | undefined,
  ) {
    super(message);
  }
}

/**
 * What a law's property throws when its two sides differ: both sides, named, as plain data.
 * @internal
 */
export class LawViolation extends Error {
  constructor(
    readonly leftName: string,
    readonly left: unknown,
    readonly rightName: string,
    readonly right: unknown,
  ) {
    super(`${leftName} ≠ ${rightName}`);
  }
}

// Not indented: a module's printed lines appear in the message exactly as `Show` prints them.
const describeSide = (name: string, value: unknown): string => `${name}:\n${describeValue(value)}`;

const describeError = (e: unknown): string => {
  if (e instanceof LawViolation) return [describeSide(e.leftName, e.left), describeSide(e.rightName, e.right)].join('\n');
  return `threw ${e instanceof Error ? `${e.name}: ${e.message}` : describeValue(e)}`;
};

/** The inputs of one run of a law: the module `fa`, generated functions, other values. @internal */
export type LawInputs = { readonly fa: AnyModule<unknown> } & Readonly<Record<string, unknown>>;

/**
 * A fast-check reporter for a law: on failure it throws a {@link LawError} whose message prints
 * the counterexample's module through `Show` and its generated functions by name only.
 * @internal
 */
export const lawReporter =
  (law: string) =>
  (details: fc.RunDetails<[LawInputs]>): void => {
    if (!details.failed) return;
    const inputs = details.counterexample?.[0];
    if (inputs === undefined) {
      // interrupted, or too many skipped runs: fast-check's own report says which
      throw new LawError(
        `${law}: ${fc.defaultReportMessage(details)}`,
        law,
        undefined,
        details.seed,
        details.counterexamplePath ?? undefined,
      );
    }
    const entries = Object.entries(inputs).filter(([k]) => k !== 'fa');
    const functions = entries.filter(([, v]) => typeof v === 'function').map(([k]) => k);
    const others = entries.filter(([, v]) => typeof v !== 'function');
    const replay = `{ seed: ${details.seed}, path: ${JSON.stringify(details.counterexamplePath)} }`;
    const lines = [
      `Law failed: ${law}`,
      `after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s); replay with parameters ${replay}`,
      describeSide('module fa', inputs.fa),
      ...(functions.length === 0
        ? []
        : [`${functions.join(', ')}: ${functions.length === 1 ? 'a generated function' : 'generated functions'} (fc.func), not printed`]),
      ...others.map(([k, v]) => `${k} = ${describeValue(v)}`),
      describeError(details.errorInstance),
    ];
    throw new LawError(lines.join('\n'), law, inputs.fa, details.seed, details.counterexamplePath ?? undefined);
  };
