/**
 * Values shown in error messages: a short JSON rendering of whatever an argument, a constant or a
 * config held, with work bounded by the length shown, whatever the value is.
 *
 * @since 0.2.0
 */

/** The JSON text of a string, cut to about `limit` characters first (a huge string is not copied whole). */
const quoted = (s: string, limit: number): string => JSON.stringify(s.length > limit ? s.slice(0, limit) : s);

/** A scalar as JSON writes it (non-finite numbers by name: a message should say `NaN`, not `null`). */
const scalarText = (u: unknown): string | undefined => {
  switch (typeof u) {
    case 'number':
      return String(u);
    case 'boolean':
      return String(u);
    case 'bigint':
      return `${u}n`;
    case 'symbol':
      return u.toString();
    case 'function':
      return 'a function';
    default:
      return u === null ? 'null' : undefined;
  }
};

/**
 * The first `limit` or so characters of a value's JSON text, written iteratively with an explicit
 * stack: no nesting depth, cycle or size of input makes it overflow or run long, since it stops as
 * soon as it has written `limit` characters (`JSON.stringify` recurses, and throws a `RangeError`
 * on a few thousand levels of nesting).
 */
const jsonPrefix = (root: unknown, limit: number): string => {
  let out = '';
  type Frame = { readonly close: string; readonly items: Iterator<readonly [string | undefined, unknown]>; first: boolean };
  const stack: Frame[] = [];
  const entriesOf = function* (o: object): Generator<readonly [string | undefined, unknown]> {
    if (Array.isArray(o)) for (let i = 0; i < o.length; i++) yield [undefined, o[i]];
    else for (const k in o) if (Object.hasOwn(o, k)) yield [k, (o as Record<string, unknown>)[k]];
  };
  const open = (u: unknown): void => {
    let v = u;
    const toJSON = typeof v === 'object' && v !== null ? (v as { toJSON?: unknown }).toJSON : undefined;
    if (typeof toJSON === 'function') {
      try {
        v = (toJSON as () => unknown).call(v);
      } catch {
        // shown as the object it is
      }
    }
    if (typeof v === 'string') out += quoted(v, limit);
    else if (typeof v === 'object' && v !== null) {
      out += Array.isArray(v) ? '[' : '{';
      stack.push({ close: Array.isArray(v) ? ']' : '}', items: entriesOf(v), first: true });
    } else out += scalarText(v) ?? String(v); // undefined, in an array
  };
  open(root);
  while (stack.length > 0 && out.length < limit) {
    const top = stack[stack.length - 1]!;
    const next = top.items.next();
    if (next.done === true) {
      out += top.close;
      stack.pop();
      continue;
    }
    const [key, value] = next.value;
    if (key !== undefined && value === undefined) continue; // an absent field
    if (!top.first) out += ',';
    top.first = false;
    if (key !== undefined) out += `${quoted(key, limit)}:`;
    open(value);
  }
  return out;
};

/**
 * A short rendering of any value for an error message: JSON, except that what JSON cannot write
 * is named, at any depth (`NaN`, `Infinity`, `5n`, `Symbol(s)`, `a function`, `undefined` in an
 * array; a field holding `undefined` is left out, as absent); at most `maxLength`
 * characters (default 80; a longer rendering ends in `...`). Never throws, and deeply nested,
 * cyclic or huge values cost at most `maxLength` characters of work: no stack overflow, no copy of
 * a huge array.
 *
 * @example
 * import { describeData } from './describeData.js'
 * describeData([1, NaN, 'a']) // '[1,NaN,"a"]'
 * describeData(new Array(1e6).fill(0)).length // 80: '[0,0,0,...' cut short
 * describeData(undefined) // 'undefined'
 * @since 0.2.0
 * @internal
 */
export const describeData = (u: unknown, maxLength = 80): string => {
  if (u === undefined) return 'undefined';
  let s: string;
  try {
    s = jsonPrefix(u, maxLength + 1);
  } catch {
    s = Object.prototype.toString.call(u); // a getter or proxy that throws
  }
  return s.length > maxLength ? `${s.slice(0, maxLength - 3)}...` : s;
};
