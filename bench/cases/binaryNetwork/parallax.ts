/** Case 1 as the example writes it (minus Dropout): `valueAndGrad` + `zipWith` SGD inside `tidy`. */
import { pipe } from 'fp-ts/lib/function.js';
import {
  defineModule,
  initialize,
  type ModuleOf,
  nn,
  random,
  submodule,
  tf,
  valueAndGrad,
} from '../../../src/index.js';
import type { Runner } from '../../harness.js';
import { fixedLinear, sgdRunner } from '../parallaxSgd.js';
import { BINARY, binaryData } from './spec.js';

type Tensor = tf.Tensor;

const fields = { dense1: submodule(nn.Linear), dense2: submodule(nn.Linear), dense3: submodule(nn.Linear) };
const URI = 'bench/BinaryNetwork';
type URI = typeof URI;
type BinaryNetwork<A> = ModuleOf<URI, typeof fields, A>;
declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: BinaryNetwork<A>;
  }
}

const BinaryNetwork = defineModule(URI, {
  name: 'BinaryNetwork',
  fields,
  forward: (m: BinaryNetwork<Tensor>, x: Tensor): Tensor =>
    pipe(
      x,
      nn.Linear.apply(m.dense1),
      tf.relu,
      nn.Linear.apply(m.dense2),
      tf.relu,
      nn.Linear.apply(m.dense2),
      tf.relu,
      nn.Linear.apply(m.dense3),
      tf.sigmoid,
      (y) => tf.reshape(y, []),
    ),
});

const lossAndGrad = valueAndGrad((m: BinaryNetwork<Tensor>, x: Tensor) => BinaryNetwork.forward(m, x) as tf.Scalar);

export const setup = (): Runner => {
  const d = binaryData();
  const x = tf.tensor1d(d.x);
  const params = initialize(
    BinaryNetwork.make({ dense1: fixedLinear(d.dense1), dense2: fixedLinear(d.dense2), dense3: fixedLinear(d.dense3) }),
  )(random.key(0));
  return sgdRunner(params, (m) => lossAndGrad(m, x), BINARY.lr, [x]);
};
