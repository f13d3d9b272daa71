/**
 * `Sequential`: layers applied one after another, `x ↦ layers[n-1](… layers[0](x))` (PyTorch's
 * `nn.Sequential`). The layers may be of any kinds; each must have a forward pass taking one value.
 *
 * - typed from its layers: `Sequential.create([a, b, c])` takes what `a` takes and returns what `c`
 *   returns, and a layer whose input does not fit the previous layer's output does not compile
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
import type { Tensor } from '@tensorflow/tfjs-core';
import { tidy } from '../engine/memory.js';
import {
  anyModules,
  ModuleTag,
  type AnySpec,
  type InputOf,
  type ModuleOf,
  type ModuleSpec,
  type OutputOf,
  type SpecOf,
  type TupleField,
} from '../tree/Field.js';
import {
  type AnyModule,
  apply,
  applyWithState,
  defineModule,
  Foldable,
  FoldableWithIndex,
  Functor,
  FunctorWithIndex,
  isModule,
  type LeafOf,
  specOf,
  Traversable,
  TraversableWithIndex,
} from '../tree/Module.js';
import { ModuleError } from '../tree/ModuleError.js';
import { ArgumentError } from '../tree/ArgumentError.js';

// -------------------------------------------------------------------------------------
// types: a Sequential's kind is computed from its layers' kinds
// -------------------------------------------------------------------------------------

/** The URI of every `Sequential`, whatever its layers. @category model @since 0.1.0 */
export const URI = 'parallax-ts/nn/Sequential';
/** @category model @since 0.1.0 */
export type URI = typeof URI;

/**
 * The one input a layer's forward pass takes in a chain, as `{ x }`; `never` when it needs more than
 * one. Optional extra inputs are allowed (they are left out in a chain); a layer of unknown kind
 * (`AnyModule`) takes `unknown`.
 */
type ChainParam<In extends ReadonlyArray<unknown>> = number extends In['length']
  ? { readonly x: unknown }
  : In extends readonly [infer X, ...infer Rest]
    ? [] extends Rest
      ? { readonly x: X }
      : { readonly tooMany: In }
    : { readonly tooMany: In };

/** What a chain of layer kinds takes: the first layer's one input (`unknown` for no layers or unknown kinds). */
type ChainInput<Ss extends ReadonlyArray<AnySpec>> = Ss extends readonly [infer H extends AnySpec, ...ReadonlyArray<AnySpec>]
  ? ChainParam<InputOf<H>> extends { readonly x: infer X }
    ? X
    : never
  : unknown;

/** What a chain of layer kinds returns: the last layer's output (`unknown` for no layers or unknown kinds). */
type ChainOutput<Ss extends ReadonlyArray<AnySpec>> = Ss extends readonly [...ReadonlyArray<AnySpec>, infer L extends AnySpec]
  ? OutputOf<L>
  : unknown;

/**
 * The kind of a `Sequential` of layers of kinds `Ss` (a tuple): its forward pass takes the first
 * layer's input and returns the last layer's output.
 * @category model
 * @since 0.2.0
 */
export type SequentialSpec<Ss extends ReadonlyArray<AnySpec>> = ModuleSpec<
  URI,
  { readonly layers: TupleField<Ss> },
  [x: ChainInput<Ss>],
  ChainOutput<Ss>
>;

/**
 * A `Sequential` of layers of kinds `Ss` whose leaves are `A`. `Sequential<A>` (no `Ss`) is a
 * Sequential of layers of any kinds, whose forward pass takes and returns `unknown`.
 * @category model
 * @since 0.1.0
 */
export type Sequential<A, Ss extends ReadonlyArray<AnySpec> = ReadonlyArray<AnySpec>> = ModuleOf<SequentialSpec<Ss>, A>;

/**
 * A compile-time error in place of a layer that cannot follow the one before it: the types it
 * expected and got are in its fields, and the compiler prints them.
 * @category model
 * @since 0.2.0
 */
export interface LayerDoesNotFit<Index extends number, Expected, Got> {
  readonly 'layer does not fit the previous output': { readonly layer: Index; readonly expects: Expected; readonly receives: Got };
}

/** A layer whose forward pass needs more than one input cannot be chained. @category model @since 0.2.0 */
export interface LayerTakesOneInput<Index extends number, Inputs> {
  readonly 'a Sequential layer must take one input': { readonly layer: Index; readonly takes: Inputs };
}

/**
 * `Ls` itself when each layer takes exactly one input that the previous layer's output fits; else
 * `Ls` with the first offending layer replaced by an error type that says what is wrong.
 */
type CheckChain<Ls extends ReadonlyArray<unknown>, X, Done extends ReadonlyArray<unknown> = []> = number extends Ls['length']
  ? readonly [...Done, ...Ls] // an array of unknown length (built at run time): nothing to check at compile time
  : Ls extends readonly [infer H, ...infer T]
    ? ChainParam<InputOf<SpecOf<H>>> extends { readonly x: infer I }
      ? unknown extends X // after a layer of unknown kind there is nothing to check
        ? CheckChain<T, OutputOf<SpecOf<H>>, [...Done, H]>
        : [X] extends [I]
          ? CheckChain<T, OutputOf<SpecOf<H>>, [...Done, H]>
          : readonly [...Done, LayerDoesNotFit<Done['length'], I, X>, ...T]
      : readonly [...Done, LayerTakesOneInput<Done['length'], InputOf<SpecOf<H>>>, ...T]
    : Done;

