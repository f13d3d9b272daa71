/**
 * Whole models in files (architecture JSON plus weights): the file-path forms of `io.encodeModel` /
 * `io.decodeModel`, with atomic writes.
 *
 * @since 0.2.0
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { type ExpectModelOptions, type LoadModelOptions, modelFrom, modelParts, type SaveModelOptions } from '../io/model.js';
import type { AnySpec, ModuleType } from '../tree/Field.js';
import type { AnyModule } from '../tree/Module.js';
import { readSafetensorsFile, readSafetensorsFileSync, writeSafetensorsFile, writeSafetensorsFileSync } from './files.js';

/**
 * Writes a model (architecture JSON in the metadata, weights as its state dict) to a safetensors
 * file, atomically. Every check (a layer the registry does not hold, an uninitialized leaf) happens
 * before the file system is touched.
 * @example
 * import { initialize, nn, random } from 'parallax-ts'
 * import { saveModel } from 'parallax-ts/node'
 * const params = initialize(nn.MLP.create([4, 8, 2]))(random.key(0))
 * await saveModel('model.safetensors', params)
 * @category files
 * @since 0.1.0
 */
export const saveModel = async (path: string, m: AnyModule<unknown>, options: SaveModelOptions = {}): Promise<void> => {
  const { tensors, metadata } = modelParts(m, options, 'saveModel');
  return writeSafetensorsFile(path, tensors, metadata);
};

/**
 * {@link saveModel}, synchronously.
 * @example
 * import { initialize, nn, random } from 'parallax-ts'
 * import { saveModelSync } from 'parallax-ts/node'
 * saveModelSync('model.safetensors', initialize(nn.MLP.create([4, 8, 2]))(random.key(0)))
 * @category files
 * @since 0.1.0
 */
export const saveModelSync = (path: string, m: AnyModule<unknown>, options: SaveModelOptions = {}): void => {
  const { tensors, metadata } = modelParts(m, options, 'saveModelSync');
  writeSafetensorsFileSync(path, tensors, metadata);
};

/**
 * Loads a model saved by {@link saveModel}, without its source: the module is built from the
 * architecture JSON and the weights placed strictly. The tensors are new and owned by the caller.
 * With `{ expect: Def }` the model is typed as `Def`'s kind, after a check that it is one (a
 * `nn.ConfigError` naming the expected and the actual kind otherwise, before any tensor is made).
 * @example
 * import { apply, nn, tf } from 'parallax-ts'
 * import { loadModel } from 'parallax-ts/node'
 * const mlp = await loadModel('model.safetensors', { expect: nn.MLP }) // nn.MLP<Tensor>
 * const y = nn.MLP.forward(mlp, tf.ones([1, 4]))
 * const any = await loadModel('model.safetensors') // AnyModule<Tensor>: run it with apply
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
 * import { nn } from 'parallax-ts'
 * import { loadModelSync } from 'parallax-ts/node'
 * const mlp = loadModelSync('model.safetensors', { expect: nn.MLP }) // nn.MLP<Tensor>
 * @category files
 * @since 0.1.0
 */
export function loadModelSync<D extends { readonly spec: AnySpec }>(path: string, options: ExpectModelOptions<D>): ModuleType<D, Tensor>;
export function loadModelSync(path: string, options?: LoadModelOptions): AnyModule<Tensor>;
export function loadModelSync(path: string, options: LoadModelOptions = {}): AnyModule<Tensor> {
  return modelFrom(readSafetensorsFileSync(path), options, path);
}
