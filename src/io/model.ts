/**
 * Whole models in one safetensors file: the architecture as JSON in the file's `__metadata__` (under
 * {@link ARCHITECTURE_KEY}), the weights as the module's state dict. Another program loads the model
 * without its source: `loadModel(path)` builds the module from the JSON (`nn.fromConfig`, with the
 * layers of a registry: `nn.builtinLayers` unless told otherwise) and places the weights (strictly:
 * every key checked, see `loadStateDict`). Told the kind it expects (`{ expect: nn.MLP }`), it
 * returns a module of that kind, typed, after checking the file holds one.
 *
 * The file stays a plain safetensors state dict, so PyTorch (`safetensors.torch.load_file`) and
 * `loadStateDictFile` read its weights too.
 *
 * A file is not trusted: before anything is built, its architecture is checked against what its
 * tensors can fill — the module may declare no more than three leaves per tensor plus one per
 * eight bytes of architecture JSON (zero-size placeholders), nor more than twice the parameter
 * elements the file holds (plus 2^20) — and the build stops at the first leaf past that. So a file of n bytes makes
 * `loadModel` use a small multiple of n plus the tensors it declares, whatever its architecture
 * says. Then every key, shape and dtype is compared (strictly) before a tensor is made. Every
 * failure is one of the library's errors: `SafetensorsError` (a malformed file), `FileError`
 * (unreadable), `nn.ConfigError` (no, invalid or oversized architecture, or the wrong kind),
 * `StateDictError` (weights that do not fit the architecture).
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { builtinLayers, ConfigError, fromConfig, type LayerRegistry, toConfig } from '../nn/config.js';
import type { AnySpec, ModuleType } from '../tree/Field.js';
import { type AnyModule, specOf } from '../tree/Module.js';
import { ModuleError } from '../tree/ModuleError.js';
import { type ParamInit, withParamBudget } from '../tree/ParamInit.js';
import { describeValue } from '../tree/walk.js';
import type { Metadata } from './header.js';
import type { RawTensor } from './RawTensor.js';
import { jsonText } from './jsonText.js';
import { parseSafetensors, SafetensorsError, serializeSafetensors, type Safetensors } from './safetensors.js';
import { loadStateDictRaw, stateDictToRaw, type SaveStateDictOptions } from './stateDictFile.js';
import { unknownOption } from '../tree/optionKeys.js';

type Tensor = tf.Tensor;

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The `__metadata__` key holding the architecture JSON.
 * @example
 * import { initialize, io, nn, random } from 'parallax-ts'
 * const model = initialize(nn.Linear.create(2, 3))(random.key(0))
 * io.parseSafetensors(io.encodeModel(model)).metadata[io.ARCHITECTURE_KEY] // '{"type":"Linear","config":{...}}'
 * @category model
 * @since 0.1.0
 */
export const ARCHITECTURE_KEY = 'parallax-ts.architecture';

/**
 * How a module's architecture becomes JSON and back. The default is a layer registry's
 * (`nn.toConfig` / `nn.fromConfig` with {@link SaveModelOptions.registry}, see
 * {@link architectureFromRegistry}); a codec of your own replaces it.
 * @example
 * import { io, nn, type AnyModule } from 'parallax-ts'
 * const onlyLinear: io.ArchitectureCodec = {
 *   toConfig: (m: AnyModule<unknown>) => nn.toConfig(m),
 *   fromConfig: (json: unknown) => nn.fromConfig(json, nn.layerRegistry([nn.Linear])),
 * }
 * @category model
 * @since 0.1.0
 */
export interface ArchitectureCodec {
  readonly toConfig: (m: AnyModule<unknown>) => unknown;
  /** An uninitialized module from the JSON `toConfig` gave. */
  readonly fromConfig: (json: unknown) => AnyModule<ParamInit<Tensor>>;
}

/**
 * The {@link ArchitectureCodec} of a layer registry: `nn.toConfig` / `nn.fromConfig` with its layers.
 * @example
 * import { io, nn } from 'parallax-ts'
 * const codec = io.architectureFromRegistry(nn.builtinLayers)
 * codec.toConfig(nn.Linear.create(2, 3)) // { type: 'Linear', config: { inFeatures: 2, outFeatures: 3, bias: true } }
 * @category constructors
 * @since 0.2.0
 */
export const architectureFromRegistry = (registry: LayerRegistry): ArchitectureCodec => ({
  toConfig: (m) => toConfig(m, registry),
  // No fixed leaf or size limits here: loadModel bounds the build by what the file holds instead.
  fromConfig: (json) => fromConfig(json, registry, { maxLeaves: Infinity, maxParameters: Infinity }),
});

