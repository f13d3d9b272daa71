/**
 * Recording one run of a step into a `Program`: while the step runs normally, every kernel the
 * backend executes (at the top level: kernels that call kernels are one call), every tensor written
 * from the host (constants), every host operation reported through `engine/trace` and every key
 * derivation is noted with the dataflow between them. Reads of tensor values that no host operation
 * accounts for stop the recording with a `CompileError` — their result could steer the step.
 *
 * @since 0.2.0
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { tf } from '../engine/backend.js';
import { setRecorder, type HostReadOp, type HostTensorOp, type Recorder } from '../engine/trace.js';
import { isPRNGKey } from '../random/PRNGKey.js';
import { isWalked, type FlatArguments } from './arguments.js';
import { CompileError } from './CompileError.js';
import { fuse } from './fuse.js';
import type { Derivation, KeyExpr, Op, Program, ResultNode, Slot } from './program.js';

type Tensor = tfc.Tensor;
type Values = tfc.backend_util.BackendValues;
type Backend = tfc.KernelBackend;

interface Hooks {
  readonly kernels: Array<readonly [tfc.KernelConfig, tfc.KernelFunc]>;
  /** The backend's own `write`/`readSync`/`read` properties before the hooks (usually none). */
  readonly own: ReadonlyArray<readonly [string, PropertyDescriptor | undefined]>;
  readonly mathRandom: () => number;
}

/** Slot kinds, for the result and lifetimes. */
const INPUT = 0;
const CONSTANT = 1;
const PRODUCED = 2;

/** Typed-array values of `dtype`, as `engine.makeTensor` hands them to a backend. */
const asBackendValues = (values: Values, dtype: tfc.DataType): Values => {
  if (dtype === 'float32' && values instanceof Float32Array) return values;
  if (dtype === 'int32' && values instanceof Int32Array) return values;
  if (dtype === 'bool' && values instanceof Uint8Array) return values;
  return tf.util.toTypedArray(values as tfc.TypedArray, dtype) as Values;
};

const scalarValues = (value: number, dtype: tfc.DataType): Values =>
  dtype === 'int32' ? Int32Array.of(value) : dtype === 'bool' ? Uint8Array.of(value ? 1 : 0) : Float32Array.of(value);

export class Recording implements Recorder {
  private readonly slots: Slot[] = [];
  private readonly kinds: number[] = [];
  private readonly ops: Op[] = [];
  private readonly constants: number[] = [];
  private readonly inputSlots: number[];
  /** Slots by data id, latest first (several slots share data when a kernel reshapes without copying). */
  private readonly byData = new Map<tfc.DataId, number[]>();
  private readonly inputIndex = new Map<Tensor, number>();
  private readonly keyExprs: KeyExpr[] = [];
  private readonly keyOf = new Map<object, number>();
  private readonly derivations: Derivation[] = [];
  private readonly containerIndex = new Map<object, number>();
  private readonly numberIndex = new Map<string, number>();
  private readonly tracedNumbers = new Set<number>();
  private readonly derivedFields = new Map<object, Map<string, { c: number; f: string; compute: (n: number) => number }>>();
  private readonly aliasing = new Set<Extract<Op, { k: 'kernel' }>>();
  private depth = 0;
  private readsAllowed = 0;
  private pendingHost: { readonly op: HostTensorOp; slot: number } | undefined;
  private hooks: Hooks | undefined;
  private previousRecorder: Recorder | undefined;
  private nextId = 0;

  constructor(
    private readonly args: FlatArguments,
    private readonly backend: Backend,
    private readonly backendName: string,
  ) {
    this.inputSlots = args.tensors.map(() => -1);
    args.tensors.forEach((t, i) => {
      if (!this.inputIndex.has(t)) this.inputIndex.set(t, i);
    });
    args.keys.forEach((k, i) => {
      if (!this.keyOf.has(k)) this.keyOf.set(k, this.addKeyExpr({ k: 'input', i }));
    });
    args.containers.forEach((c, i) => this.containerIndex.set(c, i));
    args.numberSlots.forEach(([c, f], j) => this.numberIndex.set(`${c}:${String(f)}`, j));
  }

  // ---------------------------------------------------------------------------------------------
  // hooks

