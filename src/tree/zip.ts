/**
 * Zipping two trees of the same shape leaf by leaf, and the structural check behind it.
 *
 * @category zipping
 * @since 0.1.0
 */
import { type AnyModule, type AnySpec, type ModuleOf, ModuleTag } from './Field.js';
import { leafInfos, toArray } from './leaves.js';
import { describeDisposed, isDisposedTensor } from './disposed.js';
import { ModuleError } from './ModuleError.js';
import { describeData } from './describeData.js';
import { sameData } from './sameData.js';
import { describeValue, isModule, type LeafInfo, MAX_TREE_DEPTH, mapLeaves, pathOf, type Rec } from './walk.js';

/**
 * The error `f` threw at leaf `k`, as a `ModuleError` naming the leaf's path (and saying so when a
 * leaf is a disposed tensor: tfjs itself only says "Cannot read properties of undefined"). Runs on
 * the error path only, so the zip itself builds no paths.
 */
const atLeaf = (e: unknown, a: AnyModule<unknown>, ys: ReadonlyArray<unknown>, k: number): unknown => {
  if (e instanceof ModuleError || k < 0) return e;
  const path = leafInfos(a)[k]?.path ?? '';
  const x = toArray(a)[k];
  const y = ys[k];
  const dead = isDisposedTensor(x) ? (['first', x] as const) : isDisposedTensor(y) ? (['second', y] as const) : undefined;
  const detail =
    dead !== undefined ? `the ${dead[0]} tree's leaf is ${describeDisposed(dead[1])}` : e instanceof Error ? e.message : String(e);
  const err = new ModuleError(`zipWith: at leaf "${path}": ${detail}`, { cause: e });
  if (path !== '') err.path.push(...path.split('.'));
  return err;
};

const zipLeaves = <A, B, C>(a: AnyModule<A>, b: AnyModule<B>, f: (x: A, y: B, info: LeafInfo) => C, withInfo: boolean): AnyModule<C> => {
  assertSameShape(a, b, '');
  const ys = toArray(b) as B[];
  let i = 0;
  try {
    return mapLeaves(a, (x: A, info) => f(x, ys[i++]!, info), withInfo, '');
  } catch (e) {
    throw atLeaf(e, a, ys, i - 1);
  }
};

/**
 * Zips two modules of the same kind leaf by leaf (the original's `tree_multimap`): the SGD update is
 * `zipWith(params, grads, (p, g) => tf.sub(p, tf.mul(g, lr)))`. `f` gets exactly `(a, b)`. Both
 * trees must be of one kind (checked by the compiler) and one shape (same array lengths, equal
 * constants; checked at run time, a `ModuleError` names the first differing path).
 *
 * Data-first `zipWith(a, b, f)`, or data-last `zipWith(b, f)(a)` for `pipe`.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { initialize, map, nn, random, tf, zipWith } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const grads = pipe(params, map((p) => tf.onesLike(p)))
 * const next = zipWith(params, grads, (p, g) => tf.sub(p, tf.mul(g, 0.3)))
 * const same = pipe(params, zipWith(grads, (p, g) => tf.sub(p, tf.mul(g, 0.3))))
 * @category zipping
 * @since 0.1.0
 */
export function zipWith<S extends AnySpec, A, B, C>(a: ModuleOf<S, A>, b: ModuleOf<S, B>, f: (a: A, b: B) => C): ModuleOf<S, C>;
export function zipWith<S extends AnySpec, A, B, C>(b: ModuleOf<S, B>, f: (a: A, b: B) => C): (a: ModuleOf<S, A>) => ModuleOf<S, C>;
export function zipWith(...args: ReadonlyArray<unknown>): unknown {
  if (args.length === 2) {
    const [b, f] = args as [AnyModule<unknown>, (a: unknown, b: unknown) => unknown];
    return (a: AnyModule<unknown>) => zipLeaves(a, b, (x, y) => f(x, y), false);
  }
  const [a, b, f] = args as [AnyModule<unknown>, AnyModule<unknown>, (a: unknown, b: unknown) => unknown];
  return zipLeaves(a, b, (x, y) => f(x, y), false);
}

/**
 * `zipWith` whose function also gets each leaf's {@link LeafInfo} (path and kind), first, as in
 * fp-ts's `…WithIndex` functions: `f(info, a, b)`.
 * @example
 * import { initialize, nn, random, tf, zipWithIndex } from 'parallax-ts'
 * const params = initialize(nn.Linear.create(2, 3))(random.key(0))
 * const next = zipWithIndex(params, params, (i, p, q) => (i.path === 'bias' ? p : tf.add(p, q)))
 * @category zipping
 * @since 0.2.0
 */
export const zipWithIndex = <S extends AnySpec, A, B, C>(
  a: ModuleOf<S, A>,
  b: ModuleOf<S, B>,
  f: (i: LeafInfo, a: A, b: B) => C,
): ModuleOf<S, C> => zipLeaves(a, b, (x: A, y: B, info) => f(info, x, y), true) as ModuleOf<S, C>;