/**
 * Options of {@link saveModel} / {@link encodeModel}.
 * @example
 * import { initialize, io, nn, random } from 'parallax-ts'
 * const options: io.SaveModelOptions = { registry: nn.builtinLayers, metadata: { note: 'v1' } }
 * const bytes = io.encodeModel(initialize(nn.Linear.create(2, 3))(random.key(0)), options)
 * @category model
 * @since 0.1.0
 */
export interface SaveModelOptions extends SaveStateDictOptions {
  /** The layers the architecture is written with; default `nn.builtinLayers`. */
  readonly registry?: LayerRegistry;
  /** An architecture codec of your own, in place of a registry's (give one or the other). */
  readonly architecture?: ArchitectureCodec;
}

/**
 * Options of {@link loadModel} / {@link decodeModel}. With `expect`, see {@link ExpectModelOptions}.
 * @example
 * import { io, nn } from 'parallax-ts'
 * const options: io.LoadModelOptions = { registry: nn.builtinLayers }
 * @category model
 * @since 0.1.0
 */
export interface LoadModelOptions {
  /** The layers the architecture is built with; default `nn.builtinLayers`. */
  readonly registry?: LayerRegistry;
  /** An architecture codec of your own, in place of a registry's (give one or the other). */
  readonly architecture?: ArchitectureCodec;
}

/**
 * Options of a typed load: `expect` is the definition of the model's kind (`nn.MLP`, your own
 * `Net`, …). The file's model must be of that kind, checked before any tensor is made, and the
 * result is typed as one: `ModuleType<D, Tensor>`.
 * @example
 * import { io, nn } from 'parallax-ts'
 * declare const bytes: Uint8Array
 * const mlp = io.decodeModel(bytes, { expect: nn.MLP }) // nn.MLP<Tensor>
 * @category model
 * @since 0.2.0
 */
export interface ExpectModelOptions<D extends { readonly spec: AnySpec }> extends LoadModelOptions {
  readonly expect: D;
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

const architectureOf = (options: LoadModelOptions | SaveModelOptions, where: string, known: ReadonlyArray<string>): ArchitectureCodec => {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError([`options: expected an object like { registry }, got ${describeValue(options)}`], `${where}: invalid argument`);
  }
  const unknown = unknownOption(options, known);
  if (unknown !== undefined) {
    throw new ConfigError(
      [`options: unknown option ${JSON.stringify(unknown)}; the options are ${known.join(', ')}`],
      `${where}: invalid argument`,
    );
  }
  if (options.architecture !== undefined && options.registry !== undefined) {
    throw new ConfigError(['options: give a registry or an architecture codec, not both'], `${where}: invalid argument`);
  }
  return options.architecture ?? architectureFromRegistry(options.registry ?? builtinLayers);
};

/** Everything that can fail on the way out happens here, before any byte is written. */
/** The tensors and metadata of a model file (shared by the byte and the file writers). @internal */
export const modelParts = (
  m: AnyModule<unknown>,
  options: SaveModelOptions,
  where: string,
): { readonly tensors: ReadonlyMap<string, RawTensor>; readonly metadata: Metadata } => {
  const codec = architectureOf(options, where, ['dtypes', 'metadata', 'registry', 'architecture']);
  const metadata = options.metadata ?? {};
  if (Object.hasOwn(metadata, ARCHITECTURE_KEY)) {
    const problem = `metadata key "${ARCHITECTURE_KEY}" is reserved for the architecture`;
    throw new SafetensorsError(`${where}: ${problem}`, [problem]);
  }
  let architecture: string | undefined;
  try {
    // Written without recursion: a model nested thousands of levels deep is written (JSON.stringify gives up at ~4,000 levels of JSON).
    architecture = jsonText(codec.toConfig(m));
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ModuleError) throw e;
    throw new ConfigError([`architecture: ${e instanceof Error ? e.message : String(e)}`], `${where}: cannot write the architecture`, {
      cause: e,
    });
  }
  if (architecture === undefined)
    throw new ConfigError(['architecture: the architecture codec gave no JSON'], `${where}: cannot write the architecture`);
  return { tensors: stateDictToRaw(m, options), metadata: { ...metadata, [ARCHITECTURE_KEY]: architecture } };
};

/** Refuses a model of another kind than the one expected: a `ConfigError` naming both, before any tensor is made. */
const checkKind = (skeleton: AnyModule<unknown>, expected: { readonly spec: AnySpec } | undefined, where: string): void => {
  if (expected === undefined) return;
  const want = expected.spec;
  const got = specOf(skeleton);
  if (got.URI !== want.URI) {
    throw new ConfigError(
      [`type: expected a ${want.name} (${want.URI}), got a ${got.name} (${got.URI})`],
      `${where}: the model is a ${got.name}, not the ${want.name} expected`,
    );
  }
};

