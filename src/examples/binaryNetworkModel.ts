/**
 * The original Parallax example's model: `Dense` (weight (out, in) xavier-normal, bias normal),
 * `Dropout`, and `BinaryNetwork` with its `dense2` used twice (shared parameters).
 */
import { pipe } from 'fp-ts/lib/function.js';
import { constant, defineModule, init, type ModuleOf, nn, reuse, submodule, tf } from '../index.js';

type Tensor = tf.Tensor;
// Dense as in the original: weight (out, in) drawn xavier-normal, bias drawn normal.
export const Dense = (inFeatures: number, outFeatures: number) =>
  nn.Linear.create(inFeatures, outFeatures, {
    weightInit: init.xavierNormal({ inAxis: -1, outAxis: -2 }),
    biasInit: init.normal(),
  });

const fields = {
  dense1: submodule(nn.Linear),
  dense2: submodule(nn.Linear),
  dense3: submodule(nn.Linear),
  dropout: submodule(nn.Dropout),
  hiddenSize: constant<number>(),
};
export const URI = 'examples/BinaryNetwork';
export type URI = typeof URI;
export type BinaryNetwork<A> = ModuleOf<URI, typeof fields, A>;
declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: BinaryNetwork<A>;
  }
}

export const BinaryNetwork = defineModule(URI, {
  name: 'BinaryNetwork',
  fields,
  extraRepr: (m) => `hidden=${m.hiddenSize}`,
  // dense2 is used twice: its parameters are shared, and its gradient is the sum of both uses.
  forward: (m: BinaryNetwork<Tensor>, x: Tensor): Tensor =>
    pipe(
      x,
      nn.Linear.apply(m.dense1),
      tf.relu,
      nn.Linear.apply(m.dense2),
      tf.relu,
      nn.Linear.apply(m.dense2),
      nn.Dropout.apply(reuse(m.dropout, 0)),
      tf.relu,
      nn.Linear.apply(m.dense3),
      tf.sigmoid,
      (y) => tf.reshape(y, []),
    ),
});

export const build = (inputSize: number, hiddenSize: number) =>
  BinaryNetwork.make({
    dense1: Dense(inputSize, hiddenSize),
    dense2: Dense(hiddenSize, hiddenSize),
    dense3: Dense(hiddenSize, 1),
    dropout: nn.Dropout.create(0.2),
    hiddenSize,
  });

