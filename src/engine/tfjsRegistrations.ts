/**
 * tfjs-core's gradient functions and chained tensor methods, registered for Node: the CommonJS
 * bundle that `npm run gen:tfjs` makes of tfjsRegistrations.esm.ts (tfjs-core's registration
 * files are ES modules with extensionless imports, which plain Node cannot load). It registers
 * into tfjs's global registries, so it acts on the engine that `@tensorflow/tfjs-core` exports.
 *
 * Used by the sources (tests, examples run with tsx) and the CommonJS build, which Node loads for
 * both `import` and `require`; the ES-module build, for bundlers, has tfjsRegistrations.esm.ts in
 * this file's place (see there and scripts/build.mjs), so browser bundles carry one tfjs-core.
 *
 * @since 0.2.0
 */
import './tfjs-registrations.generated.cjs';
