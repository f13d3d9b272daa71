/**
 * `parallax-ts/tf`: tfjs-core's API as named exports, on the engine parallax-ts sets up
 * (gradients, chained tensor methods and this folder's kernels registered, as with the `tf` that
 * the root exports). The same functions and classes as `tf` from `parallax-ts`, for apps built
 * with esbuild: esbuild cannot tree-shake a namespace object that a package re-exports
 * (`import { tf } from 'parallax-ts'` keeps all of tfjs-core), but it keeps only the ops an app
 * calls when the app makes the namespace itself, `import * as tf from 'parallax-ts/tf'`. Vite
 * and webpack tree-shake both forms.
 *
 * @example
 * import * as tf from 'parallax-ts/tf'
 * const x: tf.Tensor = tf.tensor2d([[1, 2], [3, 4]])
 * x.transpose().dataSync() // Float32Array [1, 3, 2, 4]
 * @since 0.2.0
 */
import './backend.js';

export * from '@tensorflow/tfjs-core';
