/**
 * The one recursive walk over a module's fields that every tree operation is built on, and the
 * types that name leaves: {@link LeafInfo}, {@link LeafOf}, {@link Relabel}.
 *
 * @category model
 * @since 0.1.0
 */
import { type AnyModule, type AnySpec, type LeafTag, type ModuleOf, ModuleTag } from './Field.js';

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
  if (!isModule(m)) throw new Error(`expected a module record, got ${describeValue(m)}`);
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
// generic traversal (one recursive walker; everything else is built on it)
// -------------------------------------------------------------------------------------

/**
 * Rebuilds `m` with every leaf replaced by `f(leaf, info)`; constants and contexts are copied.
 * `withInfo` is false when the caller does not need paths, which saves building strings per leaf.
 * @internal
 */
export const mapLeaves = <A, B>(m: AnyModule<A>, f: (a: A, info: LeafInfo) => B, withInfo: boolean, prefix: string): AnyModule<B> => {
  const spec = specOf(m);
  const out: Rec = { [ModuleTag]: spec };
  for (const name of spec.fieldNames) {
    const decl = spec.fields[name]!;
    const value = field(m, name);
    switch (decl._tag) {
      case 'param':
      case 'buffer':
        out[name] = f(value as A, withInfo ? { path: joinPath(prefix, name), kind: decl._tag } : KIND_ONLY[decl._tag]);
        break;
      case 'submodule':
        out[name] = mapLeaves(value as AnyModule<A>, f, withInfo, withInfo ? joinPath(prefix, name) : '');
        break;
      case 'submodules':
      case 'tuple':
      case 'anyModules':
        out[name] = (value as ReadonlyArray<AnyModule<A>>).map((child, i) =>
          mapLeaves(child, f, withInfo, withInfo ? joinPath(joinPath(prefix, name), i) : ''),
        );
        break;
      default:
        out[name] = value;
    }
  }
  return out as unknown as AnyModule<B>;
};

/** What callbacks get when paths were not asked for: the kind, and an empty path (no string building). */
const KIND_ONLY: Record<LeafInfo['kind'], LeafInfo> = { param: { path: '', kind: 'param' }, buffer: { path: '', kind: 'buffer' } };

/** Visits every leaf in order. @internal */
export const forEachLeaf = <A>(m: AnyModule<A>, f: (a: A, info: LeafInfo) => void, withInfo: boolean, prefix: string): void => {
  const spec = specOf(m);
  for (const name of spec.fieldNames) {
    const decl = spec.fields[name]!;
    const value = field(m, name);
    switch (decl._tag) {
      case 'param':
      case 'buffer':
        f(value as A, withInfo ? { path: joinPath(prefix, name), kind: decl._tag } : KIND_ONLY[decl._tag]);
        break;
      case 'submodule':
        forEachLeaf(value as AnyModule<A>, f, withInfo, withInfo ? joinPath(prefix, name) : '');
        break;
      case 'submodules':
      case 'tuple':
      case 'anyModules':
        (value as ReadonlyArray<AnyModule<A>>).forEach((child, i) =>
          forEachLeaf(child, f, withInfo, withInfo ? joinPath(joinPath(prefix, name), i) : ''),
        );
        break;
      default:
    }
  }
};
