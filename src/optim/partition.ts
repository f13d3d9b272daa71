/**
 * Partitioning (optax `multi_transform`): a label per leaf, a transformation per label. Each
 * transformation sees only its own leaves (`null` elsewhere), so its state holds moments only for
 * them. Label a group with `freeze()` to leave it untouched.
 * @since 0.1.0
 */
import type { tf } from '../engine/backend.js';
import { dispose } from '../engine/memory.js';
import type { AnyModule } from '../tree/Field.js';
import { fromArray, isModule, leafEntries, mapModule, toArray, type LeafInfo } from '../tree/Module.js';
import { type EmptyState, gradientTransformation, type GradientTransformation, type StateOf } from './GradientTransformation.js';
import { checkTransformation, show } from './hyperparameters.js';
import { selectLeaves } from './Mask.js';
import { OptimizerError } from './OptimizerError.js';
import type { Updates } from './Updates.js';
import { describeData } from '../tree/describeData.js';

/**
 * The state shape of {@link partition}: one state per label.
 * @example
 * import { initialize, nn, optim, random } from 'parallax-ts'
 * const opt = optim.partition({ fast: optim.sgd(0.1), frozen: optim.freeze() }, (info) => (info.path === 'bias' ? 'fast' : 'frozen'))
 * const state = opt.init(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * state.frozen // {}
 * @category model
 * @since 0.1.0
 */
export type PartitionState<T extends Readonly<Record<string, GradientTransformation<unknown>>>> = {
  readonly [K in keyof T]: StateOf<T[K]>;
};

/**
 * A transformation that updates nothing and keeps no state: its leaves stay as they are.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.partition({ head: optim.adam(1e-3), body: optim.freeze() }, (info) => (info.path.startsWith('head.') ? 'head' : 'body'))
 * @category constructors
 * @since 0.1.0
 */
export const freeze = (): GradientTransformation<EmptyState> =>
  gradientTransformation<EmptyState>({
    init: () => ({}),
    update: (updates, state) => [mapModule(updates, () => null), state],
  });

const labelFunction = (labels: ((info: LeafInfo) => string) | AnyModule<string>): ((info: LeafInfo) => string) => {
  if (typeof labels === 'function') return labels;
  if (!isModule(labels)) {
    throw new OptimizerError(
      'partition',
      'labels',
      `labels must be a function (info) => label or a module tree of labels, got ${show(labels)}`,
      labels,
    );
  }
  const byPath = new Map(leafEntries(labels).map(([info, l]) => [info.path, l] as const));
  return (info) => {
    const l = byPath.get(info.path);
    if (l === undefined) throw new OptimizerError('partition', 'labels', `the label tree has no leaf "${info.path}"`, labels);
    return l;
  };
};

/**
 * Applies `transforms[label(leaf)]` to each leaf. Every label used must name a transformation.
 * @example
 * import { optim } from 'parallax-ts'
 * const opt = optim.partition(
 *   { decay: optim.adamw(1e-3), noDecay: optim.adam(1e-3) },
 *   (info) => (info.path.endsWith('bias') ? 'noDecay' : 'decay'),
 * )
 * @category combinators
 * @since 0.1.0
 */
export const partition = <T extends Readonly<Record<string, GradientTransformation<unknown>>>>(
  transforms: T,
  labels: ((info: LeafInfo) => string) | AnyModule<string>,
): GradientTransformation<PartitionState<T>> => {
  if (typeof transforms !== 'object' || transforms === null || Array.isArray(transforms)) {
    throw new OptimizerError(
      'partition',
      'transforms',
      `transforms must be a record { label: transformation }, got ${show(transforms)}`,
      transforms,
    );
  }
  const labelOf = labelFunction(labels);
  const names = Object.keys(transforms);
  for (const n of names) checkTransformation('partition', `transforms.${n}`, transforms[n]);
  const checked = (info: LeafInfo): string => {
    const l = labelOf(info);
    if (!Object.hasOwn(transforms, l)) {
      throw new OptimizerError(
        'partition',
        'labels',
        `leaf "${info.path}" has label ${describeData(l)}, but only ${names.map((n) => JSON.stringify(n)).join(', ')} have transformations`,
        l,
      );
    }
    return l;
  };
  return gradientTransformation<PartitionState<T>>({
    init: (params) =>
      Object.fromEntries(
        names.map((n) => [n, transforms[n]!.init(selectLeaves(params, (info) => checked(info) === n))]),
      ) as PartitionState<T>,
    update: (updates, state, params) => {
      const next: Record<string, unknown> = {};
      const merged: Array<tf.Tensor | null> = toArray(updates).map(() => null);
      try {
        for (const n of names) {
          const only = (info: LeafInfo): boolean => checked(info) === n;
          const [u, s] = transforms[n]!.update(
            selectLeaves(updates, only),
            (state as Record<string, unknown>)[n] as never,
            params === undefined ? undefined : selectLeaves(params, only),
          );
          next[n] = s;
          toArray(u as Updates).forEach((x, i) => {
            if (x !== null) merged[i] = x;
          });
        }
      } catch (e) {
        // A group failed: free the updates and states the groups before it made (all new tensors).
        dispose([merged, next]);
        throw e;
      }
      return [fromArray(updates, merged), next as PartitionState<T>];
    },
  });
};
