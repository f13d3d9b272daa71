/**
 * Architecture as data: a registry of layer kinds, each with an io-ts codec of its constructor
 * arguments, so a model can be written as JSON, validated (every error names its JSON path),
 * built, and written back.
 *
 * JSON form of any layer: `{ "type": "<layer name>", "config": { ...constructor arguments } }`;
 * `Sequential`'s config holds its children in that same form: `{ "layers": [ { "type": ... }, ... ] }`.
 *
 * Registering a layer is one line, `registerLayer(Conv2d)`: a layer definition that carries
 * `configCodec`, `toConfig` and `fromConfig` (see `Linear.ts`) is already a {@link ConfigurableLayer}.
 * The registry maps names to layers for `fromConfig` and module kinds (URIs) to layers for
 * `toConfig`. Built-in layers are registered when this file is imported.
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
import type { Sequential as SequentialModule } from './Sequential.js';

type Tensor = tf.Tensor;

/** A layer as JSON: its registered name and its constructor arguments. @since 0.1.0 */
export interface LayerConfig {
  readonly type: string;
  readonly config: unknown;
}

/**
 * What a layer definition carries to be registered (every built-in layer's definition is one).
 * `C` is its decoded config.
 * @since 0.1.0
 */
export interface ConfigurableLayer<C = unknown> {
  readonly URI: string;
  readonly name: string;
  readonly configCodec: t.Type<C, unknown, unknown>;
  /** Its constructor arguments (method syntax: a def taking its own module kind is accepted). */
  toConfig(m: never): C;
  fromConfig(config: C): AnyModule<ParamInit<Tensor>> | AnyModule<never>;
}

const byName = new Map<string, ConfigurableLayer>();
const byURI = new Map<string, ConfigurableLayer>();

/**
 * Registers a layer kind under `name` (default: its own name, e.g. `"Conv2d"`). Registering the same
 * kind again is a no-op; another kind under a taken name is an error.
 * @example
 * registerLayer(MyBlock) // MyBlock = { ...defineModule(...), create, configCodec, toConfig, fromConfig }
 * @since 0.1.0
 */
export const registerLayer = <C>(layer: ConfigurableLayer<C>, name: string = layer.name): void => {
  const known = byName.get(name);
  if (known !== undefined && known.URI !== layer.URI) {
    throw new Error(`registerLayer: the name "${name}" is taken by ${known.URI}`);
  }
  const entry = name === layer.name ? layer : { ...layer, name };
  // Stored with its config type erased: the registry only ever pairs a layer's codec with its own functions.
  byName.set(name, entry as unknown as ConfigurableLayer);
  byURI.set(layer.URI, entry as unknown as ConfigurableLayer);
};

/**
 * The registered layer names, sorted.
 * @example
 * registeredLayers() // ['Conv1d', 'Conv2d', ..., 'Sequential']
 * @since 0.1.0
 */
export const registeredLayers = (): ReadonlyArray<string> => [...byName.keys()].sort();

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * The codec of a {@link LayerConfig}: checks `type` against the registry and then `config` with that
 * layer's codec (recursively, for containers). Decoded configs hold decoded (typed) arguments.
 * @example
 * LayerConfigCodec.decode({ type: 'Linear', config: { inFeatures: 2, outFeatures: 3 } }) // right
 * @since 0.1.0
 */
