/**
 * `Sequential`: layers applied one after another, `x ↦ layers[n-1](… layers[0](x))` (PyTorch's
 * `nn.Sequential`). The layers may be of any kinds (an `anyModules()` field), and each must have a
 * forward pass taking and returning one value.
 *
 * - input: what the first layer takes; output: what the last layer returns (no layers: the identity)
 * - no parameters of its own; leaves are its children's, at paths `layers.<i>.<leaf>`; its state-dict
 *   keys are PyTorch's `<i>.<leaf>` (declared with `stateDictKeys`)
 * - state: `forwardWithState` threads every child through `applyWithState`, so a BatchNorm inside
 *   a Sequential returns its updated running statistics inside the returned Sequential. The plain
 *   `forward` discards such updates.
 * - each child is called through its own forward pass, so an error names the child:
 *   `Linear at "layers.2": expected input of shape [..., 4], got [3, 5]`.
 *
 * @since 0.1.0
 */
import { tidy } from '../engine/memory.js';
import { anyModules } from '../tree/Field.js';
import { type AnyModule, apply, applyWithState, defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { ModuleError } from '../tree/ModuleError.js';
import { isModule, specOf } from '../tree/Module.js';

const fields = { layers: anyModules() };

/**
 * The fp-ts URI of `Sequential` modules (also `Sequential.URI`).
 * @example
 * nn.Sequential.URI // 'parallax-ts/nn/Sequential'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/Sequential';
/** @since 0.1.0 */
export type URI = typeof URI;
/** A `Sequential` whose leaves are `A`. @since 0.1.0 */
export type Sequential<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: Sequential<A>;
  }
}

const checkCallable = (m: Sequential<unknown>): void => {
  m.layers.forEach((layer, i) => {
    if (specOf(layer).forward === undefined) {
      throw new ModuleError(`layer ${i} (${specOf(layer).name}) has no forward pass`);
    }
  });
};

const forward = (m: Sequential<unknown>, x: unknown): unknown => {
  checkCallable(m);
  // Intermediate activations are freed; what the last layer returns is kept.
  return tidy(() => m.layers.reduce((h: unknown, layer) => apply(layer, h), x));
};

const forwardWithState = <A>(m: Sequential<A>, x: unknown): readonly [unknown, Sequential<A>] => {
  checkCallable(m as Sequential<unknown>);
  // Intermediate activations are freed; the output and the children's new state are kept.
  return tidy(() => {
    let h = x;
    let changed = false;
    const next = m.layers.map((layer) => {
      const [y, updated] = applyWithState(layer, h);
      h = y;
      if (updated !== layer) changed = true;
      return updated as AnyModule<A>;
    });
    // Keep the record's identity when no child changed: callers can tell "no state" cheaply.
    return [h, changed ? def.make<A>({ layers: next }) : m] as const;
  });
};

const def: ModuleDef<URI, typeof fields, [x: unknown], unknown> = defineModule(URI, {
  name: 'Sequential',
  fields,
  // PyTorch's state-dict names: `0.weight`, not `layers.0.weight`.
  stateDictKeys: { layers: '' },
  forward,
  forwardWithState,
});

/**
 * `Sequential`: the module definition plus `create(layers)`. Its children are of any kinds, so
 * `forward` takes and returns `unknown`: say what you expect, `nn.Sequential.forward(net, x) as Tensor`.
 * @since 0.1.0
 */
export interface SequentialDef extends ModuleDef<URI, typeof fields, [x: unknown], unknown> {
  /** A Sequential of the given layers (any module kinds, all with the same leaf type). */
  readonly create: <A>(layers: ReadonlyArray<AnyModule<A>>) => Sequential<A>;
}

/**
 * The `Sequential` container: `create(layers)` chains modules, `forward` / `apply` run them in order,
 * `forwardWithState` also threads each child's updated state; see {@link SequentialDef}.
 * @example
 * import { nn, initialize, random, tf } from 'parallax-ts'
 * const net = initialize(nn.Sequential.create([nn.Linear.create(4, 8), nn.Dropout.create(0.1), nn.Linear.create(8, 2)]))(random.key(0))
 * const out = nn.Sequential.forward(net, tf.ones([3, 4])) as tf.Tensor // unknown: the children's kinds are not in the type
 * out.shape // [3, 2]
 * const [y, net2] = nn.Sequential.forwardWithState(net, tf.ones([3, 4])) // children's state updated
 * @since 0.1.0
 */
export const Sequential: SequentialDef = {
  ...def,
  create: <A>(layers: ReadonlyArray<AnyModule<A>>): Sequential<A> => {
    if (!Array.isArray(layers)) throw new Error('Sequential.create: expected an array of modules');
    layers.forEach((layer, i) => {
      if (!isModule(layer)) throw new Error(`Sequential.create: layer ${i} is not a module`);
    });
    return def.make<A>({ layers: [...layers] });
  },
};
