/** A small user-declared module for core tests: two Linear layers and a scale constant. */
import { constant, defineModule, type ModuleDef, type ModuleOf, submodule, submodules } from '../../src/tree/index.js';
import { Linear } from '../../src/nn/Linear.js';
import { tf } from '../../src/engine/backend.js';

type Tensor = tf.Tensor;

const fields = { first: submodule(Linear), rest: submodules(Linear), scale: constant<number>() };
export const TwoLayerURI = 'test/TwoLayer';
export type TwoLayerURI = typeof TwoLayerURI;
export type TwoLayer<A> = ModuleOf<TwoLayerURI, typeof fields, A>;
declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [TwoLayerURI]: TwoLayer<A>;
  }
}

export const TwoLayer: ModuleDef<TwoLayerURI, typeof fields, [x: Tensor], Tensor> = defineModule(TwoLayerURI, {
  name: 'TwoLayer',
  fields,
  extraRepr: (m) => `scale=${m.scale}`,
  forward: (m: TwoLayer<Tensor>, x: Tensor): Tensor =>
    m.rest.reduce((h, layer) => Linear.forward(layer, tf.tanh(h)), tf.mul(Linear.forward(m.first, x), m.scale)),
});

export const twoLayer = (sizes: ReadonlyArray<number>, scale = 1) =>
  TwoLayer.make({
    first: Linear.create(sizes[0]!, sizes[1]!),
    rest: sizes.slice(1, -1).map((n, i) => Linear.create(n, sizes[i + 2]!)),
    scale,
  });
