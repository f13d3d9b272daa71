/**
 * The fuzzing harness shared by `test/io/fuzz.test.ts` (a few hundred inputs, in the suite) and
 * `scripts/fuzz.ts` (`npm run fuzz`: thousands, each in a watched child process).
 *
 * Inputs are made from a fixed seed: valid files (raw safetensors, state dicts, models, checkpoints)
 * and layer configs, each mutated — bytes flipped or cut, the length prefix changed, the header
 * JSON (or the JSON inside its metadata: architecture, checkpoint header) edited at a random node
 * (numbers made huge, negative or fractional, dtypes swapped, shapes changed, deep nesting and
 * wide arrays inserted, keys added and removed). Every reader gets every input, and each outcome
 * is one of: correct data (checked against the input, see the oracles below), one of the
 * library's typed errors, or a failure (any other exception, wrong data, a leaked tensor).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { itemSize } from '../../src/io/dtype.js';
import { jsonText } from '../../src/io/jsonText.js';
import { FileError } from '../../src/io/FileError.js';
import { ARCHITECTURE_KEY, decodeModel, encodeModel } from '../../src/io/model.js';
import type { RawTensor } from '../../src/io/RawTensor.js';
import { readsAs } from '../../src/io/rawValues.js';
import { parseSafetensors, SafetensorsError, serializeSafetensors } from '../../src/io/safetensors.js';
import { stateDictEntries } from '../../src/io/stateDictEntries.js';
import { StateDictError } from '../../src/io/StateDictError.js';
import { decodeStateDict, encodeStateDict } from '../../src/io/stateDictFile.js';
import { decodeTensors } from '../../src/io/tensors.js';
import { BatchNorm1d } from '../../src/nn/BatchNorm.js';
import { ConfigError, decodeLayerConfig, fromConfig, toConfig } from '../../src/nn/config.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Embedding } from '../../src/nn/Embedding.js';
import { GRU } from '../../src/nn/GRU.js';
import { LayerNorm } from '../../src/nn/LayerNorm.js';
import { Linear } from '../../src/nn/Linear.js';
import { LSTM } from '../../src/nn/LSTM.js';
import { MLP } from '../../src/nn/MLP.js';
import { Sequential } from '../../src/nn/Sequential.js';
import { OptimizerError } from '../../src/optim/OptimizerError.js';
import { adam } from '../../src/optim/adam.js';
import { sgd } from '../../src/optim/sgd.js';
import { initTrainState } from '../../src/optim/trainStep.js';
import { key } from '../../src/random/PRNGKey.js';
import type { AnyModule } from '../../src/tree/Field.js';
import { leafEntries } from '../../src/tree/Module.js';
import { ModuleError } from '../../src/tree/ModuleError.js';
import { isParamInit, paramDtype } from '../../src/tree/ParamInit.js';
import { loadCheckpointSync, loadModelSync, loadStateDictFileSync } from '../../src/node/index.js';

type Tensor = tf.Tensor;

/** The library's typed errors: any of these is an accepted outcome for a bad input. */
export const libraryErrors: ReadonlyArray<new (...args: never[]) => Error> = [
  SafetensorsError,
  StateDictError,
  CheckpointError,
  ConfigError,
  ModuleError,
  FileError,
  OptimizerError,
];

export const isLibraryError = (e: unknown): boolean => libraryErrors.some((c) => e instanceof c);

// -------------------------------------------------------------------------------------
// a seeded generator (mulberry32): inputs depend on the seed only
// -------------------------------------------------------------------------------------

