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
  readonly tensorPaths: string[];
  readonly keys: object[];
  /** Arrays, plain objects and module records, in walk order (index = position). */
  readonly containers: object[];
  /** Number leaves: value, and where (container index, property) so traced ones can be found. */
  readonly numbers: number[];
  readonly numberSlots: Array<readonly [number, string | number]>;
  readonly numberPaths: string[];
}

const staticIds = new WeakMap<object, number>();
let nextStaticId = 0;
/** A stable id for a static object or function: such arguments are compared by identity. */
const identity = (o: object): number => {
  let id = staticIds.get(o);
  if (id === undefined) {
    id = nextStaticId++;
    staticIds.set(o, id);
  }
  return id;
};

const symbolIds = new Map<symbol, number>();
const symbolId = (s: symbol): number => {
  let id = symbolIds.get(s);
  if (id === undefined) {
    id = nextStaticId++;
    symbolIds.set(s, id);
  }
  return id;
};

/** Records and module records are walked; class instances, functions and typed arrays are static. */
export const isWalked = (u: object): boolean => {
  if (Array.isArray(u)) return true;
  const proto: unknown = Object.getPrototypeOf(u);
  return proto === Object.prototype || proto === null;
};

/** The property keys a walk visits: string keys in order (symbol-keyed values are static, by identity). */
const ownKeys = (o: object): Array<string | symbol> => Reflect.ownKeys(o);

const MAX_NODES = 1 << 22;

/**
 * Flattens `args` (the compiled function's argument list). Throws a `CompileError` for cycles and
 * for trees larger than 2^22 nodes.
 */
export const flattenArguments = (args: ReadonlyArray<unknown>): FlatArguments => {
  const parts: string[] = [];
  const out: FlatArguments = {
    signature: '',
    tensors: [],
    tensorPaths: [],
    keys: [],
    containers: [],
    numbers: [],
    numberSlots: [],
    numberPaths: [],
  };
  const onPath = new Set<object>();
  // Entries: a value to visit (with its container slot), or a marker closing a container.
  type Item =
    { readonly value: unknown; readonly path: string; readonly slot: readonly [number, string | number] } | { readonly close: object };
  const stack: Item[] = [{ value: args, path: 'args', slot: [-1, 0] }];
  let nodes = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ('close' in item) {
      onPath.delete(item.close);
      parts.push(')');
      continue;
    }
    if (++nodes > MAX_NODES) throw new CompileError('argument', item.path, `arguments have more than ${MAX_NODES} nodes`);
    const { value, path, slot } = item;
    switch (typeof value) {
      case 'number':
        out.numbers.push(value);
        out.numberSlots.push(slot);
        out.numberPaths.push(path);
        parts.push('n');
        continue;
      case 'string':
        parts.push(`s${JSON.stringify(value)}`);
        continue;
      case 'boolean':
      case 'undefined':
      case 'bigint':
        parts.push(`${typeof value}:${String(value)}`);
        continue;
      case 'symbol':
        parts.push(`y${symbolId(value)}`);
        continue;
      case 'function':
        parts.push(`f${identity(value)}`);
        continue;
    }
    if (value === null) {
      parts.push('null');
      continue;
    }
    const o = value as object;
    if (o instanceof tf.Tensor) {
      if (o.isDisposed) throw new CompileError('argument', path, `the tensor at ${path} is disposed`);
      out.tensors.push(o);
      out.tensorPaths.push(path);
      parts.push(`T${o.dtype}[${o.shape.join(',')}]`);
      continue;
    }
    if (isPRNGKey(o)) {
      out.keys.push(o);
      parts.push(o.partitionable ? 'K' : 'k');
      continue;
    }
    if (!isWalked(o)) {
      parts.push(`o${identity(o)}`);
      continue;
    }
    if (onPath.has(o)) throw new CompileError('argument', path, `the argument at ${path} contains itself (a cycle)`);
    onPath.add(o);
    const index = out.containers.length;
    out.containers.push(o);
    stack.push({ close: o });
    if (Array.isArray(o)) {
      parts.push(`[${o.length}(`);
      for (let i = o.length - 1; i >= 0; i--) stack.push({ value: o[i], path: `${path}[${i}]`, slot: [index, i] });
    } else {
      const keys = ownKeys(o);
      parts.push('{(');
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        const v = (o as Record<string | symbol, unknown>)[k];
        if (typeof k === 'symbol') {
          parts.push(`${symbolId(k)}=${(typeof v === 'object' && v !== null) || typeof v === 'function' ? `o${identity(v)}` : String(v)}`);
        } else {
          stack.push({ value: v, path: `${path}.${k}`, slot: [index, k] });
          parts.push(JSON.stringify(k));
        }
      }
    }
  }
  return { ...out, signature: parts.join(' ') };
};
