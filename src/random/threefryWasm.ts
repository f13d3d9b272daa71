/**
 * A WebAssembly SIMD kernel for threefry2x32 on JAX's partitionable counters `(0, start + i)`:
 * the same 20 rounds as `threefryXorCounters` (src/random/threefry.ts), on four counters per
 * `i32x4` vector and four vectors per loop step (independent chains the CPU can overlap).
 * Measured ~3-4× faster than the JavaScript loop (bench/README.md, cases 4 and 5).
 *
 * The module is small, so its bytes are written here by a tiny emitter (no assembler, no build
 * step): every instruction below is named by its opcode constant. It is compiled synchronously on
 * first use; where WebAssembly or its SIMD proposal is unavailable `threefryWasm()` returns
 * `null` and callers keep the JavaScript loop. Both paths give identical bits
 * (test/random/threefryWasm.test.ts).
 *
 * The module exports `memory`, one fixed 64 KiB page (no growth, so JavaScript views of it never
 * detach), and `fill`, wrapped here as two kernels:
 * - `bits(k0, k1, start, count)`: word `i` of the block XOR for counter `start + i`, `i < count`,
 *   stored as uint32 at byte `4 i` (count rounded up to a multiple of 16);
 * - `uniform(k0, k1, start, count, scale, offset, mult)`: the same words `w`, stored as float32
 *   `((w >>> 9) * scale + offset) * mult`, every operation a float32 one. Callers use it only
 *   where the first two steps are exact (see `uniform.ts`), so it equals JAX's fused multiply-add.
 *
 * @since 0.1.0
 */
import { Op, SimdOp, ValueType, oneFunctionModule, simd, sleb, uleb, vec, webAssembly } from '../engine/wasmBinary.js';

/**
 * Words per call (32 KiB, an L1 data cache); the page holds 16,384, so a rounded-up last step fits.
 *
 * @example
 * import { threefryWasm } from 'parallax-ts/random'
 * const kernel = threefryWasm()
 * kernel?.words.length // 8192: one call's output, WASM_CHUNK words
 * @category threefry
 * @since 0.1.0
 * @internal
 */
export const WASM_CHUNK = 8192;

/**
 * What `threefryWasm()` returns: the instance's two kernels and views of its output region.
 *
 * @example
 * import { type ThreefryWasm, bits, key, threefryWasm } from 'parallax-ts/random'
 * const kernel: ThreefryWasm | null = threefryWasm()
 * if (kernel !== null) {
 *   kernel.bits(0, 42, 0, 4) // key [0, 42], counters 0 .. 3
 *   console.log(kernel.words.slice(0, 4)) // the words of bits(key(42), [4])
 * }
 * @category model
 * @since 0.1.0
 */
export interface ThreefryWasm {
  readonly bits: (k0: number, k1: number, start: number, count: number) => void;
  readonly uniform: (k0: number, k1: number, start: number, count: number, scale: number, offset: number, mult: number) => void;
  /** The output region as uint32 words (after `bits`) ... */
  readonly words: Uint32Array;
  /** ... and as float32 (after `uniform`); both start at byte 0. */
  readonly floats: Float32Array;
}

// -------------------------------------------------------------------------------------
// instructions (encodings and opcodes: engine/wasmBinary.ts)
// -------------------------------------------------------------------------------------

const I32 = ValueType.i32;
const V128 = ValueType.v128;
const block = [Op.block, 0x40];
const loop = [Op.loop, 0x40];
const ifBlock = [Op.if, 0x40];
const elseBlock = [Op.else];
const end = [Op.end];
const br = (depth: number): number[] => [Op.br, ...uleb(depth)];
const brIf = (depth: number): number[] => [Op.brIf, ...uleb(depth)];
const get = (local: number): number[] => [Op.localGet, ...uleb(local)];
const set = (local: number): number[] => [Op.localSet, ...uleb(local)];
const i32Const = (v: number): number[] => [Op.i32Const, ...sleb(v)];
const i32GeU = [Op.i32GeU];
const i32Add = [Op.i32Add];
const i32Shl = [Op.i32Shl];
const i32Xor = [Op.i32Xor];

