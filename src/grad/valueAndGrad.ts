/**
 * Gradients of a scalar loss with respect to a module's parameters, as a tree of the same shape
 * (the original Parallax's `layer.grad(x)`): the leaves are flattened in traversal order, tfjs-core
 * differentiates with respect to them, and the results are put back in the module's shape.
 *
 * Ownership: `value`, every tensor of `grads` and the tensors in `aux` are new and owned by the
 * caller. Wrap a training step in `tf.tidy` (returning what you keep) or `dispose` them.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { forEachTensor } from '../engine/memory.js';
import type { AnyModule } from '../tree/Field.js';
import { fromArray, isModule, leafEntries, type LeafInfo, MAX_TREE_DEPTH, type Relabel } from '../tree/Module.js';
import { describeDisposed } from '../tree/disposed.js';
import { GradError } from './GradError.js';

type Tensor = tf.Tensor;

/**
 * A loss with an auxiliary output (metrics, predictions), returned next to the gradients.
 * @example
 * import { nn, tf, type LossWithAux } from 'parallax-ts'
 * const loss = (m: nn.Linear<tf.Tensor>, x: tf.Tensor): LossWithAux<{ readonly prediction: tf.Tensor }> => {
 *   const prediction = nn.Linear.forward(m, x)
 *   return { loss: tf.sum(tf.square(prediction)), aux: { prediction } }
 * }
 * @category model
 * @since 0.1.0
 */
export interface LossWithAux<Aux> {
  readonly loss: Tensor;
  readonly aux: Aux;
}

/**
 * What leaves that are not differentiated get in the gradient tree.
 * @example
 * import type { Untrained } from 'parallax-ts'
 * const sparse: Untrained = 'null' // frozen leaves and buffers get null, allocating nothing
 * @category model
 * @since 0.1.0
 */
export type Untrained = 'zeros' | 'null';

/**
 * The gradient leaf type for an {@link Untrained} choice.
 * @example
 * import type { GradLeaf, tf } from 'parallax-ts'
 * const leaf: GradLeaf<'null'> = null // tf.Tensor | null
 * const dense: GradLeaf<'zeros'> extends tf.Tensor ? true : false = true
 * @category model
 * @since 0.1.0
 */
export type GradLeaf<U extends Untrained> = U extends 'null' ? Tensor | null : Tensor;

/**
 * Options of {@link valueAndGrad} and {@link grad}.
 * @example
 * import type { GradOptions } from 'parallax-ts'
 * const headOnly: GradOptions<'null'> = { trainable: (info) => info.kind === 'param' && info.path.startsWith('head.'), untrained: 'null' }
 * @category model
 * @since 0.1.0
 */
export interface GradOptions<U extends Untrained = 'zeros'> {
  /** Which leaves to differentiate; default: every `param` leaf (buffers never). */
  readonly trainable?: (info: LeafInfo) => boolean;
  /**
   * What the other leaves (buffers, leaves excluded by `trainable`) get: `'zeros'` (default), so
   * the tree zips with the parameters like any gradient; or `'null'`, allocating nothing — what an
   * optimizer over a large frozen backbone wants. A differentiated leaf the loss does not use
   * always gets zeros.
   */
  readonly untrained?: U;
}

/**
 * What {@link valueAndGrad} returns: the loss, the gradients — a tree of the model's kind (`Relabel<M, G>`:
 * a `Net<Tensor>` gets a `Net<Tensor>` of gradients) — and the loss's auxiliary output.
 * @example
 * import { initialize, nn, random, tf, valueAndGrad, type ValueAndGrad } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 1))(random.key(0))
 * const r: ValueAndGrad<nn.Linear<tf.Tensor>, undefined> = valueAndGrad((m: nn.Linear<tf.Tensor>) => tf.sum(m.weight))(params)
 * const g: nn.Linear<tf.Tensor> = r.grads
 * @category model
 * @since 0.1.0
 */
export interface ValueAndGrad<M, Aux, G = Tensor> {
  readonly value: tf.Scalar;
  readonly grads: Relabel<M, G>;
  readonly aux: Aux;
}

const isLossWithAux = (u: unknown): u is LossWithAux<unknown> =>
  typeof u === 'object' && u !== null && !(u instanceof tf.Tensor) && 'loss' in u && 'aux' in u;

interface TapeState {
  gradientDepth: number;
  activeTape: Array<{ saved?: Tensor[] }> | null;
}

