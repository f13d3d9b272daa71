/**
 * The two classifiers of the MNIST example, declared as user modules (the same mechanism as the
 * library's layers): both take images `[B, 1, 28, 28]` (NCHW, values in `[0, 1]`) and return
 * logits `[B, 10]`.
 *
 * - `MnistMlp`: flatten → Linear(784, 128) → ReLU → Linear(128, 10) — 101,770 parameters.
 * - `MnistCnn`: Conv2d(1, 16, 3, same) → ReLU → max-pool 2 → Conv2d(16, 32, 3, same) → ReLU →
 *   max-pool 2 → flatten → Linear(1568, 64) → ReLU → Linear(64, 10) — 105,866 parameters.
 *
 * Both are user modules (`defineModule`) over the library's layers rather than an `nn.Sequential`:
 * the ReLUs are plain functions between layers, not modules.
 *
 * @since 0.1.0
 */
import { pipe } from 'fp-ts/lib/function.js';
// Subpath sources, not the root: the browser demo (demo/) bundles this file.
import type { tf } from '../../src/engine/index.js';
import * as nn from '../../src/nn/index.js';
import { constant, defineModule, type ModuleType, submodule } from '../../src/tree/index.js';
import { CLASSES, IMAGE_SIZE, PIXELS } from './digits.js';

type Tensor = tf.Tensor;

/** Which model to train. @since 0.1.0 */
export type ModelName = 'cnn' | 'mlp';
/** Every model, in the order `--model both` trains them. @since 0.1.0 */
export const modelNames: ReadonlyArray<ModelName> = ['cnn', 'mlp'];

/**
 * The MLP: flatten → Linear(784, hidden) → ReLU → Linear(hidden, 10).
 * @example
 * const net = initialize(MnistMlp.create())(random.key(0))
 * MnistMlp.forward(net, tf.zeros([2, 1, 28, 28])).shape // [2, 10]
 * @since 0.1.0
 */
export const MnistMlp = defineModule('examples/MnistMlp', {
  name: 'MnistMlp',
  fields: { flatten: submodule(nn.Flatten), fc1: submodule(nn.Linear), fc2: submodule(nn.Linear), hidden: constant<number>() },
  create: (hidden: number = 128) => ({
    flatten: nn.Flatten.create(),
    fc1: nn.Linear.create(PIXELS, hidden),
    fc2: nn.Linear.create(hidden, CLASSES),
    hidden,
  }),
  extraRepr: (m) => `hidden=${m.hidden}`,
  forward: (m, x: Tensor) => pipe(x, nn.Flatten.apply(m.flatten), nn.Linear.apply(m.fc1), nn.relu, nn.Linear.apply(m.fc2)),
});
/** The MLP classifier. @since 0.1.0 */
export type MnistMlp<A> = ModuleType<typeof MnistMlp, A>;

const CNN_CHANNELS = [16, 32] as const;
const CNN_HIDDEN = 64;
const pooledSide = IMAGE_SIZE / 4; // two 2×2 pools

/**
 * The CNN: two (3×3 same conv → ReLU → 2×2 max-pool) blocks, then a two-layer classifier head.
 * @example
 * const net = initialize(MnistCnn.create())(random.key(0))
 * MnistCnn.forward(net, tf.zeros([2, 1, 28, 28])).shape // [2, 10]
 * @since 0.1.0
 */
export const MnistCnn = defineModule('examples/MnistCnn', {
  name: 'MnistCnn',
  fields: {
    conv1: submodule(nn.Conv2d),
    conv2: submodule(nn.Conv2d),
    pool: submodule(nn.MaxPool2d),
    flatten: submodule(nn.Flatten),
    fc1: submodule(nn.Linear),
    fc2: submodule(nn.Linear),
  },
  create: () => {
    const [c1, c2] = CNN_CHANNELS;
    return {
      conv1: nn.Conv2d.create(1, c1, 3, { padding: 'same' }),
      conv2: nn.Conv2d.create(c1, c2, 3, { padding: 'same' }),
      pool: nn.MaxPool2d.create(2), // no parameters: one instance serves both blocks
      flatten: nn.Flatten.create(),
      fc1: nn.Linear.create(c2 * pooledSide * pooledSide, CNN_HIDDEN),
      fc2: nn.Linear.create(CNN_HIDDEN, CLASSES),
    };
  },
  forward: (m, x: Tensor) =>
    pipe(
      x,
      nn.Conv2d.apply(m.conv1),
      nn.relu,
      nn.MaxPool2d.apply(m.pool),
      nn.Conv2d.apply(m.conv2),
      nn.relu,
      nn.MaxPool2d.apply(m.pool),
      nn.Flatten.apply(m.flatten),
      nn.Linear.apply(m.fc1),
      nn.relu,
      nn.Linear.apply(m.fc2),
    ),
});
/** The convolutional classifier. @since 0.1.0 */
export type MnistCnn<A> = ModuleType<typeof MnistCnn, A>;
