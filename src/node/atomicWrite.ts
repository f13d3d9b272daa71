/**
 * Atomic file replacement: readers see either the old file or the complete new one, never a torn
 * mix, even if the process dies mid-write.
 *
 * The bytes go to a temporary file in the target's directory (same file system, so the rename is
 * atomic), which is flushed to disk (`fsync`) and then renamed over the target; finally the
 * directory is flushed so the rename itself survives a power cut. On any error the temporary file
 * is removed and the previous file is left untouched, and a file-system error is reported as a
 * `FileError` naming the target (not the temporary file).
 *
 * Nothing is left behind for long: a process killed mid-write (SIGKILL, a crash, a power cut) may
 * leave its `.<name>.<pid>.<host>.<random>.tmp`, never a damaged target, and the next write to the
 * same directory removes every such file whose process (on this host) is gone. A SIGINT or SIGTERM
 * during a write removes its temporary file and then ends the process as it would have (see
 * `beginWrite` for the one case, a program that never yields to the event loop, where it cannot).
 *
 * The new file keeps the mode of the file it replaces (else `0o666` less the umask, or
 * `options.mode`). A symbolic link at `path` is replaced by the file, not followed.
 *
 * @since 0.1.0
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { describeValue } from '../tree/walk.js';
import { FileError } from '../io/FileError.js';
import { isSystemError } from './systemError.js';

/**
 * The bytes to write: one array, or chunks written in order.
 * @example
 * import { type WriteSource } from 'parallax-ts/node'
 * const one: WriteSource = new Uint8Array([1, 2])
 * const chunks: WriteSource = [new Uint8Array([1]), new Uint8Array([2])]
 * @category model
 * @since 0.1.0
 */
export type WriteSource = Uint8Array | Iterable<Uint8Array>;

/**
 * Options for atomic writes.
 * @example
 * import { type AtomicWriteOptions, atomicWriteFileSync } from 'parallax-ts/node'
 * const options: AtomicWriteOptions = { mode: 0o600 }
 * atomicWriteFileSync('secret.bin', new Uint8Array([1]), options)
 * @category model
 * @since 0.1.0
 */
export interface AtomicWriteOptions {
  /** Permission bits of the new file; by default those of the file replaced, else 0o666 & ~umask. */
  readonly mode?: number;
}

// -------------------------------------------------------------------------------------
// temporary files: named so that the next writer can tell a dead writer's leftovers
// -------------------------------------------------------------------------------------

/** 32-bit FNV-1a of a string's UTF-16 code units, as 8 hex digits: this host's tag in temporary file names. */
const tagOf = (s: string): string => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
};

/** Which machine wrote a temporary file: a writer on another host sharing the directory (NFS) is never taken for dead. */
const hostTag = tagOf(os.hostname());

/**
 * `.<name>.<pid>.<host>.<random>.tmp`: the writer's process id and host tag let a later writer
 * remove the file once that process is gone. (Before 0.2.0 the name had no host tag.)
 */
const temporaryPathFor = (path: string): string =>
  nodePath.join(nodePath.dirname(path), `.${nodePath.basename(path)}.${process.pid}.${hostTag}.${randomBytes(6).toString('hex')}.tmp`);

const TEMPORARY_NAME = /^\..+\.(\d+)\.([0-9a-f]{8})\.[0-9a-f]{12}\.tmp$/;
const LEGACY_TEMPORARY_NAME = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * How old a temporary file of the pre-0.2.0 form (no host tag) must be before a later writer
 * removes it: its process id cannot be checked against the right host, so only its age says that
 * nobody is still writing it.
 */
const LEGACY_GRACE_MS = 10 * 60 * 1000;

/** The temporary files this process is writing right now (a dead writer's are never among them). */
const activeTemporaries = new Set<string>();

const isAlive = (pid: number): boolean => {
  if (!Number.isSafeInteger(pid) || pid <= 1) return true; // never judge pid 0 (a process group) or init
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: alive, another user's
  }
};

/**
 * Whether `name` (in `directory`) is a temporary file this library wrote whose writer is gone: a
 * process of this host that no longer runs (or this very process, when it is not writing it: a
 * dead writer's pid reused). `mtimeMs` is asked only for a pre-0.2.0 name.
 */
