/**
 * The error of backend selection: an argument (or environment variable) that names no registered
 * backend, or wasm paths that are not a folder or a complete map of the three binaries.
 *
 * @since 0.2.0
 */

/**
 * Thrown for a backend argument that cannot be used: `argument` names it (`"setBackend(name)"`,
 * `"ready({ backend })"`, `"PARALLAX_BACKEND"`, `"setWasmPaths(paths)"`, …), `expected` says what
 * would be accepted (for a backend name: the registered backends), `actual` what was given, and
 * the message adds what to do about it (the package to import, when the backend is a known one).
 *
 * A backend that is registered but fails to *start* (wasm whose `.wasm` files are not served,
 * webgl without a GPU context) is no `BackendError`: `ready` falls back to `cpu` and
 * `setBackend` returns `false`, each with a warning.
 *
 * @example
 * import { BackendError, setBackend } from 'parallax-ts/engine'
 * try {
 *   await setBackend('webgl') // not registered unless the app imports @tensorflow/tfjs-backend-webgl
 * } catch (e) {
 *   if (e instanceof BackendError) e.expected // 'one of the registered backends "cpu", "wasm"'
 * }
 * @category errors
 * @since 0.2.0
 */
export class BackendError extends Error {
  /** The argument (or environment variable) that was wrong, as the caller wrote it. */
  readonly argument: string;
  /** What would have been accepted. */
  readonly expected: string;
  /** What was given, as JSON where it can be. */
  readonly actual: string;

  constructor(argument: string, expected: string, actual: string, hint?: string) {
    super(`${argument}: expected ${expected}, got ${actual}${hint === undefined ? '' : `. ${hint}`}`);
    this.name = 'BackendError';
    this.argument = argument;
    this.expected = expected;
    this.actual = actual;
  }
}
