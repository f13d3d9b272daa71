/**
 * State-dict naming: every leaf of a module under the key PyTorch (or the module's own declaration)
 * gives it — `dense1.weight`, `layers.0.bias`, `bn.running_mean`, `0.weight` inside a `Sequential`.
 *
 * A key is the leaf's field path (`LeafInfo.path`) except where a module definition declares other
 * names with its `stateDictKeys` hook (see `StateDictKey` in `tree/Field.ts`). No tfjs here: the
 * naming works on any leaf type, so an uninitialized module (`ParamInit` leaves) has the same keys
 * as the initialized one.
 *
 * Zero-size leaves are not in the state dict. A layer keeps a fixed set of fields, so where PyTorch
 * holds no tensor at all (`Linear(bias=False)`'s bias is `None`, `MultiheadAttention`'s unused
 * projection weights, a norm's weight with `affine=False`) ours holds a `[0]`-shaped placeholder.
 * PyTorch's `state_dict()` has no key for those, so neither does ours: that is what lets a PyTorch
 * file load strictly. Loading keeps such leaves as they are (see `loadStateDict`).
 *
 * @since 0.1.0
 */
import type { AnyModule, LeafInfo, LeafOf } from '../tree/Module.js';
import { leafEntries, specOf } from '../tree/Module.js';
import { ModuleError } from '../tree/ModuleError.js';
import type { AnySpec, StateDictKey } from '../tree/Field.js';

/**
 * One leaf of a module: its state-dict key, where it sits in the tree, and its value.
 * @example
 * import { io, nn } from 'parallax-ts'
 * const [first] = io.stateDictEntries(nn.BatchNorm1d.create(4)).filter((e) => e.info.kind === 'buffer')
 * first?.key // 'running_mean'
 * first?.info.path // 'runningMean'
 * @category model
 * @since 0.1.0
 */
export interface StateDictEntry<A> {
  /** The state-dict key, e.g. `'bn.running_mean'`. */
  readonly key: string;
  /** The field path and kind, e.g. `{ path: 'bn.runningMean', kind: 'buffer' }`. */
  readonly info: LeafInfo;
  readonly leaf: A;
}

type Rec = Record<string, unknown>;

const childKey = (
  rename: StateDictKey | undefined,
  field: string,
  key: string,
  index: number | undefined,
  parent: AnyModule<unknown>,
): string => {
  if (typeof rename === 'function')
    return (rename as (key: string, index: number, module: AnyModule<unknown>) => string)(key, index ?? 0, parent);
  const prefix = rename ?? field;
  const within = index === undefined ? key : `${index}.${key}`;
  return prefix === '' ? within : `${prefix}.${within}`;
};

/**
 * The keys of `m`'s leaves in traversal order (the same walk as the module core's `forEachLeaf`).
 * Iterative, with its own stack of modules being read, so a tree of any depth is named: each
 * frame knows how its module's keys are renamed on the way to the root (its `rename`s), applied
 * innermost first when a leaf is reached.
 */
const keysOf = (m: AnyModule<unknown>): string[] => {
  interface Frame {
    readonly m: AnyModule<unknown>;
    readonly spec: AnySpec;
    /** How this module's keys become its parent's: the parent's rename for this field, and the index in an array field. */
    readonly rename: StateDictKey | undefined;
    readonly field: string;
    readonly index: number | undefined;
    /** The next field to read, and the array field being read (with the next index). */
    fi: number;
    kids: ReadonlyArray<AnyModule<unknown>> | undefined;
    ki: number;
    kidsRename: StateDictKey | undefined;
    kidsField: string;
  }
  const frame = (child: AnyModule<unknown>, rename: StateDictKey | undefined, field: string, index: number | undefined): Frame => ({
    m: child,
    spec: specOf(child),
    rename,
    field,
    index,
    fi: 0,
    kids: undefined,
    ki: 0,
    kidsRename: undefined,
    kidsField: '',
  });
  /** A key of the top module, made a key of the root by each enclosing module's naming, innermost first. */
  const toRoot = (stack: ReadonlyArray<Frame>, key: string): string => {
    let k = key;
    for (let d = stack.length - 1; d > 0; d--) {
      const f = stack[d]!;
      k = childKey(f.rename, f.field, k, f.index, stack[d - 1]!.m);
    }
    return k;
  };
  const out: string[] = [];
  const stack: Frame[] = [frame(m, undefined, '', undefined)];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.kids !== undefined) {
      if (top.ki < top.kids.length) {
        const i = top.ki++;
        stack.push(frame(top.kids[i]!, top.kidsRename, top.kidsField, i));
        continue;
      }
      top.kids = undefined;
    }
    const { spec } = top;
    const renames = spec.stateDictKeys ?? {};
    let descended = false;
    while (top.fi < spec.fieldNames.length && !descended) {
      const name = spec.fieldNames[top.fi++]!;
      const decl = spec.fields[name]!;
      const rename = Object.hasOwn(renames, name) ? renames[name] : undefined;
      const value = (top.m as unknown as Rec)[name];
      switch (decl._tag) {
        case 'param':
        case 'buffer':
          out.push(toRoot(stack, typeof rename === 'string' ? rename : name));
          break;
        case 'submodule':
          stack.push(frame(value as AnyModule<unknown>, rename, name, undefined));
          descended = true;
          break;
        case 'submodules':
        case 'tuple':
        case 'anyModules':
          top.kids = value as ReadonlyArray<AnyModule<unknown>>;
          top.ki = 0;
          top.kidsRename = rename;
          top.kidsField = name;
          descended = true;
          break;
        default:
      }
    }
    if (!descended) stack.pop();
  }
  return out;
};

