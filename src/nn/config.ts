/**
 * Architecture as data: a {@link LayerRegistry} of layer kinds, each with an io-ts codec of its
 * constructor arguments, so a model can be written as JSON, validated (every error names its JSON
 * path), built, and written back.
 *
 * JSON form of any layer: `{ "type": "<layer name>", "config": { ...constructor arguments } }`;
 * `Sequential`'s config holds its children in that same form: `{ "layers": [ { "type": ... }, ... ] }`.
 *
 * A registry is a value, not a table filled as a side effect of importing a file: {@link builtinLayers}
 * holds every built-in layer, `builtinLayers.with(MyLayer)` is a new registry that also knows
 * `MyLayer`, and every function here takes the registry to use (default: the built-in one). A layer
 * definition made with {@link configurable} (see `Linear.ts`) is a {@link ConfigurableLayer}, ready for
 * a registry; a layer whose config holds other layers (`Sequential`) is a {@link ContainerLayer},
 * whose children are decoded and built with the registry it sits in.
 *
 * Weights are not part of a config: `fromConfig` returns an *uninitialized* module; load weights
 * into `initialize(module)(key)` (or from a checkpoint) afterwards.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';
import type { tf } from '../engine/backend.js';
import { type AnyModule, specOf } from '../tree/Module.js';
import type { ParamInit } from '../tree/ParamInit.js';
import { configObject, describeJson, formatConfigErrors } from './configCodecs.js';
import type { ConfigurableLayer } from './configurable.js';
import { AdaptiveAvgPool2d } from './AdaptiveAvgPool2d.js';
import { AvgPool2d } from './AvgPool2d.js';
import { BatchNorm1d, BatchNorm2d } from './BatchNorm.js';
import { Conv1d } from './Conv1d.js';
import { Conv2d } from './Conv2d.js';
import { ConvTranspose2d } from './ConvTranspose2d.js';
import { Dropout } from './Dropout.js';
import { Embedding } from './Embedding.js';
import { Flatten } from './Flatten.js';
import { GlobalAvgPool2d } from './GlobalAvgPool2d.js';
import { GroupNorm } from './GroupNorm.js';
import { GRU } from './GRU.js';
import { GRUCell } from './GRUCell.js';
import { LayerNorm } from './LayerNorm.js';
import { Linear } from './Linear.js';
import { LSTM } from './LSTM.js';
import { LSTMCell } from './LSTMCell.js';
import { MaxPool2d } from './MaxPool2d.js';
import { MLP } from './MLP.js';
import { MultiheadAttention } from './MultiheadAttention.js';
import { RMSNorm } from './RMSNorm.js';
import { Sequential } from './Sequential.js';

export { configurable, type ConfigurableLayer } from './configurable.js';

type Tensor = tf.Tensor;

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A layer as JSON: its registered name and its constructor arguments.
 * @example
 * import { nn } from 'parallax-ts'
 * const json: nn.LayerConfig = { type: 'Linear', config: { inFeatures: 2, outFeatures: 3 } }
 * const layer = nn.fromConfig(json)
 * @category model
 * @since 0.1.0
 */
export interface LayerConfig {
  readonly type: string;
  readonly config: unknown;
}

/**
 * A layer kind whose config holds other layers' configs (`Sequential`). Its codec, `toConfig` and
 * `fromConfig` are given the recursion — the codec of a child's config, the function writing a
 * child module, the function building a child config — so that its children are handled by the
 * registry it sits in (layers added with `.with` included) and errors name the child's JSON path.
 * @example
 * import * as t from 'io-ts/lib/index.js'
 * import { anyModules, type AnySpec, apply, defineModule, type ModuleOf, type ModuleType, nn, tf } from 'parallax-ts'
 * // x + layers(x): a container of any layers, its children written and built by the registry.
 * const Residual = defineModule('my-app/Residual', {
 *   name: 'Residual',
 *   fields: { layers: anyModules() },
 *   forward: (m, x: tf.Tensor) => tf.add(x, m.layers.reduce((h: tf.Tensor, l) => apply(l as ModuleOf<AnySpec, tf.Tensor>, h) as tf.Tensor, x)),
 * })
 * const ResidualLayer: nn.ContainerLayer<{ readonly layers: ReadonlyArray<nn.LayerConfig> }> = {
 *   container: true,
 *   URI: Residual.URI,
 *   name: Residual.name,
 *   configCodec: (layer) => t.type({ layers: t.readonlyArray(layer) }),
 *   toConfig: (m: ModuleType<typeof Residual, unknown>, child) => ({ layers: m.layers.map(child) }),
 *   fromConfig: (c, child) => Residual.make({ layers: c.layers.map((l, i) => child(l, `layers.${i}`)) }),
 * }
 * const registry = nn.builtinLayers.with(ResidualLayer)
 * const block = nn.fromConfig({ type: 'Residual', config: { layers: [{ type: 'Linear', config: { inFeatures: 4, outFeatures: 4 } }] } }, registry)
 * @category model
 * @since 0.2.0
 */
