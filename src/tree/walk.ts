/**
 * The one walk over a module's fields that every tree operation is built on (iterative, with its
 * own stack, so a tree's depth is bounded by memory rather than by the JavaScript stack), and the
 * types that name leaves: {@link LeafInfo}, {@link LeafOf}, {@link Relabel}.
 *
 * @category model
 * @since 0.1.0
 */
import { type AnyModule, type AnySpec, type Context, type LeafTag, type ModuleOf, ModuleTag } from './Field.js';
import { ModuleError } from './ModuleError.js';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Where a leaf sits: its dotted path (`"layers.0.weight"`) and whether it is a parameter or a buffer. @category model @since 0.1.0 */
export interface LeafInfo {
  readonly path: string;
  readonly kind: 'param' | 'buffer';
}

/** The leaf type of a module record type. @category model @since 0.1.0 */
export type LeafOf<M> = M extends { readonly [LeafTag]: infer A } ? A : never;

/** The same module kind as `M`, with leaves `B` (`AnyModule<B>` when `M`'s kind is not known). @category model @since 0.1.0 */
export type Relabel<M, B> = M extends { readonly [ModuleTag]: infer S extends AnySpec }
  ? string extends S['URI']
    ? AnyModule<B>
    : ModuleOf<S, B>
  : AnyModule<B>;

// -------------------------------------------------------------------------------------
// guards and access
// -------------------------------------------------------------------------------------

/**
 * Whether a value is a module record.
 * @example
 * import { isModule, nn } from 'parallax-ts'
 * isModule(nn.Linear.create(2, 3)) // true
 * @category model
 * @since 0.1.0
 */
export const isModule = (u: unknown): u is AnyModule<unknown> => typeof u === 'object' && u !== null && ModuleTag in u;

/**
 * The definition (name, fields, hooks) a module record was made from.
 * @example
 * import { nn, specOf } from 'parallax-ts'
 * specOf(nn.Linear.create(2, 3)).name // 'Linear'
 * @category model
 * @since 0.1.0
 */
export const specOf = (m: AnyModule<unknown>): AnySpec => {
  if (!isModule(m)) throw new ModuleError(`expected a module record, got ${describeValue(m)}`);
  return m[ModuleTag];
};

/** Names a value's kind for messages (`'null'`, `'an array'`, ...). @internal */
export const describeValue = (u: unknown): string =>
  u === null ? 'null' : Array.isArray(u) ? 'an array' : typeof u === 'object' ? 'a plain object' : typeof u;

/** @internal */
export type Rec = Record<string | symbol, unknown>;
/** Reads field `name` of a module record. @internal */
export const field = (m: AnyModule<unknown>, name: string): unknown => (m as unknown as Rec)[name];
/** Joins a path prefix and a field name or index: `joinPath('layers', 1) === 'layers.1'`. @internal */
export const joinPath = (prefix: string, name: string | number): string => (prefix === '' ? String(name) : `${prefix}.${name}`);

// -------------------------------------------------------------------------------------
// generic traversal (one iterative walker; everything else is built on it)
// -------------------------------------------------------------------------------------

/**
 * How deep a module tree may nest before a walk gives up with a `ModuleError`. The walks keep their
 * own stack (an array of cursors), so depth costs heap, not JavaScript call stack; the limit is
 * there so that a cyclic tree (an array field holding one of its own ancestors) ends in an error
 * rather than in a walk that never ends. Forward passes are the modules' own recursion and stop
 * much earlier, at the JavaScript stack (a few thousand levels, depending on the layers).
 * @example
 * import { MAX_TREE_DEPTH, anyModules, defineModule, toArray } from 'parallax-ts'
 * const Bag = defineModule('my-app/Bag', { name: 'Bag', fields: { items: anyModules() } })
 * const items: ReturnType<typeof Bag.make>[] = []
 * const cyclic = Bag.make({ items })
 * items.push(cyclic) // a tree that holds itself
 * toArray(cyclic) // throws ModuleError: module tree nested deeper than 100000 levels ...
 * MAX_TREE_DEPTH // 100000
 * @category model
 * @since 0.2.0
 */
export const MAX_TREE_DEPTH = 100_000;

/**
 * One module being walked: where it sits and how far its fields have been read. A class, so that
 * every cursor has one hidden class and the walk's property reads stay monomorphic.
 * @internal
 */
