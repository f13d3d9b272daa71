/**
 * Structural equality of the data a module carries besides its leaves (constants and contexts):
 * primitives by value (`NaN` equals `NaN`), arrays and plain records field by field. Iterative, so
 * a deeply nested constant compares without exhausting the JavaScript stack.
 *
 * @since 0.2.0
 */

/** How deep two data values are compared before they are called different (a cycle, or hostile data). */
const MAX_DATA_DEPTH = 100_000;

/**
 * Whether `x` and `y` are the same data. Values nested deeper than 100,000 levels compare unequal.
 * @internal
 */
export const sameData = (x: unknown, y: unknown): boolean => {
  const stack: Array<readonly [unknown, unknown, number]> = [[x, y, 0]];
  while (stack.length > 0) {
    const [a, b, depth] = stack.pop()!;
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Array.isArray(a) !== Array.isArray(b) || depth >= MAX_DATA_DEPTH) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (let i = ka.length - 1; i >= 0; i--) {
      const k = ka[i]!;
      if (!Object.prototype.hasOwnProperty.call(rb, k)) return false;
      stack.push([ra[k], rb[k], depth + 1]);
    }
  }
  return true;
};