export interface ContainerLayer<C = unknown> {
  /** Tells a container from a plain {@link ConfigurableLayer}. */
  readonly container: true;
  readonly URI: string;
  readonly name: string;
  /** The codec of its config, from the codec of one child layer's config (in the same registry). */
  readonly configCodec: (layer: t.Type<LayerConfig, LayerConfig, unknown>) => t.Type<C, unknown, unknown>;
  /** Its constructor arguments; `child` writes a child module (method syntax: it may take its own kind). */
  toConfig(m: never, child: (m: AnyModule<unknown>) => LayerConfig): C;
  /**
   * A new, uninitialized module from a decoded config; `child(config, at)` builds a child layer
   * whose config sits at `at` (a JSON path inside this layer's config, e.g. `'layers.2'`).
   */
  fromConfig(config: C, child: (config: LayerConfig, at: string) => AnyModule<ParamInit<Tensor>>): AnyModule<unknown>;
}

/**
 * An immutable set of layer kinds, by name (for `fromConfig`) and by kind (URI, for `toConfig`).
 * `with` returns a new registry; the one it was called on is unchanged.
 * @example
 * import { nn } from 'parallax-ts'
 * const small = nn.layerRegistry([nn.Linear, nn.Dropout])
 * const bigger = small.with(nn.Conv2d)
 * small.names() // ['Dropout', 'Linear']
 * bigger.names() // ['Conv2d', 'Dropout', 'Linear']
 * @category model
 * @since 0.2.0
 */
export interface LayerRegistry {
  /**
   * A registry that also holds `layer`, under `name` (default: the layer's own name). Adding a kind
   * under the name it already has changes nothing; another kind under a taken name is an error.
   */
  readonly with: <C>(layer: ConfigurableLayer<C> | ContainerLayer<C>, name?: string) => LayerRegistry;
  /** The registered names, sorted. */
  readonly names: () => ReadonlyArray<string>;
  /** @internal the lookups of this registry (a `Symbol.for` key, so ESM and CJS copies agree). */
  readonly [RegistryTag]: RegistryLookups;
}

/** A registry's lookups, keyed by a shared symbol so another copy of the library can read them. */
const RegistryTag: unique symbol = Symbol.for('parallax-ts/LayerRegistry') as never;

/** One registered layer, its config type erased: a registry only ever pairs a codec with its own layer. */
interface Entry {
  readonly name: string;
  readonly layer: RegistrableLayer;
}

/**
 * What a registry holds: a {@link ConfigurableLayer} or a {@link ContainerLayer}, of any config type.
 * @example
 * import { nn } from 'parallax-ts'
 * const layers: ReadonlyArray<nn.RegistrableLayer> = [nn.Linear, nn.Dropout, nn.SequentialLayer]
 * const registry = nn.layerRegistry(layers)
 * @category model
 * @since 0.2.0
 */
// `any`: an existential. A registry holds layers of many config types, and pairs each layer's codec
// only with that layer's own functions; a config type is invariant, so `unknown` would fit none.
export type RegistrableLayer = ConfigurableLayer<any> | ContainerLayer<any>;

/** A layer as the registry uses it: container or not, the same three operations. */
interface Resolved {
  readonly name: string;
  readonly URI: string;
  readonly codec: t.Type<unknown, unknown, unknown>;
  readonly toConfig: (m: AnyModule<unknown>) => unknown;
  readonly fromConfig: (config: unknown, path: string) => AnyModule<ParamInit<Tensor>>;
}

