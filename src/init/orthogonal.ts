/**
 * `orthogonal`: a (semi-)orthogonal matrix, as `jax.nn.initializers.orthogonal` (Saxe et al., 2014).
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { normalFloats } from '../random/normal.js';
import type { PRNGKey } from '../random/PRNGKey.js';
import { describeData } from '../tree/describeData.js';
import { type Initializer, makeInitializer } from './Initializer.js';
import { checkPositive } from './normal.js';
import { ArgumentError } from '../tree/ArgumentError.js';

/**
 * The `Q` of the reduced QR decomposition of the `m x n` row-major matrix `a` (`m >= n`), with
 * columns signed so that `R`'s diagonal is non-negative, which makes `Q` unique (and uniformly
 * distributed when `a` is Gaussian). Householder reflections in float64.
 */
const orthonormalColumns = (a: Float64Array, m: number, n: number): Float64Array => {
  const vs: Float64Array[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const v = new Float64Array(m - k);
    if (norm === 0) {
      vs.push(v);
      signs[k] = 1;
      continue;
    }
    const x0 = a[k * n + k]!;
    const alpha = x0 > 0 ? -norm : norm; // R[k][k]; the sign avoids cancellation
    for (let i = k; i < m; i++) v[i - k] = a[i * n + k]!;
    v[0] = x0 - alpha;
    let vnorm = 0;
    for (const x of v) vnorm += x * x;
    vnorm = Math.sqrt(vnorm);
    for (let i = 0; i < v.length; i++) v[i] = v[i]! / vnorm;
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * a[i * n + j]!;
      for (let i = k; i < m; i++) a[i * n + j] = a[i * n + j]! - 2 * v[i - k]! * dot;
    }
    vs.push(v);
    signs[k] = alpha < 0 ? -1 : 1;
  }
  // Q = H_0 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * q[i * n + j]!;
      if (dot !== 0) for (let i = k; i < m; i++) q[i * n + j] = q[i * n + j]! - 2 * v[i - k]! * dot;
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] = q[i * n + j]! * signs[j]!;
  return q;
};

/**
 * `jax.nn.initializers.orthogonal(scale, column_axis)`: the shape is viewed as a matrix with
 * `shape[columnAxis]` columns and all other axes as rows; the result has orthonormal rows or
 * columns (whichever are fewer), times `scale`. Drawn like JAX: a normal matrix from the key (the
 * taller orientation), its QR decomposition, `Q` with `R`'s diagonal made positive — the values
 * agree with JAX's to about float32 precision, since QR algorithms round differently.
 *
 * @example
 * import { init, random } from 'parallax-ts'
 * const w = init.orthogonal()([4, 4])(random.key(0)) // wᵀw = I
 * @category initializers
 * @since 0.1.0
 */
export const orthogonal = (scale = 1, columnAxis = -1): Initializer => {
  const s = Math.fround(checkPositive('orthogonal', 'scale', scale));
  return makeInitializer('orthogonal', (shape, size) => {
    const rank = shape.length;
    if (rank < 2) {
      throw new ArgumentError(`orthogonal: needs a shape with at least 2 axes, got [${shape.join(', ')}]`);
    }
    if (!Number.isInteger(columnAxis) || columnAxis < -rank || columnAxis >= rank) {
      throw new ArgumentError(
        `orthogonal: columnAxis must be an integer in [${-rank}, ${rank - 1}] for shape [${shape.join(', ')}], got ${describeData(columnAxis)}`,
      );
    }
    const col = columnAxis < 0 ? columnAxis + rank : columnAxis;
    const dims = [...shape];
    if (size === 0) return () => tf.zeros(dims, 'float32');
    const nCols = shape[col]!;
    const nRows = size / nCols;
    return (key: PRNGKey) => {
      const wide = nRows < nCols;
      const [m, n] = wide ? [nCols, nRows] : [nRows, nCols];
      const q = orthonormalColumns(Float64Array.from(normalFloats(key, m * n)), m, n);
      // matrix[r][c] (nRows x nCols): Q itself, or Qᵀ when the draw was the transposed orientation
      const at = (r: number, c: number): number => (wide ? q[c * n + r]! : q[r * n + c]!);
      const out = new Float32Array(size);
      // the matrix's rows run over the other axes in order; move its columns to `col`
      const inner = shape.slice(col + 1).reduce((a, b) => a * b, 1);
      for (let r = 0; r < nRows; r++) {
        const outer = Math.floor(r / inner);
        const innerIdx = r % inner;
        for (let c = 0; c < nCols; c++) {
          out[(outer * nCols + c) * inner + innerIdx] = Math.fround(at(r, c)) * s;
        }
      }
      return tf.tensor(out, dims, 'float32');
    };
  });
};