export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<A>(xs: ReadonlyArray<A>): A {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// -------------------------------------------------------------------------------------
// the valid inputs everything starts from
// -------------------------------------------------------------------------------------

/** A module kind with a template (fresh, lazy) for the loaders that need one. */
interface ModelBase {
  readonly name: string;
  readonly create: () => AnyModule<unknown>;
}

const models: ReadonlyArray<ModelBase> = [
  {
    name: 'seq-bn',
    create: () =>
      Sequential.create([Linear.create(3, 4), BatchNorm1d.create(4), Dropout.create(0.1), Linear.create(4, 2, { bias: false })]),
  },
  { name: 'lstm', create: () => LSTM.create(3, 4, { numLayers: 2 }) },
  { name: 'mlp', create: () => MLP.create([4, 6, 2]) },
  { name: 'gru', create: () => GRU.create(2, 3, { bias: false }) },
  {
    name: 'norm',
    create: () => Sequential.create([Linear.create(2, 3, { bias: false }), LayerNorm.create(3, { elementwiseAffine: false })]),
  },
  { name: 'embedding', create: () => Embedding.create(5, 3) },
];

export interface FileBase {
  readonly name: string;
  readonly kind: 'raw' | 'stateDict' | 'model' | 'checkpoint';
  readonly bytes: Uint8Array;
  readonly model?: ModelBase;
}

export interface ConfigBase {
  readonly name: string;
  readonly json: unknown;
}

const u8 = (values: ArrayLike<number>): Uint8Array => Uint8Array.from(values);

/** Every valid file and config the mutations start from (deterministic: fixed keys). */
export const makeBases = (): { readonly files: ReadonlyArray<FileBase>; readonly configs: ReadonlyArray<ConfigBase> } => {
  const files: FileBase[] = [];
  const configs: ConfigBase[] = [];
  const raw = (dtype: RawTensor['dtype'], shape: number[], fill: (i: number) => number): RawTensor => {
    const n = shape.reduce((a, b) => a * b, 1) * itemSize(dtype);
    return { dtype, shape, data: u8(Array.from({ length: n }, (_, i) => fill(i) & 0xff)) };
  };
  files.push({
    name: 'raw-all-dtypes',
    kind: 'raw',
    bytes: serializeSafetensors(
      {
        f64: raw('F64', [2], (i) => (i === 7 ? 0x3f : 0)),
        f32: raw('F32', [2, 2], (i) => (i % 4 === 3 ? 0x3f : 0)),
        f16: raw('F16', [3], (i) => (i % 2 === 1 ? 0x3c : 0)),
        bf16: raw('BF16', [1], (i) => (i === 1 ? 0x3f : 0x80)),
        i64: raw('I64', [2], (i) => (i === 0 ? 5 : 0)),
        i32: raw('I32', [], (i) => (i === 0 ? 7 : 0)),
        i8: raw('I8', [2], () => 0xfe),
        u8: raw('U8', [0, 3], () => 0),
        bool: raw('BOOL', [3], (i) => i % 2),
      },
      { format: 'pt', note: 'fuzz' },
    ),
  });
  let k = 0;
  for (const m of models) {
    const params = initialize(m.create() as never)(key(k++)) as AnyModule<Tensor>;
    files.push({ name: `sd-${m.name}`, kind: 'stateDict', bytes: encodeStateDict(params, { metadata: { format: 'pt' } }), model: m });
    files.push({ name: `model-${m.name}`, kind: 'model', bytes: encodeModel(params), model: m });
    configs.push({ name: `config-${m.name}`, json: toConfig(m.create()) });
    if (m.name === 'seq-bn' || m.name === 'mlp') {
      for (const [optName, opt] of [
        ['adam', adam(1e-3)],
        ['sgd', sgd(0.1, { momentum: 0.9 })],
      ] as const) {
        const state = initTrainState(params, opt as never, key(100 + k));
        files.push({
          name: `ckpt-${m.name}-${optName}`,
          kind: 'checkpoint',
          bytes: encodeCheckpoint(state, { metadata: { epoch: 1 } }),
          model: m,
        });
        dispose(state.optState);
      }
    }
    dispose(params);
  }
  configs.push({
    name: 'config-nested',
    json: toConfig(
      Sequential.create([Sequential.create([Linear.create(2, 2), Dropout.create(0.5)]), MLP.create([2, 3], { activation: 'gelu' })]),
    ),
  });
  return { files, configs };
};

// -------------------------------------------------------------------------------------
// mutations
// -------------------------------------------------------------------------------------

const headerOf = (bytes: Uint8Array): { readonly json: unknown; readonly data: Uint8Array } | undefined => {
  if (bytes.length < 8) return undefined;
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(0, true);
  if (8 + n > bytes.length) return undefined;
  try {
    return { json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.subarray(8 + n) };
  } catch {
    return undefined;
  }
};

const withHeader = (text: string, data: Uint8Array): Uint8Array => {
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, h.length, true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
};

const deepArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** A hostile or odd JSON value (as text, so that depth costs nothing to build). */
const oddJson = (rng: Rng): string =>
  rng.pick([
    () => '0',
    () => '-1',
    () => '-5',
    () => '0.5',
    () => '1e308',
    () => '-1e308',
    () => String(2 ** 31),
    () => String(2 ** 32),
    () => String(2 ** 53 + 2),
    () => '1000000000',
    () => '1000000',
    () => 'null',
    () => 'true',
    () => '""',
    () => '"F32"',
    () => '"I32"',
    () => '"__proto__"',
    () => '[]',
    () => '{}',
    () => '[1,2,3]',
    () => '[0,0,0]',
    () => JSON.stringify('x'.repeat(1 + rng.int(20000))),
    () => deepArray(1 + rng.int(20000)),
    () => deepObject(1 + rng.int(5000)),
    () =>
      `[${Array(1 + rng.int(50000))
        .fill('0')
        .join(',')}]`,
    () =>
      `[${Array(1 + rng.int(2000))
        .fill('"a"')
        .join(',')}]`,
    () => '{"__proto__":{"polluted":1}}',
    () => '{"constructor":{"prototype":{"polluted":1}}}',
  ])();

/** Replaces one node of a JSON value (chosen at random) with `text`'s value; returns the new JSON text. */
const replaceNode = (rng: Rng, value: unknown, make: (rng: Rng, old: unknown) => string): string => {
  // Collect the paths of up to 500 nodes, breadth first, then pick one.
  const nodes: Array<ReadonlyArray<string | number>> = [[]];
  const queue: Array<[unknown, ReadonlyArray<string | number>]> = [[value, []]];
  while (queue.length > 0 && nodes.length < 500) {
    const [v, p] = queue.shift()!;
    if (Array.isArray(v)) v.slice(0, 20).forEach((x, i) => (nodes.push([...p, i]), queue.push([x, [...p, i]])));
    else if (typeof v === 'object' && v !== null)
      for (const [kk, x] of Object.entries(v).slice(0, 40)) (nodes.push([...p, kk]), queue.push([x, [...p, kk]]));
  }
  const target = rng.pick(nodes);
  const marker = `__FUZZ_${rng.int(1e9)}__`;
  if (target.length === 0) return make(rng, value);
  const copy = JSON.parse(jsonText(value) ?? 'null') as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const step of target.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = target[target.length - 1]!;
  const old = parent[last];
  const action = rng.int(10);
  if (action === 0 && !Array.isArray(parent)) delete parent[last];
  else if (action === 1 && !Array.isArray(parent)) parent[`extra${rng.int(100)}`] = marker;
  else parent[last] = marker;
  const text = jsonText(copy) ?? 'null';
  return text.replace(`"${marker}"`, () => make(rng, old));
};

/** A mutation of a JSON node: an odd value, or one near the old one (a dtype swapped, a size changed). */
const mutateNode = (rng: Rng, old: unknown): string => {
  if (typeof old === 'string' && ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I8', 'U8', 'BOOL'].includes(old) && rng.chance(0.7)) {
    return JSON.stringify(rng.pick(['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I8', 'U8', 'BOOL', 'F8_E4M3']));
  }
  if (typeof old === 'number' && rng.chance(0.6)) {
    return String(rng.pick([old + 1, old - 1, old * 2, -old, old + 0.5, old * 1000, old * 1e6, 0]));
  }
  return oddJson(rng);
};

/** The metadata entries that hold JSON of their own (architecture, checkpoint header). */
const innerJsonKeys = [ARCHITECTURE_KEY, 'parallax-ts/checkpoint'];

export const mutateBytes = (rng: Rng, bytes: Uint8Array): { readonly bytes: Uint8Array; readonly how: string } => {
  const header = headerOf(bytes);
  const kinds = ['flip', 'byte', 'cut', 'append', 'length', 'json', 'json', 'json', 'inner', 'inner', 'dtype', 'splice'];
  const kind = rng.pick(kinds);
  const out = bytes.slice();
  const headerEnd = header === undefined ? bytes.length : bytes.length - header.data.length;
  const position = (): number => (rng.chance(0.7) ? 8 + rng.int(Math.max(1, headerEnd - 8)) : rng.int(bytes.length));
  switch (kind) {
    case 'flip': {
      const at = Math.min(position(), out.length - 1);
      out[at]! ^= 1 << rng.int(8);
      return { bytes: out, how: `flip bit at ${at}` };
    }
    case 'byte': {
      const at = Math.min(position(), out.length - 1);
      out[at] = rng.pick([0, 0xff, 0x7f, 0x80, 0x7b, 0x5b, 0x22, 0x2c, 0x3a, 0x20, 0x5c, 0xc3, 0x30, 0x39]);
      return { bytes: out, how: `set byte ${at}` };
    }
    case 'cut': {
      const at = rng.int(bytes.length);
      return { bytes: bytes.slice(0, at), how: `cut at ${at}` };
    }
    case 'append': {
      const extra = Uint8Array.from({ length: 1 + rng.int(64) }, () => rng.int(256));
      const joined = new Uint8Array(bytes.length + extra.length);
      joined.set(bytes);
      joined.set(extra, bytes.length);
      return { bytes: joined, how: `append ${extra.length}` };
    }
    case 'length': {
      const view = new DataView(out.buffer);
      const n = view.getUint32(0, true);
      const choice = rng.pick([n + 1, n - 1, n + 8, 0, 1, 0xffffffff, n * 2]);
      view.setUint32(0, choice >>> 0, true);
      if (rng.chance(0.3)) view.setUint32(4, rng.pick([1, 0xffffffff, 0x001fffff]), true);
      return { bytes: out, how: `length ${choice}` };
    }
    case 'splice': {
      if (headerEnd <= 9) return { bytes: out, how: 'splice (none)' };
      const at = 8 + rng.int(headerEnd - 8);
      const text = new TextDecoder().decode(bytes.subarray(8, headerEnd));
      const rel = at - 8;
      const spliced = rng.chance(0.5) ? text.slice(0, rel) + text.slice(rel + 1) : text.slice(0, rel) + oddJson(rng) + text.slice(rel);
      return { bytes: withHeader(spliced, bytes.subarray(headerEnd)), how: `splice header at ${rel}` };
    }
    case 'dtype':
    case 'json': {
      if (header === undefined) return { bytes: out, how: 'json (no header)' };
      return { bytes: withHeader(replaceNode(rng, header.json, mutateNode), header.data), how: `${kind} edit` };
    }
    case 'inner':
    default: {
      if (header === undefined) return { bytes: out, how: 'inner (no header)' };
      const h = (typeof header.json === 'object' && header.json !== null ? header.json : {}) as Record<string, Record<string, string>>;
      const meta = typeof h.__metadata__ === 'object' && h.__metadata__ !== null ? h.__metadata__ : undefined;
      const innerKey = meta === undefined ? undefined : innerJsonKeys.find((kk) => typeof meta[kk] === 'string');
      if (innerKey === undefined || meta === undefined)
        return { bytes: withHeader(replaceNode(rng, header.json, mutateNode), header.data), how: 'json edit' };
      let inner: unknown;
      try {
        inner = JSON.parse(meta[innerKey]!);
      } catch {
        return { bytes: withHeader(replaceNode(rng, header.json, mutateNode), header.data), how: 'json edit' };
      }
      const copy = { ...h, __metadata__: { ...meta, [innerKey]: replaceNode(rng, inner, mutateNode) } };
      return { bytes: withHeader(jsonText(copy) ?? 'null', header.data), how: `inner ${innerKey} edit` };
    }
  }
};

export const mutateConfig = (rng: Rng, json: unknown): { readonly text: string; readonly how: string } => {
  if (rng.chance(0.05))
    return { text: `{"type":"Sequential","config":{"layers":[${Array(200_000).fill('0').join(',')}]}}`, how: '200k zeros' };
  if (rng.chance(0.05)) {
    const depth = rng.pick([100, 2000, 10_001]);
    return {
      text: '{"type":"Sequential","config":{"layers":['.repeat(depth) + '{"type":"Dropout","config":{"rate":0.5}}' + ']}}'.repeat(depth),
      how: `nested ${depth}`,
    };
  }
  return { text: replaceNode(rng, json, mutateNode), how: 'config edit' };
};

// -------------------------------------------------------------------------------------
// inputs
// -------------------------------------------------------------------------------------

export type FuzzInput =
  | { readonly id: number; readonly kind: 'file'; readonly base: FileBase; readonly how: string; readonly bytes: Uint8Array }
  | { readonly id: number; readonly kind: 'config'; readonly base: ConfigBase; readonly how: string; readonly text: string };

/**
 * Input `id` of `seed`: the same on every run, and made on its own (its generator is seeded from
 * `seed` and `id`), so that any one input can be run again alone. Mostly files, some configs; one
 * in twenty left intact.
 */
export const fuzzInput = (
  seed: number,
  id: number,
  bases: { readonly files: ReadonlyArray<FileBase>; readonly configs: ReadonlyArray<ConfigBase> },
): FuzzInput => {
  const rng = new Rng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(id + 1, 0xc2b2ae35));
  if (rng.chance(0.2)) {
    const base = rng.pick(bases.configs);
    const m = rng.chance(0.05) ? { text: JSON.stringify(base.json), how: 'intact' } : mutateConfig(rng, base.json);
    return { id, kind: 'config', base, how: m.how, text: m.text };
  }
  const base = rng.pick(bases.files);
  let bytes = base.bytes;
  const hows: string[] = [];
  if (rng.chance(0.05)) hows.push('intact');
  else {
    for (let n = 1 + rng.int(rng.chance(0.8) ? 1 : 3); n > 0; n--) {
      const m = mutateBytes(rng, bytes);
      bytes = m.bytes;
      hows.push(m.how);
    }
  }
  return { id, kind: 'file', base, how: hows.join('; '), bytes };
};

