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
import { ModuleError } from './ModuleError.js';
import { describeValue, isModule, MAX_TREE_DEPTH } from './walk.js';

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
// A lazy parameter has a shape and a dtype too: it is told apart first, by its tag.
const isTensorLike = (u: unknown): u is TensorLike =>
  typeof u === 'object' &&
  u !== null &&
  !isParamInit(u) &&
  Array.isArray((u as TensorLike).shape) &&
  typeof (u as TensorLike).dtype === 'string' &&
  typeof (u as TensorLike).size === 'number';

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
type Totals = { params: number; buffers: number; known: boolean };

/** What the printer still has to do: write a piece of text, or print a module at an indentation. */
type Task = string | { readonly m: unknown; readonly indent: string; readonly depth: number };

/**
 * Prints `root` PyTorch-style. Iterative (a stack of tasks rather than recursion), so a tree of any
 * depth prints: each module writes its head and own leaves, then schedules its children (each after
 * its label line) and its closing parenthesis.
 */
const render = <A>(root: AnyModule<A>, L: LeafShow<A>, totals: Totals): string => {
  const out: string[] = [];
  const tasks: Task[] = [{ m: root, indent: '', depth: 0 }];
  while (tasks.length > 0) {
    const task = tasks.pop()!;
    if (typeof task === 'string') {
      out.push(task);
      continue;
    }
    const { indent, depth } = task;
    if (!isModule(task.m)) {
      out.push(`<not a module: ${describeValue(task.m)}>`);
      continue;
    }
    if (depth > MAX_TREE_DEPTH) throw new ModuleError(`show: module tree nested deeper than ${MAX_TREE_DEPTH} levels (a cyclic tree?)`);
    const m = task.m as AnyModule<A>;
    const spec = specOf(m);
    const extra = spec.extraRepr !== undefined ? spec.extraRepr(m as never) : '';
    const leaves: string[] = [];
    const children: Array<readonly [string, unknown]> = [];
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
          children.push([name, value]);
          break;
        case 'submodules':
        case 'tuple':
        case 'anyModules':
          if (Array.isArray(value)) value.forEach((child, i) => children.push([`${name}.${i}`, child]));
          break;
        default:
      }
    }
    const leafPart = leaves.length > 0 ? ` { ${leaves.join(', ')} }` : '';
    if (children.length === 0) {
      out.push(`${spec.name}(${extra})${leafPart}`);
      continue;
    }
    out.push(`${extra === '' ? `${spec.name}(` : `${spec.name}(${extra},`}${leafPart}`);
    tasks.push(`\n${indent})`);
    for (let i = children.length - 1; i >= 0; i--) {
      const [label, child] = children[i]!;
      tasks.push({ m: child, indent: inner, depth: depth + 1 });
      tasks.push(`\n${inner}(${label}): `);
    }
  }
  return out.join('');
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
    const totals: Totals = { params: 0, buffers: 0, known: true };
    const body = render(m, L, totals);
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
