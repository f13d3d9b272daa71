/**
 * The error of the safetensors format: a malformed file, or input that cannot be written as one.
 *
 * @since 0.1.0
 */

/**
 * Thrown for a malformed file or unwritable input; the message lists every problem.
 * @example
 * import { io } from 'parallax-ts'
 * try {
 *   io.parseSafetensors(new Uint8Array(3))
 * } catch (e) {
 *   if (e instanceof io.SafetensorsError) console.log(e.problems) // ['file is 3 bytes long; it must start with an 8-byte header length (truncated?)']
 * }
 * @category errors
 * @since 0.1.0
 */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
  constructor(
    message: string,
    /** Each problem on its own, for programs that want them apart. */
    readonly problems: ReadonlyArray<string> = [message],
  ) {
    super(message);
  }
}