/**
 * tfjs-core frees the tensors its tape saved for backprop only when the backward pass runs; if the
 * loss throws (a non-scalar loss, a shape error), they stay kept forever. Free them here.
 */
const discardTape = (): void => {
  const state = (tf.engine() as unknown as { state: TapeState }).state;
  if (state.gradientDepth !== 0 || state.activeTape === null) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
};

const defaultTrainable = (info: LeafInfo): boolean => info.kind === 'param';

/** A value as messages show it. */
const show = (u: unknown): string =>
  u instanceof tf.Tensor
    ? `a ${u.dtype} tensor [${u.shape.join(', ')}]`
    : u === null
      ? 'null'
      : Array.isArray(u)
        ? 'an array'
        : typeof u === 'string'
          ? JSON.stringify(u)
          : typeof u === 'object' && '_tag' in u && u._tag === 'ParamInit'
            ? 'an uninitialized ParamInit'
            : typeof u === 'object'
              ? 'an object'
              : typeof u;

/**
 * Refuses disposed tensors among the loss's inputs (the arguments after the module), at the top
 * level and one level inside arrays and plain records (a batch `{ x, y }`): tfjs would fail later
 * with "Cannot read properties of undefined (reading 'backend')".
 */
const checkInputs = (fn: string, args: ReadonlyArray<unknown>): void => {
  args.forEach((a, i) => {
    const where = `argument ${i + 1}`;
    if (a instanceof tf.Tensor) {
      if (a.isDisposed) throw new GradError(fn, where, `the loss's ${where} (after the module) is ${describeDisposed(a)}`);
      return;
    }
    if (typeof a !== 'object' || a === null || isModule(a)) return;
    const entries: Array<readonly [string, unknown]> = Array.isArray(a)
      ? a.map((x, j) => [`[${j}]`, x] as const)
      : Object.getPrototypeOf(a) === Object.prototype
        ? Object.entries(a).map(([k, x]) => [`.${k}`, x] as const)
        : [];
    for (const [k, x] of entries) {
      if (x instanceof tf.Tensor && x.isDisposed)
        throw new GradError(fn, where, `the loss's ${where}${k} (after the module) is ${describeDisposed(x)}`);
    }
  });
};

/** One container being rebuilt by `swapTensors`: its keys, how many are done, their new values. */
interface SwapFrame {
  readonly node: Readonly<Record<string, unknown>>;
  readonly keys: ReadonlyArray<string>;
  readonly out: unknown[];
  changed: boolean;
}

/**
 * `u` with every tensor `t` in it replaced by `swap(t)`: arrays and records are rebuilt only where
 * something changed (a module record in aux stays the very same record, symbol tag included).
 * Iterative, so an aux holding a deeply nested module costs no JavaScript stack.
 */
const swapTensors = (u: unknown, swap: (t: Tensor) => Tensor): unknown => {
  const isContainer = (v: unknown): v is Readonly<Record<string, unknown>> =>
    typeof v === 'object' && v !== null && !(v instanceof tf.Tensor);
  if (!isContainer(u)) return u instanceof tf.Tensor ? swap(u) : u;
  const open = (node: Readonly<Record<string, unknown>>): SwapFrame => ({
    node,
    keys: Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node),
    out: [],
    changed: false,
  });
  const stack: SwapFrame[] = [open(u)];
  for (;;) {
    const f = stack[stack.length - 1]!;
    if (f.out.length < f.keys.length) {
      const child = f.node[f.keys[f.out.length]!];
      if (isContainer(child)) {
        if (stack.length >= MAX_TREE_DEPTH)
          throw new GradError('valueAndGrad', 'loss', `the loss's aux is nested deeper than ${MAX_TREE_DEPTH} levels (a cycle?)`);
        stack.push(open(child));
        continue;
      }
      const r = child instanceof tf.Tensor ? swap(child) : child;
      if (r !== child) f.changed = true;
      f.out.push(r);
      continue;
    }
    stack.pop();
    let r: unknown = f.node;
    if (f.changed) {
      if (Array.isArray(f.node)) r = f.out;
      else {
        const copy: Record<string | symbol, unknown> = { ...f.node };
        f.keys.forEach((k, i) => (copy[k] = f.out[i]));
        r = copy;
      }
    }
    if (stack.length === 0) return r;
    const parent = stack[stack.length - 1]!;
    if (r !== parent.node[parent.keys[parent.out.length]!]) parent.changed = true;
    parent.out.push(r);
  }
};

