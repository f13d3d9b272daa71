/**
 * Partitioning (optax `multi_transform`): a label per leaf, a transformation per label. Each
 * transformation sees only its own leaves (`null` elsewhere), so its state holds moments only for
 * them. Label a group with `freeze()` to leave it untouched.
 * @since 0.1.0
 */
import type { tf } from '../engine/backend.js';
import { dispose } from '../engine/memory.js';
import type { AnyModule } from '../tree/Field.js';
import { isModule, leafEntries, mapModule, toArray, type LeafInfo } from '../tree/Module.js';
import { fromArray } from '../tree/Module.js';
import type { EmptyState, GradientTransformation, StateOf } from './GradientTransformation.js';
import { selectLeaves } from './Mask.js';
import type { Updates } from './Updates.js';

/** The state of {@link partition}: one state per label. @since 0.1.0 */
export type PartitionState<T extends Readonly<Record<string, GradientTransformation<unknown>>>> = {
  readonly [K in keyof T]: StateOf<T[K]>;
};

/**
 * A transformation that updates nothing and keeps no state: its leaves stay as they are.
 * @example
 * const opt = partition({ head: adam(1e-3), body: freeze() }, (info) => (info.path.startsWith('head.') ? 'head' : 'body'))
 * @since 0.1.0
 */
export const freeze = (): GradientTransformation<EmptyState> => ({
  init: () => ({}),
  update: (updates, state) => [mapModule(updates, () => null) as Updates, state],
});

const labelFunction = (labels: ((info: LeafInfo) => string) | AnyModule<string>): ((info: LeafInfo) => string) => {
  if (typeof labels === 'function') return labels;
  if (!isModule(labels)) throw new Error('partition: labels must be a function (info) => label or a module tree of labels');
  const byPath = new Map(leafEntries(labels).map(([info, l]) => [info.path, l] as const));
  return (info) => {
    const l = byPath.get(info.path);
    if (l === undefined) throw new Error(`partition: the label tree has no leaf "${info.path}"`);
    return l;
  };
};

/**
 * Applies `transforms[label(leaf)]` to each leaf. Every label used must name a transformation.
 * @example
 * const opt = partition(
 *   { decay: adamw(1e-3), noDecay: adam(1e-3) },
 *   (info) => (info.path.endsWith('bias') ? 'noDecay' : 'decay'),
 * )
 * @since 0.1.0
 */
export const partition = <T extends Readonly<Record<string, GradientTransformation<unknown>>>>(
  transforms: T,
  labels: ((info: LeafInfo) => string) | AnyModule<string>,
): GradientTransformation<PartitionState<T>> => {
  const labelOf = labelFunction(labels);
  const names = Object.keys(transforms);
  const checked = (info: LeafInfo): string => {
    const l = labelOf(info);
    if (!Object.hasOwn(transforms, l)) {
      throw new Error(`partition: leaf "${info.path}" has label ${JSON.stringify(l)}, but only ${names.map((n) => JSON.stringify(n)).join(', ')} have transformations`);
    }
    return l;
  };
  return {
    init: (params) =>
      Object.fromEntries(names.map((n) => [n, transforms[n]!.init(selectLeaves(params, (info) => checked(info) === n))])) as PartitionState<T>,
    update: (updates, state, params) => {
      const next: Record<string, unknown> = {};
      const merged: Array<tf.Tensor | null> = toArray(updates).map(() => null);
      try {
        for (const n of names) {
          const only = (info: LeafInfo): boolean => checked(info) === n;
          const [u, s] = transforms[n]!.update(
            selectLeaves(updates, only),
            (state as Record<string, unknown>)[n],
            params === undefined ? undefined : selectLeaves(params, only),
          );
          next[n] = s;
          toArray(u as AnyModule<tf.Tensor | null>).forEach((x, i) => {
            if (x !== null) merged[i] = x;
          });
        }
      } catch (e) {
        // A group failed: free the updates and states the groups before it made (all new tensors).
        dispose([merged, next]);
        throw e;
      }
      return [fromArray(updates, merged) as Updates, next as PartitionState<T>];
    },
  };
};
