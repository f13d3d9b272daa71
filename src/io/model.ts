/**
 * Whole models in one safetensors file: the architecture as JSON in the file's `__metadata__` (under
 * {@link ARCHITECTURE_KEY}), the weights as the module's state dict. Another program loads the model
 * without its source: `loadModel(path)` builds the module from the JSON (`nn.fromConfig`) and places
 * the weights (strictly: every key checked, see `loadStateDict`).
 *
 * The file stays a plain safetensors state dict, so PyTorch (`safetensors.torch.load_file`) and
 * `loadStateDictFile` read its weights too.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { fromConfig, toConfig } from '../nn/config.js';
import type { AnyModule } from '../tree/Module.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { readSafetensorsFile, readSafetensorsFileSync, writeSafetensorsFile, writeSafetensorsFileSync } from './files.js';
import type { Metadata } from './header.js';
import type { RawTensor } from './RawTensor.js';
import { parseSafetensors, serializeSafetensors, type Safetensors } from './safetensors.js';
import { loadStateDictRaw, stateDictToRaw, type SaveStateDictOptions } from './stateDictFile.js';

type Tensor = tf.Tensor;

/**
 * The `__metadata__` key holding the architecture JSON.
 * @example
 * io.parseSafetensors(io.encodeModel(model)).metadata[io.ARCHITECTURE_KEY] // '{"type":"Linear","config":{...}}'
 * @since 0.1.0
 */
export const ARCHITECTURE_KEY = 'parallax-ts.architecture';

/**
 * How a module's architecture becomes JSON and back. The default is the layer registry
 * (`nn.toConfig` / `nn.fromConfig`); register your own layers there (`nn.registerLayer`) or pass a
 * codec of your own.
 * @since 0.1.0
 */
export interface ArchitectureCodec {
  readonly toConfig: (m: AnyModule<unknown>) => unknown;
  /** An uninitialized module from the JSON `toConfig` gave. */
  readonly fromConfig: (json: unknown) => AnyModule<ParamInit<Tensor>>;
}

/**
 * The layer registry of `nn/config.ts` (`nn.toConfig` / `nn.fromConfig`): the default {@link ArchitectureCodec}.
 * @example
 * io.layerRegistry.toConfig(nn.Linear.create(2, 3)) // { type: 'Linear', config: { inFeatures: 2, outFeatures: 3, bias: true } }
 * @since 0.1.0
 */
export const layerRegistry: ArchitectureCodec = { toConfig, fromConfig };

/** Options of {@link saveModel}. @since 0.1.0 */
export interface SaveModelOptions extends SaveStateDictOptions {
  /** Default {@link layerRegistry}. */
  readonly architecture?: ArchitectureCodec;
}

/** Options of {@link loadModel}. @since 0.1.0 */
export interface LoadModelOptions {
  /** Default {@link layerRegistry}. */
  readonly architecture?: ArchitectureCodec;
}

/** Everything that can fail on the way out happens here, before any byte is written. */
const modelParts = (
  m: AnyModule<unknown>,
  options: SaveModelOptions,
): { readonly tensors: ReadonlyMap<string, RawTensor>; readonly metadata: Metadata } => {
  const metadata = options.metadata ?? {};
  if (Object.hasOwn(metadata, ARCHITECTURE_KEY)) {
    throw new Error(`saveModel: metadata key "${ARCHITECTURE_KEY}" is reserved for the architecture`);
  }
  const architecture = JSON.stringify((options.architecture ?? layerRegistry).toConfig(m));
  if (architecture === undefined) throw new Error('saveModel: the architecture codec gave no JSON');
  return { tensors: stateDictToRaw(m, options), metadata: { ...metadata, [ARCHITECTURE_KEY]: architecture } };
};

const modelFrom = (file: Safetensors, options: LoadModelOptions, where: string): AnyModule<Tensor> => {
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
  const skeleton = (options.architecture ?? layerRegistry).fromConfig(json);
  return loadStateDictRaw(skeleton, file.tensors) as AnyModule<Tensor>;
};

/**
 * A model (architecture and weights) as the bytes of a safetensors file.
 *
 * @example
 * const bytes = encodeModel(initialize(nn.Sequential.create([nn.Linear.create(4, 2)]))(random.key(0)))
 * @since 0.1.0
 */
export const encodeModel = (m: AnyModule<unknown>, options: SaveModelOptions = {}): Uint8Array => {
  const { tensors, metadata } = modelParts(m, options);
  return serializeSafetensors(tensors, metadata);
};

/**
 * The model a safetensors file written by {@link encodeModel} / {@link saveModel} holds: built from
 * its architecture, weights placed (the tensors are new and owned by the caller).
 *
 * @example
 * const model = decodeModel(bytes)
 * apply(model, x)
 * @since 0.1.0
 */
export const decodeModel = (bytes: Uint8Array, options: LoadModelOptions = {}): AnyModule<Tensor> =>
  modelFrom(parseSafetensors(bytes), options, 'decodeModel');

/**
 * Writes a model (architecture JSON in the metadata, weights as its state dict) to a safetensors
 * file, atomically. Every check (an unregistered layer, an uninitialized leaf) happens before the
 * file system is touched.
 *
 * @example
 * await saveModel('model.safetensors', params)
 * @since 0.1.0
 */
export const saveModel = async (path: string, m: AnyModule<unknown>, options: SaveModelOptions = {}): Promise<void> => {
  const { tensors, metadata } = modelParts(m, options);
  return writeSafetensorsFile(path, tensors, metadata);
};

/**
 * {@link saveModel}, synchronously.
 *
 * @example
 * saveModelSync('model.safetensors', params)
 * @since 0.1.0
 */
export const saveModelSync = (path: string, m: AnyModule<unknown>, options: SaveModelOptions = {}): void => {
  const { tensors, metadata } = modelParts(m, options);
  writeSafetensorsFileSync(path, tensors, metadata);
};

/**
 * Loads a model saved by {@link saveModel}, without its source: the module is built from the
 * architecture JSON and the weights placed strictly. The tensors are new and owned by the caller.
 *
 * @example
 * const model = await loadModel('model.safetensors')
 * const y = apply(model, x)
 * @since 0.1.0
 */
export const loadModel = async (path: string, options: LoadModelOptions = {}): Promise<AnyModule<Tensor>> =>
  modelFrom(await readSafetensorsFile(path), options, path);

/**
 * {@link loadModel}, synchronously.
 *
 * @example
 * const model = loadModelSync('model.safetensors')
 * @since 0.1.0
 */
export const loadModelSync = (path: string, options: LoadModelOptions = {}): AnyModule<Tensor> =>
  modelFrom(readSafetensorsFileSync(path), options, path);
