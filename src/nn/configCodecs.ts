/**
 * io-ts codecs for layer constructor arguments (architecture as data): the building blocks a layer
 * uses to declare its `configCodec`. Every codec is named by what it expects ("a positive integer"),
 * because that name is what a validation error prints: `layers.2.config.outFeatures: expected a
 * positive integer, got -3`.
 *
 * This file imports no layer, so every layer file can use it without an import cycle with the
 * registry (`config.ts`), which imports every layer.
 *
 * @since 0.1.0
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';
import { describeData } from '../tree/describeData.js';

// -------------------------------------------------------------------------------------
// bounded error reporting
// -------------------------------------------------------------------------------------

/**
 * The error a capped decode reports in place of every problem past the cap: one shared object, so a
 * hostile config with millions of bad values costs a reference per value, not an error object and
 * a context array each.
 */
const droppedError: t.ValidationError = { value: undefined, context: [], message: 'problem past the reporting cap' };
const dropped: t.Validation<never> = t.failures([droppedError]);

/** The problem budget of the decode in progress (`undefined` outside one: every problem is kept). */
let reportCap: { remaining: number; dropped: number } | undefined;

/**
 * Runs `decode` keeping at most `max` problems: the codecs of this file report each problem past
 * the cap as one shared placeholder, counted, so memory stays bounded whatever the input.
 * `formatConfigErrors` leaves the placeholders out; `dropped` says how many there were.
 * @example
 * import { PositiveInt, withReportCap } from './configCodecs.js'
 * const { result, dropped } = withReportCap(1, () => [PositiveInt.decode(-1), PositiveInt.decode(-2)])
 * dropped // 1: the second problem was counted, not kept
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const withReportCap = <A>(max: number, decode: () => A): { readonly result: A; readonly dropped: number } => {
  const outer = reportCap;
  const cap = { remaining: max, dropped: 0 };
  reportCap = cap;
  try {
    return { result: decode(), dropped: cap.dropped };
  } finally {
    reportCap = outer;
  }
};

/**
 * A failure, or the shared placeholder once the decode in progress has reported its quota (see
 * {@link withReportCap}). Codecs that may fail once per JSON value use it.
 * @example
 * import * as t from 'io-ts/lib/index.js'
 * import { cappedFailure } from './configCodecs.js'
 * const Zero = new t.Type<number, number, unknown>('zero', (u): u is number => u === 0, (u, c) => (u === 0 ? t.success(0) : cappedFailure(u, c)), t.identity)
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const cappedFailure = <A>(u: unknown, c: t.Context, message?: string): t.Validation<A> => {
  if (reportCap === undefined) return t.failure(u, c, message);
  if (reportCap.remaining > 0) {
    reportCap.remaining--;
    return t.failure(u, c, message);
  }
  reportCap.dropped++;
  return dropped;
};

/**
 * Whether an io-ts error is the placeholder of a problem past the reporting cap.
 * @example
 * import { isLeft } from 'fp-ts/lib/Either.js'
 * import { isDroppedError, PositiveInt } from './configCodecs.js'
 * const r = PositiveInt.decode(0)
 * if (isLeft(r)) r.left.filter((e) => !isDroppedError(e)) // the problems kept
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const isDroppedError = (e: t.ValidationError): boolean => e === droppedError;

// The codecs below are built by calls at the top level, which a bundler keeps even when unused
// unless told they are pure (`/*#__PURE__*/`): an app that uses one layer then carries only its codecs.
const integerCodec = (name: string, ok: (n: number) => boolean): t.Type<number, number, unknown> =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && ok(u),
    (u, c) => (typeof u === 'number' && Number.isInteger(u) && ok(u) ? t.success(u) : cappedFailure(u, c)),
    t.identity,
  );

/**
 * An integer ≥ 1 (sizes, feature counts, head counts).
 * @example
 * import { nn } from 'parallax-ts'
 * nn.PositiveInt.is(3) // true
 * nn.PositiveInt.is(0) // false
 * @category codecs
 * @since 0.1.0
 */
export const PositiveInt: t.Type<number, number, unknown> = /*#__PURE__*/ integerCodec('a positive integer', (n) => n >= 1);

/**
 * An integer ≥ 0 (padding, optional sizes).
 * @example
 * import { nn } from 'parallax-ts'
 * nn.NonNegativeInt.is(0) // true
 * @category codecs
 * @since 0.1.0
 */
export const NonNegativeInt: t.Type<number, number, unknown> = /*#__PURE__*/ integerCodec('a non-negative integer', (n) => n >= 0);

/**
 * A dropout probability: a number in `[0, 1)`.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.DropoutRate.is(0.5) // true
 * nn.DropoutRate.is(1) // false
 * @category codecs
 * @since 0.1.0
 */
export const DropoutRate: t.Type<number, number, unknown> = /*#__PURE__*/ new t.Type<number, number, unknown>(
  'a number in [0, 1)',
  (u): u is number => typeof u === 'number' && u >= 0 && u < 1,
  (u, c) => (typeof u === 'number' && u >= 0 && u < 1 ? t.success(u) : cappedFailure(u, c)),
  t.identity,
);

/**
 * A finite number.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.FiniteNumber.is(1e-5) // true
 * nn.FiniteNumber.is(Infinity) // false
 * @category codecs
 * @since 0.1.0
 */
export const FiniteNumber: t.Type<number, number, unknown> = /*#__PURE__*/ new t.Type<number, number, unknown>(
  'a finite number',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) => (typeof u === 'number' && Number.isFinite(u) ? t.success(u) : cappedFailure(u, c)),
  t.identity,
);

/**
 * One of the given strings.
 * @example
 * import { nn } from 'parallax-ts'
 * const Act = nn.oneOf(['relu', 'tanh'] as const) // a codec named 'one of "relu", "tanh"'
 * Act.is('relu') // true
 * @category constructors
 * @since 0.1.0
 */
export const oneOf = <S extends string>(values: ReadonlyArray<S>): t.Type<S, S, unknown> => {
  const set = new Set<string>(values);
  return new t.Type<S, S, unknown>(
    `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
    (u): u is S => typeof u === 'string' && set.has(u),
    (u, c) => (typeof u === 'string' && set.has(u) ? t.success(u as S) : cappedFailure(u, c)),
    t.identity,
  );
};