/** Inputs `0 .. count - 1` of `seed`. */
export function* fuzzInputs(
  seed: number,
  count: number,
  bases: { readonly files: ReadonlyArray<FileBase>; readonly configs: ReadonlyArray<ConfigBase> },
): Generator<FuzzInput> {
  for (let id = 0; id < count; id++) yield fuzzInput(seed, id, bases);
}

// -------------------------------------------------------------------------------------
// readers and oracles
// -------------------------------------------------------------------------------------

export type Verdict = 'ok' | 'typed' | 'failure';

export interface Outcome {
  readonly reader: string;
  readonly verdict: Verdict;
  /** For a failure: what went wrong (the exception, or the oracle's complaint). */
  readonly detail?: string;
  /** For a typed error: its class. */
  readonly error?: string;
  readonly ms: number;
}

/** Why a loaded module is not what the file and its template say it must be, or `undefined`. */
const wrongModule = (
  loaded: AnyModule<unknown>,
  template: AnyModule<unknown>,
  file: ReadonlyMap<string, RawTensor>,
): string | undefined => {
  const declared = new Map(stateDictEntries(template).map((e) => [e.key, e.leaf] as const));
  for (const e of stateDictEntries(loaded)) {
    const leaf = e.leaf as Tensor;
    if (!(leaf instanceof tf.Tensor)) return `key "${e.key}" is not a tensor`;
    const want = declared.get(e.key);
    if (want === undefined) return `key "${e.key}" is not in the template`;
    const wantDtype = isParamInit(want) ? paramDtype(want) : (want as Tensor).dtype;
    if (leaf.dtype !== wantDtype) return `key "${e.key}" is ${leaf.dtype}, the template declares ${wantDtype}`;
    const raw = file.get(e.key);
    if (raw === undefined) return `key "${e.key}" is not in the file`;
    if (raw.shape.join(',') !== leaf.shape.join(',')) return `key "${e.key}" has shape [${leaf.shape}], the file [${raw.shape}]`;
    if (readsAs[raw.dtype] !== leaf.dtype) return `key "${e.key}" is ${leaf.dtype} from a ${raw.dtype} tensor`;
    // F32 and I32 data must arrive bit for bit.
    if (raw.dtype === 'F32' || raw.dtype === 'I32') {
      const got = new Uint8Array((leaf.dataSync() as Float32Array | Int32Array).slice().buffer);
      if (got.length !== raw.data.length || got.some((b, i) => b !== raw.data[i])) return `key "${e.key}": values differ from the file's`;
    }
  }
  return undefined;
};

