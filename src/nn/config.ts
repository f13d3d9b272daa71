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
import { type ParamInit, withParamBudget } from '../tree/ParamInit.js';
import {
  cappedFailure,
  type ConfigProblem,
  configObject,
  configProblemsAt,
  describeJson,
  formatConfigProblem,
  withReportCap,
} from './configCodecs.js';
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
import { ELU, GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Tanh } from './activationModules.js';
import { TransformerDecoder } from './TransformerDecoder.js';
import { TransformerDecoderLayer } from './TransformerDecoderLayer.js';
import { TransformerEncoder } from './TransformerEncoder.js';
import { TransformerEncoderLayer } from './TransformerEncoderLayer.js';

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
   * A new, uninitialized module from a decoded config; `child(config, at)` gives the child layer
   * built from `config` (one of the decoded child configs in `config`; children are built before
   * their container, so no depth of nesting recurses), `at` being its place inside this layer's
   * config (a JSON path, e.g. `'layers.2'`) for messages. Each call gives a new module.
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

/** Builds the child whose (decoded) config is `config`; `at` is its place inside the parent's config. */
type BuildChild = (config: LayerConfig, at: string) => AnyModule<ParamInit<Tensor>>;

/**
 * A layer as the registry uses it: container or not, the same operations. A container's codec is
 * made with the registry's *shallow* child codec (see {@link childCodecOf}), and its functions take
 * the child callbacks: the decode, build and write loops below hand each child its turn, so no
 * depth of nesting recurses on the JavaScript stack.
 */
interface Resolved {
  readonly name: string;
  readonly URI: string;
  readonly codec: t.Type<unknown, unknown, unknown>;
  readonly toConfig: (m: AnyModule<unknown>, child: (m: AnyModule<unknown>) => LayerConfig) => unknown;
  readonly fromConfig: (config: unknown, child: BuildChild) => AnyModule<ParamInit<Tensor>>;
}

/** @internal */
interface RegistryLookups {
  readonly byName: (name: string) => Resolved | undefined;
  readonly byURI: (uri: string) => Resolved | undefined;
  readonly codec: () => t.Type<LayerConfig, LayerConfig, unknown>;
  /** The codec containers of this registry get for one child: shallow, only valid inside a decode or encode loop. */
  readonly childCodec: () => t.Type<LayerConfig, LayerConfig, unknown>;
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
  /**
   * `headline` opens the message (default `'invalid layer config'`); the problems follow, one per
   * line. `options.cause` is the error this one reports (a constructor's own error, say).
   */
  constructor(problems: ReadonlyArray<string>, headline = 'invalid layer config', options?: { readonly cause?: unknown }) {
    super(`${headline}:\n  ${problems.join('\n  ')}`, options);
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
  if (typeof layer !== 'object' || layer === null)
    throw new ConfigError([`${where}: expected a configurable layer, got ${describeJson(layer)}`], 'invalid layer registry');
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
    throw new ConfigError(
      [
        `${where}: ${label} is not a configurable layer: it lacks ${missing.join(', ')} (give its definition a config with nn.configurable)`,
      ],
      'invalid layer registry',
    );
  }
  if (typeof name !== 'string' || name === '')
    throw new ConfigError([`${where}: the name must be a non-empty string, got ${describeJson(name)}`], 'invalid layer registry');
};

