/**
 * A call's arguments, flattened: the tensors and random keys a recording traces, every container
 * object (so host code's `source[field]` reads can be found again in the next call), and the static
 * rest, summed up in a signature string that decides which recording a call can replay.
 *
 * Walked with an explicit stack (arguments come from users; no recursion on their depth).
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { isPRNGKey } from '../random/PRNGKey.js';
import { CompileError } from './CompileError.js';

type Tensor = tf.Tensor;

/** The traced and static parts of one call's arguments, in walk order. */
export interface FlatArguments {
  /**
   * Structure, tensor shapes and dtypes, key schemes and every static value except numbers (which
   * are compared one by one, since a recording may trace some of them: see `numbers`).
   */
  readonly signature: string;
  readonly tensors: Tensor[];
  readonly keys: object[];
  /** Arrays, plain objects and module records, in walk order (index = position). */
  readonly containers: object[];
  /** Number leaves: value, and where (container index, property) so traced ones can be found. */
  readonly numbers: number[];
  readonly numberSlots: Array<readonly [number, string | number]>;
  /** Each container's own place: its container's index (-1: the argument list) and property. */
  readonly containerSlots: Array<readonly [number, string | number]>;
}

/** The path of the value at `[container, property]`, e.g. `args[0].optState[0].count`. */
export const pathAt = (flat: FlatArguments, [container, property]: readonly [number, string | number]): string => {
  const parts: string[] = [];
  let c = container;
  let p: string | number = property;
  while (c >= 0) {
    parts.push(typeof p === 'number' ? `[${p}]` : `.${p}`);
    [c, p] = flat.containerSlots[c]!;
  }
  return `args${parts.reverse().join('')}`;
};

let nextStaticId = 0;
/** A stable id per key of `store`, for static values compared by identity (objects, functions, symbols). */
const idIn =
  <K>(store: { get(k: K): number | undefined; set(k: K, id: number): unknown }) =>
  (k: K): number => {
    let id = store.get(k);
    if (id === undefined) {
      id = nextStaticId++;
      store.set(k, id);
    }
    return id;
  };
const identity = idIn(new WeakMap<object, number>());
const symbolId = idIn(new Map<symbol, number>());

/** Records and module records are walked; class instances, functions and typed arrays are static. */
export const isWalked = (u: object): boolean => {
  if (Array.isArray(u)) return true;
  const proto: unknown = Object.getPrototypeOf(u);
  return proto === Object.prototype || proto === null;
};

/** The property keys a walk visits: string keys in order (symbol-keyed values are static, by identity). */
const ownKeys = (o: object): Array<string | symbol> => Reflect.ownKeys(o);

const MAX_NODES = 1 << 22;
/** Marks the end of a container on the walk's stack. */
const CLOSE: unique symbol = Symbol('close');

/**
 * Flattens `args` (the compiled function's argument list). Throws a `CompileError` naming the path
 * for a disposed tensor, a cycle, or a tree of more than 2^22 nodes. Paths are only spelled out for
 * errors: a walk runs on every call, so it builds no strings but the signature.
 */
export const flattenArguments = (args: ReadonlyArray<unknown>): FlatArguments => {
  let signature = '';
  const tensors: Tensor[] = [];
  const keys: object[] = [];
  const containers: object[] = [];
  const numbers: number[] = [];
  const numberSlots: Array<readonly [number, string | number]> = [];
  const onPath = new Set<object>();
  const seen = new Map<object, string>();
  // Parallel stacks: the value, its container's index and its property there (-1: the argument list);
  // a `CLOSE` value ends a container.
  const values: unknown[] = [args];
  const parents: number[] = [-1];
  const props: Array<string | number> = [0];
  const containerSlots: Array<readonly [number, string | number]> = [];
  const pathOf = (parent: number, prop: string | number): string =>
    pathAt({ signature, tensors, keys, containers, numbers, numberSlots, containerSlots }, [parent, prop]);
  let nodes = 0;
  while (values.length > 0) {
    const value = values.pop();
    const parent = parents.pop()!;
    const prop = props.pop()!;
    if (value === CLOSE) {
      onPath.delete(containers[parent]!);
      signature += ')';
      continue;
    }
    if (++nodes > MAX_NODES) throw new CompileError('argument', pathOf(parent, prop), `arguments have more than ${MAX_NODES} nodes`);
    switch (typeof value) {
      case 'number':
        numbers.push(value);
        numberSlots.push([parent, prop]);
        signature += 'n';
        continue;
      case 'string':
        signature += `s${value.length}:${value}`;
        continue;
      case 'boolean':
        signature += value ? 't' : 'f';
        continue;
      case 'undefined':
        signature += 'u';
        continue;
      case 'bigint':
        signature += `b${value}`;
        continue;
      case 'symbol':
        signature += `y${symbolId(value)}`;
        continue;
      case 'function':
        signature += `f${identity(value)}`;
        continue;
    }
    if (value === null) {
      signature += 'z';
      continue;
    }
    const o = value as object;
    // Cheapest tests first: most nodes are records and arrays; tfjs's `instanceof Tensor` is a
    // duck-typing function, so it only runs on objects of other classes.
    // A tensor or key met again (passed in two places) is part of the structure: a recording made
    // with one tensor in two places must not replay two different ones (records are compared by
    // content, so a record shared or copied records alike).
    const first = seen.get(o);
    if (first !== undefined) {
      signature += `@${first}`;
      continue;
    }
    if (!isWalked(o)) {
      if (o instanceof tf.Tensor) {
        if (o.isDisposed) throw new CompileError('argument', pathOf(parent, prop), `the tensor at ${pathOf(parent, prop)} is disposed`);
        seen.set(o, `t${tensors.length}`);
        tensors.push(o);
        signature += `T${o.dtype}${o.shape.length}:${o.shape.join(',')}`;
      } else signature += `o${identity(o)}`;
      continue;
    }
    if ((o as { _tag?: unknown })._tag === 'PRNGKey' && isPRNGKey(o)) {
      seen.set(o, `k${keys.length}`);
      keys.push(o);
      signature += o.partitionable ? 'K' : 'k';
      continue;
    }
    if (onPath.has(o)) {
      throw new CompileError('argument', pathOf(parent, prop), `the argument at ${pathOf(parent, prop)} contains itself (a cycle)`);
    }
    onPath.add(o);
    const index = containers.length;
    containers.push(o);
    containerSlots.push([parent, prop]);
    values.push(CLOSE);
    parents.push(index);
    props.push(0);
    if (Array.isArray(o)) {
      signature += `[${o.length}(`;
      for (let i = o.length - 1; i >= 0; i--) {
        values.push(o[i]);
        parents.push(index);
        props.push(i);
      }
    } else {
      const own = Reflect.ownKeys(o);
      signature += `{${own.length}(`;
      for (let i = own.length - 1; i >= 0; i--) {
        const k = own[i]!;
        const v = (o as Record<string | symbol, unknown>)[k];
        if (typeof k === 'symbol') {
          // Symbol-keyed values (a module's spec) are static, by identity.
          signature += `${symbolId(k)}=${(typeof v === 'object' && v !== null) || typeof v === 'function' ? `o${identity(v)}` : String(v)};`;
        } else {
          signature += `${k.length}:${k};`;
          values.push(v);
          parents.push(index);
          props.push(k);
        }
      }
    }
  }
  return { signature, tensors, keys, containers, numbers, numberSlots, containerSlots };
};
