/**
 * Running forward passes: the initialization check, error paths that name the failing submodule,
 * and `apply` / `applyWithState` for any module.
 *
 * @category forward
 * @since 0.1.0
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { AnyModule, AnySpec, InputOf, ModuleOf, OutputOf } from './Field.js';
import { ModuleError } from './ModuleError.js';
import { isParamInit } from './ParamInit.js';
import { toArray } from './leaves.js';
import { field, isModule, specOf } from './walk.js';

// -------------------------------------------------------------------------------------
// forward passes: initialization check and error paths
// -------------------------------------------------------------------------------------

/**
 * Finds which field of `parent` holds `child`, for error paths: by identity, or else — when the
 * parent called a derived record such as `reuse(m.dropout, 1)` or `setMode(m.head, 'eval')` — the
 * one field holding a module of the same kind with the very same leaves.
 */
const fieldHolding = (parent: AnyModule<unknown>, child: AnyModule<unknown>): string[] | undefined => {
  const spec = specOf(parent);
  const derived: string[][] = [];
  const childLeaves = toArray(child);
  const sameOrigin = (value: unknown): boolean =>
    isModule(value) && specOf(value).URI === specOf(child).URI && toArray(value).every((leaf, i) => leaf === childLeaves[i]);
  for (const name of spec.fieldNames) {
    const decl = spec.fields[name]!;
    const value = field(parent, name);
    if (decl._tag === 'submodule') {
      if (value === child) return [name];
      if (sameOrigin(value)) derived.push([name]);
    }
    if (decl._tag === 'submodules' || decl._tag === 'tuple' || decl._tag === 'anyModules') {
      const children = value as ReadonlyArray<unknown>;
      const i = children.indexOf(child);
      if (i >= 0) return [name, String(i)];
      children.forEach((c, j) => {
        if (sameOrigin(c)) derived.push([name, String(j)]);
      });
    }
  }
  return derived.length === 1 ? derived[0] : undefined;
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
 * `apply` or their definition's `forward`), so paths build up automatically. Use it in a module's
 * extra entry points (like `MultiheadAttention.attend`) so they get the same checks and paths.
 * @example
 * import { runForward, ModuleError, initialize, nn, random } from 'parallax-ts'
 * const layer = initialize(nn.Linear.create(2, 3))(random.key(0))
 * runForward(layer, () => { throw new ModuleError('bad input') }) // throws 'Linear at the root module: bad input'
 * @category forward
 * @since 0.1.0
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
  const err = e instanceof ModuleError ? e : new ModuleError(e instanceof Error ? e.message : String(e), { cause: e });
  if (err.at === undefined) {
    err.moduleName = specOf(m).name;
  } else if (err.at !== m) {
    const segment = fieldHolding(m, err.at as AnyModule<unknown>);
    if (segment !== undefined) err.path.unshift(...segment);
  }
  err.at = m;
  err.refresh();
  return err;
};

/**
 * Calls any module's forward pass (data-first), typed from its kind: for a `Linear`, `(x: Tensor) => Tensor`;
 * for a module of unknown kind (`AnyModule`), `unknown` in and out.
 * @example
 * import { apply, initialize, nn, random, tf } from 'parallax-ts'
 * const layer = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const y = apply(layer, tf.ones([4, 2])) // Tensor of shape [4, 3]
 * @category forward
 * @since 0.1.0
 */
export const apply = <S extends AnySpec>(m: ModuleOf<S, Tensor>, ...inputs: InputOf<S>): OutputOf<S> => {
  const spec = specOf(m);
  if (spec.forward === undefined) {
    throw new Error(`apply: ${spec.name} has no forward pass; call its own functions instead`);
  }
  return (spec.forward as unknown as (m: ModuleOf<S, Tensor>, ...i: InputOf<S>) => OutputOf<S>)(m, ...inputs);
};

/**
 * Calls any module's forward pass and returns `[output, updatedModule]`: the module with its buffers
 * updated (BatchNorm running statistics in train mode). Modules without state return themselves, so
 * containers (`Sequential`) thread state through every child with this one call.
 * @example
 * import { applyWithState, initialize, nn, random, tf } from 'parallax-ts'
 * const bn = initialize(nn.BatchNorm1d.create(3))(random.key(0))
 * const [y, nextBn] = applyWithState(bn, tf.ones([4, 3]))
 * @category forward
 * @since 0.1.0
 */
export const applyWithState = <S extends AnySpec, A extends Tensor>(
  m: ModuleOf<S, A>,
  ...inputs: InputOf<S>
): readonly [OutputOf<S>, ModuleOf<S, A>] => {
  const spec = specOf(m);
  if (spec.forwardWithState !== undefined) {
    return (spec.forwardWithState as unknown as (m: ModuleOf<S, A>, ...i: InputOf<S>) => readonly [OutputOf<S>, ModuleOf<S, A>])(
      m,
      ...inputs,
    );
  }
  return [apply(m, ...inputs), m];
};
