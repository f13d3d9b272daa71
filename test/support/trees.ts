/**
 * Test modules and fast-check generators of module trees: nested submodules, arrays of submodules,
 * heterogeneous arrays, constants and contexts — leaves of any type. Also the original Parallax
 * example's network as the core tests know it (three Linears, dense2 used twice, a Dropout).
 */
import fc from 'fast-check';
import { pipe } from 'fp-ts/lib/function.js';
import * as O from 'fp-ts/lib/Option.js';
import { tf } from '../../src/engine/backend.js';
import * as init from '../../src/init/index.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { reuse } from '../../src/random/newState.js';
import {
  type AnyModule,
  anyModules,
  buffer,
  constant,
  context,
  defineModule,
  type ModuleType,
  param,
  submodule,
  submodules,
} from '../../src/tree/index.js';

type Tensor = tf.Tensor;

export const Leaf = defineModule('test/Leaf', {
  name: 'Leaf',
  fields: { w: param(), b: buffer(), tag: constant<string>() },
  extraRepr: (m) => m.tag,
});
export type Leaf<A> = ModuleType<typeof Leaf, A>;

export const Node = defineModule('test/Node', {
  name: 'Node',
  fields: {
    first: submodule(Leaf),
    scale: constant<number>(),
    children: submodules(Leaf),
    p: param(),
    ctx: context(),
    rest: anyModules(),
  },
  extraRepr: (m) => `scale=${m.scale}`,
});
export type Node<A> = ModuleType<typeof Node, A>;

export const leafArb = <A>(a: fc.Arbitrary<A>): fc.Arbitrary<Leaf<A>> =>
  fc.record({ w: a, b: a, tag: fc.string({ maxLength: 3 }) }).map((v) => Leaf.make(v));

/** A tree of Nodes up to `depth` deep; `rest` mixes Leafs and Nodes (heterogeneous). */
export const nodeArb = <A>(a: fc.Arbitrary<A>, depth = 2): fc.Arbitrary<Node<A>> => {
  const rest: fc.Arbitrary<ReadonlyArray<AnyModule<A>>> =
    depth <= 0
      ? fc.array(leafArb(a), { maxLength: 2 })
      : fc.array(fc.oneof(leafArb(a) as fc.Arbitrary<AnyModule<A>>, nodeArb(a, depth - 1) as fc.Arbitrary<AnyModule<A>>), {
          maxLength: 2,
        });
  return fc
    .record({
      first: leafArb(a),
      scale: fc.integer(),
      children: fc.array(leafArb(a), { maxLength: 3 }),
      p: a,
      rest,
    })
    .map((v) => Node.make({ ...v, ctx: { mode: 'eval' as const, key: O.none } }));
};

/** The original example's Dense: a Linear drawn xavier-normal (weight) and normal (bias). */
const dense = (inFeatures: number, outFeatures: number) =>
  Linear.create(inFeatures, outFeatures, { weightInit: init.xavierNormal({ inAxis: -1, outAxis: -2 }), biasInit: init.normal() });

/** The original Parallax example's network: dense2 is used twice (shared parameters), then dropout. */
export const BinaryNetwork = defineModule('test/BinaryNetwork', {
  name: 'BinaryNetwork',
  fields: {
    dense1: submodule(Linear),
    dense2: submodule(Linear),
    dense3: submodule(Linear),
    dropout: submodule(Dropout),
    hiddenSize: constant<number>(),
  },
  create: (inputSize: number, hiddenSize: number) => ({
    dense1: dense(inputSize, hiddenSize),
    dense2: dense(hiddenSize, hiddenSize),
    dense3: dense(hiddenSize, 1),
    dropout: Dropout.create(0.2),
    hiddenSize,
  }),
  extraRepr: (m) => `hidden=${m.hiddenSize}`,
  forward: (m, x: Tensor) =>
    pipe(
      x,
      Linear.apply(m.dense1),
      tf.relu,
      Linear.apply(m.dense2),
      tf.relu,
      Linear.apply(m.dense2),
      Dropout.apply(reuse(m.dropout, 0)),
      tf.relu,
      Linear.apply(m.dense3),
      tf.sigmoid,
      (y) => tf.reshape(y, []),
    ),
});
export type BinaryNetwork<A> = ModuleType<typeof BinaryNetwork, A>;
