/**
 * The trained model as a safetensors file, in memory: its state dict (PyTorch's key names,
 * e.g. `conv1.weight`) encoded with the library's byte-level safetensors functions, and decoded
 * back into a fresh `MnistCnn`. Only byte-level modules of src/io are imported (no file paths);
 * the page turns the bytes into a download and reads an upload into bytes.
 */
import { dispose } from '../../src/engine/index.js';
import type { tf } from '../../src/engine/index.js';
import { loadStateDict } from '../../src/io/loadStateDict.js';
import { stateDict } from '../../src/io/stateDictEntries.js';
import { decodeTensors, encodeTensors } from '../../src/io/tensors.js';
import { MnistCnn } from '../../examples/mnist/models.js';

/** Metadata stored in the file's `__metadata__`, naming what it holds. */
const metadata = { format: 'pt', model: 'examples/MnistCnn', producer: 'parallax-ts demo' };

/** The model's safetensors bytes. */
export const encodeModel = (model: MnistCnn<tf.Tensor>): Uint8Array => encodeTensors(stateDict(model), metadata);

/**
 * A fresh `MnistCnn` holding the file's tensors (owned by the caller). Throws the library's
 * errors for a file that is not safetensors or does not fit the model (they name the key and the
 * expected vs actual shape).
 */
export const decodeModel = (bytes: Uint8Array): MnistCnn<tf.Tensor> => {
  const tensors = decodeTensors(bytes);
  try {
    return loadStateDict(MnistCnn.create(), tensors);
  } finally {
    dispose(tensors); // loadStateDict placed clones
  }
};
