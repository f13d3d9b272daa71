/**
 * Update trees: the values optimizers pass around. An update tree has the shape of the model, with a
 * `Tensor` at every leaf the optimizer trains and `null` at every leaf it leaves alone (buffers such
 * as BatchNorm statistics, and frozen parameters). The same `null` marks "no state here" in
 * optimizer moments, so a frozen leaf costs no memory.
 *
 * A leaf is *active* when it is a `param` (never a `buffer`) and holds a tensor. Every transform
 * maps inactive leaves to `null`, which is how freezing and masking propagate through a chain.
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import type { AnyModule } from '../tree/Field.js';
import { mapModuleWithInfo, zipWith, type LeafInfo } from '../tree/Module.js';

type Tensor = tf.Tensor;

/** A module-shaped tree of gradients or updates; `null` where nothing is trained. @since 0.1.0 */
export type Updates = AnyModule<Tensor | null>;

/** A module-shaped tree of optimizer moments; `null` at buffers and frozen leaves. @since 0.1.0 */
export type Moments = AnyModule<Tensor | null>;

/**
 * Whether an optimizer acts on a leaf: a parameter (not a buffer) holding a tensor.
 * @example
 * isActive({ path: 'bn.runningMean', kind: 'buffer' }, t) // false
 * @since 0.1.0
 */
export const isActive = (info: LeafInfo, x: Tensor | null | undefined): x is Tensor =>
  info.kind === 'param' && x instanceof tf.Tensor;

/**
 * Maps the active leaves of an update tree; inactive leaves become `null`.
 * @example
 * const scaled = mapActive(grads, (g) => tf.mul(g, -0.1))
 * @since 0.1.0
 */
export const mapActive = (u: Updates, f: (x: Tensor, info: LeafInfo) => Tensor | null): Updates =>
  mapModuleWithInfo(u, (info, x) => (isActive(info, x) ? f(x, info) : null)) as Updates;

/**
 * Zips two trees of the same module shape on the leaves active in both; others become `null`.
 * @example
 * const next = zipActive(grads, momentum, (g, m) => tf.add(g, tf.mul(m, 0.9)))
 * @since 0.1.0
 */
export const zipActive = (
  a: Updates,
  b: AnyModule<Tensor | null>,
  f: (x: Tensor, y: Tensor, info: LeafInfo) => Tensor | null,
): Updates =>
  zipWith(a, b, (x: Tensor | null, y: Tensor | null, info: LeafInfo) =>
    isActive(info, x) && y instanceof tf.Tensor ? f(x, y, info) : null,
  ) as Updates;

/**
 * Fresh moments for a parameter tree: `fill(p)` at every active leaf, `null` elsewhere.
 * @example
 * const mu = initMoments(params, (p) => tf.zerosLike(p))
 * @since 0.1.0
 */
export const initMoments = (params: AnyModule<Tensor | null>, fill: (p: Tensor) => Tensor): Moments =>
  mapActive(params, (p) => fill(p));

/**
 * A moment update that keeps the moment where the gradient is inactive (cloned, so the new state
 * never shares a tensor handle with the old one) and computes `f(g, m)` where both exist.
 * @example
 * const mu2 = updateMoments(grads, mu, (g, m) => tf.add(tf.mul(g, 0.1), tf.mul(m, 0.9)))
 * @since 0.1.0
 */
export const updateMoments = (grads: Updates, moments: Moments, f: (g: Tensor, m: Tensor) => Tensor): Moments =>
  // Zipped moments-first so the new moments keep their own record (constants, contexts), not the
  // gradient tree's (which carries the step's train-mode keys).
  zipWith(moments, grads, (m: Tensor | null, g: Tensor | null, info: LeafInfo) =>
    m === null ? null : isActive(info, g) ? f(g, m) : m.clone(),
  ) as Moments;
