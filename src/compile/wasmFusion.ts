/**
 * Fused elementwise kernels for the wasm backend, generated as WebAssembly: one module per fused
 * expression, run directly on tfjs-backend-wasm's memory (imported), four float32 lanes at a time
 * with WebAssembly SIMD and a scalar loop for the rest. One pass over each input instead of one
 * kernel call, one output buffer and one memory pass per operation: what a many-operation update
 * (Adam's moments and correction) costs on a large layer.
 *
 * Exactness: WebAssembly's f32/f32x4 `add`, `sub`, `mul`, `div` round to nearest like every
 * IEEE float32 kernel, keep subnormals, `max(−0, +0)` is +0 and NaN propagates, which is what
 * tfjs-backend-wasm's `Relu` gives; so the results equal the kernels' bit for bit (NaN payloads
 * aside). The tests compare them on special values.
 *
 * Only where the wasm backend runs single-threaded (its memory is not shared) and the engine
 * supports SIMD; otherwise fusion falls back to kernels or host loops.
 *
 * @since 0.2.0
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { f32Bytes, Op, oneFunctionModule, SimdOp, simd, sleb, uleb, ValueType, vec, webAssembly } from '../engine/wasmBinary.js';

/** A fused expression over leaves `0..k-1` (each a full tensor or a single broadcast value). */
export type WasmExpr =
  | { readonly leaf: number }
  | { readonly op: 'add' | 'sub' | 'mul' | 'div'; readonly a: WasmExpr; readonly b: WasmExpr }
  | { readonly op: 'neg' | 'relu'; readonly a: WasmExpr }
  | { readonly op: 'step'; readonly alpha: number; readonly a: WasmExpr };

