/**
 * Printing optimizer state: counts as numbers, moment trees as modules (`null` where a leaf has no
 * state), nested in the records and arrays that chains and partitions build.
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { isModule } from '../tree/Module.js';
import { getShow } from '../tree/Show.js';

const moduleShow = getShow();

const render = (u: unknown, indent: string): string => {
  const inner = `${indent}  `;
  if (u instanceof tf.Tensor) return `${u.dtype}[${u.shape.join(', ')}]`;
  if (isModule(u)) return moduleShow.show(u).split('\n').join(`\n${indent}`);
  if (Array.isArray(u)) {
    if (u.length === 0) return '[]';
    return `[\n${u.map((x, i) => `${inner}${i}: ${render(x, inner)}`).join('\n')}\n${indent}]`;
  }
  if (typeof u === 'object' && u !== null) {
    const entries = Object.entries(u);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, x]) => `${inner}${k}: ${render(x, inner)}`).join('\n')}\n${indent}}`;
  }
  return String(u);
};

/**
 * A readable multi-line picture of an optimizer state.
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * console.log(optim.showState(optim.adam(1e-3).init(params)))
 * // [
 * //   0: {
 * //     count: 0
 * //     mu: Linear(2, 3) { weight: float32[3, 2], bias: float32[3] }
 * //   ...
 * @category utils
 * @since 0.1.0
 */
export const showState = (state: unknown): string => render(state, '');
