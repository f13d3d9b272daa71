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

/** The part of the WebAssembly JS API used here. */
interface WebAssemblyApi {
  readonly validate: (bytes: Uint8Array) => boolean;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

/** What fusion needs from tfjs-backend-wasm's backend object (its own, public-by-use, members). */
interface WasmBackendLike {
  readonly wasm: { readonly asm?: { readonly memory?: Memory } };
  readonly dataIdMap: { get(dataId: tfc.DataId): { readonly memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tfc.TensorInfo;
}

// ---------------------------------------------------------------------------------------------
// encoding

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};

const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
};

const f32 = (x: number): number[] => Array.from(new Uint8Array(Float32Array.of(x).buffer));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const name = (text: string): number[] => [...uleb(text.length), ...[...text].map((c) => c.charCodeAt(0))];

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  select: 0x1b,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  f32Const: 0x43,
  f32Ne: 0x5c,
  f32Gt: 0x5e,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32And: 0x71,
  i32Shl: 0x74,
  f32Neg: 0x8c,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f32Div: 0x95,
  f32Max: 0x97,
} as const;
const SIMD = { load: 0, store: 11, splat: 19, ne: 66, gt: 68, bitselect: 82, neg: 225, add: 228, sub: 229, mul: 230, div: 231, max: 233 };
const BINARY = {
  add: [OP.f32Add, SIMD.add],
  sub: [OP.f32Sub, SIMD.sub],
  mul: [OP.f32Mul, SIMD.mul],
  div: [OP.f32Div, SIMD.div],
} as const;

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
  let scratch = n4 + 1 + 2 * k;
  const scratchF: number[] = [];
  const scratchV: number[] = [];
  const address = (base: number): number[] => [OP.get, base, OP.get, i, OP.i32Const, 2, OP.i32Shl, OP.i32Add];

  // One code generator for both loops: lane-wise (v) or one element (s).
  const gen = (e: WasmExpr, vector: boolean, steps: { n: number }): number[] => {
    if ('leaf' in e) {
      if (broadcast[e.leaf]) return [OP.get, vector ? splat(e.leaf) : scalar(e.leaf)];
      return [...address(input(e.leaf)), ...(vector ? [...simd(SIMD.load), 2, 0] : [OP.f32Load, 2, 0])];
    }
    if (e.op === 'add' || e.op === 'sub' || e.op === 'mul' || e.op === 'div') {
      const [s, v] = BINARY[e.op];
      return [...gen(e.a, vector, steps), ...gen(e.b, vector, steps), ...(vector ? simd(v) : [s])];
    }
    if (e.op === 'neg') return [...gen(e.a, vector, steps), ...(vector ? simd(SIMD.neg) : [OP.f32Neg])];
    if (e.op === 'relu') {
      // max(x, +0): +0 for −0, NaN for NaN (as the Relu kernel)
      return vector
        ? [...gen(e.a, vector, steps), ...simd(12), ...new Array<number>(16).fill(0), ...simd(SIMD.max)]
        : [...gen(e.a, vector, steps), OP.f32Const, ...f32(0), OP.f32Max];
    }
    // step: NaN for NaN, 1 above 0, else alpha
    if (e.op !== 'step') throw new Error(`wasmFusion: unknown operation ${(e as { op: string }).op}`);
    const slot = steps.n++;
    const one = f32(1);
    const alpha = f32(Math.fround(e.alpha));
    if (vector) {
      const x = scratchV[slot]!;
      const ones = [...simd(12), ...one, ...one, ...one, ...one];
      const alphas = [...simd(12), ...alpha, ...alpha, ...alpha, ...alpha];
      return [
        ...gen(e.a, vector, steps),
        OP.set,
        x,
        // bitselect(x, bitselect(1, alpha, x > 0), x != x)
        OP.get,
        x,
        ...ones,
        ...alphas,
        OP.get,
        x,
        ...simd(12),
        ...new Array<number>(16).fill(0),
        ...simd(SIMD.gt),
        ...simd(SIMD.bitselect),
        OP.get,
        x,
        OP.get,
        x,
        ...simd(SIMD.ne),
        ...simd(SIMD.bitselect),
      ];
    }
    const x = scratchF[slot]!;
    return [
      ...gen(e.a, vector, steps),
      OP.set,
      x,
      OP.get,
      x,
      OP.f32Const,
      ...one,
      OP.f32Const,
      ...alpha,
      OP.get,
      x,
      OP.f32Const,
      ...f32(0),
      OP.f32Gt,
      OP.select,
      OP.get,
      x,
      OP.get,
      x,
      OP.f32Ne,
      OP.select,
    ];
  };
  // Scratch locals: one f32 and one v128 per step node.
  const countSteps = (e: WasmExpr): number =>
    'leaf' in e ? 0 : (e.op === 'step' ? 1 : 0) + countSteps(e.a) + ('b' in e ? countSteps(e.b) : 0);
  const stepNodes = countSteps(expr);
  for (let s = 0; s < stepNodes; s++) scratchF.push(scratch++);
  for (let s = 0; s < stepNodes; s++) scratchV.push(scratch++);
  // `select(a, b, c)` gives a when c ≠ 0: in the scalar step the first gives 1 when x > 0, else
  // alpha; the second gives x itself when x ≠ x (NaN). The lanes do the same with bitselect.

  const body: number[] = [];
  for (let j = 0; j < k; j++) {
    if (!broadcast[j]) continue;
    body.push(OP.get, input(j), OP.f32Load, 2, 0, OP.tee, scalar(j), ...simd(SIMD.splat), OP.set, splat(j));
  }
  body.push(OP.i32Const, 0, OP.set, i);
  body.push(OP.get, n, OP.i32Const, ...sleb(-4), OP.i32And, OP.set, n4);
  const loop = (limit: number, vector: boolean): number[] => [
    OP.block,
    0x40,
    OP.loop,
    0x40,
    OP.get,
    i,
    OP.get,
    limit,
    OP.i32GeU,
    OP.brIf,
    1,
    ...address(out),
    ...gen(expr, vector, { n: 0 }),
    ...(vector ? [...simd(SIMD.store), 2, 0] : [OP.f32Store, 2, 0]),
    OP.get,
    i,
    OP.i32Const,
    vector ? 4 : 1,
    OP.i32Add,
    OP.set,
    i,
    OP.br,
    0,
    OP.end,
    OP.end,
  ];
  body.push(...loop(n4, true), ...loop(n, false), OP.end);
  const locals = vec([
    [...uleb(2), I32],
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
  const code = [...locals, ...body];
  const params = new Array<number>(k + 2).fill(I32);
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([[0x60, ...vec(params.map((p) => [p])), 0]])),
    // the memory import: env.m, at least one page, no maximum
    ...section(2, vec([[...name('env'), ...name('m'), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('run'), 0x00, 0]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
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
  const api = (globalThis as { readonly WebAssembly?: WebAssemblyApi }).WebAssembly;
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
