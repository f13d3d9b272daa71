/**
 * `CompileError`: what a compiled step cannot record or replay faithfully, named by where it
 * happened (a kernel, a read, an argument path) and what to do instead.
 *
 * @since 0.2.0
 */

/**
 * Thrown by `compile`d functions: a step that reads tensor values on the host or draws unkeyed
 * random numbers (`Math.random`: tfjs's unseeded `tf.randomUniform`, `tf.dropout`…) while recording, an
 * argument that is not a tree of tensors, keys and plain values, a check-mode run whose replay
 * differs from the uncompiled step, a replayed kernel whose output shape changed.
 * @example
 * import { compile, CompileError, tf } from 'parallax-ts'
 * const f = compile((x: tf.Tensor) => tf.mul(x, x.dataSync()[0]!))
 * try {
 *   f(tf.ones([2]))
 * } catch (e) {
 *   if (e instanceof CompileError) console.log(e.reason) // 'read'
 * }
 * @category errors
 * @since 0.2.0
 */
export class CompileError extends Error {
  /**
   * Which rule was broken: a host `read`, unkeyed `random` numbers, a `mismatch` in check mode, a
   * changed `shape`, a bad `argument`.
   */
  readonly reason: 'read' | 'random' | 'mismatch' | 'shape' | 'argument';
  /** Where: an argument or result path (`args[0].params.weight`), or a kernel name. */
  readonly path: string;

  constructor(reason: CompileError['reason'], path: string, message: string) {
    super(`compile: ${message}`);
    this.name = 'CompileError';
    this.reason = reason;
    this.path = path;
  }
}