const disposeAll = (u: unknown): void => {
  dispose(u as never);
};

/** Runs `read` on the input written to a file in `dir` (the file loaders' path), removing the file after. */
const viaFile = <A>(dir: string, id: number, bytes: Uint8Array, read: (file: string) => A): A => {
  const file = path.join(dir, `input-${id}.safetensors`);
  fs.writeFileSync(file, bytes);
  try {
    return read(file);
  } finally {
    fs.rmSync(file, { force: true });
  }
};

/**
 * The readers of a file, each with its oracle (a string: what is wrong with a successful result).
 * With `dir`, the file loaders run too, on the input written to a file there.
 */
const fileReaders = (
  input: Extract<FuzzInput, { kind: 'file' }>,
  dir: string | undefined,
): Array<readonly [string, () => string | undefined]> => {
  const { bytes, base, id } = input;
  const readers: Array<readonly [string, () => string | undefined]> = [
    [
      'parseSafetensors',
      () => {
        const file = parseSafetensors(bytes);
        for (const [name, t] of file.tensors) {
          const n = t.shape.reduce((a, b) => a * b, 1) * itemSize(t.dtype);
          if (t.data.length !== n) return `tensor "${name}" has ${t.data.length} bytes for ${n}`;
        }
        const again = parseSafetensors(serializeSafetensors(file.tensors, file.metadata));
        for (const [name, t] of file.tensors) {
          const u = again.tensors.get(name);
          if (u === undefined || u.dtype !== t.dtype || u.shape.join() !== t.shape.join() || u.data.some((b, i) => b !== t.data[i])) {
            return `tensor "${name}" does not survive a rewrite`;
          }
        }
        return undefined;
      },
    ],
    [
      'decodeTensors',
      () => {
        const file = parseSafetensors(bytes);
        const tensors = decodeTensors(bytes);
        try {
          for (const [name, raw] of file.tensors) {
            const t = tensors[name];
            if (t === undefined || t.dtype !== readsAs[raw.dtype] || t.shape.join() !== raw.shape.join())
              return `tensor "${name}" decoded wrongly`;
          }
          return undefined;
        } finally {
          disposeAll(Object.values(tensors));
        }
      },
    ],
  ];
  const model = base.model;
  if (model !== undefined) {
    const strictly = (load: (template: AnyModule<unknown>) => unknown) => (): string | undefined => {
      const template = model.create();
      const loaded = load(template);
      try {
        return wrongModule(loaded as AnyModule<unknown>, template, parseSafetensors(bytes).tensors);
      } finally {
        disposeAll(loaded);
      }
    };
    readers.push(['decodeStateDict', strictly((template) => decodeStateDict(bytes, template))]);
    readers.push([
      'decodeStateDict(loose)',
      () => {
        const template = model.create();
        const loaded = decodeStateDict(bytes, template, { strict: false });
        try {
          // Whatever was placed has the dtype its leaf declares (converted as copy_ does).
          const declared = new Map(leafEntries(template).map(([info, leaf]) => [info.path, leaf] as const));
          for (const [info, leaf] of leafEntries(loaded as AnyModule<unknown>)) {
            const want = declared.get(info.path);
            if (leaf instanceof tf.Tensor && want !== undefined && isParamInit(want) && leaf.dtype !== paramDtype(want)) {
              return `leaf ${info.path} has dtype ${leaf.dtype}, the template declares ${paramDtype(want)}`;
            }
          }
          return undefined;
        } finally {
          disposeAll(loaded);
        }
      },
    ]);
    if (dir !== undefined) {
      readers.push([
        'loadStateDictFileSync',
        strictly((template) => viaFile(dir, id, bytes, (file) => loadStateDictFileSync(file, template))),
      ]);
    }
  }
  const asModel = (load: () => AnyModule<Tensor>) => (): string | undefined => {
    const loaded = load();
    try {
      const file = parseSafetensors(bytes);
      const template = fromConfig(JSON.parse(file.metadata[ARCHITECTURE_KEY]!), undefined, {
        maxLeaves: Infinity,
        maxParameters: Infinity,
      });
      return wrongModule(loaded, template, file.tensors);
    } finally {
      disposeAll(loaded);
    }
  };
  readers.push(['decodeModel', asModel(() => decodeModel(bytes))]);
  if (dir !== undefined) readers.push(['loadModelSync', asModel(() => viaFile(dir, id, bytes, (file) => loadModelSync(file)))]);
  if (model !== undefined && (model.name === 'seq-bn' || model.name === 'mlp')) {
    for (const [optName, opt] of [
      ['adam', adam(1e-3)],
      ['sgd', sgd(0.1, { momentum: 0.9 })],
    ] as const) {
      const asCheckpoint = (load: (template: AnyModule<unknown>) => { readonly state: CheckpointState }) => (): string | undefined => {
        const template = model.create();
        const { state } = load(template);
        try {
          const wrong = wrongLeaves(state.params as AnyModule<unknown>, template, parseSafetensors(bytes).tensors, 'params.');
          if (wrong !== undefined) return wrong;
          const counts = JSON.stringify(state.optState, (_k, v: unknown) => (v instanceof tf.Tensor ? null : v)) ?? '';
          for (const m of counts.matchAll(/"count":([^,}\]]+)/g)) {
            const c = Number(m[1]);
            if (!Number.isSafeInteger(c) || c < 0) return `optimizer count ${m[1]}`;
          }
          const [hi, lo] = state.key.data;
          if (![hi, lo].every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) return `key words ${state.key.data}`;
          return undefined;
        } finally {
          disposeAll([state.params, state.optState]);
        }
      };
      readers.push([
        `decodeCheckpoint(${optName})`,
        asCheckpoint((template) => decodeCheckpoint(bytes, { params: template, optimizer: opt as never })),
      ]);
      if (dir !== undefined && optName === 'adam') {
        readers.push([
          'loadCheckpointSync',
          asCheckpoint((template) =>
            viaFile(dir, id, bytes, (file) => loadCheckpointSync(file, { params: template, optimizer: opt as never })),
          ),
        ]);
      }
    }
  }
  return readers;
};