/**
 * The decoded value of a {@link configObject} codec: required keys, plus optional keys that may be absent.
 * @example
 * import * as t from 'io-ts/lib/index.js'
 * import { nn } from 'parallax-ts'
 * type DenseConfig = nn.ConfigOf<{ inFeatures: typeof nn.PositiveInt }, { bias: t.BooleanC }>
 * const c: DenseConfig = { inFeatures: 3 } // bias may be absent
 * @category model
 * @since 0.1.0
 */
export type ConfigOf<R extends t.Props, O extends t.Props> = { readonly [K in keyof R]: t.TypeOf<R[K]> } & {
  readonly [K in keyof O]?: t.TypeOf<O[K]>;
};

/**
 * A strict JSON object codec for a layer's config: `required` keys must be present, `optional` keys
 * may be absent (or `undefined`), and any other key is an error (so a typo like `"bais"` is caught,
 * not silently ignored). Every problem is reported, each at its own path.
 * @example
 * import * as t from 'io-ts/lib/index.js'
 * import { nn } from 'parallax-ts'
 * const DenseConfig = nn.configObject('Dense config', { inFeatures: nn.PositiveInt, outFeatures: nn.PositiveInt }, { bias: t.boolean })
 * DenseConfig.is({ inFeatures: 2, outFeatures: 3 }) // true
 * DenseConfig.is({ inFeatures: 2, outFeatures: 3, bais: true }) // false: an unknown key
 * @category constructors
 * @since 0.1.0
 */
export const configObject = <R extends t.Props, O extends t.Props = {}>(
  name: string,
  required: R,
  optional: O = {} as O,
): t.Type<ConfigOf<R, O>, ConfigOf<R, O>, unknown> => {
  const known = [...Object.keys(required), ...Object.keys(optional)];
  const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);
  return new t.Type<ConfigOf<R, O>, ConfigOf<R, O>, unknown>(
    name,
    (u): u is ConfigOf<R, O> =>
      isRecord(u) &&
      Object.keys(u).every((k) => known.includes(k)) &&
      Object.entries(required).every(([k, codec]) => codec.is(u[k])) &&
      Object.entries(optional).every(([k, codec]) => u[k] === undefined || codec.is(u[k])),
    (u, c) => {
      if (!isRecord(u)) return cappedFailure(u, c, `expected ${name} (a JSON object), got ${describeJson(u)}`);
      const errors: t.ValidationError[] = [];
      const out: Record<string, unknown> = {};
      // Pushed one by one: a spread of a large error list would overflow the call stack.
      const report = (r: t.Validation<unknown>): void => {
        if (isLeft(r)) for (const e of r.left) errors.push(e);
      };
      const check = (k: string, codec: t.Mixed): void => {
        const r = codec.validate(u[k], t.appendContext(c, k, codec, u[k]));
        if (isLeft(r)) report(r);
        else out[k] = r.right;
      };
      for (const [k, codec] of Object.entries(required)) check(k, codec);
      for (const [k, codec] of Object.entries(optional)) if (u[k] !== undefined) check(k, codec);
      for (const k of Object.keys(u)) {
        if (!known.includes(k)) {
          report(cappedFailure(u[k], t.appendContext(c, k, t.never, u[k]), `unknown option (${name} takes ${known.join(', ')})`));
        }
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as ConfigOf<R, O>);
    },
    (a) => {
      const out: Record<string, unknown> = {};
      for (const [k, codec] of Object.entries(required)) out[k] = codec.encode((a as Record<string, unknown>)[k]);
      for (const [k, codec] of Object.entries(optional)) {
        const v = (a as Record<string, unknown>)[k];
        if (v !== undefined) out[k] = codec.encode(v);
      }
      return out as ConfigOf<R, O>;
    },
  );
};

