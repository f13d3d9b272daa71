/**
 * The module core: declare a module's fields once, get its record type and its fp-ts `Functor`,
 * `Foldable` and `Traversable` instances (plus `…WithIndex` variants indexed by {@link LeafInfo}).
 *
 * A module record is a plain readonly object. Besides its fields it carries its definition under a
 * symbol key ({@link ModuleTag}), so generic code (`map`, `zipWith`, gradients, checkpoints, printing)
 * can walk any module without knowing its kind. Leaves are visited depth-first in field-declaration
 * order; that order is the order of `toArray`, of `traverse`'s effects and of printed output.
 *
 * @example
 * import { defineModule, param, constant, type ModuleOf } from 'parallax-ts'
 *
 * const fields = { weight: param(), bias: param(), inFeatures: constant<number>(), outFeatures: constant<number>() }
 * export const URI = 'my-app/Dense'
 * export type URI = typeof URI
 * export type Dense<A> = ModuleOf<URI, typeof fields, A>
 * declare module 'fp-ts/HKT.js' {
 *   interface URItoKind<A> { readonly [URI]: Dense<A> }
 * }
 * export const Dense = defineModule(URI, { name: 'Dense', fields, extraRepr: (m) => `${m.inFeatures}, ${m.outFeatures}` })
 *
 * @since 0.1.0
 */
import type { Applicative, Applicative2 } from 'fp-ts/lib/Applicative.js';
import type { Foldable1 } from 'fp-ts/lib/Foldable.js';
import type { FoldableWithIndex1 } from 'fp-ts/lib/FoldableWithIndex.js';
import type { Functor1 } from 'fp-ts/lib/Functor.js';
import type { FunctorWithIndex1 } from 'fp-ts/lib/FunctorWithIndex.js';
import type { HKT, Kind, Kind2, URIS, URIS2 } from 'fp-ts/HKT.js';
import type { Monoid } from 'fp-ts/lib/Monoid.js';
import type { Traversable1 } from 'fp-ts/lib/Traversable.js';
import type { TraversableWithIndex1 } from 'fp-ts/lib/TraversableWithIndex.js';
import {
  type AnyModule,
  type Context,
  type Fields,
  type FieldValues,
  type LeafTag,
  type ModuleSpec,
  ModuleTag,
  type StateDictKey,
} from './Field.js';
import { isParamInit } from './ParamInit.js';
import { ModuleError } from './ModuleError.js';

export { ModuleTag, type AnyModule, type ModuleOf, type ModuleSpec } from './Field.js';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Where a leaf sits: its dotted path (`"layers.0.weight"`) and whether it is a parameter or a buffer. @since 0.1.0 */
export interface LeafInfo {
  readonly path: string;
  readonly kind: 'param' | 'buffer';
}

/** The leaf type of a module record type. @since 0.1.0 */
export type LeafOf<M> = M extends { readonly [LeafTag]?: infer A } ? A : never;

/** The same module kind as `M`, with leaves `B`. @since 0.1.0 */
export type Relabel<M, B> = M extends { readonly [ModuleTag]: { readonly URI: infer U extends URIS } }
  ? Kind<U, B>
  : AnyModule<B>;

// -------------------------------------------------------------------------------------
// guards and access
// -------------------------------------------------------------------------------------

/**
 * Whether a value is a module record.
 * @example
 * isModule(Linear.create(2, 3)) // true
 * @since 0.1.0
 */
export const isModule = (u: unknown): u is AnyModule<unknown> =>
  typeof u === 'object' && u !== null && ModuleTag in u;

/**
 * The definition (name, fields, hooks) a module record was made from.
 * @example
 * specOf(Linear.create(2, 3)).name // 'Linear'
 * @since 0.1.0
 */
export const specOf = (m: AnyModule<unknown>): ModuleSpec => {
  if (!isModule(m)) throw new Error(`expected a module record, got ${describeValue(m)}`);
  return m[ModuleTag];
};

const describeValue = (u: unknown): string =>
  u === null ? 'null' : Array.isArray(u) ? 'an array' : typeof u === 'object' ? 'a plain object' : typeof u;

type Rec = Record<string | symbol, unknown>;
const field = (m: AnyModule<unknown>, name: string): unknown => (m as unknown as Rec)[name];
const joinPath = (prefix: string, name: string | number): string => (prefix === '' ? String(name) : `${prefix}.${name}`);

// -------------------------------------------------------------------------------------
// generic traversal (one recursive walker; everything else is built on it)
// -------------------------------------------------------------------------------------

