/**
 * Declaring a module kind in one call: from its fields, a constructor of records, its forward pass
 * (typed from the fields, with error paths), and its fp-ts instances.
 *
 * Every module kind shares one fp-ts URI ({@link URI}); what tells kinds apart is the *spec* in
 * fp-ts's `E` slot, as fp-ts does for `Either`'s error type. So a definition's instances are
 * `Functor2C<URI, S>`, `Traversable2C<URI, S>`, …, and no module needs a `declare module` block.
 *
 * @category model
 * @since 0.1.0
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  type AnySpec,
  type BufferField,
  type Fields,
  type FieldValues,
  type InputOf,
  type ModuleOf,
  type ModuleSpec,
  ModuleTag,
  type OutputOf,
  type ParamField,
  type StateDictKey,
  type SubmoduleField,
  type SubmodulesField,
  type TupleField,
  type AnyModulesField,
} from './Field.js';
import { assertUsable, locate } from './forward.js';
import { ModuleError } from './ModuleError.js';
import { instances, type ModuleInstances } from './instances.js';
import type { ParamInit } from './ParamInit.js';
import { describeValue, isModule, type Rec, specOf } from './walk.js';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Whether a module kind has leaves at all (parameters or buffers, its own or its submodules').
 * Leaf-free kinds (Dropout, Flatten) are created at leaf type `never`, so they fit any tree.
 */
type HasLeaves<F extends Fields> = true extends {
  readonly [K in keyof F]: F[K] extends ParamField | BufferField | AnyModulesField
    ? true
    : F[K] extends SubmoduleField<infer S> | SubmodulesField<infer S>
      ? HasLeaves<S['fields']>
      : F[K] extends TupleField<infer Ss>
        ? HasLeaves<Ss[number]['fields']>
        : false;
}[keyof F]
  ? true
  : false;

/** The leaf type of a freshly created module: lazy parameters, or `never` for a leaf-free kind. @category model @since 0.2.0 */
export type CreatedLeaf<F extends Fields> = HasLeaves<F> extends true ? ParamInit<Tensor> : never;

/**
 * A module as its own definition sees it (in `forward`, `extraRepr`): fields typed, leaves `A`.
 * Its forward signature is left open, since it is being inferred from that very `forward`.
 * @category model
 * @since 0.2.0
 */
// `never` in the phantom slots: they are covariant, so `Self` fits wherever the finished kind is expected.
export type Self<U extends string, F extends Fields, A> = ModuleOf<ModuleSpec<U, F, never, never>, A>;

/**
 * What {@link defineModule} returns: the constructor of records, the forward pass, and the fp-ts
 * instances — all specialised to one module kind `S`.
 * @category model
 * @since 0.1.0
 */
export interface ModuleDef<S extends AnySpec> extends ModuleInstances<S> {
  /** The kind's spec, as carried by every record under `ModuleTag`. */
  readonly spec: S;
  readonly URI: S['URI'];
  readonly name: string;
  readonly fields: S['fields'];
  /** Makes a record from its field values (all fields required; extra keys rejected). */
  readonly make: <A = never>(values: FieldValues<S['fields'], A>) => ModuleOf<S, A>;
  /** The forward pass, data-first: `(module, ...inputs) => output`, on an initialized module. */
  readonly forward: (m: ModuleOf<S, Tensor>, ...inputs: InputOf<S>) => OutputOf<S>;
  /** The forward pass, data-last: `apply(module)(...inputs)`, for `pipe`/`flow`. */
  readonly apply: (m: ModuleOf<S, Tensor>) => (...inputs: InputOf<S>) => OutputOf<S>;
  /**
   * The forward pass returning `[output, module with updated buffers]` (the `State` style of
   * stateful layers); for modules declared without `forwardWithState`, `[forward(m, ...), m]`.
   */
  readonly forwardWithState: <A extends Tensor>(m: ModuleOf<S, A>, ...inputs: InputOf<S>) => readonly [OutputOf<S>, ModuleOf<S, A>];
}

/** A definition declared with a `create` option: `create(...args)` builds a new, uninitialized module. @category model @since 0.2.0 */
export interface CreatableModuleDef<S extends AnySpec, Args extends ReadonlyArray<unknown>> extends ModuleDef<S> {
  /** A new module from its constructor arguments; its parameters are lazy until `initialize`. */
  readonly create: (...args: Args) => ModuleOf<S, CreatedLeaf<S['fields']>>;
}

/**
 * The options of {@link defineModule}.
 * @category model
 * @since 0.2.0
 */
export interface ModuleOptions<
  U extends string,
  F extends Fields,
  In extends ReadonlyArray<unknown>,
  Out,
  Args extends ReadonlyArray<unknown>,
