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
import { defineModule, type ModuleType } from '../tree/Module.js';
import { configurable } from './configurable.js';
import { ModuleError } from '../tree/ModuleError.js';
import { configObject, DropoutRate } from './configCodecs.js';
import { ArgumentError } from '../tree/ArgumentError.js';
import { describeData } from '../tree/describeData.js';

type Tensor = tf.Tensor;

/**
 * `Dropout`'s constructor arguments as JSON: `{ rate }`.
 * @example
 * import { nn } from 'parallax-ts'
 * const d = nn.Dropout.fromConfig({ rate: 0.1 })
 * @category config
 * @since 0.1.0
 */
export const DropoutConfig = configObject('Dropout config', { rate: DropoutRate });
/** @category config @since 0.1.0 */
export type DropoutConfig = t.TypeOf<typeof DropoutConfig>;

// A new dropout is in eval mode until `newState(model, 'train')` hands it a key.
const initialContext: Context = { mode: 'eval', key: O.none };

const DropoutDef = defineModule('parallax-ts/nn/Dropout', {
  name: 'Dropout',
  fields: { rate: constant<number>(), ctx: context() },
  create: (rate: number) => {
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new ArgumentError(`Dropout.create: rate must be in [0, 1), got ${describeData(rate)}`);
    }
    return { rate, ctx: initialContext };
  },
  forward: (m, x: Tensor) => {
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
  },
  extraRepr: (m) => `rate=${m.rate}`,
});

/**
 * The `Dropout` layer: `create(rate)` builds one (in eval mode; it has no leaves), `forward` /
 * `apply` run it, `toConfig` / `fromConfig` convert its architecture to and from JSON.
 * @example
 * import { newState, nn, random, tf } from 'parallax-ts'
 * const d = nn.Dropout.create(0.2)
 * const [dTrain] = newState(d, 'train')(random.key(1))
 * const y = nn.Dropout.forward(dTrain, tf.ones([4]))
 * @category layers
 * @since 0.1.0
 */
export const Dropout = configurable(DropoutDef, DropoutConfig, {
  toConfig: (m) => ({ rate: m.rate }),
  fromConfig: (c) => DropoutDef.create(c.rate),
});
/** A `Dropout` layer (it has no leaves; `A` is the leaf type of the tree it sits in). @category model @since 0.1.0 */
export type Dropout<A> = ModuleType<typeof Dropout, A>;
