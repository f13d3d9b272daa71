/**
 * WebAssembly modules written as bytes at run time, for the library's generated kernels: the
 * threefry sampler (random/threefryWasm.ts) and the fused elementwise kernels of compiled steps
 * (compile/wasmFusion.ts). Each is one function over linear memory, so this file holds the binary
 * format's encodings, the opcodes those kernels use, and the one-function module layout; no
 * assembler and no build step, and no binary ships in the package.
 *
 * @since 0.2.0
 */

/**
 * Unsigned LEB128: sizes, counts, indices, SIMD opcodes.
 *
 * @example
 * import { uleb } from './wasmBinary.js'
 * uleb(624485) // [0xe5, 0x8e, 0x26]
 * @since 0.2.0
 * @internal
 */
export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};

/**
 * Signed LEB128 of an int32: `i32.const` immediates.
 *
 * @example
 * import { sleb } from './wasmBinary.js'
 * sleb(-4) // [0x7c]
 * @since 0.2.0
 * @internal
 */
export const sleb = (n: number): number[] => {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
};

/**
 * The four little-endian bytes of `x` as a float32: `f32.const` immediates and `v128` lanes.
 *
 * @example
 * import { f32Bytes } from './wasmBinary.js'
 * f32Bytes(1) // [0, 0, 0x80, 0x3f]
 * @since 0.2.0
 * @internal
 */
export const f32Bytes = (x: number): number[] => Array.from(new Uint8Array(Float32Array.of(x).buffer));

/**
 * A vector: its length, then its items.
 *
 * @example
 * import { vec } from './wasmBinary.js'
 * vec([[1], [2, 3]]) // [2, 1, 2, 3]
 * @since 0.2.0
 * @internal
 */
export const vec = (items: ReadonlyArray<ReadonlyArray<number>>): number[] => [...uleb(items.length), ...items.flat()];

/**
 * A name: its UTF-8 length, then its bytes (the names here are ASCII).
 *
 * @example
 * import { name } from './wasmBinary.js'
 * name('run') // [3, 0x72, 0x75, 0x6e]
 * @since 0.2.0
 * @internal
 */
export const name = (text: string): number[] => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

/**
 * Value types.
 *
 * @example
 * import { ValueType } from './wasmBinary.js'
 * const params = [ValueType.i32, ValueType.f32]
 * @since 0.2.0
 * @internal
 */
export const enum ValueType {
  i32 = 0x7f,
  f32 = 0x7d,
  v128 = 0x7b,
}

/**
 * The core opcodes the generated kernels use (`block`/`loop`/`if` take the empty block type 0x40).
 *
 * @example
 * import { Op } from './wasmBinary.js'
 * const addOne = [Op.localGet, 0, Op.i32Const, 1, Op.i32Add]
 * @since 0.2.0
 * @internal
 */
export const enum Op {
  block = 0x02,
  loop = 0x03,
  if = 0x04,
  else = 0x05,
  end = 0x0b,
  br = 0x0c,
  brIf = 0x0d,
  select = 0x1b,
  localGet = 0x20,
  localSet = 0x21,
  localTee = 0x22,
  f32Load = 0x2a,
  f32Store = 0x38,
  i32Const = 0x41,
  f32Const = 0x43,
  i32GeU = 0x4f,
  f32Ne = 0x5c,
  f32Gt = 0x5e,
  i32Add = 0x6a,
  i32And = 0x71,
  i32Xor = 0x73,
  i32Shl = 0x74,
  f32Neg = 0x8c,
  f32Add = 0x92,
  f32Sub = 0x93,
  f32Mul = 0x94,
  f32Div = 0x95,
  f32Max = 0x97,
}

/**
 * The SIMD opcodes the generated kernels use; {@link simd} writes one with its prefix.
 *
 * @example
 * import { SimdOp, simd } from './wasmBinary.js'
 * simd(SimdOp.f32x4Add) // [0xfd, 0xe4, 0x01]
 * @since 0.2.0
 * @internal
 */
