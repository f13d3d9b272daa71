/**
 * Case 3 the README way with `nn.Conv2d` (NCHW, PyTorch's layout) and `nn.Linear`:
 * `valueAndGrad` + `zipWith` SGD inside `tidy`; `setupCompiled` is the same step wrapped in `compile`.
 */
import { defineModule, initialize, type ModuleType, nn, random, submodule, tf, valueAndGrad } from '../../../src/index.js';
import { Conv2d } from '../../../src/nn/Conv2d.js';
import type { Runner } from '../../harness.js';
import { compiledSgdRunner, fixedInit, fixedLinear, sgdRunner } from '../parallaxSgd.js';
import { CNN, cnnData, type ConvWeights } from './spec.js';

type Tensor = tf.Tensor;

const SmallCnn = defineModule('bench/SmallCnn', {
  name: 'SmallCnn',
  fields: { conv1: submodule(Conv2d), conv2: submodule(Conv2d), fc: submodule(nn.Linear) },
  forward: (m, x: Tensor) => {
    const h1 = tf.relu(Conv2d.forward(m.conv1, x));
    const h2 = tf.relu(Conv2d.forward(m.conv2, h1));
    return nn.Linear.forward(m.fc, tf.reshape(h2, [h2.shape[0]!, -1]));
  },
});
type SmallCnn<A> = ModuleType<typeof SmallCnn, A>;

const fixedConv = (w: ConvWeights, stride: number) =>
  Conv2d.create(w.inChannels, w.outChannels, w.k, {
    stride,
    weightInit: fixedInit(w.weight),
    biasInit: fixedInit(w.bias),
  });

const lossAndGrad = valueAndGrad(
  (m: SmallCnn<Tensor>, x: Tensor, y: Tensor) => tf.losses.softmaxCrossEntropy(y, SmallCnn.forward(m, x)) as tf.Scalar,
);

const setupWith = (runner: typeof sgdRunner) => (): Runner => {
  const d = cnnData();
  const x = tf.tensor4d(d.x, [CNN.batch, 1, CNN.size, CNN.size]);
  const y = tf.tensor2d(d.y, [CNN.batch, CNN.classes]);
  const params = initialize(SmallCnn.make({ conv1: fixedConv(d.conv1, 1), conv2: fixedConv(d.conv2, 2), fc: fixedLinear(d.fc) }))(
    random.key(0),
  );
  return runner(params, (m, [x, y]: [Tensor, Tensor]) => lossAndGrad(m, x, y), CNN.lr, [x, y], [x, y]);
};

export const setup = setupWith(sgdRunner);
export const setupCompiled = setupWith(compiledSgdRunner);
