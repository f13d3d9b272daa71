/**
 * Printing modules like PyTorch: nested, one line per submodule, each with its `extraRepr` and its
 * leaves, followed by the total parameter count.
 *
 * ```text
 * BinaryNetwork(
 *   (dense1): Dense(5, 10) { weight: float32[10, 5], bias: float32[10] }
 *   ...
 * ) 181 parameters
 * ```
 *
 * @since 0.1.0
 */
import type { Show } from 'fp-ts/lib/Show.js';
import type { AnyModule } from './Field.js';
import { isParamInit } from './ParamInit.js';
import { leafEntries, specOf } from './Module.js';

/**
 * How to print one leaf, and optionally count its scalars: an fp-ts `Show` of the leaves, with a
 * `size` for the parameter total. Without `size`, tensors and lazy parameters are counted as by
 * {@link defaultLeafShow}, and a tree of anything else prints no total.
 * @category model
 * @since 0.1.0
 */
export interface LeafShow<A> extends Show<A> {
  /** Scalar elements in the leaf, for the parameter total; `undefined` when unknown. */
  readonly size?: (a: A) => number | undefined;
}

interface TensorLike {
  readonly shape: ReadonlyArray<number>;
  readonly dtype: string;
  readonly size: number;
}
const isTensorLike = (u: unknown): u is TensorLike =>
  typeof u === 'object' && u !== null && Array.isArray((u as TensorLike).shape) && typeof (u as TensorLike).dtype === 'string';

const showValue = (a: unknown): string =>
  isTensorLike(a)
    ? `${a.dtype}[${a.shape.join(', ')}]`
    : isParamInit(a)
      ? `uninitialized[${a.shape.join(', ')}]`
      : Array.isArray(a)
        ? `[${a.map(showValue).join(', ')}]`
        : String(a);

/**
 * The default leaf printer: tensors as `float32[10, 5]`, lazy parameters as `uninitialized[10, 5]`,
 * arrays (a tree of shapes) as `[10, 5]`, anything else with `String`.
 * @example
 * import { defaultLeafShow, tf } from 'parallax-ts'
 * defaultLeafShow.show(tf.zeros([2, 3])) // 'float32[2, 3]'
 * defaultLeafShow.size(tf.zeros([2, 3])) // 6
 * @category instances
 * @since 0.1.0
 */
export const defaultLeafShow: Required<LeafShow<unknown>> = {
  show: showValue,
  size: (a) => (isTensorLike(a) ? a.size : isParamInit(a) ? a.shape.reduce((n, d) => n * d, 1) : undefined),
};

type Rec = Record<string, unknown>;

const render = <A>(
  m: AnyModule<A>,
  L: LeafShow<A>,
  indent: string,
  totals: { params: number; buffers: number; known: boolean },
): string => {
  const spec = specOf(m);
  const extra = spec.extraRepr !== undefined ? spec.extraRepr(m as never) : '';
  const leaves: string[] = [];
  const children: string[] = [];
  const inner = `${indent}  `;
  for (const name of spec.fieldNames) {
    const decl = spec.fields[name]!;
    const value = (m as unknown as Rec)[name];
    switch (decl._tag) {
      case 'param':
      case 'buffer': {
        const size = (L.size ?? defaultLeafShow.size)(value as A);
        if (size === undefined) totals.known = false;
        else if (decl._tag === 'param') totals.params += size;
        else totals.buffers += size;
        leaves.push(`${name}: ${L.show(value as A)}${decl._tag === 'buffer' ? ' (buffer)' : ''}`);
        break;
      }
      case 'submodule':
        children.push(`${inner}(${name}): ${render(value as AnyModule<A>, L, inner, totals)}`);
        break;
      case 'submodules':
      case 'tuple':
      case 'anyModules':
        (value as ReadonlyArray<AnyModule<A>>).forEach((child, i) =>
          children.push(`${inner}(${name}.${i}): ${render(child, L, inner, totals)}`),
        );
        break;
      default:
    }
  }
  const head = `${spec.name}(${extra})`;
  const leafPart = leaves.length > 0 ? ` { ${leaves.join(', ')} }` : '';
  if (children.length === 0) return `${head}${leafPart}`;
  const open = extra === '' ? `${spec.name}(` : `${spec.name}(${extra},`;
  return `${open}${leafPart}\n${children.join('\n')}\n${indent})`;
};

/**
 * A `Show` for modules whose leaves print with `L`: any fp-ts `Show` of the leaves (a
 * {@link LeafShow} may add a `size` for the parameter total), by default {@link defaultLeafShow}
 * (tensors and lazy parameters). A `Show` of any module is a `Show` of each kind.
 * @example
 * import * as N from 'fp-ts/lib/number.js'
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { getShow, map, nn } from 'parallax-ts'
 * getShow().show(nn.Linear.create(2, 3)) // 'Linear(2, 3) { weight: uninitialized[3, 2], bias: uninitialized[3] }\n9 parameters'
 * getShow(N.Show).show(pipe(nn.Linear.create(2, 3), map((p) => p.shape.length))) // 'Linear(2, 3) { weight: 2, bias: 1 }'
 * @category instances
 * @since 0.1.0
 */
export const getShow = <A = unknown>(L: LeafShow<A> = defaultLeafShow as LeafShow<A>): Show<AnyModule<A>> => ({
  show: (m) => {
    const totals = { params: 0, buffers: 0, known: true };
    const body = render(m, L, '', totals);
    if (!totals.known) return body;
    const buffers = totals.buffers > 0 ? `, ${totals.buffers.toLocaleString('en-US')} buffer elements` : '';
    return `${body}\n${totals.params.toLocaleString('en-US')} parameters${buffers}`;
  },
});

/**
 * Prints a module with the default leaf printer.
 * @example
 * import { nn, show } from 'parallax-ts'
 * console.log(show(nn.Linear.create(5, 10)))
 * // Linear(5, 10) { weight: uninitialized[10, 5], bias: uninitialized[10] }
 * // 60 parameters
 * @category utils
 * @since 0.1.0
 */
export const show = (m: AnyModule<unknown>): string => getShow().show(m);

/**
 * The number of scalar parameters (not buffers) in a module of tensors or lazy parameters.
 * @example
 * import { nn, parameterCount } from 'parallax-ts'
 * parameterCount(nn.Linear.create(5, 10)) // 60
 * @category utils
 * @since 0.1.0
 */
export const parameterCount = (m: AnyModule<unknown>): number =>
  leafEntries(m).reduce((n, [info, leaf]) => (info.kind === 'param' ? n + (defaultLeafShow.size(leaf) ?? 0) : n), 0);
