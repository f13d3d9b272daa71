/**
 * A recorded step: the backend kernel calls and host operations of one run, with the dataflow
 * between them, and how to build the result. `replay` runs it against the backend directly — no
 * engine bookkeeping, tape, scopes or record rebuilding — for a call whose arguments have the
 * recorded structure.
 *
 * Values live in *slots*: one tensor object per value, made once at recording and re-pointed at each
 * replay's data (kernels read only `dataId`, `shape` and `dtype`). Every produced slot owns one backend
 * reference to its data, dropped right after its last use (or handed to the result).
 *
 * @since 0.2.0
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { FlatArguments } from './arguments.js';
import { CompileError } from './CompileError.js';

type Tensor = tf.Tensor;
type Engine = ReturnType<typeof tf.engine>;
type Values = tf.backend_util.BackendValues;
/** A slot's tensor object, re-pointed at each replay's data. */
export type Slot = Tensor & { dataId: tf.DataId };

/** Where a random key comes from: an argument, a fixed key, or a derivation (`split`, `foldIn`) of another. */
export type KeyExpr =
  | { readonly k: 'input'; readonly i: number }
  | { readonly k: 'const'; readonly key: object }
  | { readonly k: 'derived'; readonly d: number; readonly i: number };

export interface Derivation {
  readonly parent: number;
  readonly derive: (parent: never) => ReadonlyArray<object>;
}

/** What a replay knows about the current call. */
export interface ReplayContext {
  readonly args: FlatArguments;
  key(expr: number): object;
}

export type Op =
  | {
      readonly k: 'kernel';
      readonly name: string;
      readonly fn: tf.KernelFunc;
      readonly inputs: tf.NamedTensorInfoMap;
      readonly attrs: tf.NamedAttrMap;
      readonly outs: ReadonlyArray<number>;
      readonly usesSlots: ReadonlyArray<number>;
      frees: number[];
    }
  | {
      readonly k: 'host';
      readonly what: string;
      readonly values: (ctx: ReplayContext, backend: tf.KernelBackend, slots: ReadonlyArray<Slot>) => Values;
      readonly out: number;
      readonly usesSlots: ReadonlyArray<number>;
      frees: number[];
    }
  | {
      /** A kernel of this library's own (fused elementwise work on wasm): returns the output's data id. */
      readonly k: 'native';
      readonly what: string;
      readonly run: (slots: ReadonlyArray<Slot>) => tf.DataId;
      readonly out: number;
      readonly usesSlots: ReadonlyArray<number>;
      frees: number[];
    }
  | {
      /** A kernel that only re-labels its input's data: another reference to it. */
      readonly k: 'alias';
      readonly from: number;
      readonly out: number;
      readonly usesSlots: ReadonlyArray<number>;
      frees: number[];
    }
  | {
      readonly k: 'read';
      readonly kind: 'check' | 'branch';
      readonly use: (values: ReadonlyArray<Values>) => unknown;
      readonly recorded: unknown;
      readonly usesSlots: ReadonlyArray<number>;
      frees: number[];
    };

/** One node of the result, in post-order (children before their container). */
export type ResultNode =
  | { readonly t: 'slot'; readonly s: number; readonly transfer: boolean }
  | { readonly t: 'input'; readonly i: number }
  | { readonly t: 'const'; readonly s: number }
  | { readonly t: 'key'; readonly e: number }
  | { readonly t: 'static'; readonly v: unknown }
  | { readonly t: 'field'; readonly c: number; readonly f: string | number; readonly compute: (n: number) => number }
  | { readonly t: 'array'; readonly n: number; readonly frozen: boolean }
  | { readonly t: 'object'; readonly proto: object | null; readonly keys: ReadonlyArray<string | symbol>; readonly frozen: boolean };

export interface Program {
  readonly backend: tf.KernelBackend;
  readonly slots: ReadonlyArray<Slot>;
  /** Slot of each argument tensor (by position in `FlatArguments.tensors`), -1 when unused. */
  readonly inputSlots: ReadonlyArray<number>;
  /** Slots whose data the program owns (constants and tensors captured from outside). */
  readonly constants: ReadonlyArray<number>;
  readonly ops: ReadonlyArray<Op>;
  readonly result: ReadonlyArray<ResultNode>;
  readonly keyExprs: ReadonlyArray<KeyExpr>;
  readonly derivations: ReadonlyArray<Derivation>;
  /** Argument tensors the step disposed (by position). */
  readonly disposesInputs: ReadonlyArray<number>;
  /** Number arguments compared with the recorded values (the untraced ones): [position, value]. */
  readonly staticNumbers: ReadonlyArray<readonly [number, number]>;
}

/** A replay met a `branch` read that decided otherwise than the recording: run the step itself. */
export class Diverged extends Error {
  constructor() {
    super('compile: a host decision changed; running the step uncompiled');
  }
}

const sameShape = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

const sameDecision = (a: unknown, b: unknown): boolean => Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b);

/** Whether `args` may replay `p`: its untraced numbers equal the recorded ones. */
export const matches = (p: Program, args: FlatArguments): boolean => {
  for (const [i, v] of p.staticNumbers) if (!Object.is(args.numbers[i], v)) return false;
  return true;
};