/** `v128.store` with alignment 2^4 and a constant byte offset. */
const v128Store = (offset: number): number[] => [...simd(SimdOp.v128Store), 4, ...uleb(offset)];
const v128Const = (lanes: readonly [number, number, number, number]): number[] => [
  ...simd(SimdOp.v128Const),
  ...lanes.flatMap((x) => [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff]),
];
const i32x4Splat = simd(SimdOp.i32x4Splat);
const f32x4Splat = simd(SimdOp.f32x4Splat);
const v128Or = simd(SimdOp.v128Or);
const v128Xor = simd(SimdOp.v128Xor);
const i32x4Shl = simd(SimdOp.i32x4Shl);
const i32x4ShrU = simd(SimdOp.i32x4ShrU);
const i32x4Add = simd(SimdOp.i32x4Add);
const f32x4Add = simd(SimdOp.f32x4Add);
const f32x4Mul = simd(SimdOp.f32x4Mul);
const f32x4ConvertI32x4U = simd(SimdOp.f32x4ConvertI32x4U);

// -------------------------------------------------------------------------------------
// the kernel body
// -------------------------------------------------------------------------------------

/** The key-schedule parity constant of Threefish/threefry. */
const PARITY = 0x1bd11bda;
/** Rotations of rounds 1-4 of odd and even groups. */
/**
 * Independent 4-lane counter vectors per loop step: the CPU overlaps their dependency chains
 * (1e7 words: 1 vector 40 ms, 2: 31 ms, 4: 26 ms, measured on this machine's EPYC).
 */
const STREAMS = 4;
const ROTATIONS = [
  [13, 15, 26, 6],
  [17, 29, 16, 24],
] as const;

/**
 * `rotl(b, r)` on each lane: two shifts and an or. (Byte shuffles for r = 16, 24 measured ~6%
 * slower under V8.)
 */
const rotl = (b: number, r: number): number[] => [
  ...get(b),
  ...i32Const(r),
  ...i32x4Shl,
  ...get(b),
  ...i32Const(32 - r),
  ...i32x4ShrU,
  ...v128Or,
];

/** Byte address `4 i` of an output vector. */
const address = (i: number): number[] => [...get(i), ...i32Const(2), ...i32Shl];

/**
 * The one function, params `k0, k1, start, count, asFloats, scale, offset, mult` (locals 0-7):
 * one body for both outputs, as a second copy of the unrolled rounds would double the module
 * (browsers compile modules over 4 KiB synchronously only off the main thread).
 */
const kernelBody = (): number[] => {
  const [K0, K1, START, COUNT, AS_FLOATS, SCALE, OFFSET, MULT] = [0, 1, 2, 3, 4, 5, 6, 7];
  let next = 8;
  const I = next++;
  const KS2 = next++;
  const i32Locals = 2;
  // v128 locals: key splats, the b-injection of each group, counters, two streams
  const KSV = [next++, next++, next++];
  const INJECT_B = [0, 1, 2, 3, 4, 5].map(() => next++); // index 1..5 used
  const CTR = next++;
  const streams = Array.from({ length: STREAMS }, () => [next++, next++] as const); // [a, b] locals
  const v128Locals = next - KSV[0]!;

  const code: number[] = [];
  const emit = (...parts: number[][]): void => {
    for (const p of parts) code.push(...p);
  };
  // ks2 = k0 ^ k1 ^ PARITY; splats of the key schedule
  emit(get(K0), get(K1), i32Xor, i32Const(PARITY), i32Xor, set(KS2));
  emit(get(K0), i32x4Splat, set(KSV[0]!), get(K1), i32x4Splat, set(KSV[1]!), get(KS2), i32x4Splat, set(KSV[2]!));
  // after group g (1..5): a += ks[g % 3], b += ks[(g + 1) % 3] + g
  const ksLocal = [K0, K1, KS2];
  for (let g = 1; g <= 5; g++) {
    emit(get(ksLocal[(g + 1) % 3]!), i32Const(g), i32Add, i32x4Splat, set(INJECT_B[g]!));
  }
  // b's first value is counter + ks1, lanes start + 0..3 (a's is ks0, the high counter being 0)
  emit(get(START), get(K1), i32Add, i32x4Splat, v128Const([0, 1, 2, 3]), i32x4Add, set(CTR));
  emit(i32Const(0), set(I));
  emit(block, loop, get(I), get(COUNT), i32GeU, brIf(1));
  streams.forEach(([a, b], s) => {
    const lane = 4 * s;
    emit(get(KSV[0]!), set(a), get(CTR), v128Const([lane, lane, lane, lane]), i32x4Add, set(b));
  });
  for (let g = 1; g <= 5; g++) {
    for (const r of ROTATIONS[(g - 1) % 2]!) {
      for (const [a, b] of streams) {
        // a += b; b = rotl(b, r) ^ a
        emit(get(a), get(b), i32x4Add, set(a));
        emit(rotl(b, r), get(a), v128Xor, set(b));
      }
    }
    for (const [a, b] of streams) {
      emit(get(a), get(KSV[g % 3]!), i32x4Add, set(a), get(b), get(INJECT_B[g]!), i32x4Add, set(b));
    }
  }
  // the output word is a ^ b (kept in a)
  streams.forEach(([a, b]) => emit(get(a), get(b), v128Xor, set(a)));
  // store words, or floats ((w >>> 9) * scale + offset) * mult
  emit(get(AS_FLOATS), ifBlock);
  streams.forEach(([a], s) =>
    emit(
      address(I),
      get(a),
      i32Const(9),
      i32x4ShrU,
      f32x4ConvertI32x4U,
      get(SCALE),
      f32x4Splat,
      f32x4Mul,
      get(OFFSET),
      f32x4Splat,
      f32x4Add,
      get(MULT),
      f32x4Splat,
      f32x4Mul,
      v128Store(16 * s),
    ),
  );
  emit(elseBlock);
  streams.forEach(([a], s) => emit(address(I), get(a), v128Store(16 * s)));
  emit(end);
  const step = 4 * STREAMS;
  emit(get(CTR), v128Const([step, step, step, step]), i32x4Add, set(CTR));
  emit(get(I), i32Const(step), i32Add, set(I), br(0), end, end, end);
  const locals = vec([
    [...uleb(i32Locals), I32],
    [...uleb(v128Locals), V128],
  ]);
  return [...locals, ...code];
};