  /** Starts listening: kernel wrappers, backend write/read hooks, the trace recorder. */
  install(): void {
    const backend = this.backend as Backend & Record<string, unknown>;
    const kernels: Array<readonly [tfc.KernelConfig, tfc.KernelFunc]> = [];
    for (const config of tf.getKernelsForBackend(this.backendName)) {
      const original = config.kernelFunc;
      const name = config.kernelName;
      (config as { kernelFunc: tfc.KernelFunc }).kernelFunc = (params) => this.onKernel(name, original, params);
      kernels.push([config, original]);
    }
    const own = (['write', 'readSync', 'read'] as const).map((name) => [name, Object.getOwnPropertyDescriptor(backend, name)] as const);
    const write = backend.write as Backend['write'];
    const readSync = backend.readSync as Backend['readSync'];
    const read = backend.read as Backend['read'];
    backend.write = (values: Values, shape: number[], dtype: tfc.DataType) => {
      const id = write.call(this.backend, values, shape, dtype);
      if (this.depth === 0) this.onWrite(id, shape, dtype);
      return id;
    };
    backend.readSync = (dataId: tfc.DataId) => {
      this.checkRead();
      return readSync.call(this.backend, dataId);
    };
    backend.read = (dataId: tfc.DataId) => {
      this.checkRead();
      return read.call(this.backend, dataId);
    };
    // Unkeyed randomness (tfjs's unseeded random ops, user code) would be frozen into the recording.
    const mathRandom = Math.random;
    Math.random = () => {
      throw new CompileError(
        'random',
        'Math.random',
        'the step draws random numbers without a key (Math.random: an unseeded tf.randomUniform, tf.randomNormal or tf.dropout?); a replay would reuse the recorded ones. Use parallax-ts/random with a key passed to the step',
      );
    };
    this.hooks = { kernels, own, mathRandom };
    this.previousRecorder = setRecorder(this);
  }

  /** Stops listening (always called, also after an error). */
  uninstall(): void {
    setRecorder(this.previousRecorder);
    if (this.hooks === undefined) return;
    for (const [config, original] of this.hooks.kernels) (config as { kernelFunc: tfc.KernelFunc }).kernelFunc = original;
    Math.random = this.hooks.mathRandom;
    const backend = this.backend as unknown as Record<string, unknown>;
    for (const [name, descriptor] of this.hooks.own) {
      if (descriptor === undefined) delete backend[name];
      else Object.defineProperty(backend, name, descriptor);
    }
    this.hooks = undefined;
  }

  private checkRead(): void {
    if (this.depth > 0 || this.readsAllowed > 0) return;
    throw new CompileError(
      'read',
      'dataSync',
      'the step reads tensor values on the host (dataSync, array, data, print…) while it is recorded; a replay could not redo what it decides. Read results after the compiled call returns, or compute with tensor ops',
    );
  }

  // ---------------------------------------------------------------------------------------------
  // slots

  private newSlot(shape: ReadonlyArray<number>, dtype: tfc.DataType, dataId: tfc.DataId, kind: number): number {
    const slot = new tf.Tensor(shape as number[], dtype, dataId, -1 - this.nextId++) as Slot;
    const s = this.slots.length;
    this.slots.push(slot);
    this.kinds.push(kind);
    const same = this.byData.get(dataId);
    if (same === undefined) this.byData.set(dataId, [s]);
    else same.unshift(s);
    return s;
  }

  /** The slot holding `t`'s data: an argument, a recorded value, or (captured from outside) a new constant. */
  private slotOf(t: tfc.TensorInfo): number {
    const input = t instanceof tf.Tensor ? this.inputIndex.get(t) : undefined;
    if (input !== undefined) {
      let s = this.inputSlots[input]!;
      if (s < 0) s = this.inputSlots[input] = this.newSlot(t.shape, t.dtype, t.dataId, INPUT);
      return s;
    }
    for (const s of this.byData.get(t.dataId) ?? []) {
      const slot = this.slots[s]!;
      if (slot.dtype === t.dtype && slot.shape.length === t.shape.length && slot.shape.every((d, i) => d === t.shape[i])) return s;
    }
    // An argument under another tensor object (the same data), or a tensor captured from outside.
    const byInput = this.args.tensors.findIndex((a) => a.dataId === t.dataId && a.dtype === t.dtype);
    if (byInput >= 0 && this.args.tensors[byInput]!.shape.every((d, i) => d === t.shape[i]))
      return this.slotOf(this.args.tensors[byInput]!);
    this.backend.incRef(t.dataId);
    const s = this.newSlot(t.shape, t.dtype, t.dataId, CONSTANT);
    this.constants.push(s);
    return s;
  }

