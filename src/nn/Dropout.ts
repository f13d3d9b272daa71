/**
 * `Dropout`: in train mode, zeroes each element with probability `rate` and scales the rest by
 * `1 / (1 - rate)`; in eval mode (or with `rate = 0`), the identity.
 *
 * Note on the original Parallax: its `Dropout(rate)` *kept* a unit with probability `rate`. Here
 * `rate` has the usual (PyTorch, Keras, Flax) meaning: the probability of dropping.
 *
 * - input: any shape; output: the same shape
 * - `rate` in `[0, 1)`: PyTorch also takes `p = 1` (an all-zero output); here that is an error, since
 *   the kept units' scale `1 / (1 - rate)` would be infinite
 * - no parameters; its key comes from `newState(model, 'train')(key)`. The mask is
 *   `bernoulli(key, 1 - rate, x.shape)`, so it equals JAX's for the same key.
 * - used twice in one forward pass, it must be told which use it is: `reuse(dropout, i)`.
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/lib/Option.js';
import type * as t from 'io-ts/lib/index.js';
import { tf } from '../engine/backend.js';
import { bernoulli } from '../random/bernoulli.js';
import { constant, context, type Context } from '../tree/Field.js';
import { defineModule, type ModuleDef, type ModuleOf } from '../tree/Module.js';
import { ModuleError } from '../tree/ModuleError.js';
import { configObject, DropoutRate } from './configCodecs.js';

type Tensor = tf.Tensor;

const fields = { rate: constant<number>(), ctx: context() };

/**
 * The fp-ts URI of `Dropout` modules (also `Dropout.URI`).
 * @example
 * nn.Dropout.URI // 'parallax-ts/nn/Dropout'
 * @since 0.1.0
 */
export const URI = 'parallax-ts/nn/Dropout';
/** @since 0.1.0 */
export type URI = typeof URI;
/** @since 0.1.0 */
export type Dropout<A> = ModuleOf<URI, typeof fields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: Dropout<A>;
  }
}

const forward = (m: Dropout<Tensor>, x: Tensor): Tensor => {
  if (!(x instanceof tf.Tensor)) throw new ModuleError(`expected input to be a tensor, got ${typeof x}`);
  if (m.ctx.mode === 'eval' || m.rate === 0) return x;
  if (O.isNone(m.ctx.key)) {
    throw new ModuleError(
      'train mode needs a key: thread one through the model with newState(model, "train")(key) before the forward pass',
    );
  }
  if (x.dtype !== 'float32') throw new ModuleError(`expected input of dtype float32, got ${x.dtype}`);
  const keep = 1 - m.rate;
  const key = m.ctx.key.value;
  return tf.tidy(() => {
    const mask = bernoulli(key, keep, x.shape);
    return tf.mul(x, tf.div(tf.cast(mask, 'float32'), keep));
  });
};

const def: ModuleDef<URI, typeof fields, [x: Tensor], Tensor> = defineModule(URI, { name: 'Dropout', fields, extraRepr: (m) => `rate=${m.rate}`, forward });

const initialContext: Context = { mode: 'eval', key: O.none };

/**
 * `Dropout`: the module definition plus `create(rate)`. A new dropout is in eval mode.
 * @since 0.1.0
 */
export interface DropoutDef extends ModuleDef<URI, typeof fields, [x: Tensor], Tensor> {
  /** A new dropout layer, in eval mode until `newState(model, 'train')`. */
  readonly create: <A = never>(rate: number) => Dropout<A>;
  /** The io-ts codec of {@link DropoutConfig}. */
  readonly configCodec: typeof DropoutConfig;
  /** The constructor arguments of a layer. */
  readonly toConfig: (m: Dropout<unknown>) => DropoutConfig;
  /** A new layer from its constructor arguments. */
  readonly fromConfig: <A = never>(config: DropoutConfig) => Dropout<A>;
}

/**
 * `Dropout`'s constructor arguments as JSON: `{ rate }`.
 * @example
 * nn.Dropout.fromConfig({ rate: 0.1 })
 * @since 0.1.0
 */
export const DropoutConfig = configObject('Dropout config', { rate: DropoutRate });
/** @since 0.1.0 */
export type DropoutConfig = t.TypeOf<typeof DropoutConfig>;

/**
 * The `Dropout` layer: `create` builds one, `forward` / `apply` run it, `toConfig` /
 * `fromConfig` convert its architecture to and from JSON; see {@link DropoutDef}.
 * @example
 * const d = nn.Dropout.create(0.2)
 * const [dTrain] = newState(d, 'train')(random.key(1))
 * nn.Dropout.forward(dTrain, tf.ones([4]))
 * @since 0.1.0
 */
export const Dropout: DropoutDef = {
  ...def,
  create: <A = never>(rate: number): Dropout<A> => {
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new Error(`Dropout.create: rate must be in [0, 1), got ${JSON.stringify(rate)}`);
    }
    return def.make<A>({ rate, ctx: initialContext });
  },
  configCodec: DropoutConfig,
  toConfig: (m) => ({ rate: m.rate }),
  fromConfig: <A = never>(c: DropoutConfig): Dropout<A> => Dropout.create<A>(c.rate),
};
