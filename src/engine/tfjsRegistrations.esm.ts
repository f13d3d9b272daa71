/**
 * What parallax-ts registers from tfjs-core itself: its gradient functions and its chained tensor
 * methods (`t.reshape(...)`), which tfjs-core's own entry leaves out. They register into tfjs's
 * global registries (gradients, the `Tensor` prototype), so they act on the one engine that
 * `@tensorflow/tfjs-core` exports.
 *
 * This file is the ES-module build's `engine/tfjsRegistrations.js` (scripts/build.mjs puts it
 * there): a bundler resolves these imports to the very modules of tfjs-core that the app's
 * `@tensorflow/tfjs-core` import loads, so a browser bundle holds one tfjs-core. Plain Node
 * cannot load these files (ES modules with extensionless imports), so Node and the CommonJS build
 * use tfjsRegistrations.ts instead, which loads this file bundled into CommonJS by
 * `npm run gen:tfjs`. The package's `exports` send Node (`import` and `require`) to the CommonJS
 * build and bundlers to the ES-module build.
 *
 * @since 0.2.0
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
