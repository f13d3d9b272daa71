/**
 * `compile(step)`: the same function, faster on every call after the first with the same argument
 * structure — the first call runs the step while recording its backend kernel calls; later calls
 * replay them against the backend directly.
 *
 * @since 0.2.0
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { tf } from '../engine/backend.js';
import { tidy } from '../engine/memory.js';
import { compileSelf, isSelfCompiling } from '../engine/selfCompiling.js';
import { isRecording } from '../engine/trace.js';
import { isPRNGKey } from '../random/PRNGKey.js';
import { flattenArguments, type FlatArguments, pathAt } from './arguments.js';
import { CompileError } from './CompileError.js';
import { Diverged, matches, release, replay, type Program } from './program.js';
import { Recording } from './record.js';
import { describeData } from '../tree/describeData.js';
import { unknownOption } from '../tree/optionKeys.js';

/**
 * Options of {@link compile}.
 * @example
 * import { compile, type CompileOptions, tf } from 'parallax-ts'
 * const options: CompileOptions = { cacheSize: 4, check: true }
 * const square = compile((x: tf.Tensor) => tf.square(x), options)
 * @category model
 * @since 0.2.0
 */
export interface CompileOptions {
  /** How many recordings (argument structures) to keep, least recently used dropped first; default 8. */
  readonly cacheSize?: number;
  /**
   * Debug mode: every replay is followed by the uncompiled step on the same arguments, and any
   * difference (a tensor's bits, a key, a static value, the structure) throws a `CompileError`
   * naming the result path. Twice the work; for tests and for trying a new step.
   */
  readonly check?: boolean;
}

/**
 * What a compiled function did so far.
 * @example
 * import { compile, type CompileStats, tf } from 'parallax-ts'
 * const double = compile((x: tf.Tensor) => tf.mul(x, 2))
 * double(tf.ones([2]))
 * double(tf.ones([2]))
 * const stats: CompileStats = double.stats() // { recordings: 1, replays: 1, fallbacks: 0, cached: 1, ops: { kernels: 1, … } }
 * @category model
 * @since 0.2.0
 */
export interface CompileStats {
  /** Calls that ran the step and recorded it (a new argument structure). */
  readonly recordings: number;
  /** Calls served by replaying a recording. */
  readonly replays: number;
  /**
   * Calls that ran the step uncompiled: under a gradient tape, inside another compiled step's
   * recording, on a backend other than cpu and wasm (webgl, webgpu), because a host decision
   * changed, or for an argument structure whose output shapes follow the data.
   */
  readonly fallbacks: number;
  /** Recordings held now. */
  readonly cached: number;
  /**
   * What a replay of the most recently used recording runs: backend `kernels`, `fused` host loops
   * (each standing for several small arithmetic kernels), `aliases` (copies and reshapes replayed
   * as references) and other `host` operations (random samples, counters, reads); all 0 before
   * the first recording.
   */
  readonly ops: { readonly kernels: number; readonly fused: number; readonly aliases: number; readonly host: number };
}

/**
 * A compiled function: callable exactly like the step it was made from, plus `stats` and `dispose`
 * (frees the recordings' constants; the function keeps working and records again when called).
 * @example
 * import { compile, type Compiled, tf } from 'parallax-ts'
 * const f: Compiled<(x: tf.Tensor) => tf.Tensor> = compile((x: tf.Tensor) => tf.relu(x))
 * f.dispose()
 * @category model
 * @since 0.2.0
 */
export type Compiled<F> = F & {
  readonly stats: () => CompileStats;
  readonly dispose: () => void;
};

/** Backends whose kernels the tests replay bit for bit; elsewhere a compiled step runs uncompiled. */
const REPLAYED_BACKENDS: ReadonlySet<string> = new Set(['cpu', 'wasm']);

