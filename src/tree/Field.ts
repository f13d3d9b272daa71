/**
 * Field declarations: what each field of a module record is. A module is declared once as a record
 * of fields; from it come the record's type (generic in the leaf type `A`) and its fp-ts instances.
 *
 * | declaration           | field value in `Module<A>`                       | traversed?            |
 * | --------------------- | ------------------------------------------------ | --------------------- |
 * | `param()`             | `A` — a trainable parameter leaf                 | yes (kind `'param'`)  |
 * | `buffer()`            | `A` — non-trainable state (BatchNorm statistics) | yes (kind `'buffer'`) |
 * | `constant<C>()`       | `C` — hyper-parameters (sizes, rates, names)     | never                 |
 * | `submodule(Def)`      | the submodule's record, same leaf type `A`       | its leaves, in order  |
 * | `submodules(Def)`     | `ReadonlyArray` of submodule records             | each, in order        |
 * | `tuple(DefA, DefB)`   | a readonly tuple of submodule records            | each, in order        |
 * | `anyModules()`        | `ReadonlyArray<Module<A>>` of any module kinds   | each, in order        |
 * | `context()`           | {@link Context}: train/eval mode and an RNG key  | by `newState` only    |
 *
 * @category model
 * @since 0.1.0
 */
import type { Option } from 'fp-ts/lib/Option.js';
import type { PRNGKey } from '../random/PRNGKey.js';

/** Train or eval, set on a whole tree by `newState` / `setMode`. @category model @since 0.1.0 */
export type Mode = 'train' | 'eval';

/**
 * The per-module slot that RNG and mode threading fill (the original Parallax's `new_state`).
 * `key` is `some` only on stochastic modules after `newState`.
 * @category model
 * @since 0.1.0
 */
export interface Context {
  readonly mode: Mode;
  readonly key: Option<PRNGKey>;
}

/** @category model @since 0.1.0 */
export interface ParamField {
  readonly _tag: 'param';
}
/** @category model @since 0.1.0 */
export interface BufferField {
  readonly _tag: 'buffer';
}
/** @category model @since 0.1.0 */
export interface ConstantField<C> {
  readonly _tag: 'constant';
  /** Type-level only. */
  readonly _C?: C;
}
/** @category model @since 0.1.0 */
export interface SubmoduleField<S extends AnySpec> {
  readonly _tag: 'submodule';
  /** Type-level only: the submodule's spec. */
  readonly _S?: S;
}
/** @category model @since 0.1.0 */
export interface SubmodulesField<S extends AnySpec> {
  readonly _tag: 'submodules';
  /** Type-level only: the submodules' spec. */
  readonly _S?: S;
}
/** @category model @since 0.1.0 */
export interface TupleField<Ss extends ReadonlyArray<AnySpec>> {
  readonly _tag: 'tuple';
  /** Type-level only: the specs of the tuple's entries. */
  readonly _Ss?: Ss;
}
/** @category model @since 0.1.0 */
export interface AnyModulesField {
  readonly _tag: 'anyModules';
}
/** @category model @since 0.1.0 */
export interface ContextField {
  readonly _tag: 'context';
  /** Whether `newState` hands this module its own key (Dropout: yes; BatchNorm: mode only). */
  readonly stochastic: boolean;
}

/** Any field declaration. @category model @since 0.1.0 */
export type Field =
  | ParamField
  | BufferField
  | ConstantField<unknown>
  | SubmoduleField<AnySpec>
  | SubmodulesField<AnySpec>
  | TupleField<ReadonlyArray<AnySpec>>
  | AnyModulesField
  | ContextField;

/** A module's field declarations, in traversal order. @category model @since 0.1.0 */
export type Fields = { readonly [name: string]: Field };

/** What a field declaration reads from a module definition: only its spec (at the type level). */
interface HasSpec<S extends AnySpec> {
  readonly spec: S;
}

/**
 * A trainable parameter leaf.
 * @example
 * import { defineModule, param } from 'parallax-ts'
 * const Affine = defineModule('my-app/Affine', { name: 'Affine', fields: { weight: param(), bias: param() } })
 * @category fields
 * @since 0.1.0
 */
export const param = (): ParamField => ({ _tag: 'param' });

/**
 * A non-trainable leaf: traversed, saved and printed like a parameter, but gradients never flow to it
 * and optimizers never touch it (running statistics, step counters).
 * @example
 * import { buffer, defineModule } from 'parallax-ts'
 * const Stats = defineModule('my-app/Stats', { name: 'Stats', fields: { runningMean: buffer(), runningVar: buffer() } })
 * @category fields
 * @since 0.1.0
 */
export const buffer = (): BufferField => ({ _tag: 'buffer' });

