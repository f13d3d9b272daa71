/**
 * The original Parallax example's model, layer for layer: `Dense` (weight `(out, in)` drawn
 * xavier-normal, bias drawn normal, `weight @ input + bias`), the library's `Dropout`, and
 * `BinaryNetwork`, whose `dense2` is used twice (shared parameters: its gradient is the sum of both
 * uses).
 */
import { constant, defineModule, init, type ModuleType, nn, param, paramInit, submodule, tf } from '../src/index.js';

type Tensor = tf.Tensor;

export const Dense = defineModule('examples/Dense', {
  name: 'Dense',
  fields: { weight: param(), bias: param(), inSize: constant<number>(), outSize: constant<number>() },
  create: (inSize: number, outSize: number) => ({
    weight: paramInit([outSize, inSize], init.xavierNormal()),
    bias: paramInit([outSize], init.normal()),
    inSize,
    outSize,
  }),
  forward: (m, input: Tensor) => tf.add(tf.dot(m.weight, input), m.bias),
  extraRepr: (m) => `${m.inSize}, ${m.outSize}`,
});
export type Dense<A> = ModuleType<typeof Dense, A>;

/** `v[0]` as a scalar (the original's `[0]`), differentiable. */
const first = (v: Tensor): tf.Scalar => tf.reshape(tf.slice(v, [0], [1]), []);

export const BinaryNetwork = defineModule('examples/BinaryNetwork', {
  name: 'BinaryNetwork',
  // No difference between modules and parameters: submodules are fields like any other.
  fields: { dense1: submodule(Dense), dense2: submodule(Dense), dense3: submodule(Dense), dropout: submodule(nn.Dropout) },
  create: (inputSize: number, hiddenSize: number) => ({
    dense1: Dense.create(inputSize, hiddenSize),
    dense2: Dense.create(hiddenSize, hiddenSize),
    dense3: Dense.create(hiddenSize, 1),
    // The original's `Dropout(0.2)` *keeps* a unit with probability 0.2 (and scales it by 1/0.2);
    // here `rate` is the probability of dropping, so the same layer is `Dropout.create(0.8)`.
    dropout: nn.Dropout.create(0.8),
  }),
  forward: (m, input: Tensor) => {
    let x = tf.tanh(Dense.forward(m.dense1, input));
    // Stochastic modules already hold their key (handed out by `newState`).
    x = nn.Dropout.forward(m.dropout, x);
    // Shared parameters: one submodule, used twice.
    x = tf.tanh(Dense.forward(m.dense2, x));
    x = tf.tanh(Dense.forward(m.dense2, x));
    return first(tf.sigmoid(Dense.forward(m.dense3, tf.tanh(x))));
  },
});
export type BinaryNetwork<A> = ModuleType<typeof BinaryNetwork, A>;
