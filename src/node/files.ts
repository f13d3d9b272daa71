/**
 * safetensors files on disk: read whole, validated as `parseSafetensors` does; written atomically
 * (see `atomicWrite.ts`), so a failed or interrupted write leaves the previous file intact. A
 * file-system failure is a `FileError` naming the file; a malformed file a `SafetensorsError`.
 *
 * @since 0.1.0
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { describeValue } from '../tree/walk.js';
import { atomicWriteFile, atomicWriteFileSync } from './atomicWrite.js';
import { FileError } from '../io/FileError.js';
import { isSystemError } from './systemError.js';
import type { Metadata } from '../io/header.js';
import { SafetensorsError, parseSafetensors, safetensorsChunks, type RawTensorEntries, type Safetensors } from '../io/safetensors.js';

const withPath = <A>(path: string, read: () => A): A => {
  try {
    return read();
  } catch (e) {
    throw e instanceof SafetensorsError ? new SafetensorsError(`${path}: ${e.message}`, e.problems) : e;
  }
};

const checkPath = (where: string, path: unknown): string => {
  if (typeof path !== 'string' || path === '') {
    throw new FileError(`${where}: argument path: expected a file path (a non-empty string), got ${describeValue(path)}`, {
      path: String(path),
      code: 'ERR_INVALID_ARG_TYPE',
    });
  }
  return path;
};

const readError = (path: string, e: unknown): FileError => {
  if (e instanceof FileError) return e;
  if (isSystemError(e)) {
    return new FileError(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : `${e.code}: ${e.syscall} failed`}`, {
      path,
      cause: e,
    });
  }
  // e.g. a RangeError: the file is larger than one buffer can hold
  return new FileError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, { path, cause: e });
};

const notRegular = (path: string): FileError =>
  new FileError(`cannot read ${path}: not a regular file (a directory, device or pipe is not a safetensors file)`, {
    path,
    code: 'EINVAL',
  });

/**
 * The bytes of a regular file, read to its size as it was when opened: a device, pipe or directory
 * (whose "size" says nothing about how much a read would return) is refused, so a read never takes
 * more memory than the file's length.
 */
const readRegularFileSync = (path: string): Uint8Array => {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, 'r');
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw notRegular(path);
    const bytes = new Uint8Array(st.size);
    let at = 0;
    while (at < bytes.length) {
      const n = fs.readSync(fd, bytes, at, bytes.length - at, at);
      if (n === 0) break; // the file shrank while being read: parse what is there (it will say "truncated")
      at += n;
    }
    return at === bytes.length ? bytes : bytes.subarray(0, at);
  } catch (e) {
    throw readError(path, e);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
};

const readRegularFile = async (path: string): Promise<Uint8Array> => {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(path, 'r');
    const st = await handle.stat();
    if (!st.isFile()) throw notRegular(path);
    const bytes = new Uint8Array(st.size);
    let at = 0;
    while (at < bytes.length) {
      const { bytesRead } = await handle.read(bytes, at, bytes.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === bytes.length ? bytes : bytes.subarray(0, at);
  } catch (e) {
    throw readError(path, e);
  } finally {
    await handle?.close();
  }
};

/**
 * Reads and validates a safetensors file; errors name the file (a `SafetensorsError` for a
 * malformed file, a `FileError` when it cannot be read). Takes the file's length in memory, plus
 * the parsed header.
 * @example
 * import { io } from 'parallax-ts'
 * import { readSafetensorsFile } from 'parallax-ts/node'
 * const { tensors, metadata } = await readSafetensorsFile('model.safetensors')
 * const weights = io.rawToTensors(tensors) // tfjs tensors, owned by the caller
 * @category files
 * @since 0.1.0
 */
export const readSafetensorsFile = async (path: string): Promise<Safetensors> => {
  const bytes = await readRegularFile(checkPath('readSafetensorsFile', path));
  return withPath(path, () => parseSafetensors(bytes));
};

/**
 * Reads and validates a safetensors file, synchronously.
 * @example
 * import { readSafetensorsFileSync } from 'parallax-ts/node'
 * const { tensors } = readSafetensorsFileSync('model.safetensors')
 * @category files
 * @since 0.1.0
 */
export const readSafetensorsFileSync = (path: string): Safetensors => {
  const bytes = readRegularFileSync(checkPath('readSafetensorsFileSync', path));
  return withPath(path, () => parseSafetensors(bytes));
};

/**
 * Writes raw tensors (and optional metadata) to a safetensors file atomically. Everything is
 * validated before the file system is touched.
 * @example
 * import { io, tf } from 'parallax-ts'
 * import { writeSafetensorsFile } from 'parallax-ts/node'
 * await writeSafetensorsFile('model.safetensors', io.tensorsToRaw({ w: tf.ones([2, 2]) }), { format: 'pt' })
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
 * import { writeSafetensorsFileSync } from 'parallax-ts/node'
 * writeSafetensorsFileSync('model.safetensors', io.tensorsToRaw({ w: tf.ones([2, 2]) }))
 * @category files
 * @since 0.1.0
 */
export const writeSafetensorsFileSync = (path: string, entries: RawTensorEntries, metadata: Metadata = {}): void =>
  atomicWriteFileSync(path, safetensorsChunks(entries, metadata));