const contextFor = (p: Program, args: FlatArguments): ReplayContext => {
  const keys: Array<object | undefined> = new Array(p.keyExprs.length);
  const derived: Array<ReadonlyArray<object> | undefined> = new Array(p.derivations.length);
  const key = (e: number): object => {
    const known = keys[e];
    if (known !== undefined) return known;
    const x = p.keyExprs[e]!;
    let value: object;
    if (x.k === 'input') value = args.keys[x.i]!;
    else if (x.k === 'const') value = x.key;
    else {
      let children = derived[x.d];
      if (children === undefined) {
        const d = p.derivations[x.d]!;
        children = derived[x.d] = d.derive(key(d.parent) as never);
      }
      value = children[x.i]!;
    }
    keys[e] = value;
    return value;
  };
  return { args, key };
};

/**
 * Runs `p` on `args` and returns the result, with fresh tensors the caller owns. `disposeInputs`:
 * dispose the argument tensors the recorded step disposed (not in check mode, where the step itself
 * runs afterwards). On any error every intermediate is freed and nothing is disposed.
 */
export const replay = (p: Program, args: FlatArguments, engine: Engine, disposeInputs: boolean): unknown => {
  const { slots, backend } = p;
  for (let i = 0; i < p.inputSlots.length; i++) {
    const s = p.inputSlots[i]!;
    if (s >= 0) slots[s]!.dataId = args.tensors[i]!.dataId;
  }
  const ctx = contextFor(p, args);
  const live: number[] = [];
  const alive = new Uint8Array(slots.length);
  try {
    for (const op of p.ops) {
      if (op.k === 'kernel') {
        const out = op.fn({ inputs: op.inputs, attrs: op.attrs, backend }) as tf.TensorInfo | tf.TensorInfo[];
        if (Array.isArray(out)) {
          for (let j = 0; j < out.length; j++) {
            const s = op.outs[j]!;
            slots[s]!.dataId = out[j]!.dataId;
            alive[s] = 1;
            live.push(s);
          }
          for (let j = 0; j < out.length; j++) checkShape(op.name, slots[op.outs[j]!]!, out[j]!);
        } else {
          const s = op.outs[0]!;
          slots[s]!.dataId = out.dataId;
          alive[s] = 1;
          live.push(s);
          checkShape(op.name, slots[s]!, out);
        }
      } else if (op.k === 'native') {
        slots[op.out]!.dataId = op.run(slots);
        alive[op.out] = 1;
        live.push(op.out);
      } else if (op.k === 'alias') {
        const id = slots[op.from]!.dataId;
        backend.incRef(id);
        slots[op.out]!.dataId = id;
        alive[op.out] = 1;
        live.push(op.out);
      } else if (op.k === 'host') {
        const slot = slots[op.out]!;
        slot.dataId = backend.write(op.values(ctx, backend, slots), slot.shape, slot.dtype);
        alive[op.out] = 1;
        live.push(op.out);
      } else {
        const values = op.usesSlots.map((s) => backend.readSync(slots[s]!.dataId) as Values);
        const decided = op.use(values);
        if (op.kind === 'branch' && !sameDecision(decided, op.recorded)) throw new Diverged();
      }
      for (const s of op.frees) {
        backend.disposeData(slots[s]!.dataId);
        alive[s] = 0;
      }
    }
  } catch (e) {
    for (const s of live) if (alive[s] === 1) backend.disposeData(slots[s]!.dataId);
    throw e;
  }
  const result = buildResult(p, ctx, engine);
  if (disposeInputs) for (const i of p.disposesInputs) args.tensors[i]!.dispose();
  return result;
};

const checkShape = (name: string, slot: Slot, info: tf.TensorInfo): void => {
  if (!sameShape(slot.shape, info.shape)) {
    throw new CompileError(
      'shape',
      name,
      `kernel ${name} returned shape [${info.shape.join(', ')}] where the recording had [${slot.shape.join(', ')}]: ` +
        'an output shape that depends on tensor values cannot be replayed',
    );
  }
};

/** A tracked tensor for a slot's current data (taking over the slot's reference, or a new one). */
const tensorOf = (p: Program, engine: Engine, s: number, newReference: boolean): Tensor => {
  const slot = p.slots[s]!;
  if (newReference) p.backend.incRef(slot.dataId);
  return engine.makeTensorFromTensorInfo({ dataId: slot.dataId, shape: slot.shape, dtype: slot.dtype }, p.backend);
};

const buildResult = (p: Program, ctx: ReplayContext, engine: Engine): unknown => {
  const stack: unknown[] = [];
  for (const node of p.result) {
    switch (node.t) {
      case 'slot':
        stack.push(tensorOf(p, engine, node.s, !node.transfer));
        break;
      case 'input':
        stack.push(ctx.args.tensors[node.i]);
        break;
      case 'const':
        stack.push(tensorOf(p, engine, node.s, true));
        break;
      case 'key':
        stack.push(ctx.key(node.e));
        break;
      case 'static':
        stack.push(node.v);
        break;
      case 'field':
        stack.push(node.compute((ctx.args.containers[node.c] as Record<string | number, number>)[node.f]!));
        break;
      case 'array': {
        const a = stack.splice(stack.length - node.n, node.n);
        stack.push(node.frozen ? Object.freeze(a) : a);
        break;
      }
      case 'object': {
        const values = stack.splice(stack.length - node.keys.length, node.keys.length);
        const o = Object.create(node.proto) as Record<string | symbol, unknown>;
        for (let i = 0; i < node.keys.length; i++) o[node.keys[i]!] = values[i];
        stack.push(node.frozen ? Object.freeze(o) : o);
        break;
      }
    }
  }
  return stack[0];
};

/** Frees what the program owns. */
export const release = (p: Program): void => {
  for (const s of p.constants) p.backend.disposeData(p.slots[s]!.dataId);
};