const checkOptions = (options: CompileOptions): number => {
  if (typeof options !== 'object' || options === null) {
    throw new CompileError('argument', 'options', `options must be { cacheSize?, check? }, got ${describeData(options)}`);
  }
  const unknown = unknownOption(options, ['cacheSize', 'check']);
  if (unknown !== undefined) {
    throw new CompileError('argument', 'options', `unknown option ${JSON.stringify(unknown)}; the options are cacheSize, check`);
  }
  const size = options.cacheSize ?? 8;
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new CompileError('argument', 'options.cacheSize', `cacheSize must be a positive integer, got ${describeData(options.cacheSize)}`);
  }
  if (options.check !== undefined && typeof options.check !== 'boolean') {
    throw new CompileError('argument', 'options.check', `check must be a boolean, got ${String(options.check)}`);
  }
  return size;
};

/**
 * Compiles a pure step `f` — any function of tensors, random keys and plain values built from the
 * library's forward passes, `valueAndGrad`, losses and optimizers (or `optim.trainStep`) — into a
 * function of the same type that, after its first call, replays the recorded backend kernels.
 *
 * - **Tracing**: tensors and random keys in the arguments are inputs; so are optimizer counters
 *   (read through the library's optimizers). Everything else — numbers, strings, functions, layer
 *   settings — is static: a call whose static values or tensor shapes/dtypes differ records anew
 *   (up to `cacheSize` recordings, least recently used dropped).
 * - **Same results**: a replay computes bit for bit what the step computes (same kernels, same
 *   order); dropout masks come from the new call's keys, derived as the step derives them.
 * - **Ownership** is the step's: argument tensors the step disposed are disposed by a replay; the
 *   result's tensors are new and the caller's.
 * - **Limits**: the step must not read tensor values on the host (`dataSync`, `array`, …) nor draw
 *   unkeyed random numbers (`Math.random`): either throws a `CompileError` while recording. Host
 *   values the step computes from anything but its arguments (a closure's changing variable,
 *   `Date.now()`) are frozen at their recorded values; `{ check: true }` finds such steps. Called under a gradient tape (inside
 *   `valueAndGrad`), or on a backend other than cpu and wasm, the step runs uncompiled. A kernel
 *   whose output shape follows the data (`tf.unique`) is noticed at the first replay that differs:
 *   a warning, and that argument structure runs uncompiled from then on.
 * @example
 * import { compile, dispose, initialize, nn, random, tf, valueAndGrad, zipWith } from 'parallax-ts'
 * const sgd = compile((m: nn.Linear<tf.Tensor>, x: tf.Tensor, y: tf.Tensor) => {
 *   const { value, grads } = valueAndGrad((p: nn.Linear<tf.Tensor>) => tf.losses.meanSquaredError(y, nn.Linear.forward(p, x)))(m)
 *   const next = zipWith(m, grads, (p, g) => tf.sub(p, tf.mul(g, 0.1)))
 *   dispose([m, grads])
 *   return { model: next, loss: value }
 * })
 * let model = initialize(nn.Linear.create(3, 1))(random.key(0))
 * for (let i = 0; i < 5; i++) {
 *   const { model: next, loss } = sgd(model, tf.ones([4, 3]), tf.zeros([4, 1])) // replays from the second call
 *   console.log(loss.dataSync()[0])
 *   loss.dispose()
 *   model = next
 * }
 * @category constructors
 * @since 0.2.0
 */
