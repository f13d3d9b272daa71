/**
 * The computations the browser suite runs both in Node and in Chromium, to compare bit for bit:
 * random bits and normals, a 20-step training run of a small CNN (conv, max-pool, linear, Adam)
 * and a safetensors round trip of the trained parameters.
 *
 * It imports nothing at run time: the library comes in as an argument (`Library`), so the same
 * code runs on the sources in Node and on a bundle of the packed package in the page. Types are
 * the sources' (type-only imports, erased).
 */
import type * as engineApi from '../../src/engine/index.js';
import type * as loadApi from '../../src/io/loadStateDict.js';
import type * as stateDictApi from '../../src/io/stateDictEntries.js';
import type * as tensorsApi from '../../src/io/tensors.js';
import type * as nnApi from '../../src/nn/index.js';
import type * as optimApi from '../../src/optim/index.js';
import type * as randomApi from '../../src/random/index.js';
import type * as initApi from '../../src/init/index.js';
import type * as treeApi from '../../src/tree/index.js';
import type * as compileApi from '../../src/compile/index.js';

/** The library, by subpath (and the byte-level safetensors functions of `io`). */
export interface Library {
  readonly engine: typeof engineApi;
  readonly random: typeof randomApi;
  readonly init: typeof initApi;
  readonly nn: typeof nnApi;
  readonly optim: typeof optimApi;
  readonly tree: typeof treeApi;
  readonly compile: typeof compileApi.compile;
  readonly io: {
    readonly stateDict: typeof stateDictApi.stateDict;
    readonly encodeTensors: typeof tensorsApi.encodeTensors;
    readonly decodeTensors: typeof tensorsApi.decodeTensors;
    readonly loadStateDict: typeof loadApi.loadStateDict;
  };
}

/** What one run produces: bit patterns as hex (exact comparisons) and values (tolerances). */
export interface CaseResults {
  readonly backend: string;
  /** `random.bits(key(42), [257])`, uint32 little-endian hex. */
  readonly bits: string;
  /** `random.normal(key(7), [257])`, float32 hex. */
  readonly normal: string;
  /** The loss before each of the 20 steps, float32 hex, and as numbers. */
  readonly lossBits: string;
  readonly losses: ReadonlyArray<number>;
  /** The trained parameters in state-dict order, float32 hex, and as numbers. */
  readonly paramBits: string;
  readonly params: ReadonlyArray<number>;
  /** The safetensors file of the trained parameters, hex. */
  readonly safetensors: string;
  /** Whether decoding that file and loading it into the model gives back the same bits. */
  readonly roundTrip: boolean;
  /** The same 20 steps with the step compiled (recorded once, then replayed), float32 hex. */
  readonly compiledLossBits: string;
  readonly compiledParamBits: string;
  /** Tensors alive after the run minus before: 0. */
  readonly leaked: number;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const bytesOf = (a: Float32Array | Uint32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The small CNN of the training case, declared once per library (the page and Node each have one). */
const models = new WeakMap<Library, ReturnType<typeof defineModel>>();
const defineModel = ({ tree, nn, engine }: Library) =>
  tree.defineModule('parallax-ts-browser-suite/SmallCnn', {
    name: 'SmallCnn',
    fields: {
      conv: tree.submodule(nn.Conv2d),
      pool: tree.submodule(nn.MaxPool2d),
      flatten: tree.submodule(nn.Flatten),
      fc: tree.submodule(nn.Linear),
    },
    create: () => ({
      conv: nn.Conv2d.create(1, 4, 3, { padding: 'same' }),
      pool: nn.MaxPool2d.create(2),
      flatten: nn.Flatten.create(),
      fc: nn.Linear.create(4 * 3 * 3, 3),
    }),
    forward: (m, x: engineApi.tf.Tensor) =>
      nn.Linear.forward(m.fc, nn.Flatten.forward(m.flatten, nn.MaxPool2d.forward(m.pool, nn.relu(nn.Conv2d.forward(m.conv, x))))),
  });
const modelOf = (lib: Library) => {
  const known = models.get(lib);
  if (known !== undefined) return known;
  const made = defineModel(lib);
  models.set(lib, made);
  return made;
};

/** Runs every case on `backend` (started with `ready`, which must not fall back). */
export const runCases = async (lib: Library, backend: string, wasmPaths?: string): Promise<CaseResults> => {
  const { engine, random, init, optim, io, nn } = lib;
  const { tf } = engine;
  const started = await engine.ready(wasmPaths === undefined ? { backend } : { backend, wasmPaths });
  if (started !== backend || engine.getBackend() !== backend) throw new Error(`backend ${backend} did not start (got ${started})`);
  const before = tf.memory().numTensors;

  const bits = hex(bytesOf(random.bits(random.key(42), [257])));
  const normalTensor = random.normal(random.key(7), [257]);
  const normal = hex(bytesOf(normalTensor.dataSync() as Float32Array));
  normalTensor.dispose();

  // Training: 8 images 6×6 of normal noise, labels i mod 3, softmax cross-entropy, Adam(1e-2).
  const SmallCnn = modelOf(lib);
  const x = random.normal(random.key(1), [8, 1, 6, 6]) as engineApi.tf.Tensor4D;
  const oneHot = engine.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3));
  const loss = (m: typeof params, batch: { x: engineApi.tf.Tensor; y: engineApi.tf.Tensor }) => ({
    loss: tf.neg(tf.mean(tf.sum(tf.mul(nn.logSoftmax(SmallCnn.forward(m, batch.x), -1), batch.y), -1))),
  });
  const params = init.initialize(SmallCnn.create())(random.key(0));
  const step = optim.trainStep({ loss, optimizer: optim.adam(1e-2) });
  let state = step.init(params, random.key(3));
  const losses: number[] = [];
  for (let i = 0; i < 20; i++) {
    const [next, metrics] = step(state, { x, y: oneHot });
    state = next; // the step consumed (disposed) the state it was given
    losses.push(metrics.loss);
  }
  const trained = state.params;
  const entries = io.stateDict(trained);
  const paramValues = new Float32Array([...entries.values()].flatMap((t) => Array.from(t.dataSync() as Float32Array)));

