/**
 * `JSON.stringify` without its recursion: the same text for JSON data, written with an explicit
 * stack, so a value nested 100,000 levels deep (a model's architecture: each level of `Sequential`
 * is four levels of JSON) is written instead of failing with `RangeError: Maximum call stack size
 * exceeded` (V8's `JSON.stringify` gives up at about 4,000 levels; `JSON.parse` has no such limit).
 *
 * @since 0.2.0
 */

/**
 * Why a value cannot be written as JSON (a cycle, a BigInt), naming where in it.
 * @example
 * import { jsonText, JsonTextError } from './jsonText.js'
 * const a: { self?: unknown } = {}
 * a.self = a
 * try {
 *   jsonText(a)
 * } catch (e) {
 *   if (e instanceof JsonTextError) console.log(e.message) // 'cannot write JSON: a cycle at "self"'
 * }
 * @internal
 * @category errors
 * @since 0.2.0
 */
export class JsonTextError extends Error {
  override readonly name = 'JsonTextError';
}

/** A value after `toJSON`, as JSON sees it. */
const jsonValueOf = (u: unknown, key: string): unknown => {
  if (typeof u === 'object' && u !== null && typeof (u as { toJSON?: unknown }).toJSON === 'function') {
    return (u as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  return u;
};

const isSkipped = (u: unknown): boolean => u === undefined || typeof u === 'function' || typeof u === 'symbol';

/**
 * The JSON text of `value`, exactly as `JSON.stringify(value)` gives it (compact, `toJSON` honoured,
 * `undefined`, functions and symbols left out of objects and written `null` in arrays, non-finite
 * numbers written `null`), for any depth of nesting. `undefined` when `value` itself has no JSON
 * form. Throws a {@link JsonTextError} on a cycle or a BigInt, as `JSON.stringify` throws.
 * @example
 * import { jsonText } from './jsonText.js'
 * jsonText({ type: 'Linear', config: { inFeatures: 2, skip: undefined }, list: [1, undefined] }) // '{"type":"Linear","config":{"inFeatures":2},"list":[1,null]}'
 * @internal
 * @category utils
 * @since 0.2.0
 */
export const jsonText = (value: unknown): string | undefined => {
  interface Frame {
    readonly value: object;
    readonly keys: ReadonlyArray<string> | undefined; // undefined: an array
    i: number;
    first: boolean;
    readonly path: string;
  }
  const out: string[] = [];
  const open = new Set<object>();
  const stack: Frame[] = [];
  /** Writes a scalar, or opens a frame for an object or array; `false` when the value is skipped. */
  const write = (raw: unknown, key: string, path: string): boolean => {
    const u = jsonValueOf(raw, key);
    if (isSkipped(u)) return false;
    if (u === null) out.push('null');
    else if (typeof u === 'string') out.push(JSON.stringify(u));
    else if (typeof u === 'number') out.push(Number.isFinite(u) ? String(u) : 'null');
    else if (typeof u === 'boolean') out.push(u ? 'true' : 'false');
    else if (typeof u === 'bigint') throw new JsonTextError(`cannot write JSON: a BigInt at ${JSON.stringify(path)}`);
    else {
      const o = u as object;
      if (open.has(o)) throw new JsonTextError(`cannot write JSON: a cycle at ${JSON.stringify(path)}`);
      open.add(o);
      const isArray = Array.isArray(o);
      out.push(isArray ? '[' : '{');
      stack.push({ value: o, keys: isArray ? undefined : Object.keys(o), i: 0, first: true, path });
    }
    return true;
  };
  const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
  if (!write(value, '', '')) return undefined;
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.keys === undefined) {
      const items = f.value as ReadonlyArray<unknown>;
      if (f.i < items.length) {
        const i = f.i++;
        if (!f.first) out.push(',');
        f.first = false;
        if (!write(items[i], String(i), join(f.path, String(i)))) out.push('null');
        continue;
      }
      out.push(']');
    } else {
      if (f.i < f.keys.length) {
        const k = f.keys[f.i++]!;
        const v = (f.value as Record<string, unknown>)[k];
        // A skipped value writes nothing, not even its key (a `toJSON` may skip too: checked after it runs).
        const at = out.length;
        out.push(`${f.first ? '' : ','}${JSON.stringify(k)}:`);
        if (write(v, k, join(f.path, k))) f.first = false;
        else out.length = at;
        continue;
      }
      out.push('}');
    }
    open.delete(f.value);
    stack.pop();
  }
  return out.join('');
};
