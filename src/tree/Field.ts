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
 * @since 0.1.0
 */
import type { Kind, URIS } from 'fp-ts/HKT.js';
import type { Option } from 'fp-ts/lib/Option.js';
import type { PRNGKey } from '../random/PRNGKey.js';

/** Train or eval, set on a whole tree by `newState` / `setMode`. @since 0.1.0 */
export type Mode = 'train' | 'eval';

/**
 * The per-module slot that RNG and mode threading fill (the original Parallax's `new_state`).
 * `key` is `some` only on stochastic modules after `newState`.
 * @since 0.1.0
 */
export interface Context {
  readonly mode: Mode;
  readonly key: Option<PRNGKey>;
}

/** @since 0.1.0 */
export interface ParamField {
  readonly _tag: 'param';
}
/** @since 0.1.0 */
export interface BufferField {
  readonly _tag: 'buffer';
}
/** @since 0.1.0 */
export interface ConstantField<C> {
  readonly _tag: 'constant';
  /** Type-level only. */
  readonly _C?: C;
}
/** @since 0.1.0 */
export interface SubmoduleField<U extends URIS> {
  readonly _tag: 'submodule';
  readonly _U?: U;
}
/** @since 0.1.0 */
export interface SubmodulesField<U extends URIS> {
  readonly _tag: 'submodules';
  readonly _U?: U;
}
/** @since 0.1.0 */
export interface TupleField<Us extends ReadonlyArray<URIS>> {
  readonly _tag: 'tuple';
  readonly _Us?: Us;
}
/** @since 0.1.0 */
export interface AnyModulesField {
  readonly _tag: 'anyModules';
}
/** @since 0.1.0 */
export interface ContextField {
  readonly _tag: 'context';
  /** Whether `newState` hands this module its own key (Dropout: yes; BatchNorm: mode only). */
  readonly stochastic: boolean;
}

/** Any field declaration. @since 0.1.0 */
export type Field =
  | ParamField
  | BufferField
  | ConstantField<unknown>
  | SubmoduleField<URIS>
  | SubmodulesField<URIS>
  | TupleField<ReadonlyArray<URIS>>
  | AnyModulesField
  | ContextField;

/** A module's field declarations, in traversal order. @since 0.1.0 */
export type Fields = { readonly [name: string]: Field };

/** Only `URI` is read from a module definition at the type level. */
interface HasURI<U extends URIS> {
  readonly URI: U;
}

/**
 * A trainable parameter leaf.
 * @example
 * const fields = { weight: param(), bias: param() }
 * @since 0.1.0
 */
export const param = (): ParamField => ({ _tag: 'param' });

/**
 * A non-trainable leaf: traversed, saved and printed like a parameter, but gradients never flow to it
 * and optimizers never touch it (running statistics, step counters).
 * @example
 * const fields = { runningMean: buffer(), runningVar: buffer() }
 * @since 0.1.0
 */
export const buffer = (): BufferField => ({ _tag: 'buffer' });

/**
 * A constant: carried along, never traversed.
 * @example
 * const fields = { inFeatures: constant<number>(), activation: constant<'relu' | 'tanh'>() }
 * @since 0.1.0
 */
export const constant = <C>(): ConstantField<C> => ({ _tag: 'constant' });

/**
 * One submodule of a declared kind.
 * @example
 * const fields = { encoder: submodule(Linear) }
 * @since 0.1.0
 */
export const submodule = <U extends URIS>(_def: HasURI<U>): SubmoduleField<U> => ({ _tag: 'submodule' });

/**
 * A readonly array of submodules of one kind.
 * @example
 * const fields = { blocks: submodules(Linear) }
 * @since 0.1.0
 */
export const submodules = <U extends URIS>(_def: HasURI<U>): SubmodulesField<U> => ({ _tag: 'submodules' });

/**
 * A readonly tuple of submodules of possibly different kinds.
 * @example
 * const fields = { pair: tuple(Linear, Dropout) }
 * @since 0.1.0
 */
export const tuple = <Us extends ReadonlyArray<URIS>>(
  ..._defs: { readonly [I in keyof Us]: HasURI<Us[I]> }
): TupleField<Us> => ({ _tag: 'tuple' });

/**
 * A readonly array of modules of any kinds (what `Sequential` holds).
 * @example
 * const fields = { layers: anyModules() }
 * @since 0.1.0
 */
export const anyModules = (): AnyModulesField => ({ _tag: 'anyModules' });

/**
 * The RNG/mode slot of a module. `stochastic: true` (the default) asks `newState` for a key.
 * @example
 * const fields = { rate: constant<number>(), ctx: context() }
 * @since 0.1.0
 */
