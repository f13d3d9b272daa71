/** A small user-declared module for core tests: two Linear layers and a scale constant. */
import { constant, defineModule, type ModuleType, submodule, submodules } from '../../src/tree/index.js';
import { Linear } from '../../src/nn/Linear.js';
import { tf } from '../../src/engine/backend.js';

type Tensor = tf.Tensor;

/** `first`, then `tanh` and each of `rest`; `first`'s output is scaled by `scale`. */
export const TwoLayer = defineModule('test/TwoLayer', {
  name: 'TwoLayer',
  fields: { first: submodule(Linear), rest: submodules(Linear), scale: constant<number>() },
  create: (sizes: ReadonlyArray<number>, scale: number = 1) => ({
    first: Linear.create(sizes[0]!, sizes[1]!),
    rest: sizes.slice(1, -1).map((n, i) => Linear.create(n, sizes[i + 2]!)),
    scale,
  }),
  extraRepr: (m) => `scale=${m.scale}`,
  forward: (m, x: Tensor): Tensor =>
    m.rest.reduce((h, layer) => Linear.forward(layer, tf.tanh(h)), tf.mul(Linear.forward(m.first, x), m.scale)),
});
export type TwoLayer<A> = ModuleType<typeof TwoLayer, A>;

/** A new, uninitialized `TwoLayer` with layer sizes `sizes` (at least two). */
export const twoLayer = TwoLayer.create;