export class Cursor {
  /** The next field to read. */
  fi = 0;
  /** The array field being read (submodules, tuple, anyModules), if any. */
  kids: ReadonlyArray<unknown> | undefined = undefined;
  /** The next index in `kids`. */
  ki = 0;
  /** The name of the array field in `kids`, and its dotted path when paths are built. */
  kidsName = '';
  kidsPrefix = '';
  /** The rebuilt record and array field, for walks that rebuild (`mapLeaves`). */
  out: Rec | undefined = undefined;
  outKids: unknown[] | undefined = undefined;
  constructor(
    readonly m: Rec,
    readonly spec: AnySpec,
    /** This module's dotted path; `''` when the walk does not build paths. */
    readonly prefix: string,
    /** The parent's field holding this module (`''` for the root) and its index there (-1: not an array). */
    readonly name: string,
    readonly index: number,
  ) {}
}

/**
 * The dotted path of the module on top of `stack`, then `rest`, rebuilt from the cursors: error
 * messages name paths without the walk building a string per module.
 * @internal
 */
export const pathOf = (
  stack: ReadonlyArray<{ readonly name: string; readonly index: number }>,
  ...rest: ReadonlyArray<string | number>
): string => {
  const parts: string[] = [];
  for (let d = 1; d < stack.length; d++) {
    const c = stack[d]!;
    parts.push(c.name);
    if (c.index >= 0) parts.push(String(c.index));
  }
  for (const r of rest) parts.push(String(r));
  return parts.join('.');
};

const located = (path: string, detail: string): ModuleError => {
  const e = new ModuleError(path === '' ? detail : `at "${path}": ${detail}`);
  if (path !== '') e.path.push(...path.split('.'));
  return e;
};

/** Starts a walk at `m`, which must be a module record. @internal */
export const rootCursor = (m: unknown, prefix: string): Cursor => {
  if (!isModule(m)) throw new ModuleError(`expected a module record, got ${describeValue(m)}`);
  return new Cursor(m as unknown as Rec, m[ModuleTag], prefix, '', -1);
};

/** Descends into the module `value` held by field `name` (at `index` of an array field) of the top cursor. @internal */
export const enter = (stack: Cursor[], value: unknown, prefix: string, name: string, index: number): Cursor => {
  if (!isModule(value)) {
    const parent = stack[stack.length - 1]!;
    const at = index >= 0 ? pathOf(stack, name, index) : pathOf(stack, name);
    throw located(at, `${parent.spec.name} field "${name}" must hold a module, got ${describeValue(value)}`);
  }
  if (stack.length >= MAX_TREE_DEPTH) {
    throw located(
      '',
      `module tree nested deeper than ${MAX_TREE_DEPTH} levels (under ${stack[0]!.spec.name}.${pathOf(stack.slice(0, 4))}...): a cyclic tree, or one no forward pass could run`,
    );
  }
  const c = new Cursor(value as unknown as Rec, value[ModuleTag], prefix, name, index);
  stack.push(c);
  return c;
};

/** The array of modules an array field holds, checked. @internal */
export const arrayField = (stack: ReadonlyArray<Cursor>, c: Cursor, name: string): ReadonlyArray<unknown> => {
  const value = c.m[name];
  if (!Array.isArray(value)) {
    throw located(pathOf(stack, name), `${c.spec.name} field "${name}" must hold an array of modules, got ${describeValue(value)}`);
  }
  return value;
};

/** What the walks hand a context slot to: the slot, whether its module is stochastic, and its dotted path. @internal */
export type ContextVisitor = (ctx: Context, stochastic: boolean, path: string) => Context;

/**
 * Rebuilds `m` with every leaf replaced by `f(leaf, info)`; constants are copied, and contexts too
 * unless `onContext` maps them. `withInfo` is false when the caller does not need paths, which
 * saves building strings per leaf. Iterative: any depth up to {@link MAX_TREE_DEPTH}.
 * @internal
 */