interface CheckpointState {
  readonly params: unknown;
  readonly optState: unknown;
  readonly key: { readonly data: readonly [number, number] };
}

/** {@link wrongModule} for a checkpoint: its tensors are named by leaf path (`params.layers.0.weight`), zero-size leaves included. */
const wrongLeaves = (
  loaded: AnyModule<unknown>,
  template: AnyModule<unknown>,
  file: ReadonlyMap<string, RawTensor>,
  prefix: string,
): string | undefined => {
  const declared = new Map(leafEntries(template).map(([info, leaf]) => [info.path, leaf] as const));
  for (const [info, l] of leafEntries(loaded)) {
    const leaf = l as Tensor;
    const want = declared.get(info.path);
    const raw = file.get(`${prefix}${info.path}`);
    if (!(leaf instanceof tf.Tensor) || want === undefined || raw === undefined) return `leaf "${info.path}" is not what the file holds`;
    const wantDtype = isParamInit(want) ? paramDtype(want) : (want as Tensor).dtype;
    if (leaf.dtype !== wantDtype) return `leaf "${info.path}" is ${leaf.dtype}, the template declares ${wantDtype}`;
    if (raw.shape.join(',') !== leaf.shape.join(',')) return `leaf "${info.path}" has shape [${leaf.shape}], the file [${raw.shape}]`;
    if (raw.dtype === 'F32' || raw.dtype === 'I32') {
      const got = new Uint8Array((leaf.dataSync() as Float32Array | Int32Array).slice().buffer);
      if (got.length !== raw.data.length || got.some((b, i) => b !== raw.data[i]))
        return `leaf "${info.path}": values differ from the file's`;
    }
  }
  return undefined;
};