export const context = (options: { readonly stochastic?: boolean } = {}): ContextField => ({
  _tag: 'context',
  stochastic: options.stochastic ?? true,
});

/** The value a field holds in a module whose leaves are `A`. @since 0.1.0 */
export type FieldValue<F, A> = F extends ParamField | BufferField
  ? A
  : F extends ConstantField<infer C>
    ? C
    : F extends ContextField
      ? Context
      : F extends AnyModulesField
        ? ReadonlyArray<AnyModule<A>>
        : F extends SubmoduleField<infer U>
          ? Kind<U, A>
          : F extends TupleField<infer Us>
            ? { readonly [I in keyof Us]: Kind<Us[I], A> }
            : F extends SubmodulesField<infer U>
              ? ReadonlyArray<Kind<U, A>>
              : never;

/** The fields of a module record with leaves `A`. @since 0.1.0 */
export type FieldValues<F extends Fields, A> = { readonly [K in keyof F]: FieldValue<F[K], A> };

// Module record types live here, beside the field types they are built from.

/**
 * The runtime tag every module record carries: its definition. `Symbol.for` so ESM and CJS copies agree.
 * @example
 * import { ModuleTag, nn } from 'parallax-ts'
 * nn.Linear.create(2, 3)[ModuleTag].name // 'Linear'
 * @since 0.1.0
 */
export const ModuleTag: unique symbol = Symbol.for('parallax-ts/ModuleDef') as never;
/** Type-level only: the leaf type of a module record. */
export declare const LeafTag: unique symbol;

/**
 * How one field of a module is named in state-dict keys (`io.stateDict`), when its name there is not
 * the field's own (the default). Used to give layers PyTorch's names:
 *
 * - on a `param()` / `buffer()` field: a string, the leaf's key (`runningMean` → `'running_mean'`);
 * - on a submodule or array field: a string, the key prefix in place of the field name, and `''`
 *   to splice the children's keys into this module's namespace (PyTorch's `Sequential`: `0.weight`
 *   rather than `layers.0.weight`);
 * - on a submodule or array field: a function `(childKey, index) => key` naming each of the child's
 *   keys (already in the child's own naming) inside this module; `index` is the array index (0 for a
 *   single submodule). PyTorch's `LSTM` stores layer `i`'s cell weights as `weight_ih_l{i}`.
 *
 * @example
 * defineModule(URI, {
 *   name: 'BatchNorm1d',
 *   fields: { weight: param(), bias: param(), runningMean: buffer(), runningVar: buffer(), numBatchesTracked: buffer() },
 *   stateDictKeys: { runningMean: 'running_mean', runningVar: 'running_var', numBatchesTracked: 'num_batches_tracked' },
 * })
 * defineModule(URI, { name: 'Sequential', fields: { layers: anyModules() }, stateDictKeys: { layers: '' } })
 * defineModule(URI, { name: 'LSTM', fields: { cells: submodules(LSTMCell) }, stateDictKeys: { cells: (key, i) => `${key}_l${i}` } })
 * @since 0.1.0
 */
export type StateDictKey = string | ((childKey: string, index: number) => string);

/** What a record needs at run time to be traversed: its field declarations and a few hooks. @since 0.1.0 */
export interface ModuleSpec {
  readonly URI: string;
  readonly name: string;
  readonly fields: Fields;
  readonly fieldNames: ReadonlyArray<string>;
  readonly extraRepr?: (m: never) => string;
  readonly forward?: (m: never, ...inputs: never[]) => unknown;
  /** Forward pass that also returns the module with updated buffers (BatchNorm in train mode). */
  readonly forwardWithState?: (m: never, ...inputs: never[]) => readonly [unknown, unknown];
  /** State-dict names of fields whose key is not the field name (see {@link StateDictKey}). */
  readonly stateDictKeys?: Readonly<Record<string, StateDictKey>>;
}

/**
 * A module record with leaves `A`: its fields plus the definition tag. `U` names its kind for fp-ts.
 * @since 0.1.0
 */
export type ModuleOf<U extends URIS, F extends Fields, A> = {
  readonly [ModuleTag]: ModuleSpec & { readonly URI: U; readonly fields: F };
  readonly [LeafTag]?: A;
} & FieldValues<F, A>;

/** Any module record with leaves `A` (what heterogeneous containers hold). @since 0.1.0 */
export interface AnyModule<A = unknown> {
  readonly [ModuleTag]: ModuleSpec;
  readonly [LeafTag]?: A;
}
