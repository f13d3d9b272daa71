/**
 * `Flatten`: merges the axes `startDim..endDim` into one, PyTorch's `nn.Flatten` (defaults
 * `startDim = 1`, `endDim = -1`: everything but the batch axis).
 *
 * - input: any tensor with rank > max(startDim, endDim) (negative dims count from the end);
 *   output: the same data, those axes merged (a reshape: no copy)
 * - no parameters
 *
 * @since 0.1.0
 */
import * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { constant } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { configObject } from './configCodecs.js';

type Tensor = tf.Tensor;

/** Any integer (an unbranded `Integer`). */
const Integer = new t.Type<number, number, unknown>(
  'an integer',
  (u): u is number => Number.isInteger(u),
  (u, c) => (Number.isInteger(u) ? t.success(u as number) : t.failure(u, c)),
  t.identity,
);

const fields = { startDim: constant<number>(), endDim: constant<number>() };

/**
 * The fp-ts URI of `Flatten` modules (also `Flatten.URI`).
 * @example
 * nn.Flatten.URI // 'parallax-ts/nn/Flatten'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/Flatten';
/** @since 0.1.0 */
export type URI = typeof URI;
/** A `Flatten` layer (no leaves). @since 0.1.0 */
export type Flatten<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: Flatten<A>;
  }
}

const forward = (m: Flatten<unknown>, x: Tensor): Tensor => {
  if (!(x instanceof tf.Tensor)) throw new ModuleError(`expected input to be a tensor, got ${typeof x}`);
  const rank = Math.max(x.rank, 1); // PyTorch treats a scalar as one axis here
  const start = m.startDim < 0 ? m.startDim + rank : m.startDim;
  const end = m.endDim < 0 ? m.endDim + rank : m.endDim;
  if (start < 0 || start >= rank || end < 0 || end >= rank) {
    throw new ModuleError(
      `expected input with axes ${m.startDim} and ${m.endDim} (rank ≥ ${Math.max(m.startDim, m.endDim, -m.startDim - 1, -m.endDim - 1) + 1}), got ${formatShape(x.shape)}`,
    );
  }
  if (start > end) throw new ModuleError(`startDim (${m.startDim}) comes after endDim (${m.endDim}) for input ${formatShape(x.shape)}`);
  const shape = x.rank === 0 ? [1] : x.shape;
  const merged = shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
  return tf.reshape(x, [...shape.slice(0, start), merged, ...shape.slice(end + 1)]);
};

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
  name: 'Flatten',
  fields,
  extraRepr: (m) => `start_dim=${m.startDim}, end_dim=${m.endDim}`,
  forward,
});

/**
 * The JSON-able constructor arguments of a `Flatten`.
 * @example
 * nn.Flatten.fromConfig({ startDim: 1, endDim: -1 })
 * @since 0.1.0
 */
export const FlattenConfig = configObject('Flatten config', {}, { startDim: Integer, endDim: Integer });
/** @since 0.1.0 */
export type FlattenConfig = t.TypeOf<typeof FlattenConfig>;

/**
 * `Flatten`: the module definition plus `create`, and its config.
 * @since 0.1.0
 */
export interface FlattenDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new layer (no leaves); defaults `startDim = 1`, `endDim = -1`. */
  readonly create: <A = never>(options?: { readonly startDim?: number; readonly endDim?: number }) => Flatten<A>;
  /** The io-ts codec of the constructor arguments. */
  readonly configCodec: typeof FlattenConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: Flatten<unknown>) => FlattenConfig;
  /** A new layer from its constructor arguments. */
  readonly fromConfig: <A = never>(config: FlattenConfig) => Flatten<A>;
}

const create = <A = never>(options: { readonly startDim?: number; readonly endDim?: number } = {}): Flatten<A> => {
  const startDim = options.startDim ?? 1;
  const endDim = options.endDim ?? -1;
  for (const [name, v] of [['startDim', startDim], ['endDim', endDim]] as const) {
    if (!Number.isInteger(v)) throw new Error(`Flatten.create: ${name} must be an integer, got ${JSON.stringify(v)}`);
  }
  return def.make<A>({ startDim, endDim });
};

/**
 * The `Flatten` layer: `create` builds one, `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link FlattenDef}.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.Flatten.forward(nn.Flatten.create(), tf.ones([2, 3, 4, 5])).shape // [2, 60]
 * @since 0.1.0
 */
export const Flatten: FlattenDef = {
  ...def,
  create,
  configCodec: FlattenConfig,
  toConfig: (m) => ({ startDim: m.startDim, endDim: m.endDim }),
  fromConfig: (c) => create(c),
};