/**
 * What a file can fill: a strict load needs one tensor per leaf (zero-size placeholders aside) of
 * the leaf's shape, so a module the file can load declares no more parameter elements than the
 * file holds, and no more leaves than its tensors plus placeholders — of which a real layer has at
 * most two per tensor, or a few per layer written in the architecture JSON (a `BatchNorm` with
 * neither affine parameters nor running statistics: five, in some 90 bytes of JSON). The bounds
 * are loose on purpose (3 leaves per tensor, twice the elements): an architecture a little off is
 * built and then reported key by key by the strict state-dict check; only one that no file of
 * this size could fill is stopped while it is being built.
 */
const budgetOf = (file: Safetensors, architectureLength: number) => {
  let elements = 0;
  for (const raw of file.tensors.values()) elements += raw.shape.reduce((n, d) => n * d, 1);
  const tensors = file.tensors.size;
  return { tensors, elements, maxLeaves: 3 * tensors + Math.ceil(architectureLength / 8) + 16, maxElements: 2 * elements + 2 ** 20 };
};

/** Builds the model a parsed model file holds (shared by the byte and the file readers). @internal */
export const modelFrom = (
  file: Safetensors,
  options: LoadModelOptions & { readonly expect?: { readonly spec: AnySpec } },
  where: string,
): AnyModule<Tensor> => {
  const codec = architectureOf(options, where, ['registry', 'architecture', 'expect']);
  const text = file.metadata[ARCHITECTURE_KEY];
  if (text === undefined) {
    throw new ConfigError(
      [
        `metadata["${ARCHITECTURE_KEY}"]: expected the architecture JSON, got nothing: the file holds weights only ` +
          '(load them into a module with loadStateDictFile(path, module))',
      ],
      `${where}: no architecture in the file`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(
      [`metadata["${ARCHITECTURE_KEY}"]: not valid JSON: ${(e as Error).message}`],
      `${where}: the architecture in the file's metadata is not valid JSON`,
      { cause: e },
    );
  }
  // Built within what the file can fill (see budgetOf): an architecture asking for a billion layers
  // from a file of a few tensors is stopped at the first leaf past that, long before memory runs out.
  const { tensors, elements, maxLeaves, maxElements } = budgetOf(file, text.length);
  const skeleton = withParamBudget(
    {
      maxLeaves,
      maxElements,
      exceeded: (what) => {
        throw new ConfigError(
          [`architecture: declares ${what}, more than the file's ${tensors} tensors (${elements} elements) can fill`],
          `${where}: the architecture does not fit the file's tensors`,
        );
      },
    },
    () => {
      try {
        return codec.fromConfig(json);
      } catch (e) {
        if (e instanceof ConfigError || e instanceof ModuleError) throw e;
        throw new ConfigError([`architecture: ${e instanceof Error ? e.message : String(e)}`], `${where}: cannot build the architecture`, {
          cause: e,
        });
      }
    },
  );
  checkKind(skeleton, options.expect, where);
  return loadStateDictRaw(skeleton, file.tensors) as AnyModule<Tensor>;
};

// -------------------------------------------------------------------------------------
// bytes
// -------------------------------------------------------------------------------------

/**
 * A model (architecture and weights) as the bytes of a safetensors file. Every check (a layer the
 * registry does not hold, an uninitialized leaf) happens first.
 * @example
 * import { initialize, io, nn, random } from 'parallax-ts'
 * const bytes = io.encodeModel(initialize(nn.Sequential.create([nn.Linear.create(4, 2)]))(random.key(0)))
 * @category bytes
 * @since 0.1.0
 */
export const encodeModel = (m: AnyModule<unknown>, options: SaveModelOptions = {}): Uint8Array => {
  const { tensors, metadata } = modelParts(m, options, 'encodeModel');
  return serializeSafetensors(tensors, metadata);
};

/**
 * The model a safetensors file written by {@link encodeModel} / {@link saveModel} holds: built from
 * its architecture, weights placed (the tensors are new and owned by the caller). With
 * `{ expect: Def }` the model must be of `Def`'s kind (else a `nn.ConfigError` naming both kinds,
 * nothing allocated) and is typed as one; without, it is an `AnyModule<Tensor>`.
 * @example
 * import { initialize, io, nn, random, tf } from 'parallax-ts'
 * const bytes = io.encodeModel(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * const layer = io.decodeModel(bytes, { expect: nn.Linear }) // nn.Linear<Tensor>
 * const y = nn.Linear.forward(layer, tf.ones([1, 2]))
 * const any = io.decodeModel(bytes) // AnyModule<Tensor>
 * @category bytes
 * @since 0.1.0
 */
export function decodeModel<D extends { readonly spec: AnySpec }>(bytes: Uint8Array, options: ExpectModelOptions<D>): ModuleType<D, Tensor>;
export function decodeModel(bytes: Uint8Array, options?: LoadModelOptions): AnyModule<Tensor>;
export function decodeModel(bytes: Uint8Array, options: LoadModelOptions = {}): AnyModule<Tensor> {
  return modelFrom(parseSafetensors(bytes), options, 'decodeModel');
}