> {
  /** The name printed by `Show` and used in error messages. */
  readonly name: string;
  /** The field declarations, in traversal order. */
  readonly fields: F;
  /** Builds the field values from constructor arguments; the definition then has `create(...args)`. */
  readonly create?: (...args: Args) => NoInfer<FieldValues<F, ParamInit<Tensor>>>;
  /** The forward pass, if the module is callable; its module argument is typed from `fields`. */
  readonly forward?: (m: Self<U, F, Tensor>, ...inputs: In) => Out;
  /** For layers with buffers updated by the forward pass (train-mode BatchNorm). */
  readonly forwardWithState?: (m: Self<U, F, Tensor>, ...inputs: In) => readonly [Out, Self<U, F, Tensor>];
  /** The text inside the parentheses when printed, e.g. `(m) => \`${m.inFeatures}, ${m.outFeatures}\``. */
  readonly extraRepr?: (m: Self<U, F, unknown>) => string;
  /** State-dict names of fields, where not the field's own (PyTorch's `running_mean`); see {@link StateDictKey}. */
  readonly stateDictKeys?: { readonly [K in keyof F]?: StateDictKey<Self<U, F, unknown>> };
}

// -------------------------------------------------------------------------------------
// constructor
// -------------------------------------------------------------------------------------

/** Rejects state-dict names that could not apply: unknown or untraversed fields, functions on leaves. */
const checkStateDictKeys = (name: string, fields: Fields, keys: Readonly<Record<string, StateDictKey>>): void => {
  for (const [fieldName, key] of Object.entries(keys)) {
    const decl = fields[fieldName];
    const where = `${name}: stateDictKeys.${fieldName}`;
    if (decl === undefined) throw new ModuleError(`${where} names no declared field`);
    if (decl._tag === 'constant' || decl._tag === 'context')
      throw new ModuleError(`${where}: a ${decl._tag} field has no state-dict entries`);
    if (typeof key === 'function') {
      if (decl._tag === 'param' || decl._tag === 'buffer')
        throw new ModuleError(`${where}: a ${decl._tag} field takes a string key, not a function`);
    } else if (typeof key !== 'string') {
      throw new ModuleError(`${where}: expected a string or a function, got ${describeValue(key)}`);
    } else if (key === '' && (decl._tag === 'param' || decl._tag === 'buffer')) {
      throw new ModuleError(`${where}: a ${decl._tag} key cannot be empty`);
    }
  }
};

/**
 * Declares a module kind in one call. `forward`'s module argument is typed from `fields`; its inputs
 * and output are inferred from it and typed for every caller. With `create`, the definition builds
 * new modules from constructor arguments. The URI names the kind (two kinds must not share one):
 * records are checked against it at run time, and its literal type keeps kinds apart at compile time.
 *
 * @example
 * import type { Tensor } from '@tensorflow/tfjs-core'
 * import { constant, defineModule, init, initialize, type ModuleType, param, paramInit, random, tf } from 'parallax-ts'
 *
 * export const Dense = defineModule('my-app/Dense', {
 *   name: 'Dense',
 *   fields: { weight: param(), bias: param(), inSize: constant<number>(), outSize: constant<number>() },
 *   create: (inSize: number, outSize: number) => ({ weight: paramInit([outSize, inSize], init.glorotNormal()), bias: paramInit([outSize], init.zeros), inSize, outSize }),
 *   forward: (m, x: Tensor) => tf.add(tf.matMul(x, m.weight, false, true), m.bias),
 *   extraRepr: (m) => `${m.inSize}, ${m.outSize}`,
 * })
 * export type Dense<A> = ModuleType<typeof Dense, A>
 *
 * const dense: Dense<Tensor> = initialize(Dense.create(5, 10))(random.key(0))
 * const y = Dense.forward(dense, tf.zeros([2, 5])) // Tensor of shape [2, 10]
 * @category constructors
 * @since 0.1.0
 */
export function defineModule<
  const U extends string,
  F extends Fields,
  Args extends ReadonlyArray<unknown>,
  In extends ReadonlyArray<unknown> = never,
  Out = never,
>(
  URI: U,
  options: ModuleOptions<U, F, In, Out, Args> & { readonly create: (...args: Args) => NoInfer<FieldValues<F, ParamInit<Tensor>>> },
): CreatableModuleDef<ModuleSpec<U, F, In, Out>, Args>;
export function defineModule<const U extends string, F extends Fields, In extends ReadonlyArray<unknown> = never, Out = never>(
  URI: U,
  options: ModuleOptions<U, F, In, Out, never> & { readonly create?: undefined },
): ModuleDef<ModuleSpec<U, F, In, Out>>;
export function defineModule<
  const U extends string,
  F extends Fields,
  Args extends ReadonlyArray<unknown>,
  In extends ReadonlyArray<unknown> = never,
  Out = never,