/** Checks `valueAndGrad`'s own arguments when the gradient function is made. */
const checkGradArguments = (fn: string, loss: unknown, options: unknown): void => {
  if (typeof loss !== 'function')
    throw new GradError(fn, 'loss', `loss must be a function (module, ...inputs) => scalar, got ${show(loss)}`);
  if (typeof options !== 'object' || options === null)
    throw new GradError(fn, 'options', `options must be an object, got ${show(options)}`);
  const o = options as GradOptions<Untrained>;
  if (o.trainable !== undefined && typeof o.trainable !== 'function') {
    throw new GradError(fn, 'options.trainable', `options.trainable must be a function (info) => boolean, got ${show(o.trainable)}`);
  }
  if (o.untrained !== undefined && o.untrained !== 'zeros' && o.untrained !== 'null') {
    throw new GradError(fn, 'options.untrained', `options.untrained must be 'zeros' or 'null', got ${show(o.untrained)}`);
  }
};

/**
 * The loss value and its gradient tree. `loss(module, ...args)` returns a scalar tensor, or
 * `{ loss, aux }`. Leaves the loss does not use get zeros; so do buffers and leaves excluded by
 * `options.trainable`, unless `options.untrained` is `'null'`. Parameters shared by several uses get
 * the sum of their gradients (share one by using its submodule twice in the forward pass). Two
 * fields holding the same tensor are two leaves, as in a JAX pytree: each gets its own uses' gradient.
 * The gradient tree has the model's kind and type: for `m: Net<Tensor>`, `grads` is a
 * `Net<Tensor>` (a `Net<Tensor | null>` with `untrained: 'null'`), ready for an optimizer's `update`.
 * @example
 * import { initialize, nn, random, tf, valueAndGrad } from 'parallax-ts'
 * const net = initialize(nn.MLP.create([3, 8, 1]))(random.key(0))
 * const mse = (m: nn.MLP<tf.Tensor>, x: tf.Tensor, y: tf.Tensor) => tf.mean(tf.square(tf.sub(nn.MLP.forward(m, x), y)))
 * const { value, grads } = valueAndGrad(mse)(net, tf.ones([4, 3]), tf.zeros([4, 1]))
 * const g: nn.MLP<tf.Tensor> = grads // one gradient per parameter, at the parameter's place
 * @category gradients
 * @since 0.1.0
 */
export const valueAndGrad = <
  M extends AnyModule<Tensor>,
  Args extends ReadonlyArray<unknown>,
  R extends Tensor | LossWithAux<unknown>,
  U extends Untrained = 'zeros',
