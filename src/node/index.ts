/**
 * Node-only file I/O: safetensors files, state dicts, checkpoints and whole models by path, written
 * atomically. Everything else in parallax-ts (the root and the other subpaths) runs in a browser
 * too; file paths live here so that bundlers never meet `node:fs`. The byte-level forms of the
 * same functions are in `parallax-ts/io` (`encodeModel`/`decodeModel`, `encodeCheckpoint`/
 * `decodeCheckpoint`, `encodeStateDict`/`decodeStateDict`).
 *
 * @example
 * import { initialize, nn, random } from 'parallax-ts'
 * import { loadModel, saveModel } from 'parallax-ts/node'
 * await saveModel('model.safetensors', initialize(nn.MLP.create([4, 8, 2]))(random.key(0)))
 * const mlp = await loadModel('model.safetensors', { expect: nn.MLP })
 *
 * @since 0.2.0
 */
export { readSafetensorsFile, readSafetensorsFileSync, writeSafetensorsFile, writeSafetensorsFileSync } from './files.js';
export { atomicWriteFile, atomicWriteFileSync, type AtomicWriteOptions, type WriteSource } from './atomicWrite.js';
export { loadStateDictFile, loadStateDictFileSync, saveStateDict, saveStateDictSync } from './stateDictFile.js';
export { loadCheckpoint, loadCheckpointSync, saveCheckpoint, saveCheckpointSync } from './checkpointFile.js';
export { loadModel, loadModelSync, saveModel, saveModelSync } from './modelFile.js';