const isDeadWritersFile = (directory: string, name: string, mtimeMs: () => number | undefined): boolean => {
  const current = TEMPORARY_NAME.exec(name);
  if (current !== null) {
    if (current[2] !== hostTag) return false;
    const pid = Number(current[1]);
    return pid === process.pid ? !activeTemporaries.has(nodePath.join(directory, name)) : !isAlive(pid);
  }
  const legacy = LEGACY_TEMPORARY_NAME.exec(name);
  if (legacy === null) return false;
  const pid = Number(legacy[1]);
  if (pid !== process.pid && isAlive(pid)) return false;
  const mtime = mtimeMs();
  return mtime !== undefined && Date.now() - mtime > LEGACY_GRACE_MS;
};

/** Removes the temporary files of dead writers in `directory` (best effort: a failure here never fails the write). */
const removeDeadWritersFilesSync = (directory: string): void => {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(directory, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.tmp')) continue;
    const file = nodePath.join(directory, entry.name);
    const mtime = (): number | undefined => {
      try {
        return fs.lstatSync(file).mtimeMs;
      } catch {
        return undefined;
      }
    };
    if (isDeadWritersFile(directory, entry.name, mtime)) {
      try {
        fs.unlinkSync(file);
      } catch {
        // gone already, or not ours to remove
      }
    }
  }
};

const removeDeadWritersFiles = async (directory: string): Promise<void> => {
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(directory, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.tmp')) continue;
    const file = nodePath.join(directory, entry.name);
    let mtimeMs: number | undefined;
    if (LEGACY_TEMPORARY_NAME.test(entry.name))
      mtimeMs = await fsp.lstat(file).then(
        (st) => st.mtimeMs,
        () => undefined,
      );
    if (isDeadWritersFile(directory, entry.name, () => mtimeMs)) await fsp.unlink(file).catch(() => undefined);
  }
};

// -------------------------------------------------------------------------------------
// signals: SIGINT / SIGTERM during a write remove its temporary file, then end the process as before
// -------------------------------------------------------------------------------------

const GUARDED_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let armed = false;
/** A disarm is scheduled for the event loop's next turn (see `endWrite`). */
let disarmScheduled = false;
/** Set when a synchronous write finds that the loop has not turned since the last one (see `beginWrite`). */
let noYield = false;

const removeActiveTemporaries = (): void => {
  for (const file of activeTemporaries) {
    try {
      fs.rmSync(file, { force: true });
    } catch {
      // the process is ending: nothing more to do
    }
  }
  activeTemporaries.clear();
};

const onSignal = (signal: NodeJS.Signals): void => {
  removeActiveTemporaries();
  disarm();
  // Deliver the signal again with our listener gone: unless the program listens for it itself, it
  // now ends the process exactly as it would have without us.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
};

const arm = (): void => {
  if (armed || !isMainThread) return;
  armed = true;
  for (const signal of GUARDED_SIGNALS) process.on(signal, onSignal);
  process.on('exit', removeActiveTemporaries);
};

const disarm = (): void => {
  if (!armed) return;
  armed = false;
  for (const signal of GUARDED_SIGNALS) process.removeListener(signal, onSignal);
  process.removeListener('exit', removeActiveTemporaries);
};

/**
 * Registers a temporary file about to be written and arms the signal guard. A listener is how
 * Node lets a program act on SIGINT/SIGTERM, but it only runs when the event loop turns: during a
 * synchronous write the signal waits, the write completes (renamed: no temporary file left), and
 * the listener then ends the process. A program that never returns to the event loop between two
 * synchronous writes would keep a listener forever and so never end on those signals; the second
 * write notices (the first's disarm has not run) and gives the signals back their default action
 * until the loop turns again (then a killed write's file is removed by the next write instead).
 */
const beginWrite = (temporary: string, sync: boolean): void => {
  if (sync && disarmScheduled) {
    noYield = true;
    if (activeTemporaries.size === 0) disarm();
  }
  activeTemporaries.add(temporary);
  if (!(sync && noYield)) arm();
};

/**
 * Unregisters a finished write. The guard is disarmed only after the event loop has polled for
 * events once more, so that a signal which came during the write (and waits, queued, for that
 * poll) reaches the listener first: removing the last listener drops a queued signal. Two
 * immediates make sure of it: the write may have run inside a callback of the poll phase (an ES
 * module's evaluation can), whose own check phase comes before the next poll.
 */
const endWrite = (temporary: string): void => {
  activeTemporaries.delete(temporary);
  if (activeTemporaries.size > 0 || !armed || disarmScheduled) return;
  disarmScheduled = true;
  setImmediate(() =>
    setImmediate(() => {
      disarmScheduled = false;
      noYield = false;
      if (activeTemporaries.size === 0) disarm();
    }),
  );
};