/**
 * A constant: carried along, never traversed.
 * @example
 * import { constant, defineModule } from 'parallax-ts'
 * const Act = defineModule('my-app/Act', { name: 'Act', fields: { features: constant<number>(), activation: constant<'relu' | 'tanh'>() } })
 * @category fields
 * @since 0.1.0
 */
export const constant = <C>(): ConstantField<C> => ({ _tag: 'constant' });

/**
 * One submodule of a declared kind: the field holds a record of that definition's kind.
 * @example
 * import { defineModule, nn, submodule } from 'parallax-ts'
 * const Encoder = defineModule('my-app/Encoder', { name: 'Encoder', fields: { proj: submodule(nn.Linear) } })
 * @category fields
 * @since 0.1.0
 */
export const submodule = <S extends AnySpec>(_def: HasSpec<S>): SubmoduleField<S> => ({ _tag: 'submodule' });

/**
 * A readonly array of submodules of one kind.
 * @example
 * import { defineModule, nn, submodules } from 'parallax-ts'
 * const Stack = defineModule('my-app/Stack', { name: 'Stack', fields: { blocks: submodules(nn.Linear) } })
 * @category fields
 * @since 0.1.0
 */
export const submodules = <S extends AnySpec>(_def: HasSpec<S>): SubmodulesField<S> => ({ _tag: 'submodules' });

/**
 * A readonly tuple of submodules of possibly different kinds.
 * @example
 * import { defineModule, nn, tuple } from 'parallax-ts'
 * const Pair = defineModule('my-app/Pair', { name: 'Pair', fields: { pair: tuple(nn.Linear, nn.Dropout) } })
 * @category fields
 * @since 0.1.0
 */
export const tuple = <const Ss extends ReadonlyArray<AnySpec>>(..._defs: { readonly [I in keyof Ss]: HasSpec<Ss[I]> }): TupleField<Ss> => ({
  _tag: 'tuple',
});

/**
 * A readonly array of modules of any kinds (what `Sequential` holds at run time).
 * @example
 * import { anyModules, defineModule } from 'parallax-ts'
 * const Bag = defineModule('my-app/Bag', { name: 'Bag', fields: { layers: anyModules() } })
 * @category fields
 * @since 0.1.0
 */
export const anyModules = (): AnyModulesField => ({ _tag: 'anyModules' });

/**
 * The RNG/mode slot of a module. `stochastic: true` (the default) asks `newState` for a key.
 * @example
 * import { constant, context, defineModule } from 'parallax-ts'
 * const Noise = defineModule('my-app/Noise', { name: 'Noise', fields: { scale: constant<number>(), ctx: context() } })
 * @category fields
 * @since 0.1.0
 */
export const context = (options: { readonly stochastic?: boolean } = {}): ContextField => ({
  _tag: 'context',
  stochastic: options.stochastic ?? true,
});

/** The value a field holds in a module whose leaves are `A`. @category model @since 0.1.0 */
export type FieldValue<F, A> = F extends ParamField | BufferField
  ? A
  : F extends ConstantField<infer C>
    ? C
    : F extends ContextField
      ? Context
      : F extends AnyModulesField
        ? ReadonlyArray<AnyModule<A>>
        : F extends SubmoduleField<infer S>
          ? ModuleOf<S, A>
          : F extends TupleField<infer Ss>
            ? { readonly [I in keyof Ss]: ModuleOf<Ss[I], A> }
            : F extends SubmodulesField<infer S>
              ? ReadonlyArray<ModuleOf<S, A>>
              : never;

/** The fields of a module record with leaves `A`. @category model @since 0.1.0 */
// For the wide `Fields` (any module kind) there is nothing to say about the fields: `unknown`, so that
// `ModuleOf<AnySpec, A>` is the same type as `AnyModule<A>`.
export type FieldValues<F extends Fields, A> = string extends keyof F ? unknown : { readonly [K in keyof F]: FieldValue<F[K], A> };

// Module record types live here, beside the field types they are built from.

/**
 * The runtime tag every module record carries: its spec. `Symbol.for` so ESM and CJS copies agree.
 * @example
 * import { ModuleTag, nn } from 'parallax-ts'
 * const name: string = nn.Linear.create(2, 3)[ModuleTag].name // 'Linear'
 * @category model
 * @since 0.1.0
 */
export const ModuleTag: unique symbol = Symbol.for('parallax-ts/ModuleDef') as never;
/** Type-level only: the leaf type of a module record (declared on the record type, never present at run time). */
export declare const LeafTag: unique symbol;