  private onKernel(name: string, original: tfc.KernelFunc, params: Parameters<tfc.KernelFunc>[0]): ReturnType<tfc.KernelFunc> {
    if (this.depth > 0 || this.pendingHost !== undefined) return original(params);
    this.depth++;
    let out: ReturnType<tfc.KernelFunc>;
    try {
      out = original(params);
    } finally {
      this.depth--;
    }
    const uses: number[] = [];
    const mapInput = (v: unknown): unknown => {
      if (v === null || v === undefined || typeof v !== 'object' || !('dataId' in v)) return v;
      const s = this.slotOf(v as tfc.TensorInfo);
      uses.push(s);
      return this.slots[s];
    };
    const given = params.inputs as unknown;
    const inputs = (
      Array.isArray(given) ? given.map(mapInput) : Object.fromEntries(Object.entries(params.inputs).map(([k, v]) => [k, mapInput(v)]))
    ) as tfc.NamedTensorInfoMap;
    const infos = (Array.isArray(out) ? out : [out]) as tfc.TensorInfo[];
    const outs = infos.map((o) => this.newSlot(o.shape, o.dtype, o.dataId, PRODUCED));
    const op: Extract<Op, { k: 'kernel' }> = {
      k: 'kernel',
      name,
      fn: original,
      inputs,
      attrs: params.attrs ?? {},
      outs,
      usesSlots: uses,
      frees: [],
    };
    this.ops.push(op);
    // Tensors are immutable, so a copy (`Identity`, a `Cast` to the same dtype) and a re-label
    // (`Reshape`, seen returning its input's data id) can be replayed as another reference to the
    // input's data.
    const relabels = name === 'Reshape' && infos[0]?.dataId === this.slots[uses[0] ?? -1]?.dataId;
    const copies = name === 'Identity' || name === 'Cast';
    if ((copies || relabels) && uses.length === 1 && infos.length === 1 && infos[0]!.dtype === this.slots[uses[0]!]!.dtype) {
      this.aliasing.add(op);
    }
    return out;
  }

  private onWrite(dataId: tfc.DataId, shape: ReadonlyArray<number>, dtype: tfc.DataType): void {
    const host = this.pendingHost;
    if (host !== undefined && host.slot < 0) {
      host.slot = this.newSlot(shape, dtype, dataId, PRODUCED);
      return;
    }
    // A constant: the program keeps its own reference (the step may dispose its tensor).
    this.backend.incRef(dataId);
    this.constants.push(this.newSlot(shape, dtype, dataId, CONSTANT));
  }

  // ---------------------------------------------------------------------------------------------
  // Recorder (what host code reports)

  private addKeyExpr(e: KeyExpr): number {
    this.keyExprs.push(e);
    return this.keyExprs.length - 1;
  }

  private traceNumber(source: object, field: string): number | undefined {
    const c = this.containerIndex.get(source);
    if (c === undefined) return undefined;
    const j = this.numberIndex.get(`${c}:${field}`);
    if (j !== undefined) this.tracedNumbers.add(j);
    return c;
  }

