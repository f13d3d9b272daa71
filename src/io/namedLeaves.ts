/**
 * Naming the leaves of nested training state — module trees inside records and arrays, as
 * optimizer states are — so that they can be stored by name and put back into the same structure.
 *
 * A *slot* is a tensor (or a not-yet-initialized `ParamInit`), or a scalar (number, string,
 * boolean: step counts). `null` means "nothing here" (a frozen leaf's moment) and is kept as is.
 * Paths join field names, array indices and module leaf paths with dots:
 * `optState.0.mu.dense1.weight`, `optState.0.count`.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { isModule, leafEntries, mapModuleWithInfo } from '../tree/Module.js';
import { isParamInit, type ParamInit } from '../tree/ParamInit.js';
import { SafetensorsError } from './SafetensorsError.js';

/**
 * A scalar stored in a checkpoint's JSON header.
 * @example
 * import { io } from 'parallax-ts'
 * const count: io.ScalarLeaf = 3
 * @category model
 * @since 0.1.0
 */
export type ScalarLeaf = number | string | boolean;

/**
 * A tensor slot: a tensor, or a lazy parameter standing for one.
 * @example
 * import { io, nn, tf } from 'parallax-ts'
 * const slots: ReadonlyArray<io.TensorSlot> = [tf.zeros([2]), nn.Linear.create(2, 3).weight]
 * @category model
 * @since 0.1.0
 */
export type TensorSlot = tf.Tensor | ParamInit;

/**
 * The slots of a nested structure, in traversal order.
 * @example
 * import { io, nn } from 'parallax-ts'
 * const named: io.NamedLeaves = io.namedLeaves({ count: 0, model: nn.Linear.create(2, 3) }, 'state')
 * named.scalars // [['state.count', 0]]
 * @category model
 * @since 0.1.0
 */
export interface NamedLeaves {
  readonly tensors: ReadonlyArray<readonly [string, TensorSlot]>;
  readonly scalars: ReadonlyArray<readonly [string, ScalarLeaf]>;
}

const join = (prefix: string, name: string | number): string => (prefix === '' ? String(name) : `${prefix}.${name}`);

const isScalar = (u: unknown): u is ScalarLeaf => typeof u === 'number' || typeof u === 'string' || typeof u === 'boolean';

/**
 * Every tensor and scalar slot under `prefix`.
 * @example
 * import { initialize, io, nn, optim, random } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * io.namedLeaves(optim.adam(1e-3).init(params), 'optState').tensors.map(([path]) => path)
 * // ['optState.0.mu.weight', 'optState.0.mu.bias', 'optState.0.nu.weight', ...]
 * @category utils
 * @since 0.1.0
 */
export const namedLeaves = (u: unknown, prefix: string): NamedLeaves => {
  const tensors: Array<readonly [string, TensorSlot]> = [];
  const scalars: Array<readonly [string, ScalarLeaf]> = [];
  // An explicit stack (last in, first out, children pushed in reverse: the same order as a
  // recursive walk), so no nesting of records and arrays can overflow the call stack; module trees
  // are walked by leafEntries, itself iterative.
  const stack: Array<readonly [unknown, string]> = [[u, prefix]];
  while (stack.length > 0) {
    const [x, path] = stack.pop()!;
    if (x === null || x === undefined) continue;
    if (x instanceof tf.Tensor || isParamInit(x)) tensors.push([path, x]);
    else if (isScalar(x)) scalars.push([path, x]);
    else {
      const children: Array<readonly [unknown, string]> = isModule(x)
        ? leafEntries(x).map(([info, leaf]) => [leaf, join(path, info.path)] as const)
        : Array.isArray(x)
          ? x.map((y, i) => [y, join(path, i)] as const)
          : typeof x === 'object'
            ? Object.entries(x).map(([k, y]) => [y, join(path, k)] as const)
            : [];
      if (!isModule(x) && !Array.isArray(x) && typeof x !== 'object') {
        const problem = `cannot store "${path}": a ${typeof x} is neither a tensor nor a number, string or boolean`;
        throw new SafetensorsError(problem, [problem]);
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
  return { tensors, scalars };
};

/**
 * Rebuilds `template`'s structure with every slot replaced by `replace(path, slot)`; `null`s and
 * module constants and contexts are kept from the template.
 * @example
 * import { initialize, io, nn, optim, random, tf } from 'parallax-ts'
 * const state = optim.adam(1e-3).init(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * const copy = io.replaceLeaves(state, 'optState', (_path, slot) => (slot instanceof tf.Tensor ? slot.clone() : slot))
 * @category utils
 * @since 0.1.0
 */
export const replaceLeaves = <T>(template: T, prefix: string, replace: (path: string, slot: TensorSlot | ScalarLeaf) => unknown): T => {
  const go = (x: unknown, path: string): unknown => {
    if (x === null || x === undefined) return x;
    if (x instanceof tf.Tensor || isParamInit(x) || isScalar(x)) return replace(path, x);
    if (isModule(x)) return mapModuleWithInfo(x, (info, leaf) => go(leaf, join(path, info.path)));
    if (Array.isArray(x)) return x.map((y, i) => go(y, join(path, i)));
    if (typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, go(y, join(path, k))]));
    return x;
  };
  return go(template, prefix) as T;
};