>(
  loss: (m: M, ...args: Args) => R,
  options: GradOptions<U> = {},
) => {
  checkGradArguments('valueAndGrad', loss, options);
  return (m: M, ...args: Args): ValueAndGrad<M, R extends LossWithAux<infer Aux> ? Aux : undefined, GradLeaf<U>> => {
    if (!isModule(m)) throw new GradError('valueAndGrad', 'module', `the first argument must be a module of tensors, got ${show(m)}`);
    const trainable = options.trainable ?? defaultTrainable;
    // Paths are only built when a user predicate may read them.
    const entries = leafEntries(m, options.trainable !== undefined);
    const xs: Tensor[] = [];
    for (const [i, [, leaf]] of entries.entries()) {
      if (!(leaf instanceof tf.Tensor) || leaf.isDisposed) {
        const path = leafEntries(m)[i]![0].path;
        throw new GradError(
          'valueAndGrad',
          'module',
          leaf instanceof tf.Tensor
            ? `leaf "${path}" is ${describeDisposed(leaf)}`
            : `leaf "${path}" is not a tensor (${show(leaf)}); initialize the module first`,
          path,
        );
      }
    }
    checkInputs('valueAndGrad', args);
    let aux: unknown;
    const kept: Tensor[] = [];
    // tfjs numbers tensors in creation order; ids from here on belong to tensors the loss creates.
    const firstNewId = (tf.engine().constructor as unknown as { nextTensorId: number }).nextTensorId;
    // One tensor held by two leaves (two fields given the same tensor) is two leaves, as in a JAX
    // pytree: each gets the gradient of its own uses. tfjs differentiates by tensor, so the later
    // holders get their own handle (a clone) for this call; otherwise both would get the sum once,
    // and lose the tie at the next step anyway, since updates make them separate tensors. To share
    // a parameter, use one submodule twice in the forward pass.
    const clones: Tensor[] = [];
    const seen = new Set<Tensor>();
    const leaves = entries.map(([, leaf]) => {
      const t = leaf as Tensor;
      if (!seen.has(t)) return (seen.add(t), t);
      const c = t.clone();
      clones.push(c);
      return c;
    });
    try {
      entries.forEach(([info], i) => {
        if (trainable(info)) xs.push(leaves[i]!);
      });
      const input = clones.length === 0 ? m : (fromArray(m, leaves) as unknown as M);
      return differentiate(input);
    } finally {
      // Clones the loss returned in aux were re-owned (cloned again) by then.
      for (const c of clones) c.dispose();
    }
    function differentiate(m: M): ValueAndGrad<M, R extends LossWithAux<infer Aux> ? Aux : undefined, GradLeaf<U>> {
      const run = (): tf.Scalar => {
        const r = loss(m, ...args);
        const l = isLossWithAux(r) ? r.loss : r;
        if (isLossWithAux(r)) {
          aux = r.aux;
          // The gradient scope frees everything made inside it but the loss; keep the aux tensors made
          // inside alive and re-own them below. Tensors from outside (the module's own leaves, inputs)
          // are the caller's already and pass through untouched.
          forEachTensor(aux, (t) => {
            if (t.id >= firstNewId && !kept.includes(t)) kept.push(tf.keep(t));
          });
        }
        if (!(l instanceof tf.Tensor))
          throw new GradError('valueAndGrad', 'loss', `the loss function must return a tensor, got ${show(l)}`);
        if (l.rank !== 0) {
          throw new GradError(
            'valueAndGrad',
            'loss',
            `valueAndGrad: the loss must be a scalar (shape []), got shape [${l.shape.join(', ')}]; reduce it, e.g. with tf.mean`,
          );
        }
        return l as tf.Scalar;
      };
      let value: tf.Scalar;
      let computed: Array<Tensor | null>;
      if (xs.length === 0) {
        try {
          value = tf.tidy(run);
        } catch (e) {
          // tidy freed the loss's intermediates, not the aux tensors kept for the caller.
          forEachTensor(kept, (t) => t.dispose());
          throw e;
        }
        computed = [];
      } else {
        let r: { value: Tensor; grads: Array<Tensor | null> };
        try {
          r = tf.engine().gradients(run, xs, undefined, true) as typeof r;
        } catch (e) {
          discardTape();
          forEachTensor(kept, (t) => t.dispose());
          throw e;
        }
        value = r.value as tf.Scalar;
        computed = r.grads;
      }
      // Hand aux over to the caller's scope: clones are tracked by any enclosing tidy, the kept originals go.
      const owned = new Map<Tensor, Tensor>();
      for (const t of kept) {
        owned.set(t, t.clone());
        t.dispose();
      }
      // Swap in the clones; containers are rebuilt only where something changed (a module record in
      // aux stays the very same record, symbol tag included).
      const reown = (u: unknown): unknown => swapTensors(u, (t) => owned.get(t) ?? t);
      let j = 0;
      const gradLeaves = entries.map(([info, leaf]) => {
        const x = leaf as Tensor;
        if (!trainable(info)) return options.untrained === 'null' ? null : tf.zerosLike(x);
        const g = computed[j++];
        return g === null || g === undefined ? tf.zerosLike(x) : g;
      });
      return {
        value,
        grads: fromArray(m, gradLeaves) as Relabel<M, GradLeaf<U>>,
        aux: (kept.length > 0 ? reown(aux) : aux) as R extends LossWithAux<infer Aux> ? Aux : undefined,
      };
    }
  };
};

/**
 * The gradient tree alone (see {@link valueAndGrad}); the loss value is freed.
 * @example
 * import { grad, initialize, nn, random, tf } from 'parallax-ts'
 * const lin = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const g: nn.Linear<tf.Tensor> = grad((m: nn.Linear<tf.Tensor>, x: tf.Tensor) => tf.sum(nn.Linear.forward(m, x)))(lin, tf.ones([4, 2]))
 * @category gradients
 * @since 0.1.0
 */
export const grad =
  <M extends AnyModule<Tensor>, Args extends ReadonlyArray<unknown>, U extends Untrained = 'zeros'>(
    loss: (m: M, ...args: Args) => Tensor,
    options: GradOptions<U> = {},
  ) =>
  (m: M, ...args: Args): Relabel<M, GradLeaf<U>> => {
    const { value, grads } = valueAndGrad(loss, options)(m, ...args);
    value.dispose();
    return grads;
  };
