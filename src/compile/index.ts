/**
 * `parallax-ts/compile`: record a pure step's backend kernels once, replay them on later calls.
 *
 * @example
 * import { compile } from 'parallax-ts/compile'
 * import { tf } from 'parallax-ts/engine'
 * const f = compile((x: tf.Tensor) => tf.tanh(tf.mul(x, 2)))
 * f(tf.ones([3])) // recorded
 * f(tf.zeros([3])) // replayed
 * @since 0.2.0
 */
export { compile, compileSelf, type Compiled, type CompileOptions, type CompileStats } from './compile.js';
export { CompileError } from './CompileError.js';
export { advanceCounter, checkValues, counterScalar, decideOnValues, hostTensor, keyedTensor } from './host.js';
