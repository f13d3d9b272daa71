/**
 * `parallax-ts/io`: tensors in and out of safetensors files.
 *
 * - `parseSafetensors` / `serializeSafetensors`: bytes ⇄ raw tensors, no tfjs, fully validated.
 * - `decodeTensors` / `encodeTensors`, `rawToTensors` / `tensorsToRaw`: the tfjs edge.
 * - `readSafetensorsFile` / `writeSafetensorsFile` (and `Sync`): files, written atomically.
 * - `stateDict` / `loadStateDict`: a module's leaves by key (PyTorch's names); `saveStateDict` /
 *   `loadStateDictFile`: state dicts as files; `saveModel` / `loadModel`: architecture and weights,
 *   the architecture written and built with a layer registry (`nn.builtinLayers` by default), the
 *   model typed and its kind checked with `{ expect: nn.MLP }`.
 * - `saveCheckpoint` / `loadCheckpoint`: a training run's params, optimizer state, key and step;
 *   restored into a template (`{ params: Net.create(), optimizer }`) and typed from it.
 *
 * Files are not trusted: every reader works in memory bounded by the file's size plus the tensors
 * it declares, without recursion on anything the file nests, and fails with one of this module's
 * typed errors (`SafetensorsError`, `StateDictError`, `CheckpointError`, `FileError`) or
 * `nn.ConfigError`, never a stray `TypeError` or `RangeError` (see the README's "Reliability").
 *
 * @since 0.1.0
 */
export { DtypeCodec, dtypes, itemSize, type Dtype } from './dtype.js';
export { HeaderCodec, MAX_HEADER_PROBLEMS, MetadataCodec, TensorInfoCodec, type Header, type Metadata, type TensorInfo } from './header.js';
export { rawTensor, type RawTensor } from './RawTensor.js';
export {
  MAX_HEADER_BYTES,
  SafetensorsError,
  parseSafetensors,
  safetensorsChunks,
  serializeSafetensors,
  type RawTensorEntries,
  type Safetensors,
} from './safetensors.js';
export { readsAs, writableAs, type TfDtype } from './rawValues.js';
export {
  decodeTensors,
  encodeTensors,
  rawToTensor,
  rawToTensors,
  tensorToRaw,
  tensorsToRaw,
  type EncodeOptions,
  type TensorEntries,
} from './tensors.js';
export { FileError } from './FileError.js';
export { float16BitsFromNumber, float16BitsToNumber } from './float16.js';
export { bfloat16BitsFromNumber, bfloat16BitsToNumber } from './bfloat16.js';
export { stateDict, stateDictEntries, stateDictKeys, type StateDictEntry } from './stateDictEntries.js';
export { StateDictError, type StateDictProblem } from './StateDictError.js';
export { loadStateDict, type LoadStateDictOptions } from './loadStateDict.js';
export { decodeStateDict, encodeStateDict, loadStateDictRaw, stateDictToRaw, type SaveStateDictOptions } from './stateDictFile.js';
export {
  CHECKPOINT_METADATA_KEY,
  CHECKPOINT_VERSION,
  CheckpointError,
  CheckpointHeaderCodec,
  checkpointHeader,
  decodeCheckpoint,
  encodeCheckpoint,
  type CheckpointHeader,
  type CheckpointState,
  type CheckpointTemplate,
  type OptimizerTemplate,
  type RestoredCheckpoint,
  type StateTemplate,
  type SaveCheckpointOptions,
} from './checkpoint.js';
export { namedLeaves, replaceLeaves, type NamedLeaves, type ScalarLeaf, type TensorSlot } from './namedLeaves.js';
export {
  ARCHITECTURE_KEY,
  decodeModel,
  encodeModel,
  architectureFromRegistry,
  type ArchitectureCodec,
  type ExpectModelOptions,
  type LoadModelOptions,
  type SaveModelOptions,
} from './model.js';
