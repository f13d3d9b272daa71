/**
 * The original Parallax example, end to end: build → print → initialize from a key → 10 train-mode
 * steps (split the key, thread it through the tree, SGD with learning rate 0.3 via `zipWith`) →
 * print the trained module.
 *
 * Run: `npm run example:seed`.
 */
import { dispose, initialize, newState, random, ready, show, tf, tidy, valueAndGrad, zipWith } from '../index.js';
import { BinaryNetwork, build } from './binaryNetworkModel.js';

type Tensor = tf.Tensor;

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