/** The number of elements of a leaf with a `shape` (a tensor or a `ParamInit`); `undefined` for other leaves. */
const sizeOf = (leaf: unknown): number | undefined => {
  const shape = typeof leaf === 'object' && leaf !== null ? (leaf as { readonly shape?: unknown }).shape : undefined;
  return Array.isArray(shape) ? shape.reduce((n: number, d: number) => n * d, 1) : undefined;
};

/**
 * Whether a leaf is a zero-size placeholder standing for a tensor the layer does not have (PyTorch's
 * `None`), and so has no state-dict key.
 * @example
 * import { io, nn } from 'parallax-ts'
 * // The bias of a bias-free Linear is a zero-size placeholder: no state-dict key.
 * io.stateDictKeys(nn.Linear.create(2, 3, { bias: false })) // ['weight']
 * @internal
 * @category state dicts
 * @since 0.1.0
 */
export const isAbsentLeaf = (leaf: unknown): boolean => sizeOf(leaf) === 0;

/**
 * Every leaf of `m` with the key it would have, zero-size placeholders included, in traversal order
 * (what a load needs to rebuild the whole module). Throws when two leaves would share a key.
 * @example
 * import { io, leafEntries, nn } from 'parallax-ts'
 * // Every leaf has a key, zero-size placeholders included; the state dict leaves those out.
 * const layer = nn.Linear.create(2, 3, { bias: false })
 * leafEntries(layer).length // 2
 * io.stateDictKeys(layer) // ['weight']
 * @internal
 * @category state dicts
 * @since 0.1.0
 */
export const keyedLeafEntries = <M extends AnyModule<unknown>>(m: M): ReadonlyArray<StateDictEntry<LeafOf<M>>> => {
  const leaves = leafEntries(m);
  const keys = keysOf(m);
  if (keys.length !== leaves.length) throw new ModuleError(`stateDictEntries: ${keys.length} keys for ${leaves.length} leaves`);
  const seen = new Map<string, string>();
  return leaves.map(([info, leaf], i) => {
    const key = keys[i]!;
    const other = seen.get(key);
    if (other !== undefined) {
      throw new ModuleError(
        `state-dict key ${JSON.stringify(key)} names two leaves, "${other}" and "${info.path}": ` +
          'check the stateDictKeys declarations of the modules on their paths',
      );
    }
    seen.set(key, info.path);
    return { key, info, leaf };
  });
};

/**
 * Every leaf of `m` in its state dict, with its state-dict key and field path, in traversal order.
 * Zero-size leaves (placeholders for tensors a layer does not have, e.g. `Linear`'s bias with
 * `bias: false`) are left out, as PyTorch's `state_dict()` leaves out its `None`s. Throws when two
 * leaves would share a key (conflicting `stateDictKeys` declarations), naming both field paths.
 * @example
 * import { io, nn } from 'parallax-ts'
 * io.stateDictEntries(nn.Linear.create(2, 3)).map((e) => e.key) // ['weight', 'bias']
 * io.stateDictEntries(nn.Linear.create(2, 3, { bias: false })).map((e) => e.key) // ['weight']
 * io.stateDictEntries(nn.BatchNorm1d.create(3)).map((e) => [e.key, e.info.path]) // [..., ['running_mean', 'runningMean'], ...]
 * @category state dicts
 * @since 0.1.0
 */
export const stateDictEntries = <M extends AnyModule<unknown>>(m: M): ReadonlyArray<StateDictEntry<LeafOf<M>>> =>
  keyedLeafEntries(m).filter((e) => !isAbsentLeaf(e.leaf));

/**
 * The state-dict keys of `m`'s leaves, in traversal order (zero-size leaves have none).
 * @example
 * import { io, nn } from 'parallax-ts'
 * io.stateDictKeys(nn.Sequential.create([nn.Linear.create(2, 3)])) // ['0.weight', '0.bias']
 * @category state dicts
 * @since 0.1.0
 */
export const stateDictKeys = (m: AnyModule<unknown>): ReadonlyArray<string> => stateDictEntries(m).map((e) => e.key);

/**
 * A module's leaves by state-dict key, in traversal order (PyTorch's `module.state_dict()`, which
 * likewise has no entry for zero-size placeholder leaves). The
 * values are the module's own leaves, not copies: the map owns nothing, so do not dispose its
 * tensors apart from the module. Works for any leaf type (`ParamInit`s give the expected shapes).
 * @example
 * import { initialize, io, nn, random } from 'parallax-ts'
 * const sd = io.stateDict(initialize(nn.Linear.create(2, 3))(random.key(0)))
 * sd.get('weight')?.shape // [3, 2]
 * @category state dicts
 * @since 0.1.0
 */
export const stateDict = <M extends AnyModule<unknown>>(m: M): ReadonlyMap<string, LeafOf<M>> =>
  new Map(stateDictEntries(m).map((e) => [e.key, e.leaf] as const));
