/**
 * safetensors files on disk: read whole, validated as `parseSafetensors` does; written atomically
 * (see `atomicWrite.ts`), so a failed or interrupted write leaves the previous file intact.
 *
 * @since 0.1.0
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { atomicWriteFile, atomicWriteFileSync } from './atomicWrite.js';
import type { Metadata } from './header.js';
import { SafetensorsError, parseSafetensors, safetensorsChunks, type RawTensorEntries, type Safetensors } from './safetensors.js';

const plainBytes = (buffer: Buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

const withPath = <A>(path: string, read: () => A): A => {
  try {
    return read();
  } catch (e) {
    throw e instanceof SafetensorsError ? new SafetensorsError(`${path}: ${e.message}`, e.problems) : e;
  }
};

/**
 * Reads and validates a safetensors file; errors name the file.
 * @example
 * import { io } from 'parallax-ts'
 * const { tensors, metadata } = await io.readSafetensorsFile('model.safetensors')
 * const weights = io.rawToTensors(tensors) // tfjs tensors, owned by the caller
 * @category files
 * @since 0.1.0
 */
export const readSafetensorsFile = async (path: string): Promise<Safetensors> => {
  const bytes = plainBytes(await fsp.readFile(path));
  return withPath(path, () => parseSafetensors(bytes));
};

/**
 * Reads and validates a safetensors file, synchronously.
 * @example
 * import { io } from 'parallax-ts'
 * const { tensors } = io.readSafetensorsFileSync('model.safetensors')
 * @category files
 * @since 0.1.0
 */
export const readSafetensorsFileSync = (path: string): Safetensors => {
  const bytes = plainBytes(fs.readFileSync(path));
  return withPath(path, () => parseSafetensors(bytes));
};

/**
 * Writes raw tensors (and optional metadata) to a safetensors file atomically. Everything is
 * validated before the file system is touched.
 * @example
 * import { io, tf } from 'parallax-ts'
 * await io.writeSafetensorsFile('model.safetensors', io.tensorsToRaw({ w: tf.ones([2, 2]) }), { format: 'pt' })
 * @category files
 * @since 0.1.0
 */
export const writeSafetensorsFile = (path: string, entries: RawTensorEntries, metadata: Metadata = {}): Promise<void> => {
  let chunks: ReadonlyArray<Uint8Array>;
  try {
    chunks = safetensorsChunks(entries, metadata);
  } catch (e) {
    return Promise.reject(e);
  }
  return atomicWriteFile(path, chunks);
};

/**
 * Writes raw tensors (and optional metadata) to a safetensors file atomically, synchronously.
 * @example
 * import { io, tf } from 'parallax-ts'
 * io.writeSafetensorsFileSync('model.safetensors', io.tensorsToRaw({ w: tf.ones([2, 2]) }))
 * @category files
 * @since 0.1.0
 */
export const writeSafetensorsFileSync = (path: string, entries: RawTensorEntries, metadata: Metadata = {}): void =>
  atomicWriteFileSync(path, safetensorsChunks(entries, metadata));
