/**
 * Declaring a module kind: from its fields, a constructor of records, its forward pass (with error
 * paths), and its fp-ts instances.
 *
 * @since 0.1.0
 */
import type { Applicative } from 'fp-ts/lib/Applicative.js';
import type { Foldable1 } from 'fp-ts/lib/Foldable.js';
import type { FoldableWithIndex1 } from 'fp-ts/lib/FoldableWithIndex.js';
import type { Functor1 } from 'fp-ts/lib/Functor.js';
import type { FunctorWithIndex1 } from 'fp-ts/lib/FunctorWithIndex.js';
import type { HKT, Kind, URIS } from 'fp-ts/HKT.js';
import type { Monoid } from 'fp-ts/lib/Monoid.js';
import type { Traversable1 } from 'fp-ts/lib/Traversable.js';
import type { TraversableWithIndex1 } from 'fp-ts/lib/TraversableWithIndex.js';
import { type AnyModule, type Fields, type FieldValues, type ModuleSpec, ModuleTag, type StateDictKey } from './Field.js';
import { runForward } from './forward.js';
import { leafEntries, toArray } from './leaves.js';
import { traverseLeavesWithInfo } from './traverse.js';
import { describeValue, isModule, type LeafInfo, mapLeaves, type Rec, specOf } from './walk.js';

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
 * Declares a module kind. `URI` must be registered in fp-ts's `URItoKind` (the `declare module`
 * block of the example; `'fp-ts/HKT.js'` under `moduleResolution: NodeNext`) so that the instances
 * are typed for fp-ts. Annotate the result as `ModuleDef<URI, typeof fields, [inputs], output>`:
 * `forward`'s inputs and output are then typed for callers.
 *
 * @param options.name the name printed by `Show` and used in error messages
 * @param options.fields the field declarations, in traversal order
 * @param options.extraRepr the text inside the parentheses when printed, e.g. `(m) => \`${m.inFeatures}, ${m.outFeatures}\``
 * @param options.forward the forward pass, if the module is callable
 * @param options.stateDictKeys state-dict names of fields, e.g. `{ runningMean: 'running_mean' }` (see `StateDictKey`)
 * @example
 * const fields = { weight: param(), bias: param(), features: constant<number>() }
 * export const URI = 'my-app/Dense'
 * export type URI = typeof URI
 * export type Dense<A> = ModuleOf<URI, typeof fields, A>
 * declare module 'fp-ts/HKT.js' {
 *   interface URItoKind<A> { readonly [URI]: Dense<A> }
 * }
 * export const Dense: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
 *   name: 'Dense',
 *   fields,
 *   extraRepr: (m) => `${m.features}`,
 *   forward: (m: Dense<Tensor>, x: Tensor) => tf.add(tf.matMul(x, m.weight, false, true), m.bias),
 * })
 * const dense = Dense.make({ weight: paramInit([3, 2], init.zeros), bias: paramInit([3], init.zeros), features: 3 })
 * const y = Dense.forward(initialize(dense)(random.key(0)), x)
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
    readonly forward?: (m: Kind<U, never>, ...inputs: In) => Out;
    /** For layers with buffers updated by the forward pass (train-mode BatchNorm). */
    readonly forwardWithState?: (m: Kind<U, never>, ...inputs: In) => readonly [Out, Kind<U, unknown>];
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