export const compile = <F extends (...args: never[]) => unknown>(f: F, options: CompileOptions = {}): Compiled<F> => {
  if (typeof f !== 'function') throw new CompileError('argument', 'f', `compile needs a function, got ${typeof f}`);
  const cacheSize = checkOptions(options);
  if (isSelfCompiling(f)) {
    return f[compileSelf]((part) => {
      const compiled = compile(part, options);
      return [compiled, { stats: compiled.stats, dispose: compiled.dispose }] as const;
    }) as Compiled<F>;
  }
  const check = options.check === true;
  // Recordings by signature (several per signature when untraced numbers differ); `order` is LRU.
  const cache = new Map<string, Program[]>();
  const order: Array<readonly [string, Program]> = [];
  let recordings = 0;
  let replays = 0;
  let fallbacks = 0;
  let warned = false;

  // Argument structures whose step makes shapes from data (seen when a replay's shape differed).
  const dataDependent = new Set<string>();
  const drop = (signature: string): void => {
    for (const p of cache.get(signature) ?? []) {
      order.splice(
        order.findIndex(([, q]) => q === p),
        1,
      );
      release(p);
    }
    cache.delete(signature);
  };
  const forget = (): void => {
    for (const [, p] of order) release(p);
    cache.clear();
    order.length = 0;
  };
  const touch = (signature: string, p: Program): void => {
    const at = order.findIndex(([, q]) => q === p);
    if (at >= 0) order.splice(at, 1);
    order.push([signature, p]);
    while (order.length > cacheSize) {
      const [sig, old] = order.shift()!;
      const list = cache.get(sig)!;
      list.splice(list.indexOf(old), 1);
      if (list.length === 0) cache.delete(sig);
      release(old);
    }
  };

  const record = (args: Parameters<F>, flat: FlatArguments, signature: string): unknown => {
    const engine = tf.engine();
    const recording = new Recording(flat, engine.backend, engine.backendName);
    let result: unknown;
    recording.install();
    try {
      result = tidy(() => f(...args) as never);
    } catch (e) {
      recording.uninstall();
      recording.abandon();
      throw e;
    }
    recording.uninstall();
    const program = recording.finish(result);
    recordings++;
    const list = cache.get(signature);
    if (list === undefined) cache.set(signature, [program]);
    else {
      list.push(program);
      if (list.length === 3 && !warned) warned = warnChangingNumbers(list, flat);
    }
    touch(signature, program);
    return result;
  };

  const compiled = (...args: Parameters<F>): unknown => {
    const engine = tf.engine();
    // The step runs itself (through the engine) under a tape, so that its gradient can be taken;
    // inside another compiled step's recording, so that the outer recording sees its kernels; and
    // on backends whose kernels replay is not verified on.
    if (
      (engine.state as unknown as { gradientDepth: number }).gradientDepth > 0 ||
      isRecording() ||
      !REPLAYED_BACKENDS.has(engine.backendName)
    ) {
      fallbacks++;
      return f(...args);
    }
    const flat = flattenArguments(args);
    const signature = `${engine.backendName}|${flat.signature}`;
    if (dataDependent.has(signature)) {
      fallbacks++;
      return f(...args);
    }
    const program = cache.get(signature)?.find((p) => p.backend === engine.backend && matches(p, flat));
    if (program === undefined) return record(args, flat, signature);
    touch(signature, program);
    try {
      const result = replay(program, flat, engine, !check);
      replays++;
      if (check) return compareWithStep(result, f(...args));
      return result;
    } catch (e) {
      if (e instanceof CompileError && e.reason === 'shape') {
        // An output shape that follows the data: this structure is never replayed again.
        drop(signature);
        dataDependent.add(signature);
        console.warn(`${e.message}; this argument structure now runs uncompiled`);
      } else if (!(e instanceof Diverged)) throw e;
      fallbacks++;
      return f(...args);
    }
  };
  return Object.assign(compiled, f, {
    stats: (): CompileStats => ({ recordings, replays, fallbacks, cached: order.length, ops: opsOf(order[order.length - 1]?.[1]) }),
    dispose: forget,
  }) as unknown as Compiled<F>;
};

/**
 * Tells once (per compiled function) which number arguments made a third recording of one argument
 * structure: numbers are static, so a counter passed as a number records anew at every call.
 */