/** The first layer's input, which the chain check starts from. */
type FirstInput<Ls extends ReadonlyArray<unknown>> = Ls extends readonly [infer H, ...ReadonlyArray<unknown>]
  ? ChainParam<InputOf<SpecOf<H>>> extends { readonly x: infer X }
    ? X
    : unknown
  : unknown;

/** The kinds of a tuple of layer records. */
type SpecsOf<Ls extends ReadonlyArray<unknown>> = { readonly [K in keyof Ls]: SpecOf<Ls[K]> };

// -------------------------------------------------------------------------------------
// forward passes
// -------------------------------------------------------------------------------------

// No leaf type in the constraint: a leaf-free layer made in place (`Flatten.make({})`) then keeps
// its `never` leaves instead of taking `unknown` from the context.
type AnyLayers = ReadonlyArray<{ readonly [ModuleTag]: AnySpec }>;

const checkCallable = (layers: AnyLayers): void => {
  layers.forEach((layer, i) => {
    if (specOf(layer as AnyModule).forward === undefined) {
      throw new ModuleError(`layer ${i} (${specOf(layer as AnyModule).name}) has no forward pass`);
    }
  });
};

const runLayers = (layers: AnyLayers, x: unknown): unknown => {
  checkCallable(layers);
  // Intermediate activations are freed; what the last layer returns is kept.
  return tidy(() => layers.reduce((h: unknown, layer) => apply(layer as ModuleOf<AnySpec, Tensor>, h), x));
};

const def = defineModule(URI, {
  name: 'Sequential',
  fields: { layers: anyModules() },
  // PyTorch's state-dict names: `0.weight`, not `layers.0.weight`.
  stateDictKeys: { layers: '' },
  forward: (m, x: unknown) => runLayers(m.layers, x),
  forwardWithState: (m, x: unknown) => {
    checkCallable(m.layers);
    // Intermediate activations are freed; the output and the children's new state are kept.
    return tidy(() => {
      let h = x;
      let changed = false;
      const next = m.layers.map((layer) => {
        const [y, updated] = applyWithState(layer as ModuleOf<AnySpec, Tensor>, h);
        h = y;
        if (updated !== layer) changed = true;
        return updated;
      });
      // Keep the record's identity when no child changed: callers can tell "no state" cheaply.
      return [h, changed ? Object.freeze({ ...m, layers: next }) : m] as const;
    });
  },
});

// -------------------------------------------------------------------------------------
// the definition
// -------------------------------------------------------------------------------------

// Every Sequential is a kind of its own (its spec holds its layers' kinds), so its instances are the
// shared ones for every kind, not the definition's own (which would only take the untyped spec).
const wide = {
  ...(def as unknown as Omit<typeof def, 'spec' | 'make'>),
  spec: def.spec as unknown as SequentialSpec<ReadonlyArray<AnySpec>>,
  Functor,
  FunctorWithIndex,
  Foldable,
  FoldableWithIndex,
  Traversable,
  TraversableWithIndex,
};

/**
 * The `Sequential` container: `create(layers)` chains modules, `forward` / `apply` run them in order,
 * `forwardWithState` also threads each child's updated state. Its instances are the shared ones
 * (`Functor`, `Traversable`, …), since every Sequential is a kind of its own.
 * @example
 * import { initialize, nn, random, tf } from 'parallax-ts'
 * const net = initialize(nn.Sequential.create([nn.Linear.create(4, 8), nn.Dropout.create(0.1), nn.Linear.create(8, 2)]))(random.key(0))
 * const out = nn.Sequential.forward(net, tf.ones([3, 4])) // Tensor, typed from the last Linear
 * const [y, net2] = nn.Sequential.forwardWithState(net, tf.ones([3, 4])) // children's state updated
 * @category layers
 * @since 0.1.0
 */
export const Sequential = {
  ...wide,
  /**
   * A Sequential of the given layers (any module kinds; the leaf type is theirs). Each layer's input
   * must fit the previous layer's output, or the call does not compile.
   */
  create: <const Ls extends AnyLayers>(layers: Ls & CheckChain<Ls, FirstInput<Ls>>): Sequential<LeafOf<Ls[number]>, SpecsOf<Ls>> => {
    if (!Array.isArray(layers)) throw new ArgumentError('Sequential.create: expected an array of modules');
    layers.forEach((layer: unknown, i: number) => {
      if (!isModule(layer)) throw new ArgumentError(`Sequential.create: layer ${i} is not a module`);
    });
    return def.make({ layers: [...layers] }) as unknown as Sequential<LeafOf<Ls[number]>, SpecsOf<Ls>>;
  },
  /** Runs the layers in order on `x` (data-first). */
  forward: <Ss extends ReadonlyArray<AnySpec>>(m: Sequential<Tensor, Ss>, x: ChainInput<Ss>): ChainOutput<Ss> =>
    def.forward(m as never, x) as ChainOutput<Ss>,
  /** Runs the layers in order (data-last): `pipe(x, Sequential.apply(net))`. */
  apply:
    <Ss extends ReadonlyArray<AnySpec>>(m: Sequential<Tensor, Ss>) =>
    (x: ChainInput<Ss>): ChainOutput<Ss> =>
      def.forward(m as never, x) as ChainOutput<Ss>,
  /** Runs the layers and returns `[output, the Sequential with each child's updated state]`. */
  forwardWithState: <Ss extends ReadonlyArray<AnySpec>, A extends Tensor>(
    m: Sequential<A, Ss>,
    x: ChainInput<Ss>,
  ): readonly [ChainOutput<Ss>, Sequential<A, Ss>] =>
    def.forwardWithState(m as never, x) as unknown as readonly [ChainOutput<Ss>, Sequential<A, Ss>],
};
