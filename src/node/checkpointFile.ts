/**
 * Checkpoints in files: the file-path forms of `io.encodeCheckpoint` / `io.decodeCheckpoint`, with
 * atomic writes (either the old file or the complete new one is at the path, whatever happens).
 *
 * @since 0.2.0
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  buildCheckpoint,
  type CheckpointState,
  type CheckpointTemplate,
  checkTemplate,
  type OptimizerTemplate,
  type RestoredCheckpoint,
  restore,
  type SaveCheckpointOptions,
  type StateTemplate,
} from '../io/checkpoint.js';
import type { StateFor } from '../optim/GradientTransformation.js';
import type { Relabel } from '../tree/Module.js';
import { readSafetensorsFile, readSafetensorsFileSync, writeSafetensorsFile, writeSafetensorsFileSync } from './files.js';

/**
 * Writes a checkpoint atomically: either the old file or the complete new one is at `path`,
 * whatever happens during the write. Tensors are read, not disposed.
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * import { saveCheckpoint } from 'parallax-ts/node'
 * const start = optim.initTrainState(initialize(nn.Linear.create(2, 3))(random.key(0)), optim.sgd(0.1), random.key(1))
 * await saveCheckpoint('run/ckpt.safetensors', start, { metadata: { epoch: 0 } })
 * @category files
 * @since 0.1.0
 */
export const saveCheckpoint = async <M, S>(
  path: string,
  state: CheckpointState<M, S>,
  options: SaveCheckpointOptions = {},
): Promise<void> => {
  const { raw, metadata } = buildCheckpoint(state, options);
  await writeSafetensorsFile(path, raw, metadata);
};

/**
 * {@link saveCheckpoint}, synchronously.
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * import { saveCheckpointSync } from 'parallax-ts/node'
 * const start = optim.initTrainState(initialize(nn.Linear.create(2, 3))(random.key(0)), optim.sgd(0.1), random.key(1))
 * saveCheckpointSync('run/ckpt.safetensors', start)
 * @category files
 * @since 0.1.0
 */
export const saveCheckpointSync = <M, S>(path: string, state: CheckpointState<M, S>, options: SaveCheckpointOptions = {}): void => {
  const { raw, metadata } = buildCheckpoint(state, options);
  writeSafetensorsFileSync(path, raw, metadata);
};

/**
 * Restores a checkpoint into the structure of `template` (the model and its optimizer, or the model
 * and a state); the returned tensors are new and owned by the caller. The restored params are typed
 * from the template's (`Relabel<M, Tensor>`: a fresh `Net.create()` gives a `Net<Tensor>`), the
 * optimizer state from the optimizer (for that model) or from the state given. A mismatch of any
 * kind throws a {@link CheckpointError} listing all of them, and nothing is allocated.
 * @example
 * import { nn, optim, type tf } from 'parallax-ts'
 * import { loadCheckpoint } from 'parallax-ts/node'
 * const opt = optim.adam(1e-3)
 * // A fresh model is a template as it is: no tensors made for it.
 * const { state, metadata } = await loadCheckpoint('run/ckpt.safetensors', { params: nn.MLP.create([4, 16, 2]), optimizer: opt })
 * const mlp: nn.MLP<tf.Tensor> = state.params
 * @category files
 * @since 0.1.0
 */
export function loadCheckpoint<M, S>(
  path: string,
  template: OptimizerTemplate<M, S>,
): Promise<RestoredCheckpoint<Relabel<M, Tensor>, StateFor<S, Relabel<M, Tensor>>>>;
export function loadCheckpoint<M, S>(path: string, template: StateTemplate<M, S>): Promise<RestoredCheckpoint<Relabel<M, Tensor>, S>>;
export async function loadCheckpoint(
  path: string,
  template: CheckpointTemplate<unknown, unknown>,
): Promise<RestoredCheckpoint<unknown, unknown>> {
  const t = checkTemplate(template, 'loadCheckpoint');
  return restore(await readSafetensorsFile(path), t, path);
}

/**
 * {@link loadCheckpoint}, synchronously.
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * import { loadCheckpointSync } from 'parallax-ts/node'
 * const net = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const { state } = loadCheckpointSync('run/ckpt.safetensors', { params: net, optimizer: optim.sgd(0.1) })
 * @category files
 * @since 0.1.0
 */
export function loadCheckpointSync<M, S>(
  path: string,
  template: OptimizerTemplate<M, S>,
): RestoredCheckpoint<Relabel<M, Tensor>, StateFor<S, Relabel<M, Tensor>>>;
export function loadCheckpointSync<M, S>(path: string, template: StateTemplate<M, S>): RestoredCheckpoint<Relabel<M, Tensor>, S>;
export function loadCheckpointSync(path: string, template: CheckpointTemplate<unknown, unknown>): RestoredCheckpoint<unknown, unknown> {
  return restore(readSafetensorsFileSync(path), checkTemplate(template, 'loadCheckpointSync'), path);
}
