/**
 * Case 1 the README way (the example's network, minus Dropout): `valueAndGrad` + `zipWith` SGD inside
 * `tidy`; `setupCompiled` is the same step wrapped in `compile`.
 */
import { pipe } from 'fp-ts/lib/function.js';
import { defineModule, initialize, type ModuleType, nn, random, submodule, tf, valueAndGrad } from '../../../src/index.js';
import type { Runner } from '../../harness.js';
import { compiledSgdRunner, fixedLinear, sgdRunner } from '../parallaxSgd.js';
import { BINARY, binaryData } from './spec.js';

type Tensor = tf.Tensor;

const BinaryNetwork = defineModule('bench/BinaryNetwork', {
  name: 'BinaryNetwork',
  fields: { dense1: submodule(nn.Linear), dense2: submodule(nn.Linear), dense3: submodule(nn.Linear) },
  forward: (m, x: Tensor) =>
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
type BinaryNetwork<A> = ModuleType<typeof BinaryNetwork, A>;

const lossAndGrad = valueAndGrad((m: BinaryNetwork<Tensor>, x: Tensor) => BinaryNetwork.forward(m, x));

const setupWith = (runner: typeof sgdRunner) => (): Runner => {
  const d = binaryData();
  const x = tf.tensor1d(d.x);
  const params = initialize(
    BinaryNetwork.make({ dense1: fixedLinear(d.dense1), dense2: fixedLinear(d.dense2), dense3: fixedLinear(d.dense3) }),
  )(random.key(0));
  return runner(params, (m, input: Tensor) => lossAndGrad(m, input), BINARY.lr, x, [x]);
};

export const setup = setupWith(sgdRunner);
export const setupCompiled = setupWith(compiledSgdRunner);