>(URI: U, options: ModuleOptions<U, F, In, Out, Args>): ModuleDef<ModuleSpec<U, F, In, Out>> {
  type S = ModuleSpec<U, F, In, Out>;
  if (typeof URI !== 'string' || URI === '')
    throw new ModuleError(`defineModule: the URI must be a non-empty string, got ${describeValue(URI)}`);
  const fieldNames = Object.keys(options.fields);
  const stateDictKeys = options.stateDictKeys as Readonly<Record<string, StateDictKey>> | undefined;
  if (stateDictKeys !== undefined) checkStateDictKeys(options.name, options.fields, stateDictKeys);
  const rawForward = options.forward as ((m: unknown, ...inputs: In) => Out) | undefined;
  const checkKind = (fn: string, m: unknown): void => {
    if (!isModule(m) || m[ModuleTag].URI !== URI) {
      throw new ModuleError(
        `${options.name}.${fn}: expected a ${options.name} module, got ${isModule(m) ? specOf(m).name : describeValue(m)}`,
      );
    }
  };
  const forward = (m: ModuleOf<S, Tensor>, ...inputs: In): Out => {
    if (rawForward === undefined) throw new ModuleError(`${options.name} has no forward pass`);
    checkKind('forward', m);
    // runForward's checks and error paths, inlined: nested modules recurse through here, so every
    // frame saved per level is depth gained before the JavaScript stack runs out.
    try {
      assertUsable(m, inputs);
      return rawForward(m, ...inputs);
    } catch (e) {
      throw locate(e, m);
    }
  };
  const rawStateful = options.forwardWithState as ((m: unknown, ...inputs: In) => readonly [Out, unknown]) | undefined;
  const forwardWithState = <A extends Tensor>(m: ModuleOf<S, A>, ...inputs: In): readonly [Out, ModuleOf<S, A>] => {
    if (rawStateful === undefined) return [forward(m, ...inputs), m];
    checkKind('forwardWithState', m);
    try {
      assertUsable(m, inputs);
      return rawStateful(m, ...inputs) as readonly [Out, ModuleOf<S, A>];
    } catch (e) {
      throw locate(e, m);
    }
  };
  const spec: S = {
    URI,
    name: options.name,
    fields: options.fields,
    fieldNames,
    ...(options.extraRepr !== undefined ? { extraRepr: options.extraRepr as (m: never) => string } : {}),
    ...(rawForward !== undefined ? { forward: forward as unknown as (m: never) => unknown } : {}),
    ...(rawStateful !== undefined ? { forwardWithState: forwardWithState as unknown as (m: never) => readonly [unknown, unknown] } : {}),
    ...(stateDictKeys !== undefined ? { stateDictKeys: { ...stateDictKeys } } : {}),
  };
  const make = <A>(values: FieldValues<F, A>): ModuleOf<S, A> => {
    if (typeof values !== 'object' || values === null)
      throw new ModuleError(`${options.name}: expected an object of field values, got ${describeValue(values)}`);
    const v = values as unknown as Rec;
    const extra = Object.keys(v).filter((k) => !(k in options.fields));
    if (extra.length > 0) throw new ModuleError(`${options.name}: unknown field(s) ${extra.map((k) => `"${k}"`).join(', ')}`);
    const out: Rec = { [ModuleTag]: spec };
    for (const name of fieldNames) {
      if (!(name in v)) throw new ModuleError(`${options.name}: missing field "${name}"`);
      const decl = options.fields[name]!;
      const value = v[name];
      if (decl._tag === 'submodule' && !isModule(value)) {
        throw new ModuleError(`${options.name}: field "${name}" must be a module, got ${describeValue(value)}`);
      }
      if (decl._tag === 'submodules' || decl._tag === 'tuple' || decl._tag === 'anyModules') {
        if (!Array.isArray(value))
          throw new ModuleError(`${options.name}: field "${name}" must be an array of modules, got ${describeValue(value)}`);
        const bad = value.findIndex((x) => !isModule(x));
        if (bad >= 0) {
          throw new ModuleError(
            `${options.name}: field "${name}" must be an array of modules, but element ${bad} is ${describeValue(value[bad])}`,
          );
        }
      }
      out[name] = value;
    }
    return Object.freeze(out) as unknown as ModuleOf<S, A>;
  };
  const I = instances<S>();
  const def: ModuleDef<S> = {
    spec,
    URI,
    name: options.name,
    fields: options.fields,
    make,
    forward: forward as ModuleDef<S>['forward'],
    apply:
      (m) =>
      (...inputs) =>
        (forward as ModuleDef<S>['forward'])(m, ...inputs),
    forwardWithState: forwardWithState as ModuleDef<S>['forwardWithState'],
    ...I,
  };
  const create = options.create;
  if (create === undefined) return def;
  return { ...def, create: (...args: Args) => make(create(...args)) } as CreatableModuleDef<S, Args>;
}