export const LayerConfigCodec: t.Type<LayerConfig, LayerConfig, unknown> = new t.Type<LayerConfig, LayerConfig, unknown>(
  'a layer config { "type": ..., "config": {...} }',
  (u): u is LayerConfig => isRecord(u) && typeof u.type === 'string' && byName.get(u.type)?.configCodec.is(u.config) === true,
  (u, c) => {
    if (!isRecord(u)) return t.failure(u, c, `expected a layer config { "type": ..., "config": {...} }, got ${describeJson(u)}`);
    const errors: t.Errors = [];
    for (const k of Object.keys(u)) {
      if (k !== 'type' && k !== 'config') {
        errors.push({ value: u[k], context: t.appendContext(c, k, t.never, u[k]), message: 'unknown key (a layer config has "type" and "config")' });
      }
    }
    const type = u.type;
    const entry = typeof type === 'string' ? byName.get(type) : undefined;
    if (entry === undefined || typeof type !== 'string') {
      errors.push({
        value: type,
        context: t.appendContext(c, 'type', t.string, type),
        message: `expected a registered layer name (${registeredLayers().join(', ')}), got ${describeJson(type)}`,
      });
      return t.failures(errors);
    }
    const decoded = entry.configCodec.validate(u.config, t.appendContext(c, 'config', entry.configCodec, u.config));
    if (E.isLeft(decoded)) errors.push(...decoded.left);
    return errors.length > 0 || E.isLeft(decoded) ? t.failures(errors) : t.success({ type, config: decoded.right });
  },
  (a) => {
    const entry = byName.get(a.type);
    if (entry === undefined) throw new Error(`LayerConfigCodec.encode: unregistered layer type "${a.type}"`);
    return { type: a.type, config: entry.configCodec.encode(a.config) };
  },
);

/**
 * A config that failed validation or building: `problems` has one line per error, each naming its
 * JSON path (`layers.2.config.outFeatures: expected a positive integer, got -3`).
 * @example
 * try { nn.fromConfig({ type: 'Linear', config: { inFeatures: 2, outFeatures: -3 } }) }
 * catch (e) { if (e instanceof nn.ConfigError) e.problems } // ['config.outFeatures: expected a positive integer, got -3']
 * @since 0.1.0
 */
