/**
 * The error the file functions throw when the file system fails them: it names the file the
 * caller asked for (never a temporary file), says whether it was being read or written, and keeps
 * the system error's `code` (`'ENOENT'`, `'ENOSPC'`, ...), `errno` and `syscall`, with the system
 * error itself as `cause`.
 *
 * @since 0.2.0
 */

/**
 * A file could not be read or written. `path` is the file asked for; `code` the system's error
 * code (`'ENOENT'`, `'ENOSPC'`, `'EACCES'`, ...) when there is one; `cause` the original error.
 * @example
 * import { io } from 'parallax-ts'
 * import { readSafetensorsFileSync } from 'parallax-ts/node'
 * try {
 *   readSafetensorsFileSync('missing.safetensors')
 * } catch (e) {
 *   if (e instanceof io.FileError) console.log(e.code, e.path) // 'ENOENT' 'missing.safetensors'
 * }
 * @category errors
 * @since 0.2.0
 */
export class FileError extends Error {
  override readonly name = 'FileError';
  /** The file the caller asked to read or write. */
  readonly path: string;
  /** The system error code (`'ENOENT'`, `'ENOSPC'`, ...), if the failure had one. */
  readonly code: string | undefined;
  readonly errno: number | undefined;
  readonly syscall: string | undefined;

  constructor(message: string, options: { readonly path: string; readonly cause?: unknown; readonly code?: string }) {
    super(message, { cause: options.cause });
    const system = options.cause as NodeJS.ErrnoException | undefined;
    this.path = options.path;
    this.code = options.code ?? (typeof system?.code === 'string' ? system.code : undefined);
    this.errno = typeof system?.errno === 'number' ? system.errno : undefined;
    this.syscall = typeof system?.syscall === 'string' ? system.syscall : undefined;
  }
}