export const enum SimdOp {
  v128Load = 0x00,
  v128Store = 0x0b,
  v128Const = 0x0c,
  i32x4Splat = 0x11,
  f32x4Splat = 0x13,
  f32x4Ne = 0x42,
  f32x4Gt = 0x44,
  v128Or = 0x50,
  v128Xor = 0x51,
  v128Bitselect = 0x52,
  i32x4Shl = 0xab,
  i32x4ShrU = 0xad,
  i32x4Add = 0xae,
  f32x4Neg = 0xe1,
  f32x4Add = 0xe4,
  f32x4Sub = 0xe5,
  f32x4Mul = 0xe6,
  f32x4Div = 0xe7,
  f32x4Max = 0xe9,
  f32x4ConvertI32x4U = 0xfb,
}

/**
 * A SIMD instruction: the prefix 0xfd, then its opcode as unsigned LEB128.
 *
 * @example
 * import { SimdOp, simd } from './wasmBinary.js'
 * simd(SimdOp.i32x4Splat) // [0xfd, 0x11]
 * @since 0.2.0
 * @internal
 */
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];

/**
 * A module of one function, `exportAs`, with parameters `params` and no result, over one linear
 * memory: either imported (`{ import: [module, field] }`, at least one page, no maximum) or its own,
 * exactly `pages` pages (no growth, so JavaScript views of it never detach), exported as `export`.
 * `code` is the function body: its local declarations, then its instructions, the last `end` included.
 *
 * @example
 * import { Op, ValueType, oneFunctionModule, vec } from './wasmBinary.js'
 * const bytes = oneFunctionModule({
 *   params: [ValueType.i32], memory: { pages: 1, export: 'memory' }, exportAs: 'nop',
 *   code: [...vec([]), Op.end],
 * })
 * @since 0.2.0
 * @internal
 */
export const oneFunctionModule = (spec: {
  readonly params: ReadonlyArray<number>;
  readonly memory: { readonly import: readonly [string, string] } | { readonly pages: number; readonly export: string };
  readonly exportAs: string;
  readonly code: ReadonlyArray<number>;
}): Uint8Array => {
  const section = (id: number, content: ReadonlyArray<number>): number[] => [id, ...uleb(content.length), ...content];
  const { memory } = spec;
  const imported = 'import' in memory;
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vec([[0x60, ...vec(spec.params.map((p) => [p])), 0]])), // type 0: params → ()
    ...(imported ? section(2, vec([[...name(memory.import[0]), ...name(memory.import[1]), 0x02, 0x00, 0x01]])) : []),
    ...section(3, vec([[0]])), // function 0 has type 0
    ...(imported ? [] : section(5, vec([[0x01, ...uleb(memory.pages), ...uleb(memory.pages)]]))),
    ...section(7, vec([...(imported ? [] : [[...name(memory.export), 0x02, 0]]), [...name(spec.exportAs), 0x00, 0]])),
    ...section(10, vec([[...uleb(spec.code.length), ...spec.code]])),
  ]);
};

/**
 * The part of the WebAssembly JavaScript API the generated kernels use, declared here: the
 * project's `lib` is ES2022 without DOM types.
 *
 * @example
 * import { type WebAssemblyApi, webAssembly } from './wasmBinary.js'
 * const api: WebAssemblyApi | undefined = webAssembly()
 * @since 0.2.0
 * @internal
 */
export interface WebAssemblyApi {
  readonly validate: (bytes: Uint8Array) => boolean;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports?: object) => { readonly exports: Record<string, unknown> };
}

/**
 * The global `WebAssembly`, or `undefined` where the platform has none.
 *
 * @example
 * import { webAssembly } from './wasmBinary.js'
 * webAssembly()?.validate(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])) // true
 * @since 0.2.0
 * @internal
 */
export const webAssembly = (): WebAssemblyApi | undefined => (globalThis as { readonly WebAssembly?: WebAssemblyApi }).WebAssembly;
