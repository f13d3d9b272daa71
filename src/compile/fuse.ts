/**
 * Rewrites of a recorded program that keep its results bit for bit and cost less to replay:
 *
 * - **aliases**: a kernel that only copies or re-labels its input's data (`Identity`, a `Cast` to
 *   the same dtype, a `Reshape` recorded returning the very data id it got) becomes a reference
 *   count increment.
 * - **fused elementwise work**: a tree of float32 `Add`/`Sub`/`Multiply`/`RealDiv`/`Step`/`Relu`/
 *   `Neg` kernels (operands of the output's size or single values; intermediates used once)
 *   becomes one kernel: on wasm a WebAssembly SIMD kernel generated for the tree (wasmFusion.ts),
 *   elsewhere a JavaScript loop, for trees of at most `FUSE_MAX_SIZE` elements (above that the
 *   backend's own kernels are faster than a JavaScript loop). Each operation is rounded to float32
 *   as the kernels round it — in JavaScript, `Math.fround` of the float64 result is the IEEE float32
 *   result for these four operations (float64 holds a float32 product exactly and has more than
 *   2·24 + 2 bits, so rounding a sum or quotient twice never differs from once) — so the fused
 *   values equal the kernels' values bit for bit, NaN payloads aside (every NaN stays a NaN).
 *
 * @since 0.2.0
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { Op, Slot } from './program.js';
import { wasmFusedKernel, type WasmExpr } from './wasmFusion.js';

type Values = tfc.backend_util.BackendValues;

/**
 * Largest output fused into a JavaScript loop (elements); above it the backend's kernels are
 * faster — except on wasm, where a generated WebAssembly SIMD kernel runs fused work of any size.
 */
export const FUSE_MAX_SIZE = 2048;

/** The fusable kernels and the expression operation each becomes. */
const BINARY: Readonly<Record<string, 'add' | 'sub' | 'mul' | 'div'>> = { Add: 'add', Sub: 'sub', Multiply: 'mul', RealDiv: 'div' };
const UNARY: Readonly<Record<string, 'neg' | 'relu' | 'step'>> = { Neg: 'neg', Relu: 'relu', Step: 'step' };

/** An expression over input slots: a leaf reads slot `leaf` (broadcast when it holds one value). */
type Expr = WasmExpr;

/**
 * Float32 semantics of each operation, as the cpu and wasm kernels compute them (checked by the
 * tests, including NaN, signed zeros and infinities): each result rounded to float32; `Step` gives
 * NaN for NaN, 1 above 0, else `alpha`; `Relu` gives NaN for NaN, x above 0, else +0.
 */
const binaryJs = {
  add: (a: number, b: number) => Math.fround(a + b),
  sub: (a: number, b: number) => Math.fround(a - b),
  mul: (a: number, b: number) => Math.fround(a * b),
  div: (a: number, b: number) => Math.fround(a / b),
} as const;
const unaryJs = (e: Extract<Expr, { op: 'neg' | 'relu' | 'step' }>): ((x: number) => number) => {
  if (e.op === 'neg') return (x) => -x;
  if (e.op === 'relu') return (x) => (Number.isNaN(x) ? NaN : x > 0 ? x : 0);
  const alpha = Math.fround((e as { readonly alpha: number }).alpha);
  return (x) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : alpha);
};

type KernelOp = Extract<Op, { k: 'kernel' }>;

/**
 * Whether `op` is elementwise work this pass can fuse: float32, at most `maxSize` elements, each operand holding the
 * output's elements in the same order (the same size: broadcasting only added 1-dims) or one value.
 */
const fusable = (op: Op, slots: ReadonlyArray<Slot>, maxSize: number): op is KernelOp => {
  if (op.k !== 'kernel' || op.outs.length !== 1) return false;
  const arity = BINARY[op.name] !== undefined ? 2 : UNARY[op.name] !== undefined ? 1 : 0;
  if (arity === 0 || op.usesSlots.length !== arity) return false;
  const out = slots[op.outs[0]!]!;
  if (out.dtype !== 'float32' || out.size > maxSize) return false;
  return op.usesSlots.every((s) => {
    const x = slots[s]!;
    return x.dtype === 'float32' && (x.size === 1 || x.size === out.size);
  });
};

/** The two operand slots of a binary kernel, in the kernel's order (`a`, `b`). */
const operands = (op: KernelOp, slots: ReadonlyArray<Slot>): readonly [number, number] => {
  const inputs = op.inputs as Record<string, Slot>;
  return [slots.indexOf(inputs.a!), slots.indexOf(inputs.b!)];
};

/** Leaves of `e` (distinct slots, in first-use order). */
const leavesOf = (e: Expr, into: number[]): number[] => {
  if ('leaf' in e) {
    if (!into.includes(e.leaf)) into.push(e.leaf);
  } else {
    leavesOf(e.a, into);
    if ('b' in e) leavesOf(e.b, into);
  }
  return into;
};

/** An evaluator of `e` at element `i` over each leaf's current values (a leaf of one value broadcasts). */
const evaluator = (e: Expr, leaves: ReadonlyArray<number>, values: Array<Float32Array>): ((i: number) => number) => {
  if ('leaf' in e) {
    const k = leaves.indexOf(e.leaf);
    return (i) => {
      const v = values[k]!;
      return v.length === 1 ? v[0]! : v[i]!;
    };
  }
  const a = evaluator(e.a, leaves, values);
  if (!('b' in e)) {
    const u = unaryJs(e);
    return (i) => u(a(i));
  }
  const b = evaluator(e.b, leaves, values);
  const f = binaryJs[e.op];
  return (i) => f(a(i), b(i));
};

