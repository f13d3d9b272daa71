/**
 * `GlobalAvgPool2d`: the mean over all spatial positions, `[N, C, H, W] -> [N, C]` (Keras's
 * `GlobalAveragePooling2D`; in PyTorch, `AdaptiveAvgPool2d(1)` followed by `Flatten()`).
 *
 * - input `[N, C, H, W]` or unbatched `[C, H, W]`; output `[N, C]` (or `[C]`)
 * - no parameters; layout `NCHW`
 * - also a plain function, {@link globalAvgPool2d}, for `pipe`
 *
 * @since 0.1.0
 */
import { tf } from '../engine/backend.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { configObject } from './configCodecs.js';
import { checkChannelsFirst, checkNonEmptyFeatures } from './inputCheck.js';
import type * as t from 'io-ts/lib/index.js';

type Tensor = tf.Tensor;

const fields = {};

/**
 * The fp-ts URI of `GlobalAvgPool2d` modules (also `GlobalAvgPool2d.URI`).
 * @example
 * nn.GlobalAvgPool2d.URI // 'parallax-ts/nn/GlobalAvgPool2d'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/GlobalAvgPool2d';
/** @since 0.1.0 */
export type URI = typeof URI;
/** A `GlobalAvgPool2d` layer (no leaves). @since 0.1.0 */
export type GlobalAvgPool2d<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: GlobalAvgPool2d<A>;
  }
}

/**
 * The mean over the last two axes of an `NCHW` (or `CHW`) tensor. Returns a new tensor owned by the caller.
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * pipe(tf.ones([2, 3, 4, 4]), nn.globalAvgPool2d).shape // [2, 3]
 * @since 0.1.0
 */
export const globalAvgPool2d = (x: Tensor): Tensor => {
  checkNonEmptyFeatures(x, checkChannelsFirst(x, null, 2, true).shape);
  return tf.mean(x, [x.rank - 2, x.rank - 1]);
};

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, {
  name: 'GlobalAvgPool2d',
  fields,
  forward: (_m: GlobalAvgPool2d<unknown>, x: Tensor) => globalAvgPool2d(x),
});

/**
 * The JSON-able constructor arguments of a `GlobalAvgPool2d` (none).
 * @example
 * nn.GlobalAvgPool2d.fromConfig({})
 * @since 0.1.0
 */
export const GlobalAvgPool2dConfig = configObject('GlobalAvgPool2d config', {});
/** @since 0.1.0 */
export type GlobalAvgPool2dConfig = t.TypeOf<typeof GlobalAvgPool2dConfig>;

/**
 * `GlobalAvgPool2d`: the module definition plus `create`, and its config.
 * @since 0.1.0
 */
export interface GlobalAvgPool2dDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new layer (no leaves). */
  readonly create: <A = never>() => GlobalAvgPool2d<A>;
  /** The io-ts codec of the constructor arguments (an empty object). */
  readonly configCodec: typeof GlobalAvgPool2dConfig;
  /** `{}`. */
  readonly toConfig: (m: GlobalAvgPool2d<unknown>) => GlobalAvgPool2dConfig;
  /** A new layer. */
  readonly fromConfig: <A = never>(config: GlobalAvgPool2dConfig) => GlobalAvgPool2d<A>;
}

/**
 * The `GlobalAvgPool2d` layer: `create` builds one, `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link GlobalAvgPool2dDef}.
 * @example
 * nn.GlobalAvgPool2d.forward(nn.GlobalAvgPool2d.create(), tf.ones([2, 3, 4, 4])).shape // [2, 3]
 * @since 0.1.0
 */
export const GlobalAvgPool2d: GlobalAvgPool2dDef = {
  ...def,
  create: () => def.make({}),
  configCodec: GlobalAvgPool2dConfig,
  toConfig: () => ({}),
  fromConfig: () => def.make({}),
};