/** A registry over `entries` (by name, in registration order). */
const makeRegistry = (entries: ReadonlyMap<string, Entry>): LayerRegistry => {
  const resolved = new Map<string, Resolved>();
  const byURI = new Map<string, string>();
  // The last name a kind was registered under is the one `toConfig` writes.
  for (const [name, e] of entries) byURI.set(e.layer.URI, name);
  let codec: t.Type<LayerConfig, LayerConfig, unknown> | undefined;
  let childCodec: t.Type<LayerConfig, LayerConfig, unknown> | undefined;
  const registry: LayerRegistry = {
    with: (layer, name = layer.name) => {
      checkLayer(layer, name);
      const known = entries.get(name);
      if (known !== undefined && known.layer.URI !== layer.URI) {
        throw new ConfigError(
          [
            `LayerRegistry.with: the name "${name}" is taken by ${known.layer.URI}, so ${layer.URI} cannot have it; ` +
              `give it another name: registry.with(layer, '${name}2')`,
          ],
          'invalid layer registry',
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
      childCodec: () => (childCodec ??= childCodecOf(registry)),
    },
  };
  /** A container's codec is made once per registry, on first use (it refers to the registry's child codec). */
  const resolve = (e: Entry): Resolved => {
    const cached = resolved.get(e.name);
    if (cached !== undefined) return cached;
    const layer = e.layer;
    const r: Resolved = isContainer(layer)
      ? {
          name: e.name,
          URI: layer.URI,
          codec: layer.configCodec(registry[RegistryTag].childCodec()),
          toConfig: (m, child) => layer.toConfig(m as never, child),
          fromConfig: (config, child) => layer.fromConfig(config, child) as AnyModule<ParamInit<Tensor>>,
        }
      : {
          name: e.name,
          URI: layer.URI,
          codec: layer.configCodec,
          toConfig: (m) => layer.toConfig(m as never),
          fromConfig: (config) => layer.fromConfig(config) as AnyModule<ParamInit<Tensor>>,
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
    throw new ConfigError(
      [`registry: expected a LayerRegistry (nn.layerRegistry, nn.builtinLayers), got ${describeJson(registry)}`],
      `${where}: invalid argument`,
    );
  return l;
};

// -------------------------------------------------------------------------------------
// limits
// -------------------------------------------------------------------------------------

/**
 * Bounds on what a config may ask to be built. `fromConfig` checks them before and while building
 * (a layer's constructor is stopped at the first parameter past a bound, so a config asking for a
 * billion layers fails in milliseconds); `toConfig` checks `maxDepth`, so whatever it writes,
 * `fromConfig` builds. Defaults: {@link CONFIG_LIMITS}. `Infinity` lifts a bound.
 * @example
 * import { nn } from 'parallax-ts'
 * const limits: nn.ConfigLimits = { maxLeaves: 1_000_000 }
 * const huge = nn.fromConfig({ type: 'LSTM', config: { inputSize: 3, hiddenSize: 4, numLayers: 100_000 } }, nn.builtinLayers, limits)
 * @category config
 * @since 0.2.0
 */
export interface ConfigLimits {
  /** Layers nested in containers: the outermost layer is at depth 1. */
  readonly maxDepth?: number;
  /** Parameter and buffer tensors (leaves) the module may declare. */
  readonly maxLeaves?: number;
  /** Elements of all those tensors together. */
  readonly maxParameters?: number;
}

/**
 * The default {@link ConfigLimits}: 10,000 levels of nesting (deeper than any forward pass can
 * recurse), 262,144 (2^18) parameter tensors (a 100-layer transformer has about 1,600; a
 * `Sequential` of 20,000 `Linear`s 40,000), 2^31 parameter elements (8 GiB of float32).
 * @example
 * import { nn } from 'parallax-ts'
 * nn.CONFIG_LIMITS.maxDepth // 10000
 * @category config
 * @since 0.2.0
 */
export const CONFIG_LIMITS: Readonly<Required<ConfigLimits>> = Object.freeze({
  maxDepth: 10_000,
  maxLeaves: 2 ** 18,
  maxParameters: 2 ** 31,
});

/**
 * At most this many problems are listed in a `ConfigError` (the rest are counted, in a last line
 * `and N more problems`), so a hostile config costs bounded memory to reject.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.MAX_CONFIG_PROBLEMS // 100
 * @category config
 * @since 0.2.0
 */
export const MAX_CONFIG_PROBLEMS = 100;

const limitsOf = (limits: ConfigLimits | undefined, where: string): Required<ConfigLimits> => {
  const out = { ...CONFIG_LIMITS, ...limits };
  if (typeof limits !== 'object' && limits !== undefined) {
    throw new ConfigError(
      [`limits: expected an object like { maxDepth, maxLeaves, maxParameters }, got ${describeJson(limits)}`],
      `${where}: invalid argument`,
    );
  }
  const bad = (['maxDepth', 'maxLeaves', 'maxParameters'] as const).filter((k) => {
    const v: unknown = out[k];
    return typeof v !== 'number' || !(v >= 0) || (Number.isFinite(v) && !Number.isInteger(v));
  });
  if (bad.length > 0) {
    throw new ConfigError(
      bad.map((k) => `limits.${k}: expected a non-negative integer or Infinity, got ${describeJson(out[k])}`),
      `${where}: invalid argument`,
    );
  }
  return out;
};

// -------------------------------------------------------------------------------------
// the decode, build and write loops (iterative: nesting costs heap, not call stack)
// -------------------------------------------------------------------------------------

const LAYER_CONFIG = 'a layer config { "type": ..., "config": {...} }';

/**
 * One layer config met by a decode loop: its JSON, where it sits (its parent and its place in the
 * parent's config: paths are only built for messages), and what it decoded to.
 */
class DecodeNode {
  /** The decoded `{ type, config }` the parent's decoded config holds, filled in when this node is decoded. */
  readonly out: { type: string; config: unknown } = { type: '', config: undefined };
  entry: Resolved | undefined = undefined;
  /** The layer configs its config holds, in the order its codec met them. */
  children: ReadonlyArray<DecodeNode> = [];
  constructor(
    readonly json: unknown,
    readonly parent: DecodeNode | undefined,
    /** Its path inside the parent, e.g. `'config.layers.3'` (`''` for the root). */
    readonly at: string,
    readonly depth: number,
  ) {}
}

/** Path segments shown at each end of a deep node's path; the levels between are counted, not spelled out. */
const PATH_ENDS = 8;

/** A node's JSON path, for messages (a path through thousands of levels is abbreviated in the middle). */
const pathOfNode = (node: DecodeNode): string => {
  const parts: string[] = [];
  for (let n: DecodeNode | undefined = node; n !== undefined && n.at !== ''; n = n.parent) parts.push(n.at);
  parts.reverse();
  if (parts.length <= 3 * PATH_ENDS) return parts.join('.');
  return [...parts.slice(0, PATH_ENDS), `(${parts.length - 2 * PATH_ENDS} levels)`, ...parts.slice(-PATH_ENDS)].join('.');
};

/** The decode loop in progress: where the children a container's codec meets are queued. */
interface DecodeSession {
  readonly registry: LayerRegistry;
  readonly maxDepth: number;
  current: DecodeNode;
  pending: DecodeNode[];
  readonly byOut: Map<object, DecodeNode>;
}

/** The write loop in progress: the decoded children met while encoding a container, each with the object its JSON goes into. */
interface EncodeSession {
  readonly registry: LayerRegistry;
  pending: Array<readonly [LayerConfig, { type: string; config: unknown }]>;
}

// Loops are synchronous, so a stack of sessions (innermost last) is all the context a child codec needs.
const decodeSessions: DecodeSession[] = [];
const encodeSessions: EncodeSession[] = [];

/**
 * The codec a container of `registry` gets for one child. Inside a decode loop it checks only that
 * the child is a JSON object and queues it (the loop decodes it in its turn) — so containers nested
 * 10,000 deep never recurse; inside a write loop it queues the child likewise. Used on its own, it
 * is the registry's full codec.
 */
const childCodecOf = (registry: LayerRegistry): t.Type<LayerConfig, LayerConfig, unknown> =>
  new t.Type<LayerConfig, LayerConfig, unknown>(
    LAYER_CONFIG,
    (u): u is LayerConfig => registry[RegistryTag].codec().is(u),
    (u, c) => {
      const session = decodeSessions[decodeSessions.length - 1];
      if (session === undefined || session.registry !== registry) return registry[RegistryTag].codec().validate(u, c);
      if (!isRecord(u)) return cappedFailure(u, c, `expected ${LAYER_CONFIG}, got ${describeJson(u)}`);
      const parent = session.current;
      if (parent.depth >= session.maxDepth) {
        return cappedFailure(u, c, `layers nested deeper than ${session.maxDepth} levels (the limit: maxDepth of nn.ConfigLimits)`);
      }
      const where = c
        .map((entry) => entry.key)
        .filter((key) => key !== '')
        .join('.');
      const node = new DecodeNode(u, parent, where === '' ? 'config' : `config.${where}`, parent.depth + 1);
      session.pending.push(node);
      session.byOut.set(node.out, node);
      return t.success(node.out as LayerConfig);
    },
    (a) => {
      const session = encodeSessions[encodeSessions.length - 1];
      if (session === undefined || session.registry !== registry) return registry[RegistryTag].codec().encode(a);
      const out = { type: a.type, config: undefined as unknown };
      session.pending.push([a, out]);
      return out;
    },
  );

interface DecodedTree {
  readonly root: DecodeNode;
  readonly byOut: ReadonlyMap<object, DecodeNode>;
  readonly problems: ReadonlyArray<ConfigProblem>;
  /** Problems past {@link MAX_CONFIG_PROBLEMS}, counted. */
  readonly dropped: number;
}

/** Decodes one layer config (its type, its keys, its config with its kind's codec); its children are queued by the child codec. */
const decodeNode = (node: DecodeNode, registry: LayerRegistry, report: (p: ConfigProblem) => void): void => {
  const u = node.json;
  if (!isRecord(u)) {
    report({ path: pathOfNode(node), message: `expected ${LAYER_CONFIG}, got ${describeJson(u)}` });
    return;
  }
  for (const k in u) {
    if (Object.hasOwn(u, k) && k !== 'type' && k !== 'config') {
      report({ path: join(pathOfNode(node), k), message: 'unknown key (a layer config has "type" and "config")' });
    }
  }
  const type = u.type;
  const entry = typeof type === 'string' ? registry[RegistryTag].byName(type) : undefined;
  if (entry === undefined || typeof type !== 'string') {
    report({
      path: join(pathOfNode(node), 'type'),
      message: `expected a registered layer name (${registry.names().join(', ')}), got ${describeJson(type)}`,
    });
    return;
  }
  node.entry = entry;
  const decoded = entry.codec.validate(u.config, [{ key: '', type: entry.codec, actual: u.config }]);
  if (E.isLeft(decoded)) {
    for (const p of configProblemsAt(join(pathOfNode(node), 'config'), decoded.left)) report(p);
    return;
  }
  node.out.type = type;
  node.out.config = decoded.right;
};

/** Validates a whole config tree with an explicit stack; every problem is reported (up to the cap), at its JSON path. */
const decodeTree = (json: unknown, registry: LayerRegistry, maxDepth: number): DecodedTree => {
  const root = new DecodeNode(json, undefined, '', 1);
  const problems: ConfigProblem[] = [];
  let over = 0;
  const session: DecodeSession = { registry, maxDepth, current: root, pending: [], byOut: new Map([[root.out, root]]) };
  // The codecs keep at most MAX_CONFIG_PROBLEMS errors (the rest are counted as `dropped`); the list
  // keeps at most as many problems, counting the rest as `over`: each problem is counted once.
  const report = (p: ConfigProblem): void => {
    if (problems.length < MAX_CONFIG_PROBLEMS) problems.push(p);
    else over++;
  };
  const { dropped } = withReportCap(MAX_CONFIG_PROBLEMS, () => {
    decodeSessions.push(session);
    try {
      const stack: DecodeNode[] = [root];
      while (stack.length > 0) {
        const node = stack.pop()!;
        session.current = node;
        session.pending = [];
        decodeNode(node, registry, report);
        node.children = session.pending;
        for (let i = session.pending.length - 1; i >= 0; i--) stack.push(session.pending[i]!);
      }
    } finally {
      decodeSessions.pop();
    }
  });
  return { root, byOut: session.byOut, problems, dropped: dropped + over };
};

const problemLines = (tree: Pick<DecodedTree, 'problems' | 'dropped'>): ReadonlyArray<string> => [
  ...tree.problems.map(formatConfigProblem),
  ...(tree.dropped > 0 ? [`and ${tree.dropped} more problem${tree.dropped === 1 ? '' : 's'} (not listed)`] : []),
];

/** Runs a constructor; its errors (cross-field rules) become a `ConfigError` at the layer's JSON path. */
const atPath = <A>(path: () => string, make: () => A): A => {
  try {
    return make();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const where = path();
    throw new ConfigError([`${where === '' ? '(root)' : where}: ${e instanceof Error ? e.message : String(e)}`], undefined, { cause: e });
  }
};

/** The nodes of the subtree at `root` in post-order (children left to right, then their container), without recursion. */
const postOrder = (root: DecodeNode): DecodeNode[] => {
  const out: DecodeNode[] = [];
  const stack: Array<{ readonly node: DecodeNode; next: number }> = [{ node: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.node.children.length) stack.push({ node: top.node.children[top.next++]!, next: 0 });
    else {
      out.push(top.node);
      stack.pop();
    }
  }
  return out;
};

/**
 * Builds a decoded tree in post-order — every child before its container, siblings in the order
 * of the JSON — so a container's `child(config)` hands back the module already built from that
 * config. A child used twice is built again for its second use (two uses, two modules, as two
 * calls to a constructor give); a config the container made itself is built on the spot.
 */
const buildTree = (tree: DecodedTree, registry: LayerRegistry, building: (node: DecodeNode) => void): AnyModule<ParamInit<Tensor>> => {
  const buildSubtree = (root: DecodeNode): AnyModule<ParamInit<Tensor>> => {
    const built = new Map<DecodeNode, AnyModule<ParamInit<Tensor>>>();
    for (const node of postOrder(root)) {
      const child: BuildChild = (config, at) => {
        const c = tree.byOut.get(config);
        if (c === undefined || c.entry === undefined) return buildForeign(config, join(pathOfNode(node), `config.${at}`), registry);
        const m = built.get(c);
        if (m === undefined) return buildSubtree(c);
        built.delete(c);
        return m;
      };
      building(node);
      built.set(
        node,
        atPath(
          () => pathOfNode(node),
          () => node.entry!.fromConfig(node.out.config, child),
        ),
      );
    }
    return built.get(root)!;
  };
  return buildSubtree(tree.root);
};

/** A config a container made itself (not one the loop decoded): built as it is, by recursion through that container's own code. */
const buildForeign = (lc: LayerConfig, path: string, registry: LayerRegistry): AnyModule<ParamInit<Tensor>> => {
  const entry = isRecord(lc) && typeof lc.type === 'string' ? registry[RegistryTag].byName(lc.type) : undefined;
  if (entry === undefined) {
    throw new ConfigError([
      `${join(path, 'type')}: expected a registered layer name (${registry.names().join(', ')}), got ${describeJson(isRecord(lc) ? lc.type : lc)}`,
    ]);
  }
  return atPath(
    () => path,
    () => entry.fromConfig(lc.config, (child, at) => buildForeign(child, join(path, `config.${at}`), registry)),
  );
};

/** Encodes a decoded config tree with an explicit stack: each container's codec queues its children. */
const encodeTree = (root: LayerConfig, registry: LayerRegistry): LayerConfig => {
  const look = lookups(registry, 'toConfig');
  const out = { type: root.type, config: undefined as unknown };
  const session: EncodeSession = { registry, pending: [] };
  encodeSessions.push(session);
  try {
    const stack: Array<readonly [LayerConfig, { type: string; config: unknown }]> = [[root, out]];
    while (stack.length > 0) {
      const [a, o] = stack.pop()!;
      const entry = isRecord(a) && typeof a.type === 'string' ? look.byName(a.type) : undefined;
      if (entry === undefined) {
        throw new ConfigError(
          [`type: "${isRecord(a) ? String(a.type) : describeJson(a)}" is not a registered layer name (${registry.names().join(', ')})`],
          'layerConfigCodec.encode: cannot write the config',
        );
      }
      session.pending = [];
      o.type = a.type;
      o.config = entry.codec.encode(a.config);
      for (let i = session.pending.length - 1; i >= 0; i--) stack.push(session.pending[i]!);
    }
  } finally {
    encodeSessions.pop();
  }
  return out;
};

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const makeLayerConfigCodec = (registry: LayerRegistry): t.Type<LayerConfig, LayerConfig, unknown> => {
  const validate = (u: unknown, c: t.Context): t.Validation<LayerConfig> => {
    const tree = decodeTree(u, registry, CONFIG_LIMITS.maxDepth);
    if (tree.problems.length === 0 && tree.dropped === 0) return t.success(tree.root.out);
    const errors: t.ValidationError[] = tree.problems.map((p) => ({
      value: undefined,
      context: p.path === '' ? c : t.appendContext(c, p.path, t.never, undefined),
      message: p.message,
    }));
    if (tree.dropped > 0) errors.push({ value: undefined, context: c, message: `and ${tree.dropped} more problems (not listed)` });
    return t.failures(errors);
  };
  return new t.Type<LayerConfig, LayerConfig, unknown>(
    LAYER_CONFIG,
    (u): u is LayerConfig => E.isRight(validate(u, [])),
    validate,
    (a) => encodeTree(a, registry),
  );
};

/**
 * The codec of a {@link LayerConfig} in a registry: checks `type` against the registry's names and
 * then `config` with that layer's codec (children of containers too, at any depth up to
 * `CONFIG_LIMITS.maxDepth`, without recursion). Decoded configs hold decoded (typed) arguments.
 * Made once per registry.
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

/**
 * Validates JSON as a layer config of a registry (default {@link builtinLayers}); `left` lists every
 * problem with its JSON path (at most {@link MAX_CONFIG_PROBLEMS}, then a count of the rest).
 * @example
 * import { nn } from 'parallax-ts'
 * nn.decodeLayerConfig({ type: 'Linear', config: { inFeatures: 2, outFeatures: -3 } })
 * // left(['config.outFeatures: expected a positive integer, got -3'])
 * @category config
 * @since 0.1.0
 */
export const decodeLayerConfig = (
  json: unknown,
  registry: LayerRegistry = builtinLayers,
  limits: Pick<ConfigLimits, 'maxDepth'> = {},
): E.Either<ReadonlyArray<string>, LayerConfig> => {
  lookups(registry, 'decodeLayerConfig');
  const tree = decodeTree(json, registry, limitsOf(limits, 'decodeLayerConfig').maxDepth);
  return tree.problems.length === 0 && tree.dropped === 0 ? E.right(tree.root.out) : E.left(problemLines(tree));
};

/**
 * Builds an uninitialized module from JSON with the layers of `registry` (default
 * {@link builtinLayers}), or throws a {@link ConfigError} listing every problem with its JSON path.
 * The whole config is validated first; then layers are built, every child before its container,
 * within `limits` (default {@link CONFIG_LIMITS}): a config nested deeper than `maxDepth`, or whose
 * layers declare more than `maxLeaves` parameter tensors or `maxParameters` elements, is refused
 * with a `ConfigError` naming the layer where the bound was passed — before anything is allocated
 * beyond that. Neither depth nor width recurses on the JavaScript stack.
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
export const fromConfig = (
  json: unknown,
  registry: LayerRegistry = builtinLayers,
  limits: ConfigLimits = {},
): AnyModule<ParamInit<Tensor>> => {
  lookups(registry, 'fromConfig');
  const { maxDepth, maxLeaves, maxParameters } = limitsOf(limits, 'fromConfig');
  const tree = decodeTree(json, registry, maxDepth);
  if (tree.problems.length > 0 || tree.dropped > 0) throw new ConfigError(problemLines(tree));
  let current: DecodeNode = tree.root;
  const build = (): AnyModule<ParamInit<Tensor>> => buildTree(tree, registry, (node) => (current = node));
  if (maxLeaves === Infinity && maxParameters === Infinity) return build();
  return withParamBudget(
    {
      maxLeaves,
      maxElements: maxParameters,
      exceeded: (what) => {
        const where = pathOfNode(current);
        throw new ConfigError(
          [
            `${where === '' ? '(root)' : where}: the architecture declares ${what} (nn.CONFIG_LIMITS; ` +
              'pass larger limits to nn.fromConfig if this model is meant to be that large)',
          ],
          'config over the limits',
        );
      },
    },
    build,
  );
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
  limits: ConfigLimits = {},
): E.Either<ReadonlyArray<string>, AnyModule<ParamInit<Tensor>>> =>
  E.tryCatch(
    () => fromConfig(json, registry, limits),
    (e) => (e instanceof ConfigError ? e.problems : [e instanceof Error ? e.message : String(e)]),
  );

/**
 * A module's architecture as JSON (any leaf type: initialized or not), with the layers of
 * `registry` (default {@link builtinLayers}). Throws a {@link ConfigError} if the module, or any
 * layer inside a container, is of a kind the registry does not hold, or if containers nest deeper
 * than `limits.maxDepth` (so that whatever this writes, `fromConfig` builds). Iterative: any width
 * and depth.
 * @example
 * import { nn } from 'parallax-ts'
 * nn.toConfig(nn.Linear.create(2, 3)) // { type: 'Linear', config: { inFeatures: 2, outFeatures: 3, bias: true } }
 * @category config
 * @since 0.1.0
 */
export const toConfig = (
  m: AnyModule<unknown>,
  registry: LayerRegistry = builtinLayers,
  limits: Pick<ConfigLimits, 'maxDepth'> = {},
): LayerConfig => {
  const look = lookups(registry, 'toConfig');
  const { maxDepth } = limitsOf(limits, 'toConfig');
  const root = { type: '', config: undefined as unknown };
  const stack: Array<{ readonly m: AnyModule<unknown>; readonly out: { type: string; config: unknown }; readonly depth: number }> = [
    { m, out: root, depth: 1 },
  ];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const spec = specOf(item.m);
    const entry = look.byURI(spec.URI);
    if (entry === undefined) {
      throw new ConfigError(
        [
          `toConfig: ${spec.name} is not a registered layer (the registry holds ${registry.names().join(', ')}); ` +
            `give its definition a config with nn.configurable (see ConfigurableLayer) and add it to the registry ` +
            `(registry.with(${spec.name})), or save the weights alone (io.encodeStateDict, or saveStateDict from parallax-ts/node)`,
        ],
        'cannot write the architecture',
      );
    }
    const children: Array<(typeof stack)[number]> = [];
    item.out.type = entry.name;
    item.out.config = entry.toConfig(item.m, (child) => {
      if (item.depth >= maxDepth) {
        throw new ConfigError(
          [`${spec.name}: layers nested deeper than ${maxDepth} levels (the limit: maxDepth of nn.ConfigLimits)`],
          'cannot write the architecture',
        );
      }
      const out = { type: '', config: undefined as unknown };
      children.push({ m: child, out, depth: item.depth + 1 });
      return out;
    });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return encodeTree(root, registry);
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
  ReLU,
  GELU,
  SiLU,
  Tanh,
  Sigmoid,
  Softmax,
  LogSoftmax,
  LeakyReLU,
  ELU,
  Identity,
  TransformerEncoderLayer,
  TransformerEncoder,
  TransformerDecoderLayer,
  TransformerDecoder,
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
