/**
 * Atomic file replacement: readers see either the old file or the complete new one, never a torn
 * mix, even if the process dies mid-write.
 *
 * The bytes go to a temporary file in the target's directory (same file system, so the rename is
 * atomic), which is flushed to disk (`fsync`) and then renamed over the target; finally the
 * directory is flushed so the rename itself survives a power cut. On any error the temporary file
 * is removed and the previous file is left untouched. A crash may leave a `.<name>.*.tmp` file
 * behind, never a damaged target.
 *
 * The new file keeps the mode of the file it replaces (else `0o666` less the umask, or
 * `options.mode`). A symbolic link at `path` is replaced by the file, not followed.
 *
 * @since 0.1.0
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';

/**
 * The bytes to write: one array, or chunks written in order.
 * @example
 * import { io } from 'parallax-ts'
 * const one: io.WriteSource = new Uint8Array([1, 2])
 * const chunks: io.WriteSource = [new Uint8Array([1]), new Uint8Array([2])]
 * @category model
 * @since 0.1.0
 */
export type WriteSource = Uint8Array | Iterable<Uint8Array>;

/**
 * Options for atomic writes.
 * @example
 * import { io } from 'parallax-ts'
 * const options: io.AtomicWriteOptions = { mode: 0o600 }
 * io.atomicWriteFileSync('secret.bin', new Uint8Array([1]), options)
 * @category model
 * @since 0.1.0
 */
export interface AtomicWriteOptions {
  /** Permission bits of the new file; by default those of the file replaced, else 0o666 & ~umask. */
  readonly mode?: number;
}

const temporaryPathFor = (path: string): string =>
  nodePath.join(nodePath.dirname(path), `.${nodePath.basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);

const chunksOf = (data: WriteSource): Iterable<Uint8Array> => (data instanceof Uint8Array ? [data] : data);

/** Error codes of platforms whose directories cannot be opened or fsynced (Windows, some FUSE). */
const directorySyncUnsupported = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EACCES']);

const isUnsupported = (e: unknown): boolean => directorySyncUnsupported.has((e as NodeJS.ErrnoException | null)?.code ?? '');

/**
 * A failure because the target's directory does not exist, reported against the target: the
 * system error names the temporary file (`.<name>.<pid>.<random>.tmp`), which tells the caller
 * nothing. Keeps `code`, `errno` and `syscall`; `path` is the target; `cause` the original.
 */
const reportMissingDirectory = (e: unknown, path: string): unknown => {
  const error = e as NodeJS.ErrnoException | null;
  const directory = nodePath.dirname(path);
  if (error?.code !== 'ENOENT' || fs.existsSync(directory)) return e;
  const reported: NodeJS.ErrnoException = new Error(
    `cannot write ${path}: the directory ${directory} does not exist (create it first: fs.mkdirSync(${JSON.stringify(directory)}, { recursive: true }))`,
    { cause: e },
  );
  reported.code = error.code;
  reported.errno = error.errno;
  reported.syscall = error.syscall;
  reported.path = path;
  return reported;
};

const existingMode = (path: string): number | undefined => {
  try {
    return fs.statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
};

const syncDirectorySync = (directory: string): void => {
  if (process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = fs.openSync(directory, 'r');
    fs.fsyncSync(fd);
  } catch (e) {
    if (!isUnsupported(e)) throw e;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
};

const syncDirectory = async (directory: string): Promise<void> => {
  if (process.platform === 'win32') return;
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(directory, 'r');
    await handle.sync();
  } catch (e) {
    if (!isUnsupported(e)) throw e;
  } finally {
    await handle?.close();
  }
};

/**
 * Replaces `path` atomically with `data` (an array or chunks), synchronously. On error nothing
 * changes at `path` and the error is rethrown.
 * @example
 * import { io } from 'parallax-ts'
 * const encoder = new TextEncoder()
 * io.atomicWriteFileSync('weights.bin', new Uint8Array([1, 2, 3]))
 * io.atomicWriteFileSync('log.txt', [encoder.encode('header\n'), encoder.encode('body\n')]) // chunks, written in order
 * @category files
 * @since 0.1.0
 */
export const atomicWriteFileSync = (path: string, data: WriteSource, options: AtomicWriteOptions = {}): void => {
  const temporary = temporaryPathFor(path);
  const mode = options.mode ?? existingMode(path);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temporary, 'wx', mode ?? 0o666);
    if (mode !== undefined) fs.fchmodSync(fd, mode);
    for (const chunk of chunksOf(data)) {
      for (let written = 0; written < chunk.length;) {
        written += fs.writeSync(fd, chunk, written, chunk.length - written);
      }
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temporary, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing: the first error is the one to report
      }
    }
    fs.rmSync(temporary, { force: true });
    throw reportMissingDirectory(e, path);
  }
  syncDirectorySync(nodePath.dirname(path));
};

/**
 * Replaces `path` atomically with `data` (an array, chunks, or async chunks). On error (including
 * one thrown by the chunk source) nothing changes at `path` and the promise rejects with it.
 * @example
 * import { io } from 'parallax-ts'
 * await io.atomicWriteFile('weights.bin', new Uint8Array([1, 2, 3]))
 * @category files
 * @since 0.1.0
 */
export const atomicWriteFile = async (
  path: string,
  data: WriteSource | AsyncIterable<Uint8Array>,
  options: AtomicWriteOptions = {},
): Promise<void> => {
  const temporary = temporaryPathFor(path);
  const mode = options.mode ?? existingMode(path);
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(temporary, 'wx', mode ?? 0o666);
    if (mode !== undefined) await handle.chmod(mode);
    const chunks = data instanceof Uint8Array ? [data] : data;
    for await (const chunk of chunks) {
      for (let written = 0; written < chunk.length;) {
        written += (await handle.write(chunk, written, chunk.length - written)).bytesWritten;
      }
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(temporary, path);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fsp.rm(temporary, { force: true });
    throw reportMissingDirectory(e, path);
  }
  await syncDirectory(nodePath.dirname(path));
};