/** The module: `fill` (the kernel), and its own memory, one page, exported as `memory`. */
const moduleBytes = (): Uint8Array =>
  oneFunctionModule({
    params: [I32, I32, I32, I32, I32, ValueType.f32, ValueType.f32, ValueType.f32],
    memory: { pages: 1, export: 'memory' },
    exportAs: 'fill',
    code: kernelBody(),
  });

// -------------------------------------------------------------------------------------
// instance
// -------------------------------------------------------------------------------------

let instance: ThreefryWasm | null | undefined;
let enabled = true;

const instantiate = (): ThreefryWasm | null => {
  const wasm = webAssembly();
  if (wasm === undefined) return null;
  try {
    const bytes = moduleBytes();
    if (!wasm.validate(bytes)) return null; // e.g. no SIMD support
    const exports = new wasm.Instance(new wasm.Module(bytes)).exports;
    const buffer = (exports.memory as { readonly buffer: ArrayBuffer }).buffer;
    const fill = exports.fill as (...args: number[]) => void;
    return {
      bits: (k0, k1, start, count) => fill(k0, k1, start, count, 0, 0, 0, 0),
      uniform: (k0, k1, start, count, scale, offset, mult) => fill(k0, k1, start, count, 1, scale, offset, mult),
      words: new Uint32Array(buffer, 0, WASM_CHUNK),
      floats: new Float32Array(buffer, 0, WASM_CHUNK),
    };
  } catch {
    return null; // e.g. a content security policy forbidding compilation
  }
};

/**
 * The kernel, instantiated on first use, or `null` where WebAssembly SIMD is unavailable (or the
 * kernel is switched off with `setThreefryWasm(false)`).
 *
 * @example
 * import { threefryWasm } from 'parallax-ts/random'
 * const k = threefryWasm()
 * if (k !== null) { k.bits(0, 42, 0, 4); k.words[0] } // bits(key(42), [4])[0]
 * @category threefry
 * @since 0.1.0
 */
export const threefryWasm = (): ThreefryWasm | null => {
  if (!enabled) return null;
  if (instance === undefined) instance = instantiate();
  return instance;
};

/**
 * Switches the WebAssembly kernel on or off (on by default); off, every sampler runs the
 * JavaScript loop. For tests and for measuring the two paths; both give the same bits.
 *
 * @example
 * import { setThreefryWasm } from 'parallax-ts/random'
 * setThreefryWasm(false) // JavaScript loops only
 * setThreefryWasm(true)
 * @category threefry
 * @since 0.1.0
 */
export const setThreefryWasm = (on: boolean): void => {
  enabled = on;
};