export class ConfigError extends Error {
  readonly problems: ReadonlyArray<string>;
  constructor(problems: ReadonlyArray<string>) {
    super(`invalid layer config:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Validates JSON as a layer config; `left` lists every problem with its JSON path.
 * @example
 * decodeLayerConfig({ type: 'Linear', config: { inFeatures: 2, outFeatures: -3 } })
 * // left(['config.outFeatures: expected a positive integer, got -3'])
 * @since 0.1.0
 */
export const decodeLayerConfig = (json: unknown): E.Either<ReadonlyArray<string>, LayerConfig> =>
  E.mapLeft(formatConfigErrors)(LayerConfigCodec.decode(json));

/** Builds a decoded config; errors thrown by a constructor (cross-field rules) get the layer's JSON path. */
const build = (lc: LayerConfig, path: string): AnyModule<ParamInit<Tensor>> => {
  const entry = byName.get(lc.type)!;
  if (entry.URI === Sequential.URI) {
    const children = (lc.config as SequentialConfig).layers.map((child, i) => build(child, join(path, `config.layers.${i}`)));
    return Sequential.create(children) as AnyModule<ParamInit<Tensor>>;
  }
  try {
    return entry.fromConfig(lc.config) as AnyModule<ParamInit<Tensor>>;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError([`${path === '' ? '(root)' : path}: ${e instanceof Error ? e.message : String(e)}`]);
  }
};

const join = (prefix: string, rest: string): string => (prefix === '' ? rest : `${prefix}.${rest}`);

/**
 * Builds an uninitialized module from JSON, or throws a {@link ConfigError} listing every problem
 * with its JSON path.
 * @example
 * import { nn, initialize, random } from 'parallax-ts'
 * const model = nn.fromConfig({ type: 'Sequential', config: { layers: [
 *   { type: 'Linear', config: { inFeatures: 4, outFeatures: 8 } },
 *   { type: 'Dropout', config: { rate: 0.1 } },
 *   { type: 'Linear', config: { inFeatures: 8, outFeatures: 2 } } ] } })
 * const params = initialize(model)(random.key(0))
 * @since 0.1.0
 */
export const fromConfig = (json: unknown): AnyModule<ParamInit<Tensor>> => {
  const decoded = decodeLayerConfig(json);
  if (E.isLeft(decoded)) throw new ConfigError(decoded.left);
  return build(decoded.right, '');
};

/**
 * {@link fromConfig} as an `Either`: `left` is the list of problems.
 * @example
 * fromConfigEither(json) // right(module) or left(['config.rate: expected a number in [0, 1), got 2'])
 * @since 0.1.0
 */
export const fromConfigEither = (json: unknown): E.Either<ReadonlyArray<string>, AnyModule<ParamInit<Tensor>>> =>
  E.tryCatch(
    () => fromConfig(json),
    (e) => (e instanceof ConfigError ? e.problems : [e instanceof Error ? e.message : String(e)]),
  );

/**
 * A module's architecture as JSON (any leaf type: initialized or not). Throws if the module, or
 * any layer inside a `Sequential`, is of an unregistered kind.
 * @example
 * nn.toConfig(nn.Linear.create(2, 3)) // { type: 'Linear', config: { inFeatures: 2, outFeatures: 3, bias: true } }
 * @since 0.1.0
 */
export const toConfig = (m: AnyModule<unknown>): LayerConfig => LayerConfigCodec.encode(toDecoded(m));

/** The decoded (typed) config of a module; `toConfig` encodes it once, children included. */
const toDecoded = (m: AnyModule<unknown>): LayerConfig => {
  const spec = specOf(m);
  const entry = byURI.get(spec.URI);
  if (entry === undefined) {
    throw new Error(
      `toConfig: ${spec.name} is not a registered layer; give its definition configCodec, toConfig and fromConfig ` +
        `(see ConfigurableLayer) and register it with registerLayer(${spec.name}), or save the weights alone (io.saveStateDict)`,
    );
  }
  return { type: entry.name, config: entry.toConfig(m as never) };
};

// -------------------------------------------------------------------------------------
// Sequential: its config recurses through the registry, so it is declared here
// -------------------------------------------------------------------------------------

/**
 * `Sequential`'s constructor arguments as JSON: `{ layers: LayerConfig[] }`.
 * @example
 * SequentialConfig.decode({ layers: [{ type: 'Linear', config: { inFeatures: 2, outFeatures: 3 } }] })
 * @since 0.1.0
 */
export const SequentialConfig = configObject('Sequential config', { layers: t.array(LayerConfigCodec) });
/** @since 0.1.0 */
export type SequentialConfig = t.TypeOf<typeof SequentialConfig>;

const SequentialLayer: ConfigurableLayer<SequentialConfig> = {
  URI: Sequential.URI,
  name: Sequential.name,
  configCodec: SequentialConfig as t.Type<SequentialConfig, unknown, unknown>,
  toConfig: (m: SequentialModule<unknown>) => ({ layers: m.layers.map(toDecoded) }),
  // Used only outside `fromConfig` (which builds children with their paths): children are decoded already.
  fromConfig: (c) => Sequential.create(c.layers.map((child, i) => build(child, `layers.${i}`))),
};


// -------------------------------------------------------------------------------------
// built-in layers
// -------------------------------------------------------------------------------------

registerLayer(Linear);
registerLayer(Dropout);
registerLayer(SequentialLayer);
registerLayer(MLP);
registerLayer(MultiheadAttention);
registerLayer(LSTMCell);
registerLayer(GRUCell);
registerLayer(LSTM);
registerLayer(GRU);
registerLayer(Conv1d);
registerLayer(Conv2d);
registerLayer(ConvTranspose2d);
registerLayer(MaxPool2d);
registerLayer(AvgPool2d);
registerLayer(AdaptiveAvgPool2d);
registerLayer(GlobalAvgPool2d);
registerLayer(Flatten);
registerLayer(Embedding);
registerLayer(LayerNorm);
registerLayer(RMSNorm);
registerLayer(GroupNorm);
registerLayer(BatchNorm1d);
registerLayer(BatchNorm2d);
