/**
 * Gradients over module trees.
 * @since 0.1.0
 */
export * from './valueAndGrad.js';
export { GradError } from './GradError.js';