export const mapLeaves = <A, B>(
  m: AnyModule<A>,
  f: (a: A, info: LeafInfo) => B,
  withInfo: boolean,
  prefix: string,
  onContext?: ContextVisitor,
): AnyModule<B> => {
  const root = rootCursor(m, prefix);
  root.out = { [ModuleTag]: root.spec };
  const stack: Cursor[] = [root];
  for (;;) {
    const c = stack[stack.length - 1]!;
    const out = c.out!;
    if (c.kids !== undefined) {
      if (c.ki < c.kids.length) {
        const i = c.ki++;
        const child = enter(stack, c.kids[i], withInfo ? joinPath(c.kidsPrefix, i) : '', c.kidsName, i);
        child.out = { [ModuleTag]: child.spec };
        continue;
      }
      out[c.kidsName] = c.outKids;
      c.kids = undefined;
      c.outKids = undefined;
    }
    const spec = c.spec;
    const names = spec.fieldNames;
    let descended = false;
    while (c.fi < names.length && !descended) {
      const name = names[c.fi++]!;
      const decl = spec.fields[name]!;
      switch (decl._tag) {
        case 'param':
        case 'buffer':
          out[name] = f(c.m[name] as A, withInfo ? { path: joinPath(c.prefix, name), kind: decl._tag } : KIND_ONLY[decl._tag]);
          break;
        case 'submodule': {
          const child = enter(stack, c.m[name], withInfo ? joinPath(c.prefix, name) : '', name, -1);
          child.out = { [ModuleTag]: child.spec };
          descended = true;
          break;
        }
        case 'submodules':
        case 'tuple':
        case 'anyModules':
          c.kids = arrayField(stack, c, name);
          c.ki = 0;
          c.kidsName = name;
          c.kidsPrefix = withInfo ? joinPath(c.prefix, name) : '';
          c.outKids = [];
          descended = true;
          break;
        case 'context':
          out[name] = onContext === undefined ? c.m[name] : onContext(c.m[name] as Context, decl.stochastic, joinPath(c.prefix, name));
          break;
        default:
          out[name] = c.m[name];
      }
    }
    if (descended) continue;
    stack.pop();
    if (stack.length === 0) return out as unknown as AnyModule<B>;
    const parent = stack[stack.length - 1]!;
    if (parent.outKids !== undefined) parent.outKids.push(out);
    else parent.out![c.name] = out;
  }
};

/** What callbacks get when paths were not asked for: the kind, and an empty path (no string building). */
const KIND_ONLY: Record<LeafInfo['kind'], LeafInfo> = { param: { path: '', kind: 'param' }, buffer: { path: '', kind: 'buffer' } };

/**
 * Visits every leaf in order (and, with `onContext`, every context slot, in the same walk; pass
 * `f = undefined` to visit only those). Iterative: any depth up to {@link MAX_TREE_DEPTH}.
 * @internal
 */
export const forEachLeaf = <A>(
  m: AnyModule<A>,
  f: ((a: A, info: LeafInfo) => void) | undefined,
  withInfo: boolean,
  prefix: string,
  onContext?: (ctx: Context, stochastic: boolean, path: string) => void,
): void => {
  const stack: Cursor[] = [rootCursor(m, prefix)];
  while (stack.length > 0) {
    const c = stack[stack.length - 1]!;
    if (c.kids !== undefined) {
      if (c.ki < c.kids.length) {
        const i = c.ki++;
        enter(stack, c.kids[i], withInfo ? joinPath(c.kidsPrefix, i) : '', c.kidsName, i);
        continue;
      }
      c.kids = undefined;
    }
    const spec = c.spec;
    const names = spec.fieldNames;
    let descended = false;
    while (c.fi < names.length && !descended) {
      const name = names[c.fi++]!;
      const decl = spec.fields[name]!;
      switch (decl._tag) {
        case 'param':
        case 'buffer':
          if (f !== undefined) f(c.m[name] as A, withInfo ? { path: joinPath(c.prefix, name), kind: decl._tag } : KIND_ONLY[decl._tag]);
          break;
        case 'submodule':
          enter(stack, c.m[name], withInfo ? joinPath(c.prefix, name) : '', name, -1);
          descended = true;
          break;
        case 'submodules':
        case 'tuple':
        case 'anyModules':
          c.kids = arrayField(stack, c, name);
          c.ki = 0;
          c.kidsName = name;
          c.kidsPrefix = withInfo ? joinPath(c.prefix, name) : '';
          descended = true;
          break;
        case 'context':
          if (onContext !== undefined) onContext(c.m[name] as Context, decl.stochastic, joinPath(c.prefix, name));
          break;
        default:
      }
    }
    if (!descended) stack.pop();
  }
};