const configReaders = (input: Extract<FuzzInput, { kind: 'config' }>): Array<readonly [string, () => string | undefined]> => [
  [
    'decodeLayerConfig',
    () => {
      decodeLayerConfig(JSON.parse(input.text));
      return undefined;
    },
  ],
  [
    'fromConfig',
    () => {
      const json: unknown = JSON.parse(input.text);
      const m = fromConfig(json);
      // Correct data: what was built writes back to a config that builds the same architecture.
      const again = toConfig(m);
      const rebuilt = toConfig(fromConfig(again));
      return jsonText(rebuilt) === jsonText(again) ? undefined : 'toConfig(fromConfig(json)) does not round trip';
    },
  ],
];

/** Runs every reader on one input; each outcome is checked, and no reader may leak a tensor. */
export const runInput = (input: FuzzInput, dir?: string): ReadonlyArray<Outcome> => {
  const readers = input.kind === 'file' ? fileReaders(input, dir) : configReaders(input);
  return readers.map(([reader, run]) => {
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    let outcome: Omit<Outcome, 'ms'>;
    try {
      const wrong = run();
      outcome = wrong === undefined ? { reader, verdict: 'ok' } : { reader, verdict: 'failure', detail: `wrong data: ${wrong}` };
    } catch (e) {
      outcome = isLibraryError(e)
        ? { reader, verdict: 'typed', error: (e as Error).name }
        : {
            reader,
            verdict: 'failure',
            detail: `untyped ${(e as Error)?.constructor?.name ?? typeof e}: ${String((e as Error)?.message ?? e).slice(0, 300)}`,
          };
    }
    const ms = performance.now() - t0;
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0 && outcome.verdict !== 'failure') outcome = { reader, verdict: 'failure', detail: `leaked ${leaked} tensors` };
    return { ...outcome, ms };
  });
};
