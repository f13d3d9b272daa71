/**
 * Errors that name where in a module tree they happened. A layer throws `new ModuleError(detail)`;
 * as the error passes up through each enclosing module's forward pass, the field holding the
 * failing submodule is prepended, so the user reads `Linear at "encoder.layers.1": ...`.
 *
 * @example
 * import { defineModule, formatShape, ModuleError, tf } from 'parallax-ts'
 * const Head = defineModule('my-app/Head', {
 *   name: 'Head',
 *   fields: {},
 *   forward: (_m, x: tf.Tensor) => {
 *     if (x.rank !== 2) throw new ModuleError(`expected input of shape [N, 3], got ${formatShape(x.shape)}`)
 *     return x
 *   },
 * })
 * // caught and rethrown by each enclosing forward pass, e.g. as 'Head at "encoder.0": expected input of shape ...'
 * @category errors
 * @since 0.1.0
 */
export class ModuleError extends Error {
  /** Field names from the root to the module that failed (`[]` when the root failed). */
  readonly path: string[] = [];
  /** The module's kind name (`"Linear"`), filled in by the first enclosing forward pass. */
  moduleName: string | undefined;
  /** What went wrong, without the location. */
  readonly detail: string;
  /** @internal the module record the path currently ends at, while the error bubbles up. */
  at: object | undefined;

  constructor(detail: string, options?: { readonly cause?: unknown }) {
    super(detail, options);
    this.name = 'ModuleError';
    this.detail = detail;
  }

  /** Dotted path, e.g. `"layers.1.weight"`; `""` for the root. */
  get pathString(): string {
    return this.path.join('.');
  }

  /** @internal rebuilds `message` after the path changed. */
  refresh(): void {
    const where = this.path.length === 0 ? 'the root module' : `"${this.pathString}"`;
    this.message = `${this.moduleName ?? 'module'} at ${where}: ${this.detail}`;
  }
}

/**
 * Formats a shape for messages: `[3, 4]`, with `*` for an unconstrained axis.
 * @example
 * import { formatShape } from 'parallax-ts'
 * formatShape([3, null]) // '[3, *]'
 * @category errors
 * @since 0.1.0
 */
export const formatShape = (shape: ReadonlyArray<number | null>): string =>
  `[${shape.map((d) => (d === null ? '*' : String(d))).join(', ')}]`;
