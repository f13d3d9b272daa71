/**
 * Architecture as data for one layer kind: its constructor arguments as an io-ts codec, and the two
 * functions between a module and those arguments. A definition made {@link configurable} is what
 * a {@link LayerRegistry} holds, so `nn.fromConfig` / `nn.toConfig` and `io.decodeModel` can build and
 * describe it.
 *
 * @since 0.2.0
 */
import type * as t from 'io-ts/lib/index.js';
import type { AnySpec, ModuleOf } from '../tree/Field.js';
import type { LeafOf } from '../tree/walk.js';

/**
 * What a layer needs to be written as JSON and built back: its URI and name (from its definition),
 * the codec of its constructor arguments `C`, and the functions between a module and `C`.
 * @category model
 * @since 0.1.0
 */
export interface ConfigurableLayer<C = unknown> {
  readonly URI: string;
  readonly name: string;
  readonly configCodec: t.Type<C, unknown, unknown>;
  /** A module's constructor arguments (method syntax: a definition taking its own module kind is accepted). */
  toConfig(m: never): C;
  /** A new, uninitialized module from constructor arguments that `configCodec` has decoded. */
  fromConfig(config: C): ModuleOf<AnySpec, unknown>;
}

/**
 * Adds a layer's config to its definition: `configCodec`, `toConfig` and `fromConfig`. The result is
 * the definition itself, extended, and is a {@link ConfigurableLayer} for a registry.
 * @example
 * import type { Tensor } from '@tensorflow/tfjs-core'
 * import * as t from 'io-ts/lib/index.js'
 * import { constant, defineModule, nn } from 'parallax-ts'
 *
 * const ScaleDef = defineModule('my-app/Scale', {
 *   name: 'Scale',
 *   fields: { factor: constant<number>() },
 *   create: (factor: number) => ({ factor }),
 *   forward: (m, x: Tensor) => x.mul(m.factor),
 * })
 * const Scale = nn.configurable(ScaleDef, t.type({ factor: t.number }), {
 *   toConfig: (m) => ({ factor: m.factor }),
 *   fromConfig: (c) => ScaleDef.create(c.factor),
 * })
 * const registry = nn.builtinLayers.with(Scale)
 * @category constructors
 * @since 0.2.0
 */
export const configurable = <D extends { readonly URI: string; readonly name: string; readonly spec: AnySpec }, C>(
  def: D,
  configCodec: t.Type<C, unknown, unknown>,
  functions: {
    readonly toConfig: (m: ModuleOf<D['spec'], unknown>) => C;
    readonly fromConfig: (config: C) => ModuleOf<D['spec'], unknown>;
  },
): D & {
  readonly configCodec: t.Type<C, unknown, unknown>;
  readonly toConfig: (m: ModuleOf<D['spec'], unknown>) => C;
  readonly fromConfig: (config: C) => ModuleOf<D['spec'], CreatedLeafOf<D>>;
} => ({
  ...def,
  configCodec,
  toConfig: functions.toConfig,
  fromConfig: functions.fromConfig as (config: C) => ModuleOf<D['spec'], CreatedLeafOf<D>>,
});

/** The leaf type a definition's `create` gives (lazy parameters, or `never` for leaf-free kinds). */
type CreatedLeafOf<D> = D extends { readonly create: (...args: never[]) => infer M } ? LeafOf<M> : unknown;