/** Leaves renumbered 0..k-1 (the wasm kernel's inputs), in `leaves` order. */
const renumber = (e: Expr, leaves: ReadonlyArray<number>): Expr => {
  if ('leaf' in e) return { leaf: leaves.indexOf(e.leaf) };
  if ('b' in e) return { op: e.op, a: renumber(e.a, leaves), b: renumber(e.b, leaves) };
  return e.op === 'step' ? { op: 'step', alpha: e.alpha, a: renumber(e.a, leaves) } : { op: e.op, a: renumber(e.a, leaves) };
};

/**
 * The program's ops with aliases and fused arithmetic. `escaping`: slots the result holds (never
 * inlined away). Slots inlined into a fused op are no longer produced; the caller computes
 * lifetimes afterwards.
 */
export const fuse = (
  ops: ReadonlyArray<Op>,
  slots: ReadonlyArray<Slot>,
  escaping: Uint8Array,
  aliasing: ReadonlySet<KernelOp>,
  backend: tfc.KernelBackend,
): Op[] => {
  // Generated wasm kernels run fused work of any size; JavaScript loops only small work.
  const wasm = wasmFusedKernel(backend, { leaf: 0 }, [false], [1]) !== undefined;
  const maxSize = wasm ? Infinity : FUSE_MAX_SIZE;
  const uses = new Int32Array(slots.length);
  for (const op of ops) for (const s of op.usesSlots) uses[s]! += 1;
  // Expressions of fusable ops whose single use may inline them, by output slot.
  const pending = new Map<number, { readonly expr: Expr; readonly op: KernelOp }>();
  const inlined = new Set<Op>();
  const exprOf = new Map<KernelOp, Expr>();
  // Re-labels (a same-dtype `Cast` after `Step` in relu's gradient) are transparent to fusion.
  const relabelOf = new Map<number, KernelOp>();
  for (const op of aliasing) relabelOf.set(op.outs[0]!, op);
  for (const op of ops) {
    if (!fusable(op, slots, maxSize)) continue;
    const take = (s: number): Expr => {
      const relabel = relabelOf.get(s);
      const source = relabel !== undefined && uses[s] === 1 && escaping[s] === 0 ? relabel.usesSlots[0]! : s;
      const p = pending.get(source);
      if (p === undefined) return { leaf: s };
      pending.delete(source);
      inlined.add(p.op);
      if (source !== s) inlined.add(relabel!);
      return p.expr;
    };
    let expr: Expr;
    const unary = UNARY[op.name];
    if (unary === 'step') expr = { op: 'step', alpha: Number(op.attrs.alpha ?? 0), a: take(op.usesSlots[0]!) };
    else if (unary !== undefined) expr = { op: unary, a: take(op.usesSlots[0]!) };
    else {
      const [sa, sb] = operands(op, slots);
      expr = { op: BINARY[op.name]!, a: take(sa), b: sa === sb ? { leaf: sb } : take(sb) };
    }
    exprOf.set(op, expr);
    const out = op.outs[0]!;
    if (uses[out] === 1 && escaping[out] === 0) pending.set(out, { expr, op });
  }
  const out: Op[] = [];
  for (const op of ops) {
    if (inlined.has(op)) continue;
    if (op.k === 'kernel' && aliasing.has(op)) {
      out.push({ k: 'alias', from: op.usesSlots[0]!, out: op.outs[0]!, usesSlots: [op.usesSlots[0]!], frees: [] });
      continue;
    }
    const expr = op.k === 'kernel' ? exprOf.get(op) : undefined;
    // A lone kernel (nothing inlined into it) stays a kernel.
    if (op.k !== 'kernel' || expr === undefined || 'leaf' in expr || ('leaf' in expr.a && (!('b' in expr) || 'leaf' in expr.b))) {
      out.push(op);
      continue;
    }
    const leaves = leavesOf(expr, []);
    const target = slots[op.outs[0]!]!;
    const kernel = wasm
      ? wasmFusedKernel(
          backend,
          renumber(expr, leaves),
          leaves.map((s) => slots[s]!.size === 1),
          target.shape,
        )
      : undefined;
    if (kernel !== undefined) {
      const ids: tfc.DataId[] = leaves.map(() => ({}));
      out.push({
        k: 'native',
        what: `fused ${op.name}`,
        usesSlots: leaves,
        out: op.outs[0]!,
        frees: [],
        run: (all) => {
          for (let k = 0; k < leaves.length; k++) ids[k] = all[leaves[k]!]!.dataId;
          return kernel(ids).dataId;
        },
      });
      continue;
    }
    const n = target.size;
    // Built once: each replay refills `current` with the leaves' values.
    const current: Float32Array[] = leaves.map(() => new Float32Array(0));
    const at = evaluator(expr, leaves, current);
    out.push({
      k: 'host',
      what: `fused ${op.name}`,
      usesSlots: leaves,
      out: op.outs[0]!,
      frees: [],
      values: (_ctx, b, all) => {
        for (let k = 0; k < leaves.length; k++) current[k] = b.readSync(all[leaves[k]!]!.dataId) as Float32Array;
        const result = new Float32Array(n);
        for (let i = 0; i < n; i++) result[i] = at(i);
        return result as Values;
      },
    });
  }
  return out;
};