/**
 * A short JSON rendering of a value for error messages (`nothing` for a missing value), at most
 * `maxLength` characters (default 60; longer renderings end in `...`). Safe on any value: deeply
 * nested, cyclic or huge values cost at most `maxLength` characters of work, never a stack overflow.
 * @example
 * import { nn } from 'parallax-ts'
 * // How a config error shows the value it got (`nothing` for a missing one):
 * nn.decodeLayerConfig({ type: 'Dropout' }) // left(['config: expected Dropout config (a JSON object), got nothing'])
 * @internal
 * @category utils
 * @since 0.1.0
 */
export const describeJson = (u: unknown, maxLength = 60): string => (u === undefined ? 'nothing' : describeData(u, maxLength));

/**
 * One problem of a config: its JSON path (`''` for the root) and what is wrong there.
 * @example
 * import type { ConfigProblem } from './configCodecs.js'
 * const p: ConfigProblem = { path: 'config.outFeatures', message: 'expected a positive integer, got -3' }
 * @internal
 * @category model
 * @since 0.2.0
 */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * The problems io-ts errors describe, each at `prefix` (a JSON path, `''` for the root) followed by
 * the error's own path; duplicates and placeholders of problems past a reporting cap left out.
 * @example
 * import { isLeft } from 'fp-ts/lib/Either.js'
 * import { configProblemsAt, PositiveInt } from './configCodecs.js'
 * const r = PositiveInt.decode(-3)
 * if (isLeft(r)) configProblemsAt('config.outFeatures', r.left) // [{ path: 'config.outFeatures', message: 'expected a positive integer, got -3' }]
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const configProblemsAt = (prefix: string, errors: t.Errors): ReadonlyArray<ConfigProblem> => {
  const seen = new Set<string>();
  const out: ConfigProblem[] = [];
  for (const e of errors) {
    if (isDroppedError(e)) continue;
    // A union tries each member under a context key that is the member's index, not a JSON key:
    // report at the union itself, with the union's name ("a finite number | null"), once.
    const unionAt = e.context.findIndex((entry) => (entry.type as { _tag?: string })._tag === 'UnionType');
    const context = unionAt >= 0 ? e.context.slice(0, unionAt + 1) : e.context;
    const keys = context.map((entry) => entry.key).filter((key) => key !== '');
    const path = (prefix === '' ? keys : [prefix, ...keys]).join('.');
    let message: string;
    if (e.message !== undefined && unionAt < 0) message = e.message;
    else {
      const last = context[context.length - 1];
      message = `expected ${last?.type.name ?? 'a valid value'}, got ${describeJson(unionAt >= 0 ? last?.actual : e.value)}`;
    }
    const line = `${path}\u0000${message}`;
    if (seen.has(line)) continue;
    seen.add(line);
    out.push({ path, message });
  }
  return out;
};

/**
 * A problem as one line: `path: message`, `(root): message` at the root.
 * @example
 * import { formatConfigProblem } from './configCodecs.js'
 * formatConfigProblem({ path: '', message: 'expected a layer config' }) // '(root): expected a layer config'
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const formatConfigProblem = (p: ConfigProblem): string => `${p.path === '' ? '(root)' : p.path}: ${p.message}`;

/**
 * {@link formatConfigErrors} for errors found at `prefix` (a JSON path, `''` for the root): each
 * line's path starts with it. Placeholders of problems past a reporting cap are left out.
 * @example
 * import { isLeft } from 'fp-ts/lib/Either.js'
 * import { formatConfigErrorsAt, PositiveInt } from './configCodecs.js'
 * const r = PositiveInt.decode(-3)
 * if (isLeft(r)) formatConfigErrorsAt('config.layers.2.config.outFeatures', r.left) // ['config.layers.2.config.outFeatures: expected a positive integer, got -3']
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const formatConfigErrorsAt = (prefix: string, errors: t.Errors): ReadonlyArray<string> =>
  configProblemsAt(prefix, errors).map(formatConfigProblem);

/**
 * Formats io-ts errors as one line each: the JSON path (dots between keys and array indices), what
 * was expected and what was found, e.g. `layers.2.config.outFeatures: expected a positive integer, got -3`.
 * @example
 * import { isLeft } from 'fp-ts/lib/Either.js'
 * import { nn } from 'parallax-ts'
 * const r = nn.PositiveInt.decode(-3)
 * if (isLeft(r)) nn.formatConfigErrors(r.left) // ['(root): expected a positive integer, got -3']
 * @category utils
 * @since 0.1.0
 */
export const formatConfigErrors = (errors: t.Errors): ReadonlyArray<string> => formatConfigErrorsAt('', errors);