const warnChangingNumbers = (programs: ReadonlyArray<Program>, flat: FlatArguments): boolean => {
  const changing = new Set<number>();
  for (const p of programs) for (const [j, v] of p.staticNumbers) if (!Object.is(flat.numbers[j], v)) changing.add(j);
  const paths = [...changing].slice(0, 3).map((j) => pathAt(flat, flat.numberSlots[j]!));
  console.warn(
    `compile: a third recording of the same argument structure, because the numbers at ${paths.join(', ')}${changing.size > 3 ? ', …' : ''} ` +
      'changed: numbers are static, so a step recorded for each value. Pass a value that changes every call as a tensor ' +
      '(an optimizer counter read through the library is traced already).',
  );
  return true;
};

const opsOf = (p: Program | undefined): CompileStats['ops'] => {
  const ops = { kernels: 0, fused: 0, aliases: 0, host: 0 };
  for (const op of p?.ops ?? []) {
    if (op.k === 'kernel') ops.kernels++;
    else if (op.k === 'alias') ops.aliases++;
    else if ((op.k === 'host' || op.k === 'native') && op.what.startsWith('fused')) ops.fused++;
    else ops.host++;
  }
  return ops;
};

/** Check mode: `replayed` must equal `expected` leaf for leaf (tensors bit for bit); `replayed` is freed. */
const compareWithStep = (replayed: unknown, expected: unknown): unknown => {
  const mismatch = firstDifference(replayed, expected);
  disposeNew(replayed, expected);
  if (mismatch !== undefined) {
    throw new CompileError(
      'mismatch',
      mismatch.path,
      `check: the replay differs from the step at ${mismatch.path}: ${mismatch.what}. The step depends on something compile does not trace (see compile's limits)`,
    );
  }
  return expected;
};

const bitsOf = (t: tfc.Tensor): Uint8Array => {
  const v = t.dataSync();
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
};

/** The first leaf where `a` and `b` differ (an explicit stack; both are results of the same step). */
const firstDifference = (a: unknown, b: unknown): { path: string; what: string } | undefined => {
  const stack: Array<readonly [unknown, unknown, string]> = [[a, b, 'result']];
  while (stack.length > 0) {
    const [x, y, path] = stack.pop()!;
    if (x instanceof tf.Tensor || y instanceof tf.Tensor) {
      if (!(x instanceof tf.Tensor && y instanceof tf.Tensor)) return { path, what: 'a tensor on one side only' };
      if (x.dtype !== y.dtype || x.shape.join(',') !== y.shape.join(',')) return { path, what: 'shape or dtype' };
      const bx = bitsOf(x);
      const by = bitsOf(y);
      for (let i = 0; i < bx.length; i++) if (bx[i] !== by[i]) return { path, what: 'tensor values' };
      continue;
    }
    if (isPRNGKey(x) || isPRNGKey(y)) {
      if (!(isPRNGKey(x) && isPRNGKey(y)) || x.data[0] !== y.data[0] || x.data[1] !== y.data[1]) return { path, what: 'random key' };
      continue;
    }
    if (typeof x !== 'object' || x === null || typeof y !== 'object' || y === null) {
      if (!Object.is(x, y)) return { path, what: `${String(x)} vs ${String(y)}` };
      continue;
    }
    if (Array.isArray(x) !== Array.isArray(y)) return { path, what: 'structure' };
    const keys = Object.keys(x);
    if (keys.join('\u0000') !== Object.keys(y).join('\u0000')) return { path, what: 'structure' };
    for (const k of keys) stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`]);
  }
  return undefined;
};

/** Disposes the tensors of `replayed` that are not also in `kept`. */
const disposeNew = (replayed: unknown, kept: unknown): void => {
  const keep = new Set<tfc.Tensor>();
  const collect = (u: unknown, into: (t: tfc.Tensor) => void): void => {
    const stack: unknown[] = [u];
    const seen = new Set<object>();
    while (stack.length > 0) {
      const v = stack.pop();
      if (v instanceof tf.Tensor) into(v);
      else if (typeof v === 'object' && v !== null && !seen.has(v)) {
        seen.add(v);
        for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
      }
    }
  };
  collect(kept, (t) => keep.add(t));
  collect(replayed, (t) => {
    if (!keep.has(t)) t.dispose();
  });
};