  hostTensor(op: HostTensorOp, make: () => Tensor): Tensor {
    // Host work from fixed inputs (a key made inside the step, an object not among the arguments)
    // is the same at every call: its tensor is recorded as a constant.
    let values: ((ctx: Parameters<Extract<Op, { k: 'host' }>['values']>[0], b: Backend, slots: ReadonlyArray<Slot>) => Values) | undefined;
    let uses: number[] = [];
    if (op.kind === 'sample') {
      // A fixed key (made inside the step) gives fixed samples, unless they also read tensors.
      const known = this.keyOf.get(op.key);
      const e = known ?? (op.inputs.length > 0 ? this.addKeyExpr({ k: 'const', key: op.key }) : undefined);
      if (e !== undefined) {
        const generate = op.generate as (key: object, values: ReadonlyArray<Values>) => Values;
        uses = op.inputs.map((t) => this.slotOf(t));
        const read = uses;
        values = (ctx, b, slots) =>
          generate(
            ctx.key(e),
            read.map((s) => b.readSync(slots[s]!.dataId) as Values),
          );
      }
    } else if (op.kind === 'field') {
      const c = this.traceNumber(op.source, op.field);
      if (c !== undefined) {
        const { field, compute } = op;
        values = (ctx) => scalarValues(compute((ctx.args.containers[c] as Record<string, number>)[field]!), 'float32');
      }
    } else {
      uses = op.inputs.map((t) => this.slotOf(t));
      const { compute } = op;
      const slotsUsed = uses;
      values = (_ctx, b, slots) => compute(slotsUsed.map((s) => b.readSync(slots[s]!.dataId) as Values));
    }
    if (values === undefined) return make();
    const pending = { op, slot: -1 };
    this.pendingHost = pending;
    this.readsAllowed++;
    let t: Tensor;
    try {
      t = make();
    } finally {
      this.pendingHost = undefined;
      this.readsAllowed--;
    }
    if (pending.slot < 0 || this.slots[pending.slot]!.dataId !== t.dataId) {
      throw new CompileError('read', op.kind, `host operation "${op.kind}" must write exactly the tensor it returns`);
    }
    const slot = this.slots[pending.slot]!;
    const dtype = slot.dtype;
    const raw = values;
    this.ops.push({
      k: 'host',
      what: op.kind,
      values: (ctx, b, slots) => asBackendValues(raw(ctx, b, slots), dtype),
      out: pending.slot,
      usesSlots: uses,
      frees: [],
    });
    return t;
  }

  hostRead<R>(op: HostReadOp<R>, read: () => R): R {
    const uses = op.inputs.map((t) => this.slotOf(t));
    this.readsAllowed++;
    let r: R;
    try {
      r = read();
    } finally {
      this.readsAllowed--;
    }
    this.ops.push({ k: 'read', kind: op.kind, use: op.use, recorded: r, usesSlots: uses, frees: [] });
    return r;
  }

  derivedKeys(parent: object, children: ReadonlyArray<object>, derive: (parent: never) => ReadonlyArray<object>): void {
    const p = this.keyOf.get(parent);
    if (p === undefined) return; // derived from a fixed key: fixed too
    const d = this.derivations.length;
    this.derivations.push({ parent: p, derive });
    children.forEach((child, i) => {
      if (!this.keyOf.has(child)) this.keyOf.set(child, this.addKeyExpr({ k: 'derived', d, i }));
    });
  }

  derivedField(out: object, field: string, source: object, sourceField: string, compute: (n: number) => number): void {
    const c = this.traceNumber(source, sourceField);
    if (c === undefined) return;
    let fields = this.derivedFields.get(out);
    if (fields === undefined) this.derivedFields.set(out, (fields = new Map()));
    fields.set(field, { c, f: sourceField, compute });
  }

  // ---------------------------------------------------------------------------------------------
  // finishing

  /** Frees what the recording holds when the step failed. */
  abandon(): void {
    for (const s of this.constants) this.backend.disposeData(this.slots[s]!.dataId);
  }