/** @internal */
interface RegistryLookups {
  readonly byName: (name: string) => Resolved | undefined;
  readonly byURI: (uri: string) => Resolved | undefined;
  readonly codec: () => t.Type<LayerConfig, LayerConfig, unknown>;
}

// -------------------------------------------------------------------------------------
// errors
// -------------------------------------------------------------------------------------

/**
 * A config that failed validation or building: `problems` has one line per error, each naming its
 * JSON path (`config.layers.2.config.outFeatures: expected a positive integer, got -3`).
 * @example
 * import { nn } from 'parallax-ts'
 * try {
 *   nn.fromConfig({ type: 'Linear', config: { inFeatures: 2, outFeatures: -3 } })
 * } catch (e) {
 *   if (e instanceof nn.ConfigError) console.log(e.problems) // ['config.outFeatures: expected a positive integer, got -3']
 * }
 * @category errors
 * @since 0.1.0
 */
export class ConfigError extends Error {
  readonly problems: ReadonlyArray<string>;
  /** `headline` opens the message (default `'invalid layer config'`); the problems follow, one per line. */
  constructor(problems: ReadonlyArray<string>, headline = 'invalid layer config') {
    super(`${headline}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

const join = (prefix: string, rest: string): string => (prefix === '' ? rest : `${prefix}.${rest}`);

const isContainer = (layer: RegistrableLayer): layer is ContainerLayer<unknown> =>
  (layer as { readonly container?: unknown }).container === true;

/** Refuses what cannot be a registry entry, with what is missing (e.g. a layer file not yet made `configurable`). */
const checkLayer = (layer: unknown, name: unknown): void => {
  const where = 'LayerRegistry.with';
  if (typeof layer !== 'object' || layer === null) throw new Error(`${where}: expected a configurable layer, got ${describeJson(layer)}`);
  const l = layer as Record<string, unknown>;
  const label = typeof l.name === 'string' ? l.name : 'the layer';
  const missing = ['URI', 'name'].filter((k) => typeof l[k] !== 'string' || l[k] === '');
  missing.push(...['toConfig', 'fromConfig'].filter((k) => typeof l[k] !== 'function'));
  const codec = l.configCodec;
  const codecOk =
    l.container === true
      ? typeof codec === 'function'
      : typeof codec === 'object' && codec !== null && typeof (codec as { validate?: unknown }).validate === 'function';
  if (!codecOk) missing.push('configCodec');
  if (missing.length > 0) {
    throw new Error(
      `${where}: ${label} is not a configurable layer: it lacks ${missing.join(', ')} (give its definition a config with nn.configurable)`,
    );
  }
  if (typeof name !== 'string' || name === '') throw new Error(`${where}: the name must be a non-empty string, got ${describeJson(name)}`);
};

/** A registry over `entries` (by name, in registration order). */
const makeRegistry = (entries: ReadonlyMap<string, Entry>): LayerRegistry => {
  const resolved = new Map<string, Resolved>();
  const byURI = new Map<string, string>();
  // The last name a kind was registered under is the one `toConfig` writes.
  for (const [name, e] of entries) byURI.set(e.layer.URI, name);
  let codec: t.Type<LayerConfig, LayerConfig, unknown> | undefined;
  const registry: LayerRegistry = {
    with: (layer, name = layer.name) => {
      checkLayer(layer, name);
      const known = entries.get(name);
      if (known !== undefined && known.layer.URI !== layer.URI) {
        throw new Error(
          `LayerRegistry.with: the name "${name}" is taken by ${known.layer.URI}, so ${layer.URI} cannot have it; ` +
            `give it another name: registry.with(layer, '${name}2')`,
        );
      }
      if (known !== undefined && known.layer === layer) return registry;
      const next = new Map(entries);
      next.set(name, { name, layer: layer as RegistrableLayer });
      return makeRegistry(next);
    },
    names: () => [...entries.keys()].sort(),
    [RegistryTag]: {
      byName: (name) => {
        const e = entries.get(name);
        return e === undefined ? undefined : resolve(e);
      },
      byURI: (uri) => {
        const name = byURI.get(uri);
        return name === undefined ? undefined : resolve(entries.get(name)!);
      },
      codec: () => (codec ??= makeLayerConfigCodec(registry)),
    },
  };
  /** A container's codec is made once per registry, on first use (it refers to the registry's own codec). */
  const resolve = (e: Entry): Resolved => {
    const cached = resolved.get(e.name);
    if (cached !== undefined) return cached;
    const layer = e.layer;
    const r: Resolved = isContainer(layer)
      ? {
          name: e.name,
          URI: layer.URI,
          codec: layer.configCodec(registry[RegistryTag].codec()),
          toConfig: (m) => layer.toConfig(m as never, (child) => toDecoded(child, registry)),
          fromConfig: (config, path) =>
            atPath(
              path,
              () =>
                layer.fromConfig(config, (child, at) => build(child, join(path, `config.${at}`), registry)) as AnyModule<ParamInit<Tensor>>,
            ),
        }
      : {
          name: e.name,
          URI: layer.URI,
          codec: layer.configCodec,
          toConfig: (m) => layer.toConfig(m as never),
          fromConfig: (config, path) => atPath(path, () => layer.fromConfig(config) as AnyModule<ParamInit<Tensor>>),
        };
    resolved.set(e.name, r);
    return r;
  };
  return Object.freeze(registry);
};

/**
 * A registry of the given layers, each under its own name. Two kinds with one name are an error
 * (give one another name with `.with(layer, name)`).
 * @example
 * import { nn } from 'parallax-ts'
 * const registry = nn.layerRegistry([nn.Linear, nn.Dropout])
 * const layer = nn.fromConfig({ type: 'Linear', config: { inFeatures: 2, outFeatures: 3 } }, registry)
 * @category constructors
 * @since 0.2.0
 */
export const layerRegistry = (layers: ReadonlyArray<RegistrableLayer>): LayerRegistry =>
  layers.reduce<LayerRegistry>((r, layer) => r.with(layer), makeRegistry(new Map()));

/** The lookups of a registry, or an error saying what was passed instead. */
const lookups = (registry: LayerRegistry, where: string): RegistryLookups => {
  const l = (registry as Partial<LayerRegistry> | null | undefined)?.[RegistryTag];
  if (l === undefined)
    throw new Error(`${where}: expected a LayerRegistry (nn.layerRegistry, nn.builtinLayers), got ${describeJson(registry)}`);
  return l;
};

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const makeLayerConfigCodec = (registry: LayerRegistry): t.Type<LayerConfig, LayerConfig, unknown> => {
  const find = (name: unknown): Resolved | undefined => (typeof name === 'string' ? registry[RegistryTag].byName(name) : undefined);
  return new t.Type<LayerConfig, LayerConfig, unknown>(
    'a layer config { "type": ..., "config": {...} }',
    (u): u is LayerConfig => isRecord(u) && find(u.type)?.codec.is(u.config) === true,
    (u, c) => {
      if (!isRecord(u)) return t.failure(u, c, `expected a layer config { "type": ..., "config": {...} }, got ${describeJson(u)}`);
      const errors: t.Errors = [];
      for (const k of Object.keys(u)) {
        if (k !== 'type' && k !== 'config') {
          errors.push({
            value: u[k],
            context: t.appendContext(c, k, t.never, u[k]),
            message: 'unknown key (a layer config has "type" and "config")',
          });
        }
      }
      const type = u.type;
      const entry = find(type);
      if (entry === undefined || typeof type !== 'string') {
        errors.push({
          value: type,
          context: t.appendContext(c, 'type', t.string, type),
          message: `expected a registered layer name (${registry.names().join(', ')}), got ${describeJson(type)}`,
        });
        return t.failures(errors);
      }
      const decoded = entry.codec.validate(u.config, t.appendContext(c, 'config', entry.codec, u.config));
      if (E.isLeft(decoded)) errors.push(...decoded.left);
      return errors.length > 0 || E.isLeft(decoded) ? t.failures(errors) : t.success({ type, config: decoded.right });
    },
    (a) => {
      const entry = find(a.type);
      if (entry === undefined)
        throw new Error(`layerConfigCodec.encode: "${a.type}" is not a registered layer name (${registry.names().join(', ')})`);
      return { type: a.type, config: entry.codec.encode(a.config) };
    },
  );
};

/**
 * The codec of a {@link LayerConfig} in a registry: checks `type` against the registry's names and
 * then `config` with that layer's codec (recursively, for containers). Decoded configs hold decoded
 * (typed) arguments. Made once per registry.
 * @example
 * import { nn } from 'parallax-ts'
 * const codec = nn.layerConfigCodec(nn.builtinLayers)
 * codec.decode({ type: 'Linear', config: { inFeatures: 2, outFeatures: 3 } }) // right(...)
 * codec.decode({ type: 'Conv3d', config: {} }) // left: 'type: expected a registered layer name (...)'
 * @category codecs
 * @since 0.2.0
 */
export const layerConfigCodec = (registry: LayerRegistry): t.Type<LayerConfig, LayerConfig, unknown> =>
  lookups(registry, 'layerConfigCodec').codec();

// -------------------------------------------------------------------------------------
// architecture ⇄ JSON
// -------------------------------------------------------------------------------------

/** Runs a constructor; its errors (cross-field rules) become a `ConfigError` at the layer's JSON path. */
const atPath = <A>(path: string, make: () => A): A => {
  try {
    return make();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError([`${path === '' ? '(root)' : path}: ${e instanceof Error ? e.message : String(e)}`]);
  }
};

/** Builds a decoded config at a JSON path (children of containers get theirs). */
const build = (lc: LayerConfig, path: string, registry: LayerRegistry): AnyModule<ParamInit<Tensor>> => {
  const entry = registry[RegistryTag].byName(lc.type);
  if (entry === undefined)
    throw new ConfigError([
      `${join(path, 'type')}: expected a registered layer name (${registry.names().join(', ')}), got ${describeJson(lc.type)}`,
    ]);
  return entry.fromConfig(lc.config, path);
};

/**
 * Validates JSON as a layer config of a registry (default {@link builtinLayers}); `left` lists every
 * problem with its JSON path.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.decodeLayerConfig({ type: 'Linear', config: { inFeatures: 2, outFeatures: -3 } })
 * // left(['config.outFeatures: expected a positive integer, got -3'])
 * @category config
 * @since 0.1.0
 */
export const decodeLayerConfig = (json: unknown, registry: LayerRegistry = builtinLayers): E.Either<ReadonlyArray<string>, LayerConfig> =>
  E.mapLeft(formatConfigErrors)(layerConfigCodec(registry).decode(json));

/**
 * Builds an uninitialized module from JSON with the layers of `registry` (default
 * {@link builtinLayers}), or throws a {@link ConfigError} listing every problem with its JSON path.
 * @example
 * import { initialize, nn, random } from 'parallax-ts'
 * const model = nn.fromConfig({ type: 'Sequential', config: { layers: [
 *   { type: 'Linear', config: { inFeatures: 4, outFeatures: 8 } },
 *   { type: 'Dropout', config: { rate: 0.1 } },
 *   { type: 'Linear', config: { inFeatures: 8, outFeatures: 2 } } ] } })
 * const params = initialize(model)(random.key(0))
 * @category config
 * @since 0.1.0
 */
export const fromConfig = (json: unknown, registry: LayerRegistry = builtinLayers): AnyModule<ParamInit<Tensor>> => {
  const decoded = decodeLayerConfig(json, registry);
  if (E.isLeft(decoded)) throw new ConfigError(decoded.left);
  return build(decoded.right, '', registry);
};

/**
 * {@link fromConfig} as an `Either`: `left` is the list of problems.
 * @example
 * import * as E from 'fp-ts/lib/Either.js'
 * import { nn } from 'parallax-ts'
 * const r = nn.fromConfigEither({ type: 'Dropout', config: { rate: 2 } })
 * if (E.isLeft(r)) console.log(r.left) // ['config.rate: expected a number in [0, 1), got 2']
 * @category config
 * @since 0.1.0
 */
export const fromConfigEither = (
  json: unknown,
  registry: LayerRegistry = builtinLayers,
): E.Either<ReadonlyArray<string>, AnyModule<ParamInit<Tensor>>> =>
  E.tryCatch(
    () => fromConfig(json, registry),
    (e) => (e instanceof ConfigError ? e.problems : [e instanceof Error ? e.message : String(e)]),
  );

/**
 * A module's architecture as JSON (any leaf type: initialized or not), with the layers of
 * `registry` (default {@link builtinLayers}). Throws if the module, or any layer inside a
 * container, is of a kind the registry does not hold.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.toConfig(nn.Linear.create(2, 3)) // { type: 'Linear', config: { inFeatures: 2, outFeatures: 3, bias: true } }
 * @category config
 * @since 0.1.0
 */
export const toConfig = (m: AnyModule<unknown>, registry: LayerRegistry = builtinLayers): LayerConfig =>
  layerConfigCodec(registry).encode(toDecoded(m, registry));

/** The decoded (typed) config of a module; `toConfig` encodes it once, children included. */
const toDecoded = (m: AnyModule<unknown>, registry: LayerRegistry): LayerConfig => {
  const spec = specOf(m);
  const entry = lookups(registry, 'toConfig').byURI(spec.URI);
  if (entry === undefined) {
    throw new Error(
      `toConfig: ${spec.name} is not a registered layer (the registry holds ${registry.names().join(', ')}); ` +
        `give its definition a config with nn.configurable (see ConfigurableLayer) and add it to the registry ` +
        `(registry.with(${spec.name})), or save the weights alone (io.saveStateDict)`,
    );
  }
  return { type: entry.name, config: entry.toConfig(m) };
};

// -------------------------------------------------------------------------------------
// Sequential: a container, its children decoded and built by the registry it sits in
// -------------------------------------------------------------------------------------

const sequentialConfigCodec = (layer: t.Type<LayerConfig, LayerConfig, unknown>) =>
  configObject('Sequential config', { layers: t.array(layer) });

/**
 * `Sequential` as a {@link ContainerLayer}: `{ layers: LayerConfig[] }`, each child a layer of the
 * same registry. It is in {@link builtinLayers}; a registry made from scratch can hold it too.
 * @example
 * import { nn } from 'parallax-ts'
 * const registry = nn.layerRegistry([nn.SequentialLayer, nn.Linear])
 * nn.fromConfig({ type: 'Sequential', config: { layers: [{ type: 'Linear', config: { inFeatures: 2, outFeatures: 3 } }] } }, registry)
 * @category layers
 * @since 0.2.0
 */
export const SequentialLayer: ContainerLayer<t.TypeOf<ReturnType<typeof sequentialConfigCodec>>> = {
  container: true,
  URI: Sequential.URI,
  name: Sequential.name,
  configCodec: sequentialConfigCodec,
  toConfig: (m: Sequential<unknown>, child) => ({ layers: m.layers.map(child) }),
  fromConfig: (c, child) => Sequential.create(c.layers.map((layer, i) => child(layer, `layers.${i}`))),
};

// -------------------------------------------------------------------------------------
// built-in layers
// -------------------------------------------------------------------------------------

/**
 * The registry of every built-in layer, `Sequential` (whose children may be any layer of the
 * registry) included. Extend it with `.with(MyLayer)`; it is never changed.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.builtinLayers.names() // ['AdaptiveAvgPool2d', 'AvgPool2d', 'BatchNorm1d', ..., 'Sequential']
 * @category constructors
 * @since 0.2.0
 */
export const builtinLayers: LayerRegistry = layerRegistry([
  Linear,
  Dropout,
  SequentialLayer,
  MLP,
  MultiheadAttention,
  LSTMCell,
  GRUCell,
  LSTM,
  GRU,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  MaxPool2d,
  AvgPool2d,
  AdaptiveAvgPool2d,
  GlobalAvgPool2d,
  Flatten,
  Embedding,
  LayerNorm,
  RMSNorm,
  GroupNorm,
  BatchNorm1d,
  BatchNorm2d,
]);

/**
 * `Sequential`'s constructor arguments as JSON, `{ layers: LayerConfig[] }`, its children checked
 * against {@link builtinLayers} (for another registry: `nn.layerConfigCodec(registry)`, which
 * checks a whole layer config, Sequentials included).
 * @example
 * import { nn } from 'parallax-ts'
 * nn.SequentialConfig.decode({ layers: [{ type: 'Linear', config: { inFeatures: 2, outFeatures: 3 } }] }) // right(...)
 * @category config
 * @since 0.1.0
 */
export const SequentialConfig = sequentialConfigCodec(layerConfigCodec(builtinLayers));
/**
 * The decoded form of {@link SequentialConfig}.
 * @example
 * import { nn } from 'parallax-ts'
 * const c: nn.SequentialConfig = { layers: [{ type: 'Dropout', config: { rate: 0.5 } }] }
 * @category config
 * @since 0.1.0
 */
export type SequentialConfig = t.TypeOf<typeof SequentialConfig>;
