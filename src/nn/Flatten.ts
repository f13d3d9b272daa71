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
import { defineModule, type ModuleType } from '../tree/Module.js';
import { formatShape, ModuleError } from '../tree/ModuleError.js';
import { configObject } from './configCodecs.js';
import { configurable } from './configurable.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';
import { checkLayerOptions } from './layerOptions.js';

type Tensor = tf.Tensor;

/**
 * Options of {@link Flatten.create}: the first and last axes merged (negative ones count from the end).
 * @example
 * import { nn } from 'parallax-ts'
 * const options: nn.FlattenOptions = { startDim: 0, endDim: 1 }
 * const flatten = nn.Flatten.create(options)
 * @category model
 * @since 0.2.0
 */
export interface FlattenOptions {
  /** Default 1 (after the batch axis). */
  readonly startDim?: number;
  /** Default -1 (the last axis). */
  readonly endDim?: number;
}

/** Any integer (an unbranded `Integer`). */
const Integer = new t.Type<number, number, unknown>(
  'an integer',
  (u): u is number => Number.isInteger(u),
  (u, c) => (Number.isInteger(u) ? t.success(u as number) : t.failure(u, c)),
  t.identity,
);

/**
 * `Flatten`'s constructor arguments as JSON: `{ startDim?, endDim? }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const flatten = nn.Flatten.fromConfig({ startDim: 1, endDim: -1 })
 * @category config
 * @since 0.1.0
 */
export const FlattenConfig = configObject('Flatten config', {}, { startDim: Integer, endDim: Integer });
/**
 * The constructor arguments of a `Flatten`, as decoded by `FlattenConfig`.
 * @example
 * import { nn } from 'parallax-ts'
 * const config: nn.FlattenConfig = { startDim: 2 }
 * @category config
 * @since 0.1.0
 */
export type FlattenConfig = t.TypeOf<typeof FlattenConfig>;

const FlattenDef = defineModule('parallax-ts/nn/Flatten', {
  name: 'Flatten',
  fields: { startDim: constant<number>(), endDim: constant<number>() },
  create: (options: FlattenOptions = {}) => {
    checkLayerOptions('Flatten.create', options, { startDim: 'value', endDim: 'value' });
    const startDim = options.startDim ?? 1;
    const endDim = options.endDim ?? -1;
    for (const [name, v] of [
      ['startDim', startDim],
      ['endDim', endDim],
    ] as const) {
      if (!Number.isInteger(v)) throw new ArgumentError(`Flatten.create: ${name} must be an integer, got ${describeData(v)}`);
    }
    return { startDim, endDim };
  },
  forward: (m, x: Tensor) => {
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
  },
  extraRepr: (m) => `start_dim=${m.startDim}, end_dim=${m.endDim}`,
});

/**
 * The `Flatten` layer: `create` builds one (it has no leaves), `forward` / `apply` run it,
 * `toConfig` / `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { nn, tf } from 'parallax-ts'
 * nn.Flatten.forward(nn.Flatten.create(), tf.ones([2, 3, 4, 5])).shape // [2, 60]
 * @category layers
 * @since 0.1.0
 */
export const Flatten = configurable(FlattenDef, FlattenConfig, {
  toConfig: (m) => ({ startDim: m.startDim, endDim: m.endDim }),
  fromConfig: (c) => FlattenDef.create(c),
});
/**
 * A `Flatten` layer (it has no leaves; `A` is the leaf type of the tree it sits in).
 * @example
 * import { nn, type tf } from 'parallax-ts'
 * const flatten: nn.Flatten<tf.Tensor> = nn.Flatten.create()
 * @category model
 * @since 0.1.0
 */
export type Flatten<A> = ModuleType<typeof Flatten, A>;