  /** The program for the step that returned `result` (called after `uninstall`). */
  finish(result: unknown): Program {
    const nodes = this.resultNodes(result);
    const escaping = new Uint8Array(this.slots.length);
    for (const n of nodes) if (n.t === 'slot') escaping[n.s] = 1;
    // Keep only what the result or a host read needs (the tape's saved tensors, values the step
    // computed and dropped); then free each value right after its last use.
    const needed = Uint8Array.from(escaping);
    const kept: Op[] = [];
    for (let i = this.ops.length - 1; i >= 0; i--) {
      const op = this.ops[i]!;
      const outs = op.k === 'kernel' ? op.outs : op.k === 'host' ? [op.out] : [];
      if (op.k !== 'read' && !outs.some((s) => needed[s] === 1)) continue;
      for (const s of op.usesSlots) needed[s] = 1;
      kept.push(op);
    }
    kept.reverse();
    const ops = fuse(kept, this.slots, escaping, this.aliasing, this.backend);
    const lastUse = new Int32Array(this.slots.length).fill(-1);
    ops.forEach((op, i) => {
      for (const s of op.usesSlots) lastUse[s] = i;
    });
    ops.forEach((op, i) => {
      const outs = op.k === 'kernel' ? op.outs : op.k === 'read' ? [] : [op.out];
      for (const s of outs) if (escaping[s] === 0 && lastUse[s] < 0) op.frees.push(s);
    });
    this.slots.forEach((_, s) => {
      if (this.kinds[s] === PRODUCED && escaping[s] === 0 && lastUse[s]! >= 0) ops[lastUse[s]!]!.frees.push(s);
    });
    const disposesInputs: number[] = [];
    this.args.tensors.forEach((t, i) => {
      if (t.isDisposed && this.inputIndex.get(t) === i) disposesInputs.push(i);
    });
    const staticNumbers: Array<readonly [number, number]> = [];
    this.args.numbers.forEach((v, j) => {
      if (!this.tracedNumbers.has(j)) staticNumbers.push([j, v]);
    });
    return {
      backend: this.backend,
      slots: this.slots,
      inputSlots: this.inputSlots,
      constants: this.constants,
      ops,
      result: nodes,
      keyExprs: this.keyExprs,
      derivations: this.derivations,
      disposesInputs,
      staticNumbers,
    };
  }

  /** The result as post-order nodes (walked with an explicit stack). */
  private resultNodes(result: unknown): ResultNode[] {
    const nodes: ResultNode[] = [];
    const transferred = new Set<number>();
    type Item =
      | { readonly value: unknown; readonly field?: { c: number; f: string; compute: (n: number) => number } }
      | { readonly node: ResultNode; readonly close?: object };
    const stack: Item[] = [{ value: result }];
    const onPath = new Set<object>();
    while (stack.length > 0) {
      const item = stack.pop()!;
      if ('node' in item) {
        nodes.push(item.node);
        if (item.close !== undefined) onPath.delete(item.close);
        continue;
      }
      const v = item.value;
      if (typeof v === 'number' && item.field !== undefined) {
        const { c, f, compute } = item.field;
        nodes.push({ t: 'field', c, f, compute });
        continue;
      }
      if (typeof v !== 'object' || v === null) {
        nodes.push({ t: 'static', v });
        continue;
      }
      if (v instanceof tf.Tensor) {
        nodes.push(this.tensorNode(v, transferred));
        continue;
      }
      if (isPRNGKey(v)) {
        const e = this.keyOf.get(v);
        nodes.push(e === undefined ? { t: 'static', v } : { t: 'key', e });
        continue;
      }
      if (!isWalked(v)) {
        nodes.push({ t: 'static', v });
        continue;
      }
      if (onPath.has(v)) throw new CompileError('argument', 'result', 'the result contains itself (a cycle)');
      onPath.add(v);
      const frozen = Object.isFrozen(v);
      if (Array.isArray(v)) {
        stack.push({ node: { t: 'array', n: v.length, frozen }, close: v });
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i] });
        continue;
      }
      const keys = Reflect.ownKeys(v);
      const fields = this.derivedFields.get(v);
      stack.push({ node: { t: 'object', proto: Object.getPrototypeOf(v) as object | null, keys, frozen }, close: v });
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        const value = (v as Record<string | symbol, unknown>)[k];
        if (typeof k === 'symbol') stack.push({ node: { t: 'static', v: value } });
        else stack.push({ value, field: fields?.get(k) });
      }
    }
    return nodes;
  }

  private tensorNode(t: Tensor, transferred: Set<number>): ResultNode {
    const input = this.inputIndex.get(t);
    if (input !== undefined) return { t: 'input', i: input };
    const s = this.slotOf(t);
    const kind = this.kinds[s];
    if (kind === INPUT) return { t: 'input', i: this.inputSlots.indexOf(s) };
    if (kind === CONSTANT) return { t: 'const', s };
    const transfer = !transferred.has(s);
    transferred.add(s);
    return { t: 'slot', s, transfer };
  }
}
