/**
 * Running forward passes: the initialization check, error paths that name the failing submodule,
 * and `apply` / `applyWithState` for any module.
 *
 * @category forward
 * @since 0.1.0
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { AnyModule, AnySpec, InputOf, ModuleOf, OutputOf } from './Field.js';
import { describeDisposed, isDisposedTensor } from './disposed.js';
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
 * one field holding a module of the same kind with the very same leaves. Only the parent's own
 * fields are looked at (one level), and the leaf comparison runs only when identity fails, so an
 * error bubbling up through n levels costs O(n) here, not a walk of every subtree.
 */
const fieldHolding = (parent: AnyModule<unknown>, child: AnyModule<unknown>): string[] | undefined => {
  const spec = specOf(parent);
  for (const name of spec.fieldNames) {
    const decl = spec.fields[name]!;
    const value = field(parent, name);
    if (decl._tag === 'submodule' && value === child) return [name];
    if ((decl._tag === 'submodules' || decl._tag === 'tuple' || decl._tag === 'anyModules') && Array.isArray(value)) {
      const i = value.indexOf(child);
      if (i >= 0) return [name, String(i)];
    }
  }
  const derived: string[][] = [];
  const childURI = specOf(child).URI;
  let childLeaves: unknown[] | undefined;
  const sameOrigin = (value: unknown): boolean => {
    if (!isModule(value) || specOf(value).URI !== childURI) return false;
    childLeaves ??= toArray(child);
    const leaves = toArray(value);
    return leaves.length === childLeaves.length && leaves.every((leaf, i) => leaf === childLeaves![i]);
  };
  for (const name of spec.fieldNames) {
    const decl = spec.fields[name]!;
    const value = field(parent, name);
    if (decl._tag === 'submodule' && sameOrigin(value)) derived.push([name]);
    if ((decl._tag === 'submodules' || decl._tag === 'tuple' || decl._tag === 'anyModules') && Array.isArray(value)) {
      value.forEach((c, j) => {
        if (sameOrigin(c)) derived.push([name, String(j)]);
      });
    }
  }
  return derived.length === 1 ? derived[0] : undefined;
};

/**
 * Throws a `ModuleError` if a direct parameter or buffer of `m` is still a `ParamInit` or is a
 * disposed tensor (tfjs would fail later with "Cannot read properties of undefined").
 */
const assertLeavesUsable = (m: AnyModule<unknown>): void => {
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
    if (isDisposedTensor(value)) throw new ModuleError(`field "${name}" holds ${describeDisposed(value)}`);
  }
};

/**
 * Throws a `ModuleError` if an input of a forward pass is a disposed tensor (also one level inside
 * an array input, such as an `[h, c]` state). Cheap: a property read per input.
 */
const assertInputsUsable = (inputs: ReadonlyArray<unknown>): void => {
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    if (isDisposedTensor(x)) throw new ModuleError(`input ${i} is ${describeDisposed(x)}`);
    if (Array.isArray(x)) {
      for (let j = 0; j < x.length; j++) {
        const y: unknown = x[j];
        if (isDisposedTensor(y)) throw new ModuleError(`input ${i}[${j}] is ${describeDisposed(y)}`);
      }
    }
  }
};

/**
 * What every forward pass checks before running: `m`'s own leaves are initialized and alive, and
 * so are its inputs. One call, so the forward wrapper pays one cross-module call for both.
 * @internal
 */
export const assertUsable = (m: AnyModule<unknown>, inputs: ReadonlyArray<unknown>): void => {
  assertLeavesUsable(m);
  assertInputsUsable(inputs);
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
    assertLeavesUsable(m);
    return run();
  } catch (e) {
    throw locate(e, m);
  }
};

/** Whether `e` is the JavaScript engine's stack overflow (V8: `RangeError: Maximum call stack size exceeded`). */
const isStackOverflow = (e: unknown): boolean => e instanceof RangeError && /call stack/i.test(e.message);

/**
 * The error `e` as a `ModuleError` whose path now starts at `m` (the enclosing module's forward
 * pass rethrows it): the field of `m` holding the module the path started at is prepended.
 * @internal
 */
export const locate = (e: unknown, m: AnyModule<unknown>): ModuleError => {
  const err =
    e instanceof ModuleError
      ? e
      : new ModuleError(
          isStackOverflow(e)
            ? 'the forward pass nests too deep for the JavaScript stack (Maximum call stack size exceeded); ' +
                'flatten the model (a Sequential of blocks rather than blocks nested in blocks) or run Node with a larger --stack-size'
            : e instanceof Error
              ? e.message
              : String(e),
          { cause: e },
        );
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
    throw new ModuleError(`apply: ${spec.name} has no forward pass; call its own functions instead`);
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
