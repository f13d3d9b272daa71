/**
 * Telling the file system's errors from a caller's own: Node's system errors carry a `code` and a
 * `syscall`.
 *
 * @since 0.2.0
 */
/**
 * Whether an error came from the file system (a Node system error, with a `code` and a `syscall`),
 * as opposed to one a caller's own code threw (a failing chunk source, say).
 * @example
 * import { isSystemError } from './systemError.js'
 * isSystemError(Object.assign(new Error('no space'), { code: 'ENOSPC', syscall: 'write' })) // true
 * isSystemError(new Error('source failed')) // false
 * @internal
 * @category errors
 * @since 0.2.0
 */
export const isSystemError = (e: unknown): e is NodeJS.ErrnoException =>
  e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
