/**
 * State dicts in safetensors files: the file-path forms of `io.encodeStateDict` /
 * `io.decodeStateDict`, with atomic writes.
 *
 * @since 0.2.0
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkLoadArguments, type LoadStateDictOptions } from '../io/loadStateDict.js';
import { checkSaveOptions, loadStateDictRaw, stateDictToRaw, type SaveStateDictOptions } from '../io/stateDictFile.js';
import type { AnyModule, LeafOf, Relabel } from '../tree/Module.js';
import { readSafetensorsFile, readSafetensorsFileSync, writeSafetensorsFile, writeSafetensorsFileSync } from './files.js';

/**
 * Writes a module's state dict to a safetensors file, atomically (a failed write leaves any previous
 * file intact). The module's tensors are read, not disposed.
 * @example
 * import { initialize, nn, random } from 'parallax-ts'
 * import { saveStateDict } from 'parallax-ts/node'
 * const model = initialize(nn.Linear.create(2, 3))(random.key(0))
 * await saveStateDict('model.safetensors', model)
 * @category files
 * @since 0.1.0
 */
export const saveStateDict = async (path: string, m: AnyModule<unknown>, options: SaveStateDictOptions = {}): Promise<void> =>
  writeSafetensorsFile(path, stateDictToRaw(m, checkSaveOptions('saveStateDict', options)), options.metadata ?? {});

/**
 * {@link saveStateDict}, synchronously.
 * @example
 * import { initialize, nn, random } from 'parallax-ts'
 * import { saveStateDictSync } from 'parallax-ts/node'
 * saveStateDictSync('model.safetensors', initialize(nn.Linear.create(2, 3))(random.key(0)))
 * @category files
 * @since 0.1.0
 */
export const saveStateDictSync = (path: string, m: AnyModule<unknown>, options: SaveStateDictOptions = {}): void =>
  writeSafetensorsFileSync(path, stateDictToRaw(m, checkSaveOptions('saveStateDictSync', options)), options.metadata ?? {});

/**
 * Reads a safetensors file (PyTorch's, JAX's or ours) into a copy of `m`: every key checked (see
 * {@link loadStateDict}), the result's tensors new and owned by the caller.
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * import { loadStateDictFile } from 'parallax-ts/node'
 * const model: nn.MLP<tf.Tensor> = await loadStateDictFile('pytorch_model.safetensors', nn.MLP.create([784, 128, 10]))
 * @category files
 * @since 0.1.0
 */
export async function loadStateDictFile<M extends AnyModule<unknown>>(
  path: string,
  m: M,
  options?: LoadStateDictOptions & { readonly strict?: true },
): Promise<Relabel<M, Tensor>>;
export async function loadStateDictFile<M extends AnyModule<unknown>>(
  path: string,
  m: M,
  options: LoadStateDictOptions,
): Promise<Relabel<M, Tensor | LeafOf<M>>>;
export async function loadStateDictFile<M extends AnyModule<unknown>>(
  path: string,
  m: M,
  options: LoadStateDictOptions = {},
): Promise<unknown> {
  checkLoadArguments('loadStateDictFile', m, {}, 'path', options);
  return loadStateDictRaw(m, (await readSafetensorsFile(path)).tensors, options);
}

/**
 * {@link loadStateDictFile}, synchronously.
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * import { loadStateDictFileSync } from 'parallax-ts/node'
 * const model: nn.MLP<tf.Tensor> = loadStateDictFileSync('model.safetensors', nn.MLP.create([784, 128, 10]))
 * @category files
 * @since 0.1.0
 */
export function loadStateDictFileSync<M extends AnyModule<unknown>>(
  path: string,
  m: M,
  options?: LoadStateDictOptions & { readonly strict?: true },
): Relabel<M, Tensor>;
export function loadStateDictFileSync<M extends AnyModule<unknown>>(
  path: string,
  m: M,
  options: LoadStateDictOptions,
): Relabel<M, Tensor | LeafOf<M>>;
export function loadStateDictFileSync<M extends AnyModule<unknown>>(path: string, m: M, options: LoadStateDictOptions = {}): unknown {
  checkLoadArguments('loadStateDictFileSync', m, {}, 'path', options);
  return loadStateDictRaw(m, readSafetensorsFileSync(path).tensors, options);
}