const mismatch = (path: string, what: string): ModuleError => {
  const e = new ModuleError(`trees differ at "${path === '' ? '(root)' : path}": ${what}`);
  if (path !== '') e.path.push(...path.split('.'));
  return e;
};

/** One pair of modules being compared: the two records and how far their fields have been read. */
class Pair {
  fi = 0;
  xs: ReadonlyArray<unknown> | undefined = undefined;
  ys: ReadonlyArray<unknown> | undefined = undefined;
  ki = 0;
  kidsName = '';
  constructor(
    readonly x: Rec,
    readonly y: Rec,
    readonly spec: AnySpec,
    /** The parent's field holding this pair and the index in it (-1: not an array), for paths. */
    readonly name: string,
    readonly index: number,
  ) {}
}

/** The dotted path `prefix.<path of the stack>.<rest>`, for messages. */
const pathAt = (prefix: string, stack: ReadonlyArray<Pair>, ...rest: ReadonlyArray<string | number>): string => {
  const p = pathOf(stack, ...rest);
  return prefix === '' ? p : p === '' ? prefix : `${prefix}.${p}`;
};

/**
 * Checks one pair of records and pushes it; `name`/`index` locate it in the parent on top of the
 * stack. A module-level function, not a closure: `assertSameShape` runs on every `zipWith`.
 */
const pushPair = (stack: Pair[], prefix: string, x: unknown, y: unknown, name: string, index: number): void => {
  if (!isModule(x) || !isModule(y) || x[ModuleTag].URI !== y[ModuleTag].URI || stack.length >= MAX_TREE_DEPTH) {
    const here = stack.length === 0 ? prefix : index >= 0 ? pathAt(prefix, stack, name, index) : pathAt(prefix, stack, name);
    if (!isModule(x)) throw mismatch(here, `the first tree holds ${describeValue(x)}, not a module`);
    if (!isModule(y)) throw mismatch(here, `expected a ${x[ModuleTag].name} module, got ${describeValue(y)}`);
    if (x[ModuleTag].URI !== y[ModuleTag].URI) throw mismatch(here, `${x[ModuleTag].name} vs ${y[ModuleTag].name}`);
    throw mismatch(here, `nested deeper than ${MAX_TREE_DEPTH} levels`);
  }
  stack.push(new Pair(x as unknown as Rec, y as unknown as Rec, x[ModuleTag], name, index));
};

/**
 * Throws a `ModuleError` naming the first path at which `a` and `b` differ in structure (kind, array
 * length, constant value). Leaves themselves are not compared. Iterative: trees of any depth.
 * @example
 * import { assertSameShape, nn } from 'parallax-ts'
 * assertSameShape(nn.Linear.create(2, 3), nn.Linear.create(2, 3)) // ok
 * assertSameShape(nn.Linear.create(2, 3), nn.Linear.create(2, 4)) // throws `trees differ at "outFeatures": 3 vs 4`
 * @category zipping
 * @since 0.1.0
 */
export const assertSameShape = (a: AnyModule<unknown>, b: AnyModule<unknown>, prefix = ''): void => {
  const stack: Pair[] = [];
  pushPair(stack, prefix, a, b, '', -1);
  while (stack.length > 0) {
    const c = stack[stack.length - 1]!;
    if (c.xs !== undefined) {
      if (c.ki < c.xs.length) {
        const i = c.ki++;
        pushPair(stack, prefix, c.xs[i], c.ys![i], c.kidsName, i);
        continue;
      }
      c.xs = undefined;
      c.ys = undefined;
    }
    const names = c.spec.fieldNames;
    let descended = false;
    while (c.fi < names.length && !descended) {
      const name = names[c.fi++]!;
      const decl = c.spec.fields[name]!;
      const x = c.x[name];
      const y = c.y[name];
      switch (decl._tag) {
        case 'submodule':
          pushPair(stack, prefix, x, y, name, -1);
          descended = true;
          break;
        case 'submodules':
        case 'tuple':
        case 'anyModules': {
          if (!Array.isArray(x))
            throw mismatch(pathAt(prefix, stack, name), `the first tree holds ${describeValue(x)}, not an array of modules`);
          if (!Array.isArray(y)) throw mismatch(pathAt(prefix, stack, name), `expected an array of modules, got ${describeValue(y)}`);
          if (x.length !== y.length) throw mismatch(pathAt(prefix, stack, name), `${x.length} vs ${y.length} submodules`);
          c.xs = x;
          c.ys = y;
          c.ki = 0;
          c.kidsName = name;
          descended = true;
          break;
        }
        case 'constant':
          if (!sameData(x, y)) throw mismatch(pathAt(prefix, stack, name), `${describeData(x)} vs ${describeData(y)}`);
          break;
        default:
      }
    }
    if (!descended) stack.pop();
  }
};