/**
 * How one field of a module is named in state-dict keys (`io.stateDict`), when its name there is not
 * the field's own (the default). Used to give layers PyTorch's names:
 *
 * - on a `param()` / `buffer()` field: a string, the leaf's key (`runningMean` → `'running_mean'`);
 * - on a submodule or array field: a string, the key prefix in place of the field name, and `''`
 *   to splice the children's keys into this module's namespace (PyTorch's `Sequential`: `0.weight`
 *   rather than `layers.0.weight`);
 * - on a submodule or array field: a function `(childKey, index, module) => key` naming each of the
 *   child's keys (already in the child's own naming) inside this module; `index` is the array index
 *   (0 for a single submodule), `module` this module (typed from its fields). PyTorch's `LSTM` stores
 *   layer `i`'s cell weights as `weight_ih_l{i}`; an `MLP` names Linear `i` `2i` or `3i` by whether
 *   it has dropout.
 *
 * @example
 * import { anyModules, buffer, defineModule, nn, param, submodules } from 'parallax-ts'
 * const Norm = defineModule('my-app/Norm', {
 *   name: 'Norm',
 *   fields: { weight: param(), bias: param(), runningMean: buffer(), runningVar: buffer() },
 *   stateDictKeys: { runningMean: 'running_mean', runningVar: 'running_var' },
 * })
 * const Chain = defineModule('my-app/Chain', { name: 'Chain', fields: { layers: anyModules() }, stateDictKeys: { layers: '' } })
 * const Cells = defineModule('my-app/Cells', { name: 'Cells', fields: { cells: submodules(nn.Linear) }, stateDictKeys: { cells: (key, i) => `${key}_l${i}` } })
 * @category model
 * @since 0.1.0
 */
export type StateDictKey<M = never> = string | ((childKey: string, index: number, module: M) => string);

/**
 * A module kind, at run time and at the type level: its URI (the kind's identity), name, field
 * declarations and hooks, and — as phantom types — what its forward pass takes (`In`) and returns
 * (`Out`). Every record carries its spec under {@link ModuleTag}; `defineModule` makes it.
 * @category model
 * @since 0.2.0
 */
export interface ModuleSpec<
  U extends string = string,
  F extends Fields = Fields,
  In extends ReadonlyArray<unknown> = ReadonlyArray<unknown>,
  Out = unknown,
> {
  readonly URI: U;
  readonly name: string;
  readonly fields: F;
  readonly fieldNames: ReadonlyArray<string>;
  readonly extraRepr?: (m: never) => string;
  readonly forward?: (m: never, ...inputs: never[]) => unknown;
  /** Forward pass that also returns the module with updated buffers (BatchNorm in train mode). */
  readonly forwardWithState?: (m: never, ...inputs: never[]) => readonly [unknown, unknown];
  /** State-dict names of fields whose key is not the field name (see {@link StateDictKey}). */
  readonly stateDictKeys?: Readonly<Record<string, StateDictKey>>;
  /** Type-level only: the forward pass's inputs. */
  readonly _In?: In;
  /** Type-level only: the forward pass's output. */
  readonly _Out?: Out;
}

/** The spec of any module kind: what generic code (gradients, checkpoints, printing) accepts. @category model @since 0.2.0 */
export type AnySpec = ModuleSpec<string, Fields, ReadonlyArray<unknown>, unknown>;

/**
 * A module record of kind `S` with leaves `A`: its fields plus its spec under {@link ModuleTag}.
 * `A` is `ParamInit<Tensor>` before `initialize`, `Tensor` after, and anything in between (shapes,
 * gradients, optimizer moments). Name it from a definition with {@link ModuleType}.
 * @category model
 * @since 0.2.0
 */
export type ModuleOf<S extends AnySpec, A> = {
  readonly [ModuleTag]: S;
  readonly [LeafTag]: A;
} & FieldValues<S['fields'], A>;

/**
 * The record type of a definition's modules: `type Dense<A> = ModuleType<typeof Dense, A>`.
 * @category model
 * @since 0.2.0
 */
export type ModuleType<D extends HasSpec<AnySpec>, A> = ModuleOf<D['spec'], A>;

/** The spec of a module record type. @category model @since 0.2.0 */
export type SpecOf<M> = M extends { readonly [ModuleTag]: infer S extends AnySpec } ? S : never;

/** What a module kind's forward pass takes, as a tuple. @category model @since 0.2.0 */
export type InputOf<S extends AnySpec> = Exclude<S['_In'], undefined>;

/** What a module kind's forward pass returns. @category model @since 0.2.0 */
export type OutputOf<S extends AnySpec> = Exclude<S['_Out'], undefined>;

/**
 * Any module record with leaves `A` (what heterogeneous containers and generic code hold).
 * @category model
 * @since 0.1.0
 */
export interface AnyModule<A = unknown> {
  readonly [ModuleTag]: AnySpec;
  readonly [LeafTag]: A;
}