const chunksOf = (data: WriteSource): Iterable<Uint8Array> => (data instanceof Uint8Array ? [data] : data);

/** Error codes of platforms whose directories cannot be opened or fsynced (Windows, some FUSE). */
const directorySyncUnsupported = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EACCES']);

const isUnsupported = (e: unknown): boolean => directorySyncUnsupported.has((e as NodeJS.ErrnoException | null)?.code ?? '');

/**
 * A file-system failure reported against the target (the system error names the temporary file,
 * `.<name>.<pid>.<host>.<random>.tmp`, which tells the caller nothing): a {@link FileError} with the
 * target's path and the system error's code, the original as `cause`. Errors that are not the file
 * system's (a chunk source that throws) pass through unchanged.
 */
const reportWriteError = (e: unknown, path: string): unknown => {
  if (!isSystemError(e)) return e;
  const directory = nodePath.dirname(path);
  if (e.code === 'ENOENT' && !fs.existsSync(directory)) {
    return new FileError(
      `cannot write ${path}: the directory ${directory} does not exist (create it first: fs.mkdirSync(${JSON.stringify(directory)}, { recursive: true }))`,
      { path, cause: e },
    );
  }
  const why = e.code === 'ENOSPC' ? ' (no space left on the device; the previous file, if any, is unchanged)' : '';
  return new FileError(`cannot write ${path}: ${e.code}: ${e.syscall} failed${why}`, { path, cause: e });
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

const checkTarget = (where: string, path: unknown): string => {
  if (typeof path !== 'string' || path === '') {
    throw new FileError(`${where}: argument path: expected a file path (a non-empty string), got ${describeValue(path)}`, {
      path: String(path),
      code: 'ERR_INVALID_ARG_TYPE',
    });
  }
  return path;
};

/**
 * Replaces `path` atomically with `data` (an array or chunks), synchronously. On error nothing
 * changes at `path`: a file-system failure is a {@link FileError} naming `path` (its `code` the
 * system's, e.g. `'ENOSPC'`); an error thrown by the chunks is rethrown as it is. Before writing,
 * temporary files that dead writers left in the directory are removed; a SIGINT or SIGTERM during
 * the write ends the process once the write is complete, leaving no temporary file.
 * @example
 * import { atomicWriteFileSync } from 'parallax-ts/node'
 * const encoder = new TextEncoder()
 * atomicWriteFileSync('weights.bin', new Uint8Array([1, 2, 3]))
 * atomicWriteFileSync('log.txt', [encoder.encode('header\n'), encoder.encode('body\n')]) // chunks, written in order
 * @category files
 * @since 0.1.0
 */
export const atomicWriteFileSync = (path: string, data: WriteSource, options: AtomicWriteOptions = {}): void => {
  checkTarget('atomicWriteFileSync', path);
  removeDeadWritersFilesSync(nodePath.dirname(path));
  const temporary = temporaryPathFor(path);
  const mode = options.mode ?? existingMode(path);
  let fd: number | undefined;
  beginWrite(temporary, true);
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
    throw reportWriteError(e, path);
  } finally {
    endWrite(temporary);
  }
  try {
    syncDirectorySync(nodePath.dirname(path));
  } catch (e) {
    throw reportWriteError(e, path);
  }
};

/**
 * Replaces `path` atomically with `data` (an array, chunks, or async chunks). On error (including
 * one thrown by the chunk source) nothing changes at `path` and the promise rejects: a file-system
 * failure as a {@link FileError} naming `path`, a chunk source's error as it is. Before writing,
 * temporary files that dead writers left in the directory are removed; a SIGINT or SIGTERM during
 * the write removes its temporary file, then ends the process as it would have.
 * @example
 * import { atomicWriteFile } from 'parallax-ts/node'
 * await atomicWriteFile('weights.bin', new Uint8Array([1, 2, 3]))
 * @category files
 * @since 0.1.0
 */
export const atomicWriteFile = async (
  path: string,
  data: WriteSource | AsyncIterable<Uint8Array>,
  options: AtomicWriteOptions = {},
): Promise<void> => {
  checkTarget('atomicWriteFile', path);
  await removeDeadWritersFiles(nodePath.dirname(path));
  const temporary = temporaryPathFor(path);
  const mode = options.mode ?? existingMode(path);
  let handle: fsp.FileHandle | undefined;
  beginWrite(temporary, false);
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
    throw reportWriteError(e, path);
  } finally {
    endWrite(temporary);
  }
  try {
    await syncDirectory(nodePath.dirname(path));
  } catch (e) {
    throw reportWriteError(e, path);
  }
};
