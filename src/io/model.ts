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
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { builtinLayers, ConfigError, fromConfig, type LayerRegistry, toConfig } from '../nn/config.js';
import type { AnySpec, ModuleType } from '../tree/Field.js';
import { type AnyModule, specOf } from '../tree/Module.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { readSafetensorsFile, readSafetensorsFileSync, writeSafetensorsFile, writeSafetensorsFileSync } from './files.js';
import type { Metadata } from './header.js';
import type { RawTensor } from './RawTensor.js';
import { parseSafetensors, serializeSafetensors, type Safetensors } from './safetensors.js';
import { loadStateDictRaw, stateDictToRaw, type SaveStateDictOptions } from './stateDictFile.js';

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
  fromConfig: (json) => fromConfig(json, registry),
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

const architectureOf = (options: LoadModelOptions | SaveModelOptions, where: string): ArchitectureCodec => {
  if (options.architecture !== undefined && options.registry !== undefined) {
    throw new Error(`${where}: give a registry or an architecture codec, not both`);
  }
  return options.architecture ?? architectureFromRegistry(options.registry ?? builtinLayers);
};

/** Everything that can fail on the way out happens here, before any byte is written. */
const modelParts = (
  m: AnyModule<unknown>,
  options: SaveModelOptions,
): { readonly tensors: ReadonlyMap<string, RawTensor>; readonly metadata: Metadata } => {
  const metadata = options.metadata ?? {};
  if (Object.hasOwn(metadata, ARCHITECTURE_KEY)) {
    throw new Error(`saveModel: metadata key "${ARCHITECTURE_KEY}" is reserved for the architecture`);
  }
  const architecture = JSON.stringify(architectureOf(options, 'saveModel').toConfig(m));
  if (architecture === undefined) throw new Error('saveModel: the architecture codec gave no JSON');
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

const modelFrom = (
  file: Safetensors,
  options: LoadModelOptions & { readonly expect?: { readonly spec: AnySpec } },
  where: string,
): AnyModule<Tensor> => {
  const text = file.metadata[ARCHITECTURE_KEY];
  if (text === undefined) {
    throw new Error(
      `${where}: no architecture in the file's metadata ("${ARCHITECTURE_KEY}"); ` +
        'it holds weights only: load them into a module with loadStateDictFile(path, module)',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: the architecture in the file's metadata is not valid JSON: ${(e as Error).message}`);
  }
  const skeleton = architectureOf(options, where).fromConfig(json);
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
  const { tensors, metadata } = modelParts(m, options);
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

// -------------------------------------------------------------------------------------
// files
// -------------------------------------------------------------------------------------

/**
 * Writes a model (architecture JSON in the metadata, weights as its state dict) to a safetensors
 * file, atomically. Every check (a layer the registry does not hold, an uninitialized leaf) happens
 * before the file system is touched.
 * @example
 * import { initialize, io, nn, random } from 'parallax-ts'
 * const params = initialize(nn.MLP.create([4, 8, 2]))(random.key(0))
 * await io.saveModel('model.safetensors', params)
 * @category files
 * @since 0.1.0
 */
export const saveModel = async (path: string, m: AnyModule<unknown>, options: SaveModelOptions = {}): Promise<void> => {
  const { tensors, metadata } = modelParts(m, options);
  return writeSafetensorsFile(path, tensors, metadata);
};

/**
 * {@link saveModel}, synchronously.
 * @example
 * import { initialize, io, nn, random } from 'parallax-ts'
 * io.saveModelSync('model.safetensors', initialize(nn.MLP.create([4, 8, 2]))(random.key(0)))
 * @category files
 * @since 0.1.0
 */
export const saveModelSync = (path: string, m: AnyModule<unknown>, options: SaveModelOptions = {}): void => {
  const { tensors, metadata } = modelParts(m, options);
  writeSafetensorsFileSync(path, tensors, metadata);
};

/**
 * Loads a model saved by {@link saveModel}, without its source: the module is built from the
 * architecture JSON and the weights placed strictly. The tensors are new and owned by the caller.
 * With `{ expect: Def }` the model is typed as `Def`'s kind, after a check that it is one (a
 * `nn.ConfigError` naming the expected and the actual kind otherwise, before any tensor is made).
 * @example
 * import { apply, io, nn, tf } from 'parallax-ts'
 * const mlp = await io.loadModel('model.safetensors', { expect: nn.MLP }) // nn.MLP<Tensor>
 * const y = nn.MLP.forward(mlp, tf.ones([1, 4]))
 * const any = await io.loadModel('model.safetensors') // AnyModule<Tensor>: run it with apply
 * const z = apply(any, tf.ones([1, 4])) // unknown
 * @category files
 * @since 0.1.0
 */
export function loadModel<D extends { readonly spec: AnySpec }>(
  path: string,
  options: ExpectModelOptions<D>,
): Promise<ModuleType<D, Tensor>>;
export function loadModel(path: string, options?: LoadModelOptions): Promise<AnyModule<Tensor>>;
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<AnyModule<Tensor>> {
  return modelFrom(await readSafetensorsFile(path), options, path);
}

/**
 * {@link loadModel}, synchronously.
 * @example
 * import { io, nn } from 'parallax-ts'
 * const mlp = io.loadModelSync('model.safetensors', { expect: nn.MLP }) // nn.MLP<Tensor>
 * @category files
 * @since 0.1.0
 */
export function loadModelSync<D extends { readonly spec: AnySpec }>(path: string, options: ExpectModelOptions<D>): ModuleType<D, Tensor>;
export function loadModelSync(path: string, options?: LoadModelOptions): AnyModule<Tensor>;
export function loadModelSync(path: string, options: LoadModelOptions = {}): AnyModule<Tensor> {
  return modelFrom(readSafetensorsFileSync(path), options, path);
}
