/**
 * Update trees: the values optimizers pass around. An update tree has the shape *and kind* of the
 * model — `Updates<Net<Tensor>>` is a `Net` — with a `Tensor` at every leaf the optimizer trains and
 * `null` at every leaf it leaves alone (buffers such as BatchNorm statistics, and frozen
 * parameters). The same `null` marks "no state here" in optimizer moments, so a frozen leaf costs
 * no memory.
 *
 * A leaf is *active* when it is a `param` (never a `buffer`) and holds a tensor. Every transform
 * maps inactive leaves to `null`, which is how freezing and masking propagate through a chain.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import type { AnyModule } from '../tree/Field.js';
import { mapModuleWithInfo, type LeafInfo, type Relabel, zipWithIndex } from '../tree/Module.js';

type Tensor = tf.Tensor;

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A tree of gradients or updates of the kind of model `M`; `null` where nothing is trained.
 * `Updates` alone (any kind) is what generic code and optimizer internals handle.
 * @example
 * import { initialize, nn, optim, random, tf } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const updates: optim.Updates<nn.Linear<tf.Tensor>> = optim.mapActive(params, (p) => tf.neg(p))
 * const frozenBias: optim.Updates<nn.Linear<tf.Tensor>> = { ...updates, bias: null }
 * @category model
 * @since 0.1.0
 */
export type Updates<M = AnyModule<Tensor | null>> = Relabel<M, Tensor | null>;

/**
 * A tree of optimizer moments of the kind of model `M`; `null` at buffers and frozen leaves. In a
 * state type (`ScaleByAdamState`), `Moments` alone stands for "a tree of the model's kind": an
 * optimizer's `init(params)` returns its state with every such tree typed as `Moments<typeof params>`
 * (see `StateFor`).
 * @example
 * import { initialize, nn, optim, random, tf } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const mu: optim.Moments<nn.Linear<tf.Tensor>> = optim.initMoments(params, (p) => tf.zerosLike(p))
 * @category model
 * @since 0.1.0
 */
export type Moments<M = AnyModule<Tensor | null>> = Relabel<M, Tensor | null>;

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Whether an optimizer acts on a leaf: a parameter (not a buffer) holding a tensor.
 * @example
 * import { optim, tf } from 'parallax-ts'
 * optim.isActive({ path: 'bn.runningMean', kind: 'buffer' }, tf.zeros([3])) // false
 * optim.isActive({ path: 'weight', kind: 'param' }, null) // false
 * @category utils
 * @since 0.1.0
 */
export const isActive = (info: LeafInfo, x: Tensor | null | undefined): x is Tensor => info.kind === 'param' && x instanceof tf.Tensor;

/**
 * Maps the active leaves of a tree; inactive leaves become `null`. The result has the tree's kind.
 * @example
 * import { initialize, nn, optim, random, tf } from 'parallax-ts'
 * const grads = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const scaled = optim.mapActive(grads, (g) => tf.mul(g, -0.1)) // an nn.Linear<Tensor | null>
 * @category utils
 * @since 0.1.0
 */
export const mapActive = <M extends AnyModule<Tensor | null>>(u: M, f: (x: Tensor, info: LeafInfo) => Tensor | null): Updates<M> =>
  mapModuleWithInfo(u as AnyModule<Tensor | null>, (info, x) => (isActive(info, x) ? f(x, info) : null)) as Updates<M>;

/**
 * Zips two trees of the same kind and shape on the leaves active in both; others become `null`.
 * The result has the first tree's kind (and record: constants, contexts).
 * @example
 * import { initialize, nn, optim, random, tf } from 'parallax-ts'
 * const grads = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const momentum = optim.initMoments(grads, (p) => tf.zerosLike(p))
 * const next = optim.zipActive(grads, momentum, (g, m) => tf.add(g, tf.mul(m, 0.9)))
 * @category utils
 * @since 0.1.0
 */
export const zipActive = <M extends AnyModule<Tensor | null>>(
  a: M,
  b: Relabel<M, Tensor | null>,
  f: (x: Tensor, y: Tensor, info: LeafInfo) => Tensor | null,
): Updates<M> =>
  zipWithIndex(a as AnyModule<Tensor | null>, b as AnyModule<Tensor | null>, (info: LeafInfo, x: Tensor | null, y: Tensor | null) =>
    isActive(info, x) && y instanceof tf.Tensor ? f(x, y, info) : null,
  ) as Updates<M>;

/**
 * Fresh moments for a parameter tree: `fill(p)` at every active leaf, `null` elsewhere.
 * @example
 * import { initialize, nn, optim, random, tf } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const mu = optim.initMoments(params, (p) => tf.zerosLike(p)) // an nn.Linear<Tensor | null>
 * @category constructors
 * @since 0.1.0
 */
export const initMoments = <M extends AnyModule<Tensor | null>>(params: M, fill: (p: Tensor) => Tensor): Moments<M> =>
  mapActive(params, (p) => fill(p));

/**
 * A moment update that keeps the moment where the gradient is inactive (cloned, so the new state
 * never shares a tensor handle with the old one) and computes `f(g, m)` where both exist.
 * @example
 * import { initialize, nn, optim, random, tf } from 'parallax-ts'
 * const grads = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const mu = optim.initMoments(grads, (p) => tf.zerosLike(p))
 * const mu2 = optim.updateMoments(grads, mu, (g, m) => tf.add(tf.mul(g, 0.1), tf.mul(m, 0.9)))
 * @category utils
 * @since 0.1.0
 */
export const updateMoments = <M extends AnyModule<Tensor | null>>(
  grads: Relabel<M, Tensor | null>,
  moments: M,
  f: (g: Tensor, m: Tensor) => Tensor,
): Moments<M> =>
  // Zipped moments-first so the new moments keep their own record (constants, contexts), not the
  // gradient tree's (which carries the step's train-mode keys).
  zipWithIndex(
    moments as AnyModule<Tensor | null>,
    grads as AnyModule<Tensor | null>,
    (info: LeafInfo, m: Tensor | null, g: Tensor | null) => (m === null ? null : isActive(info, g) ? f(g, m) : m.clone()),
  ) as Moments<M>;
