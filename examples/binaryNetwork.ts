/**
 * The original Parallax example, end to end: build → print → initialize from a key → print → 10
 * train-mode steps (split the key, thread it through the tree with `newState`, the loss is the
 * network's output, its gradient tree, SGD `p - 0.3 * g` with `zipWith`) → print the trained module.
 *
 * Run: `npm run example:seed`.
 */
import { dispose, initialize, newState, random, ready, show, tf, tidy, valueAndGrad, zipWith } from '../src/index.js';
import { BinaryNetwork } from './binaryNetworkModel.js';

type Tensor = tf.Tensor;

const main = async (): Promise<void> => {
  const backend = await ready();
  console.log(`backend: ${backend}`);

  // The parameter tree: declarative, immutable, every parameter a lazy initializer.
  const layer = BinaryNetwork.create(5, 10);
  console.log(show(layer));
  console.log(show(layer.dense1));

  // Initialize: a Reader from a key to the module of tensors.
  let rng = random.key(0);
  let params = initialize(layer)(rng);
  console.log(show(params));
  console.log(show(params.dense1));

  const x = tf.zeros([5]);
  // As in the original, the "loss" is the network's output, which SGD drives down.
  const lossAndGrad = valueAndGrad((m: BinaryNetwork<Tensor>, input: Tensor) => BinaryNetwork.forward(m, input));

  for (let i = 0; i < 10; i++) {
    // Thread a fresh key and the mode through the tree (Dropout gets its own key).
    const [nextRng, iterRng] = random.split(rng) as [random.PRNGKey, random.PRNGKey];
    rng = nextRng;
    const [trainNet] = newState(params, 'train')(iterRng);
    // The gradient is a tree of the module's shape; the update zips the two trees.
    const { next, loss } = tidy(() => {
      const { value, grads } = lossAndGrad(trainNet, x);
      return { next: zipWith(trainNet, grads, (p, g) => tf.sub(p, tf.mul(0.3, g))), loss: value };
    });
    console.log(`step ${i}: loss ${(await loss.data())[0]!.toFixed(6)}`);
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