/**
 * Rebuilds `m` with every leaf replaced by `f(leaf, info)`; constants and contexts are copied.
 * `withInfo` is false when the caller does not need paths, which saves building strings per leaf.
 */
const mapLeaves = <A, B>(
  m: AnyModule<A>,
  f: (a: A, info: LeafInfo) => B,
  withInfo: boolean,
  prefix: string,
): AnyModule<B> => {
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

/** Visits every leaf in order. */
const forEachLeaf = <A>(m: AnyModule<A>, f: (a: A, info: LeafInfo) => void, withInfo: boolean, prefix: string): void => {
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

// -------------------------------------------------------------------------------------
// data-first operations on any module
// -------------------------------------------------------------------------------------

/**
 * The leaves in traversal order.
 * @example
 * toArray(Linear.create(2, 3)).length // 2 (weight, bias)
 * @since 0.1.0
 */
export const toArray = <M extends AnyModule<unknown>>(m: M): Array<LeafOf<M>> => {
  const out: Array<LeafOf<M>> = [];
  forEachLeaf(m as AnyModule<LeafOf<M>>, (a) => void out.push(a), false, '');
  return out;
};

/**
 * The leaves with their paths and kinds, in traversal order. With `withPaths = false` every path is
 * `''` — for hot loops that only need kinds (building path strings costs more than the walk).
 * @example
 * leafEntries(net).map(([info]) => info.path) // ['dense1.weight', 'dense1.bias', ...]
 * @since 0.1.0
 */
export const leafEntries = <M extends AnyModule<unknown>>(m: M, withPaths = true): Array<readonly [LeafInfo, LeafOf<M>]> => {
  const out: Array<readonly [LeafInfo, LeafOf<M>]> = [];
  forEachLeaf(m as AnyModule<LeafOf<M>>, (a, info) => void out.push([info, a]), withPaths, '');
  return out;
};

/**
 * The paths and kinds of the leaves, in traversal order.
 * @example
 * leafInfos(Linear.create(2, 3)) // [{ path: 'weight', kind: 'param' }, { path: 'bias', kind: 'param' }]
 * @since 0.1.0
 */
export const leafInfos = (m: AnyModule<unknown>): Array<LeafInfo> => leafEntries(m).map(([info]) => info);

/**
 * Maps every leaf (data-first; see {@link map} for the pipeable form).
 * @example
 * mapModule(params, (t) => t.shape) // the same module holding shapes
 * @since 0.1.0
 */
export const mapModule = <M extends AnyModule<unknown>, B>(m: M, f: (a: LeafOf<M>) => B): Relabel<M, B> =>
  mapLeaves(m as AnyModule<LeafOf<M>>, (a) => f(a), false, '') as Relabel<M, B>;

/**
 * Maps every leaf with its {@link LeafInfo} (data-first).
 * @example
 * mapModuleWithInfo(params, (info, t) => (info.kind === 'param' ? t : t.clone()))
 * @since 0.1.0
 */
export const mapModuleWithInfo = <M extends AnyModule<unknown>, B>(
  m: M,
  f: (info: LeafInfo, a: LeafOf<M>) => B,
): Relabel<M, B> => mapLeaves(m as AnyModule<LeafOf<M>>, (a, info) => f(info, a), true, '') as Relabel<M, B>;

/**
 * Rebuilds `m`'s shape from leaves given in traversal order (the inverse of {@link toArray}).
 * @example
 * fromArray(net, toArray(net)) // a copy of net
 * @since 0.1.0
 */
export const fromArray = <M extends AnyModule<unknown>, B>(m: M, leaves: ReadonlyArray<B>): Relabel<M, B> => {
  const n = count(m);
  if (leaves.length !== n) {
    throw new Error(`fromArray: ${specOf(m).name} has ${n} leaves, got ${leaves.length} values`);
  }
  let i = 0;
  return mapLeaves(m, () => leaves[i++] as B, false, '') as Relabel<M, B>;
};

/**
 * The number of leaves (parameters and buffers), not of scalar elements.
 * @example
 * count(Linear.create(2, 3)) // 2
 * @since 0.1.0
 */
export const count = (m: AnyModule<unknown>): number => {
  let n = 0;
  forEachLeaf(m, () => void n++, false, '');
  return n;
};

/**
 * Left fold over the leaves in order (data-first).
 * @example
 * reduceModule(params, 0, (n, t) => n + t.size) // total scalar count
 * @since 0.1.0
 */
export const reduceModule = <M extends AnyModule<unknown>, B>(m: M, b: B, f: (b: B, a: LeafOf<M>) => B): B => {
  let acc = b;
  forEachLeaf(m as AnyModule<LeafOf<M>>, (a) => void (acc = f(acc, a)), false, '');
  return acc;
};

/**
 * Zips two modules of the same shape leaf by leaf (the original's `tree_multimap`): the SGD update is
 * `zipWith(params, grads, (p, g) => p.sub(g.mul(lr)))`. The shapes must agree (same kinds, same
 * array lengths, equal constants); otherwise a `ModuleError` names the first differing path.
 * @example
 * const next = zipWith(params, grads, (p, g) => tf.sub(p, tf.mul(g, 0.3)))
 * @since 0.1.0
 */
export const zipWith = <M extends AnyModule<unknown>, N extends AnyModule<unknown>, C>(
  a: M,
  b: N,
  f: (x: LeafOf<M>, y: LeafOf<N>, info: LeafInfo) => C,
): Relabel<M, C> => {
  assertSameShape(a, b, '');
  const ys = toArray(b);
  let i = 0;
  return mapLeaves(
    a as AnyModule<LeafOf<M>>,
    (x, info) => f(x, ys[i++] as LeafOf<N>, info),
    f.length > 2,
    '',
  ) as Relabel<M, C>;
};

const mismatch = (path: string, what: string): ModuleError => {
  const e = new ModuleError(`trees differ at "${path === '' ? '(root)' : path}": ${what}`);
  if (path !== '') e.path.push(...path.split('.'));
  return e;
};

const sameConstant = (x: unknown, y: unknown): boolean =>
  x === y || (Number.isNaN(x) && Number.isNaN(y)) || (typeof x === 'object' && x !== null && JSON.stringify(x) === JSON.stringify(y));

/**
 * Throws a `ModuleError` naming the first path at which `a` and `b` differ in structure (kind, array
 * length, constant value). Leaves themselves are not compared.
 * @example
 * assertSameShape(params, grads) // ok, or throws `trees differ at "dense1.outFeatures": 10 vs 20`
 * @since 0.1.0
 */
export const assertSameShape = (a: AnyModule<unknown>, b: AnyModule<unknown>, prefix = ''): void => {
  if (!isModule(b)) throw mismatch(prefix, `expected a ${specOf(a).name} module, got ${describeValue(b)}`);
  const sa = specOf(a);
  const sb = specOf(b);
  if (sa.URI !== sb.URI) throw mismatch(prefix, `${sa.name} vs ${sb.name}`);
  for (const name of sa.fieldNames) {
    const decl = sa.fields[name]!;
    const path = joinPath(prefix, name);
    const x = field(a, name);
    const y = field(b, name);
    switch (decl._tag) {
      case 'submodule':
        assertSameShape(x as AnyModule<unknown>, y as AnyModule<unknown>, path);
        break;
      case 'submodules':
      case 'tuple':
      case 'anyModules': {
        const xs = x as ReadonlyArray<AnyModule<unknown>>;
        const ys = y as ReadonlyArray<AnyModule<unknown>>;
        if (xs.length !== ys.length) throw mismatch(path, `${xs.length} vs ${ys.length} submodules`);
        xs.forEach((child, i) => assertSameShape(child, ys[i]!, joinPath(path, i)));
        break;
      }
      case 'constant':
        if (!sameConstant(x, y)) throw mismatch(path, `${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
        break;
      default:
    }
  }
};

// -------------------------------------------------------------------------------------
// traversal in an applicative (the Traversable instance's engine)
// -------------------------------------------------------------------------------------

/** An immutable cons list: traversals in non-deterministic applicatives (Array) must not share mutable state. */
type List<A> = { readonly head: A; readonly tail: List<A> } | null;
const listToReversedArray = <A>(l: List<A>): A[] => {
  const out: A[] = [];
  for (let c = l; c !== null; c = c.tail) out.push(c.head);
  return out;
};

/**
 * Runs `f` on every leaf inside the applicative `F`, effects in leaf order, and rebuilds the module.
 * Generic over fp-ts's HKT encoding; the typed instances below narrow it.
 */
const traverseLeavesWithInfo =
  <F>(F: Applicative<F>) =>
  <A, B>(m: AnyModule<A>, f: (info: LeafInfo, a: A) => HKT<F, B>): HKT<F, AnyModule<B>> => {
    const entries = leafEntries(m);
    let acc: HKT<F, List<B>> = F.of<List<B>>(null);
    for (const [info, a] of entries) {
      acc = F.ap(
        F.map(acc, (l: List<B>) => (b: B): List<B> => ({ head: b, tail: l })),
        f(info, a as A),
      );
    }
    return F.map(acc, (l) => fromArray(m, listToReversedArray(l).reverse()) as AnyModule<B>);
  };

/**
 * Traverses the context slots (RNG key and mode) in leaf order inside `F`; used by `newState`.
 * Leaves are copied untouched.
 * @internal
 */
export function traverseContexts<F extends URIS2>(
  F: Applicative2<F>,
): <E, M extends AnyModule<unknown>>(
  m: M,
  f: (ctx: Context, stochastic: boolean, path: string) => Kind2<F, E, Context>,
) => Kind2<F, E, M>;
export function traverseContexts<F>(
  F: Applicative<F>,
): <M extends AnyModule<unknown>>(
  m: M,
  f: (ctx: Context, stochastic: boolean, path: string) => HKT<F, Context>,
) => HKT<F, M>;
export function traverseContexts<F>(F: Applicative<F>) {
  return   <M extends AnyModule<unknown>>(
    m: M,
    f: (ctx: Context, stochastic: boolean, path: string) => HKT<F, Context>,
  ): HKT<F, M> => {
    const go = (node: AnyModule<unknown>, prefix: string): HKT<F, AnyModule<unknown>> => {
      const spec = specOf(node);
      let acc: HKT<F, Rec> = F.of({ [ModuleTag]: spec });
      const set =
        (name: string) =>
        (r: Rec) =>
        (v: unknown): Rec => ({ ...r, [name]: v });
      for (const name of spec.fieldNames) {
        const decl = spec.fields[name]!;
        const value = field(node, name);
        const path = joinPath(prefix, name);
        let fv: HKT<F, unknown>;
        switch (decl._tag) {
          case 'context':
            fv = f(value as Context, decl.stochastic, path);
            break;
          case 'submodule':
            fv = go(value as AnyModule<unknown>, path);
            break;
          case 'submodules':
      case 'tuple':
          case 'anyModules': {
            let arr: HKT<F, List<AnyModule<unknown>>> = F.of<List<AnyModule<unknown>>>(null);
            (value as ReadonlyArray<AnyModule<unknown>>).forEach((child, i) => {
              arr = F.ap(
                F.map(arr, (l: List<AnyModule<unknown>>) => (c: AnyModule<unknown>) => ({ head: c, tail: l })),
                go(child, joinPath(path, i)),
              );
            });
            fv = F.map(arr, (l) => listToReversedArray(l).reverse());
            break;
          }
          default:
            fv = F.of(value);
        }
        acc = F.ap(F.map(acc, set(name)), fv);
      }
      return F.map(acc, (r) => r as unknown as AnyModule<unknown>);
    };
    return go(m, '') as HKT<F, M>;
  };
}

// -------------------------------------------------------------------------------------
// forward passes: initialization check and error paths
// -------------------------------------------------------------------------------------

/** Finds which field of `parent` holds `child` (by identity), for error paths. */
const fieldHolding = (parent: AnyModule<unknown>, child: object): string[] | undefined => {
  const spec = specOf(parent);
  for (const name of spec.fieldNames) {
    const decl = spec.fields[name]!;
    const value = field(parent, name);
    if (decl._tag === 'submodule' && value === child) return [name];
    if (decl._tag === 'submodules' || decl._tag === 'tuple' || decl._tag === 'anyModules') {
      const i = (value as ReadonlyArray<unknown>).indexOf(child);
      if (i >= 0) return [name, String(i)];
    }
  }
  return undefined;
};

/** Throws a `ModuleError` if a direct parameter or buffer of `m` is still a `ParamInit`. */
const assertLeavesInitialized = (m: AnyModule<unknown>): void => {
  const spec = specOf(m);
  for (const name of spec.fieldNames) {
    const decl = spec.fields[name]!;
    if (decl._tag !== 'param' && decl._tag !== 'buffer') continue;
    const value = field(m, name);
    if (isParamInit(value)) {
      throw new ModuleError(
        `field "${name}" is uninitialized (ParamInit of shape [${value.shape.join(', ')}]); ` +
          'initialize the module first: initialize(module)(key)',
      );
    }
  }
};

/**
 * Runs a module's forward pass with two guarantees: its own leaves are initialized, and any error
 * thrown inside (by it, a submodule, or tfjs) comes out as a {@link ModuleError} whose message names
 * the path from this module down to the failing one. Layers call submodules through this (via
 * `apply` or their definition's `forward`), so paths build up automatically.
 * @internal
 */
export const runForward = <R>(m: AnyModule<unknown>, run: () => R): R => {
  try {
    assertLeavesInitialized(m);
    return run();
  } catch (e) {
    throw locate(e, m);
  }
};

const locate = (e: unknown, m: AnyModule<unknown>): ModuleError => {
  const err =
    e instanceof ModuleError
      ? e
      : new ModuleError(e instanceof Error ? e.message : String(e), { cause: e });
  if (err.at === undefined) {
    err.moduleName = specOf(m).name;
  } else if (err.at !== m) {
    const segment = fieldHolding(m, err.at);
    if (segment !== undefined) err.path.unshift(...segment);
  }
  err.at = m;
  err.refresh();
  return err;
};

/**
 * Calls any module's forward pass (data-first); the module must have been defined with `forward`.
 * @example
 * const y = apply(model, x)
 * @since 0.1.0
 */
export const apply = <I extends ReadonlyArray<unknown>, O = unknown>(m: AnyModule<unknown>, ...inputs: I): O => {
  const spec = specOf(m);
  if (spec.forward === undefined) {
    throw new Error(`apply: ${spec.name} has no forward pass; call its own functions instead`);
  }
  return (spec.forward as unknown as (m: AnyModule<unknown>, ...i: I) => O)(m, ...inputs);
};

/**
 * Calls any module's forward pass and returns `[output, updatedModule]`: the module with its buffers
 * updated (BatchNorm running statistics in train mode). Modules without state return themselves, so
 * containers (`Sequential`) thread state through every child with this one call.
 * @example
 * const [y, nextModel] = applyWithState(model, x)
 * @since 0.1.0
 */
export const applyWithState = <M extends AnyModule<unknown>, I extends ReadonlyArray<unknown>, O = unknown>(
  m: M,
  ...inputs: I
): readonly [O, M] => {
  const spec = specOf(m);
  if (spec.forwardWithState !== undefined) {
    return (spec.forwardWithState as unknown as (m: M, ...i: I) => readonly [O, M])(m, ...inputs);
  }
  return [apply<I, O>(m, ...inputs), m];
};

// -------------------------------------------------------------------------------------
// definition
// -------------------------------------------------------------------------------------

/**
 * What {@link defineModule} returns: the constructor of records, the fp-ts instances, and
 * pipeable functions — all specialised to one module kind `U`.
 * @since 0.1.0
 */
export interface ModuleDef<U extends URIS, F extends Fields, In extends ReadonlyArray<unknown> = never, Out = never>
  extends Omit<ModuleSpec, 'forward' | 'forwardWithState' | 'URI' | 'fields'> {
  readonly URI: U;
  readonly fields: F;
  /** Makes a record from its field values (all fields required; extra keys rejected). */
  readonly make: <A>(values: FieldValues<F, A>) => Kind<U, A>;
  /** The forward pass, data-first: `(module, ...inputs) => output`. */
  readonly forward: (m: Kind<U, unknown>, ...inputs: In) => Out;
  /** The forward pass, data-last: `apply(module)(...inputs)`, for `pipe`/`flow`. */
  readonly apply: (m: Kind<U, unknown>) => (...inputs: In) => Out;
  /**
   * The forward pass returning `[output, module with updated buffers]` (the `State` style of
   * stateful layers); for modules declared without `forwardWithState`, `[forward(m, ...), m]`.
   */
  readonly forwardWithState: <A>(m: Kind<U, A>, ...inputs: In) => readonly [Out, Kind<U, A>];
  readonly Functor: Functor1<U>;
  readonly FunctorWithIndex: FunctorWithIndex1<U, LeafInfo>;
  readonly Foldable: Foldable1<U>;
  readonly FoldableWithIndex: FoldableWithIndex1<U, LeafInfo>;
  readonly Traversable: Traversable1<U>;
  readonly TraversableWithIndex: TraversableWithIndex1<U, LeafInfo>;
}

/** Rejects state-dict names that could not apply: unknown or untraversed fields, functions on leaves. */
const checkStateDictKeys = (name: string, fields: Fields, keys: Readonly<Record<string, StateDictKey>>): void => {
  for (const [fieldName, key] of Object.entries(keys)) {
    const decl = fields[fieldName];
    const where = `${name}: stateDictKeys.${fieldName}`;
    if (decl === undefined) throw new Error(`${where} names no declared field`);
    if (decl._tag === 'constant' || decl._tag === 'context') throw new Error(`${where}: a ${decl._tag} field has no state-dict entries`);
    if (typeof key === 'function') {
      if (decl._tag === 'param' || decl._tag === 'buffer') throw new Error(`${where}: a ${decl._tag} field takes a string key, not a function`);
    } else if (typeof key !== 'string') {
      throw new Error(`${where}: expected a string or a function, got ${describeValue(key)}`);
    } else if (key === '' && (decl._tag === 'param' || decl._tag === 'buffer')) {
      throw new Error(`${where}: a ${decl._tag} key cannot be empty`);
    }
  }
};

/**
 * Declares a module kind. `URI` must be registered in fp-ts's `URItoKind` (one `declare module`
 * block, as in the example at the top of this file) so that the instances are typed for fp-ts.
 *
 * @param options.name the name printed by `Show` and used in error messages
 * @param options.fields the field declarations, in traversal order
 * @param options.extraRepr the text inside the parentheses when printed, e.g. `(m) => \`${m.inFeatures}, ${m.outFeatures}\``
 * @param options.forward the forward pass, if the module is callable
 * @param options.stateDictKeys state-dict names of fields, e.g. `{ runningMean: 'running_mean' }` (see `StateDictKey`)
 * @example
 * const Dense = defineModule(URI, { name: 'Dense', fields, forward: (m: Dense<Tensor>, x: Tensor) => ... })
 * const y = Dense.forward(dense, x)
 * @since 0.1.0
 */
export const defineModule = <
  U extends URIS,
  F extends Fields,
  In extends ReadonlyArray<unknown> = never,
  Out = never,
>(
  URI: U,
  options: {
    readonly name: string;
    readonly fields: F;
    readonly extraRepr?: (m: Kind<U, unknown>) => string;
    readonly forward?: (m: Kind<U, any>, ...inputs: In) => Out;
    /** For layers with buffers updated by the forward pass (train-mode BatchNorm). */
    readonly forwardWithState?: (m: Kind<U, any>, ...inputs: In) => readonly [Out, Kind<U, any>];
    /** State-dict names of fields, where not the field's own (PyTorch's `running_mean`); see {@link StateDictKey}. */
    readonly stateDictKeys?: { readonly [K in keyof F]?: StateDictKey };
  },
): ModuleDef<U, F, In, Out> => {
  const fieldNames = Object.keys(options.fields);
  const stateDictKeys = options.stateDictKeys as Readonly<Record<string, StateDictKey>> | undefined;
  if (stateDictKeys !== undefined) checkStateDictKeys(options.name, options.fields, stateDictKeys);
  const rawForward = options.forward as ((m: unknown, ...inputs: In) => Out) | undefined;
  const forward = (m: Kind<U, unknown>, ...inputs: In): Out => {
    if (rawForward === undefined) throw new Error(`${options.name} has no forward pass`);
    if (!isModule(m) || m[ModuleTag].URI !== URI) {
      throw new Error(`${options.name}.forward: expected a ${options.name} module, got ${isModule(m) ? specOf(m).name : describeValue(m)}`);
    }
    return runForward(m, () => rawForward(m, ...inputs));
  };
  const rawStateful = options.forwardWithState as ((m: unknown, ...inputs: In) => readonly [Out, unknown]) | undefined;
  const forwardWithState = <A>(m: Kind<U, A>, ...inputs: In): readonly [Out, Kind<U, A>] =>
    rawStateful === undefined
      ? [forward(m as Kind<U, unknown>, ...inputs), m]
      : (runForward(m as AnyModule<unknown>, () => rawStateful(m, ...inputs)) as readonly [Out, Kind<U, A>]);
  const spec: ModuleSpec = {
    URI,
    name: options.name,
    fields: options.fields,
    fieldNames,
    ...(options.extraRepr !== undefined ? { extraRepr: options.extraRepr as (m: never) => string } : {}),
    ...(rawForward !== undefined ? { forward: forward as unknown as (m: never) => unknown } : {}),
    ...(rawStateful !== undefined
      ? { forwardWithState: forwardWithState as unknown as (m: never) => readonly [unknown, unknown] }
      : {}),
    ...(stateDictKeys !== undefined ? { stateDictKeys: { ...stateDictKeys } } : {}),
  };
  const make = <A>(values: FieldValues<F, A>): Kind<U, A> => {
    const v = values as unknown as Rec;
    const extra = Object.keys(v).filter((k) => !(k in options.fields));
    if (extra.length > 0) throw new Error(`${options.name}: unknown field(s) ${extra.map((k) => `"${k}"`).join(', ')}`);
    const out: Rec = { [ModuleTag]: spec };
    for (const name of fieldNames) {
      if (!(name in v)) throw new Error(`${options.name}: missing field "${name}"`);
      const decl = options.fields[name]!;
      const value = v[name];
      if (decl._tag === 'submodule' && !isModule(value)) {
        throw new Error(`${options.name}: field "${name}" must be a module, got ${describeValue(value)}`);
      }
      if ((decl._tag === 'submodules' || decl._tag === 'tuple' || decl._tag === 'anyModules') && !(Array.isArray(value) && value.every(isModule))) {
        throw new Error(`${options.name}: field "${name}" must be an array of modules`);
      }
      out[name] = value;
    }
    return Object.freeze(out) as unknown as Kind<U, A>;
  };
  const asAny = <A>(fa: Kind<U, A>): AnyModule<A> => fa as unknown as AnyModule<A>;
  const asKind = <B>(m: AnyModule<B>): Kind<U, B> => m as unknown as Kind<U, B>;

  const map = <A, B>(fa: Kind<U, A>, f: (a: A) => B): Kind<U, B> => asKind(mapLeaves(asAny(fa), f, false, ''));
  const mapWithIndex = <A, B>(fa: Kind<U, A>, f: (i: LeafInfo, a: A) => B): Kind<U, B> =>
    asKind(mapLeaves(asAny(fa), (a: A, i) => f(i, a), true, ''));
  const reduce = <A, B>(fa: Kind<U, A>, b: B, f: (b: B, a: A) => B): B => toArray(asAny(fa)).reduce(f as never, b) as B;
  const reduceWithIndex = <A, B>(fa: Kind<U, A>, b: B, f: (i: LeafInfo, b: B, a: A) => B): B =>
    leafEntries(asAny(fa)).reduce((acc, [i, a]) => f(i, acc, a as A), b);
  const foldMap =
    <M>(M: Monoid<M>) =>
    <A>(fa: Kind<U, A>, f: (a: A) => M): M =>
      reduce(fa, M.empty, (acc, a) => M.concat(acc, f(a)));
  const foldMapWithIndex =
    <M>(M: Monoid<M>) =>
    <A>(fa: Kind<U, A>, f: (i: LeafInfo, a: A) => M): M =>
      reduceWithIndex(fa, M.empty, (i, acc, a) => M.concat(acc, f(i, a)));
  const reduceRight = <A, B>(fa: Kind<U, A>, b: B, f: (a: A, b: B) => B): B =>
    toArray(asAny(fa)).reduceRight((acc: B, a) => f(a as A, acc), b);
  const reduceRightWithIndex = <A, B>(fa: Kind<U, A>, b: B, f: (i: LeafInfo, a: A, b: B) => B): B =>
    leafEntries(asAny(fa)).reduceRight((acc: B, [i, a]) => f(i, a as A, acc), b);
  const traverseWithIndex =
    <G>(G: Applicative<G>) =>
    <A, B>(ta: Kind<U, A>, f: (i: LeafInfo, a: A) => HKT<G, B>): HKT<G, Kind<U, B>> =>
      traverseLeavesWithInfo(G)(asAny(ta), f) as unknown as HKT<G, Kind<U, B>>;
  const traverse =
    <G>(G: Applicative<G>) =>
    <A, B>(ta: Kind<U, A>, f: (a: A) => HKT<G, B>): HKT<G, Kind<U, B>> =>
      traverseWithIndex(G)(ta, (_, a: A) => f(a));
  const sequence =
    <G>(G: Applicative<G>) =>
    <A>(ta: Kind<U, HKT<G, A>>): HKT<G, Kind<U, A>> =>
      traverse(G)(ta, (x: HKT<G, A>) => x);

  const Functor: Functor1<U> = { URI, map };
  const FunctorWithIndex: FunctorWithIndex1<U, LeafInfo> = { URI, map, mapWithIndex };
  const Foldable: Foldable1<U> = { URI, reduce, foldMap, reduceRight };
  const FoldableWithIndex: FoldableWithIndex1<U, LeafInfo> = {
    ...Foldable,
    reduceWithIndex,
    foldMapWithIndex,
    reduceRightWithIndex,
  };
  const Traversable: Traversable1<U> = {
    URI,
    map,
    reduce,
    foldMap,
    reduceRight,
    traverse: traverse as unknown as Traversable1<U>['traverse'],
    sequence: sequence as unknown as Traversable1<U>['sequence'],
  };
  const TraversableWithIndex: TraversableWithIndex1<U, LeafInfo> = {
    ...Traversable,
    ...FoldableWithIndex,
    mapWithIndex,
    traverseWithIndex: traverseWithIndex as unknown as TraversableWithIndex1<U, LeafInfo>['traverseWithIndex'],
  };
  return {
    ...spec,
    URI,
    fields: options.fields,
    make,
    forward,
    forwardWithState,
    apply:
      (m: Kind<U, unknown>) =>
      (...inputs: In) =>
        forward(m, ...inputs),
    Functor,
    FunctorWithIndex,
    Foldable,
    FoldableWithIndex,
    Traversable,
    TraversableWithIndex,
  };
};

// -------------------------------------------------------------------------------------
// instances for any module (heterogeneous code: checkpoints, optimizers over any model)
// -------------------------------------------------------------------------------------

/** The fp-ts URI of {@link AnyModule}: instances that work on every module kind. @since 0.1.0 */
export const URI = 'parallax-ts/Module';
/** @since 0.1.0 */
export type URI = typeof URI;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: AnyModule<A>;
  }
}

const anyDef = {
  map: <A, B>(fa: AnyModule<A>, f: (a: A) => B): AnyModule<B> => mapLeaves(fa, f, false, ''),
  mapWithIndex: <A, B>(fa: AnyModule<A>, f: (i: LeafInfo, a: A) => B): AnyModule<B> =>
    mapLeaves(fa, (a: A, i) => f(i, a), true, ''),
};

/** `Functor` for any module. @since 0.1.0 */
export const Functor: Functor1<URI> = { URI, map: anyDef.map };
/** `FunctorWithIndex` for any module, indexed by {@link LeafInfo}. @since 0.1.0 */
export const FunctorWithIndex: FunctorWithIndex1<URI, LeafInfo> = { URI, ...anyDef };
/** `Foldable` for any module. @since 0.1.0 */
export const Foldable: Foldable1<URI> = {
  URI,
  reduce: (fa, b, f) => toArray(fa).reduce(f, b),
  foldMap: (M) => (fa, f) => toArray(fa).reduce((acc, a) => M.concat(acc, f(a)), M.empty),
  reduceRight: (fa, b, f) => toArray(fa).reduceRight((acc, a) => f(a, acc), b),
};
/** `Traversable` for any module. @since 0.1.0 */
export const Traversable: Traversable1<URI> = {
  ...Functor,
  ...Foldable,
  traverse: (<G>(G: Applicative<G>) =>
    <A, B>(ta: AnyModule<A>, f: (a: A) => HKT<G, B>) =>
      traverseLeavesWithInfo(G)(ta, (_, a: A) => f(a))) as unknown as Traversable1<URI>['traverse'],
  sequence: (<G>(G: Applicative<G>) =>
    <A>(ta: AnyModule<HKT<G, A>>) =>
      traverseLeavesWithInfo(G)(ta, (_, a: HKT<G, A>) => a)) as unknown as Traversable1<URI>['sequence'],
};
/** `TraversableWithIndex` for any module, indexed by {@link LeafInfo}. @since 0.1.0 */
export const TraversableWithIndex: TraversableWithIndex1<URI, LeafInfo> = {
  ...Traversable,
  mapWithIndex: anyDef.mapWithIndex,
  reduceWithIndex: (fa, b, f) => leafEntries(fa).reduce((acc, [i, a]) => f(i, acc, a), b),
  foldMapWithIndex: (M) => (fa, f) => leafEntries(fa).reduce((acc, [i, a]) => M.concat(acc, f(i, a)), M.empty),
  reduceRightWithIndex: (fa, b, f) => leafEntries(fa).reduceRight((acc, [i, a]) => f(i, a, acc), b),
  traverseWithIndex: (<G>(G: Applicative<G>) =>
    <A, B>(ta: AnyModule<A>, f: (i: LeafInfo, a: A) => HKT<G, B>) =>
      traverseLeavesWithInfo(G)(ta, f)) as unknown as TraversableWithIndex1<URI, LeafInfo>['traverseWithIndex'],
};

// -------------------------------------------------------------------------------------
// pipeables (data-last, for pipe/flow)
// -------------------------------------------------------------------------------------

/**
 * Maps every leaf, data-last.
 * @example
 * pipe(params, map((t) => t.shape))
 * @since 0.1.0
 */
export const map =
  <A, B>(f: (a: A) => B) =>
  <M extends AnyModule<A>>(m: M): Relabel<M, B> =>
    mapModule(m, f as (a: LeafOf<M>) => B);

/**
 * Maps every leaf with its {@link LeafInfo}, data-last.
 * @example
 * pipe(params, mapWithInfo((info, t) => info.path))
 * @since 0.1.0
 */
export const mapWithInfo =
  <A, B>(f: (info: LeafInfo, a: A) => B) =>
  <M extends AnyModule<A>>(m: M): Relabel<M, B> =>
    mapModuleWithInfo(m, f as (info: LeafInfo, a: LeafOf<M>) => B);

/**
 * Left fold over the leaves, data-last.
 * @example
 * pipe(shapes, reduce(0, (n, s) => n + s.length))
 * @since 0.1.0
 */
export const reduce =
  <A, B>(b: B, f: (b: B, a: A) => B) =>
  (m: AnyModule<A>): B =>
    reduceModule(m, b, f as never);