  // The same run compiled: the first step records, the 19 others replay.
  const compiledStep = lib.compile(optim.trainStep({ loss, optimizer: optim.adam(1e-2) }));
  let compiledState = compiledStep.init(init.initialize(SmallCnn.create())(random.key(0)), random.key(3));
  const compiledLosses: number[] = [];
  for (let i = 0; i < 20; i++) {
    const [next, metrics] = compiledStep(compiledState, { x, y: oneHot });
    compiledState = next;
    compiledLosses.push(metrics.loss);
  }
  const compiledValues = new Float32Array(
    [...io.stateDict(compiledState.params).values()].flatMap((t) => Array.from(t.dataSync() as Float32Array)),
  );
  engine.dispose(compiledState);
  compiledStep.dispose();

  // Safetensors: encode, decode, load into a fresh module, and compare every bit.
  const file = io.encodeTensors(entries);
  const decoded = io.decodeTensors(file);
  const restored = io.loadStateDict(SmallCnn.create(), decoded);
  const restoredValues = new Float32Array([...io.stateDict(restored).values()].flatMap((t) => Array.from(t.dataSync() as Float32Array)));
  const roundTrip =
    hex(bytesOf(restoredValues)) === hex(bytesOf(paramValues)) && hex(io.encodeTensors(io.stateDict(restored))) === hex(file);
  engine.dispose([decoded, restored, state, x, oneHot]);

  return {
    backend,
    bits,
    normal,
    lossBits: hex(bytesOf(new Float32Array(losses))),
    losses,
    paramBits: hex(bytesOf(paramValues)),
    params: Array.from(paramValues),
    safetensors: hex(file),
    roundTrip,
    compiledLossBits: hex(bytesOf(new Float32Array(compiledLosses))),
    compiledParamBits: hex(bytesOf(compiledValues)),
    leaked: tf.memory().numTensors - before,
  };
};
