/**
 * The original Parallax example, end to end: build → print → initialize from a key → 10 train-mode
 * steps (split the key, thread it through the tree, SGD with learning rate 0.3 via `zipWith`) →
 * print the trained module.
 *
 * Run: `npm start` (or `npm run example:seed`).
 */
import { pipe } from 'fp-ts/lib/function.js';
import {
  constant,
  defineModule,
  dispose,
  initialize,
  init,
  type ModuleOf,
  newState,
  nn,
  random,
  ready,
  reuse,
  show,
  submodule,
  tidy,
  tf,
  valueAndGrad,
  zipWith,
} from '../index.js';

type Tensor = tf.Tensor;

// Dense as in the original: weight (out, in) drawn xavier-normal, bias drawn normal.
const Dense = (inFeatures: number, outFeatures: number) =>
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
const URI = 'examples/BinaryNetwork';
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

const build = (inputSize: number, hiddenSize: number) =>
  BinaryNetwork.make({
    dense1: Dense(inputSize, hiddenSize),
    dense2: Dense(hiddenSize, hiddenSize),
    dense3: Dense(hiddenSize, 1),
    dropout: nn.Dropout.create(0.2),
    hiddenSize,
  });

const main = async (): Promise<void> => {
  const backend = await ready();
  console.log(`backend: ${backend}`);

  const layer = build(5, 10);
  console.log(show(layer));

  let [rng, initKey] = random.split(random.key(0)) as [random.PRNGKey, random.PRNGKey];
  let params = initialize(layer)(initKey);
  const x = tf.ones([5]);

  // As in the original, the "loss" is the network's output, which SGD drives down.
  const lossAndGrad = valueAndGrad((m: BinaryNetwork<Tensor>, input: Tensor) => BinaryNetwork.forward(m, input));

  for (let step = 0; step < 10; step++) {
    const [stepKey, nextRng] = random.split(rng) as [random.PRNGKey, random.PRNGKey];
    rng = nextRng;
    const [trainNet] = newState(params, 'train')(stepKey);
    const { next, loss } = tidy(() => {
      const { value, grads } = lossAndGrad(trainNet, x);
      return { next: zipWith(trainNet, grads, (p, g) => tf.sub(p, tf.mul(g, 0.3))), loss: value };
    });
    console.log(`step ${step}: loss ${(await loss.data())[0]!.toFixed(6)}`);
    dispose([params, loss]);
    params = next;
  }

  console.log(show(params));
  dispose([params, x]);
  console.log(`tensors alive at exit: ${tf.memory().numTensors}`);
};

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
