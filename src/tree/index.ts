/**
 * The module core: declarations, records, fp-ts instances, zips, paths and printing. No tfjs here.
 * @since 0.1.0
 */
export * from './Field.js';
export * from './Module.js';
export * from './ModuleError.js';
export * from './ArgumentError.js';
export * from './ParamInit.js';
export * from './Show.js';
export * from './Eq.js';
export * from './Semigroup.js';