/** A WebAssembly memory (declared locally: the project's `lib` is ES2022 without DOM types). */
interface Memory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** What fusion needs from tfjs-backend-wasm's backend object (its own, public-by-use, members). */
interface WasmBackendLike {
  readonly wasm: { readonly asm?: { readonly memory?: Memory } };
  readonly dataIdMap: { get(dataId: tfc.DataId): { readonly memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tfc.TensorInfo;
}

// ---------------------------------------------------------------------------------------------
// encoding (the binary format's encodings and opcodes: engine/wasmBinary.ts)

const F32 = ValueType.f32;
const V128 = ValueType.v128;
const BINARY = {
  add: [Op.f32Add, SimdOp.f32x4Add],
  sub: [Op.f32Sub, SimdOp.f32x4Sub],
  mul: [Op.f32Mul, SimdOp.f32x4Mul],
  div: [Op.f32Div, SimdOp.f32x4Div],
} as const;
/** `v128.const` of four +0 lanes. */
const zeros = [...simd(SimdOp.v128Const), ...new Array<number>(16).fill(0)];
/** `v128.const` of four lanes equal to the float32 `x`. */
const lanes = (x: number): number[] => [...simd(SimdOp.v128Const), ...[0, 1, 2, 3].flatMap(() => f32Bytes(x))];
/** `f32.const x`. */
const f32Const = (x: number): number[] => [Op.f32Const, ...f32Bytes(x)];
// Local indices are LEB128 (a tree may have more than 127 leaves' worth of locals).
const get = (local: number): number[] => [Op.localGet, ...uleb(local)];
const set = (local: number): number[] => [Op.localSet, ...uleb(local)];
const tee = (local: number): number[] => [Op.localTee, ...uleb(local)];
/** Loads and stores: alignment 2^2 (a float32), offset 0. */
const memarg = [2, 0];

/**
 * The module for `expr` over `broadcast.length` leaves: `run(out, in_0 … in_k-1, n)` (byte
 * addresses, element count). Locals after the parameters: i, n4, then per leaf a scalar and a
 * splat (used for broadcast leaves), then one f32 and one v128 scratch per `step` node.
 */
const encode = (expr: WasmExpr, broadcast: ReadonlyArray<boolean>): Uint8Array => {
  const k = broadcast.length;
  const out = 0;
  const input = (j: number) => 1 + j;
  const n = 1 + k;
  const i = n + 1;
  const n4 = i + 1;
  const scalar = (j: number) => n4 + 1 + 2 * j;
  const splat = (j: number) => n4 + 2 + 2 * j;
  const countSteps = (e: WasmExpr): number =>
    'leaf' in e ? 0 : (e.op === 'step' ? 1 : 0) + countSteps(e.a) + ('b' in e ? countSteps(e.b) : 0);
  const stepNodes = countSteps(expr);
  // Scratch locals: one f32 per step node, then one v128 per step node.
  const scratchF = (slot: number) => n4 + 1 + 2 * k + slot;
  const scratchV = (slot: number) => n4 + 1 + 2 * k + stepNodes + slot;
  const address = (base: number): number[] => [...get(base), ...get(i), Op.i32Const, 2, Op.i32Shl, Op.i32Add];

  // One code generator for both loops: lane-wise (vector) or one element.
  const gen = (e: WasmExpr, vector: boolean, steps: { n: number }): number[] => {
    if ('leaf' in e) {
      if (broadcast[e.leaf]) return get(vector ? splat(e.leaf) : scalar(e.leaf));
      return [...address(input(e.leaf)), ...(vector ? simd(SimdOp.v128Load) : [Op.f32Load]), ...memarg];
    }
    if (e.op === 'add' || e.op === 'sub' || e.op === 'mul' || e.op === 'div') {
      const [s, v] = BINARY[e.op];
      return [...gen(e.a, vector, steps), ...gen(e.b, vector, steps), ...(vector ? simd(v) : [s])];
    }
    if (e.op === 'neg') return [...gen(e.a, vector, steps), ...(vector ? simd(SimdOp.f32x4Neg) : [Op.f32Neg])];
    if (e.op === 'relu') {
      // max(x, +0): +0 for −0, NaN for NaN (as the Relu kernel)
      return [...gen(e.a, vector, steps), ...(vector ? [...zeros, ...simd(SimdOp.f32x4Max)] : [...f32Const(0), Op.f32Max])];
    }
    if (e.op !== 'step') throw new Error(`wasmFusion: unknown operation ${(e as { op: string }).op}`);
    // step: NaN for NaN, 1 above 0, else alpha. `select(a, b, c)` gives a when c ≠ 0: the first
    // gives 1 when x > 0, else alpha; the second gives x itself when x ≠ x (NaN). The lanes do
    // the same with bitselect: bitselect(x, bitselect(1, alpha, x > 0), x != x).
    const slot = steps.n++;
    const alpha = Math.fround(e.alpha);
    const x = vector ? scratchV(slot) : scratchF(slot);
    const [one, alphas, zero, gt, choose, ne] = vector
      ? [lanes(1), lanes(alpha), zeros, simd(SimdOp.f32x4Gt), simd(SimdOp.v128Bitselect), simd(SimdOp.f32x4Ne)]
      : [f32Const(1), f32Const(alpha), f32Const(0), [Op.f32Gt], [Op.select], [Op.f32Ne]];
    return [
      ...gen(e.a, vector, steps),
      ...set(x),
      ...get(x),
      ...[...one, ...alphas, ...get(x), ...zero, ...gt, ...choose],
      ...[...get(x), ...get(x), ...ne, ...choose],
    ];
  };

  const body: number[] = [];
  for (let j = 0; j < k; j++) {
    if (!broadcast[j]) continue;
    body.push(...get(input(j)), Op.f32Load, ...memarg, ...tee(scalar(j)), ...simd(SimdOp.f32x4Splat), ...set(splat(j)));
  }
  body.push(Op.i32Const, 0, ...set(i));
  body.push(...get(n), Op.i32Const, ...sleb(-4), Op.i32And, ...set(n4));
  const loop = (limit: number, vector: boolean): number[] => [
    ...[Op.block, 0x40, Op.loop, 0x40],
    ...[...get(i), ...get(limit), Op.i32GeU, Op.brIf, 1],
    ...address(out),
    ...gen(expr, vector, { n: 0 }),
    ...(vector ? simd(SimdOp.v128Store) : [Op.f32Store]),
    ...memarg,
    ...[...get(i), Op.i32Const, vector ? 4 : 1, Op.i32Add, ...set(i)],
    ...[Op.br, 0, Op.end, Op.end],
  ];
  body.push(...loop(n4, true), ...loop(n, false), Op.end);
  const locals = vec([
    [...uleb(2), ValueType.i32],
    ...Array.from({ length: k }, () => [
      [1, F32],
      [1, V128],
    ]).flat(),
    ...(stepNodes > 0
      ? [
          [...uleb(stepNodes), F32],
          [...uleb(stepNodes), V128],
        ]
      : []),
  ]);
  return oneFunctionModule({
    params: new Array<number>(k + 2).fill(ValueType.i32),
    memory: { import: ['env', 'm'] }, // tfjs-backend-wasm's memory, passed in at instantiation
    exportAs: 'run',
    code: [...locals, ...body],
  });
};

// ---------------------------------------------------------------------------------------------
// running

/** A compiled fused kernel: `(inputs' data ids) → output TensorInfo` of `shape`. */
export type FusedKernel = (inputs: ReadonlyArray<tfc.DataId>) => tfc.TensorInfo;

const modules = new Map<string, object>();

/** The wasm backend's memory when fusion can use it: SIMD available, memory not shared. */
const memoryOf = (backend: unknown): Memory | undefined => {
  const memory = (backend as Partial<WasmBackendLike>).wasm?.asm?.memory;
  if (memory === undefined || (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer)) return undefined;
  return memory;
};

/**
 * A fused kernel for `expr` on the wasm backend `backend`, or `undefined` where it cannot run
 * (another backend, a shared memory, no SIMD). `broadcast[j]`: leaf j holds one value.
 */
export const wasmFusedKernel = (
  backend: tfc.KernelBackend,
  expr: WasmExpr,
  broadcast: ReadonlyArray<boolean>,
  shape: ReadonlyArray<number>,
): FusedKernel | undefined => {
  const memory = memoryOf(backend);
  const api = webAssembly();
  if (memory === undefined || api === undefined) return undefined;
  const key = `${JSON.stringify(expr)}|${broadcast.join(',')}`;
  let module = modules.get(key);
  if (module === undefined) {
    const bytes = encode(expr, broadcast);
    if (!api.validate(bytes)) return undefined; // e.g. no SIMD support
    module = new api.Module(bytes);
    modules.set(key, module);
  }
  const run = new api.Instance(module, { env: { m: memory } }).exports.run as (...args: number[]) => void;
  const wasm = backend as unknown as WasmBackendLike;
  const n = shape.reduce((a, d) => a * d, 1);
  const args = new Array<number>(broadcast.length + 2);
  return (inputs) => {
    const out = wasm.makeOutput([...shape], 'float32');
    args[0] = wasm.dataIdMap.get(out.dataId)!.memoryOffset;
    for (let j = 0; j < inputs.length; j++) args[1 + j] = wasm.dataIdMap.get(inputs[j]!)!.memoryOffset;
    args[args.length - 1] = n;
    run(...args);
    return out;
  };
};
