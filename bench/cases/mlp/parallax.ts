/**
 * Case 2 the README way: a user-declared module of two `nn.Linear`, `valueAndGrad` for the gradient
 * tree, and SGD as `zipWith(params, grads, (p, g) => p - lr·g)` inside `tidy`; `setupCompiled` is the
 * same step wrapped in `compile`.
 */
import { defineModule, initialize, type ModuleType, nn, random, submodule, tf, valueAndGrad } from '../../../src/index.js';
import type { Runner } from '../../harness.js';
import { compiledSgdRunner, fixedLinear, sgdRunner } from '../parallaxSgd.js';
import { MLP, mlpData } from './spec.js';

type Tensor = tf.Tensor;

const Mlp = defineModule('bench/Mlp', {
  name: 'Mlp',
  fields: { fc1: submodule(nn.Linear), fc2: submodule(nn.Linear) },
  forward: (m, x: Tensor) => nn.Linear.forward(m.fc2, tf.relu(nn.Linear.forward(m.fc1, x))),
});
type Mlp<A> = ModuleType<typeof Mlp, A>;

const lossAndGrad = valueAndGrad(
  (m: Mlp<Tensor>, x: Tensor, y: Tensor) => tf.losses.softmaxCrossEntropy(y, Mlp.forward(m, x)) as tf.Scalar,
);

const setupWith = (runner: typeof sgdRunner) => (): Runner => {
  const d = mlpData();
  const x = tf.tensor2d(d.x, [MLP.batch, MLP.inFeatures]);
  const y = tf.tensor2d(d.y, [MLP.batch, MLP.classes]);
  const params = initialize(Mlp.make({ fc1: fixedLinear(d.fc1), fc2: fixedLinear(d.fc2) }))(random.key(0));
  return runner(params, (m, [x, y]: [Tensor, Tensor]) => lossAndGrad(m, x, y), MLP.lr, [x, y], [x, y]);
};

export const setup = setupWith(sgdRunner);
export const setupCompiled = setupWith(compiledSgdRunner);
