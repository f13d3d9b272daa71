/**
 * fast-check arbitraries of modules: any module's shape with generated leaves, and initialized
 * modules with generated tensors. Generated modules print through `Show` in fast-check's failure
 * messages ({@link printable}).
 *
 * @since 0.2.0
 */
import * as fc from 'fast-check';
import { tf } from '../engine/backend.js';
import type { AnySpec, ModuleOf } from '../tree/Field.js';
import { fromArray, leafEntries } from '../tree/leaves.js';
import { isParamInit, type ParamInit } from '../tree/ParamInit.js';
import { specOf, type LeafInfo } from '../tree/walk.js';
import { printable } from './report.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';

type Tensor = tf.Tensor;

/**
 * Modules of `module`'s kind and structure (same arrays, constants and contexts) whose leaves are
 * drawn from `leaf`, in leaf order. `leaf` may instead be a function of each leaf's
 * {@link LeafInfo} and current value, giving one arbitrary per leaf (a shape-dependent one, say).
 * Shrinking shrinks the leaves; the structure stays the module's.
 * @example
 * import * as fc from 'fast-check'
 * import { nn, toArray } from 'parallax-ts'
 * import { leavesOf } from 'parallax-ts/testing'
 * const layers = leavesOf(nn.Linear.create(2, 3), fc.integer()) // Arbitrary<Linear<number>>
 * fc.assert(fc.property(layers, (m) => toArray(m).length === 2))
 * const byPath = leavesOf(nn.Linear.create(2, 3), (info) => fc.constant(info.path)) // leaves 'weight', 'bias'
 * @category arbitraries
 * @since 0.2.0
 */
export const leavesOf = <S extends AnySpec, A, B>(
  module: ModuleOf<S, A>,
  leaf: fc.Arbitrary<B> | ((info: LeafInfo, a: A) => fc.Arbitrary<B>),
): fc.Arbitrary<ModuleOf<S, B>> => {
  const entries = leafEntries(module);
  const arbitraries = entries.map(([info, a]) => (typeof leaf === 'function' ? leaf(info, a as A) : leaf));
  return fc.tuple(...arbitraries).map((leaves) => printable(fromArray(module, leaves) as ModuleOf<S, B>));
};

/** Options of {@link initializedOf}. @category arbitraries @since 0.2.0 */
export interface TensorBounds {
  /** Smallest element, default `-1` (rounded to float32). */
  readonly min?: number;
  /** Largest element, default `1` (rounded to float32). */
  readonly max?: number;
}

const shapeOf = (info: LeafInfo, leaf: unknown): ReadonlyArray<number> => {
  if (isParamInit(leaf)) return leaf.shape;
  if (leaf instanceof tf.Tensor) return leaf.shape;
  throw new ArgumentError(`initializedOf: leaf "${info.path}" is neither a ParamInit nor a Tensor, got ${describeData(leaf)}`);
};

/**
 * Initialized modules shaped like `module` (a module of lazy parameters, or an initialized one):
 * every leaf a new float32 tensor of that leaf's shape, with finite elements in `[min, max]`
 * (default `[-1, 1]`). Meant for small modules: each element is generated and shrunk.
 *
 * **Who disposes the tensors:** each generated module holds new tensors that nothing else
 * references, made when fast-check hands the module to the property (also while shrinking). The
 * property owns them: `dispose(m)` at its end, or run the whole `fc.assert` inside `tidy`, which
 * frees every tensor made during the run (also when the assertion throws).
 * @example
 * import * as fc from 'fast-check'
 * import { nn, tf, tidy } from 'parallax-ts'
 * import { initializedOf } from 'parallax-ts/testing'
 * tidy(() =>
 *   fc.assert(
 *     fc.property(initializedOf(nn.Linear.create(2, 3)), (m) => {
 *       const y = nn.Linear.forward(m, tf.ones([1, 2]))
 *       return y.shape[1] === 3
 *     }),
 *   ),
 * )
 * @category arbitraries
 * @since 0.2.0
 */
export const initializedOf = <S extends AnySpec>(
  module: ModuleOf<S, ParamInit<Tensor> | Tensor>,
  bounds: TensorBounds = {},
): fc.Arbitrary<ModuleOf<S, Tensor>> => {
  const min = Math.fround(bounds.min ?? -1);
  const max = Math.fround(bounds.max ?? 1);
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(min <= max)) {
    throw new ArgumentError(
      `initializedOf: expected finite bounds with min <= max, got [${describeData(bounds.min)}, ${describeData(bounds.max)}] for ${specOf(module).name}`,
    );
  }
  const shapes = leafEntries(module).map(([info, leaf]) => shapeOf(info, leaf));
  const elements = shapes.map((shape) => {
    const size = shape.reduce((n, d) => n * d, 1);
    return fc.float32Array({ minLength: size, maxLength: size, min, max, noNaN: true });
  });
  // Tensors are made in the last step only, so no intermediate value holds any.
  return fc.tuple(...elements).map((data) =>
    printable(
      fromArray(
        module,
        data.map((values, i) => tf.tensor(values, [...shapes[i]!], 'float32')),
      ) as ModuleOf<S, Tensor>,
    ),
  );
};
