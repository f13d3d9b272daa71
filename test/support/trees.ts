/**
 * Test modules and fast-check generators of module trees: nested submodules, arrays of submodules,
 * heterogeneous arrays, constants and contexts — leaves of any type.
 */
import fc from 'fast-check';
import * as O from 'fp-ts/lib/Option.js';
import {
  anyModules,
  buffer,
  constant,
  context,
  defineModule,
  type ModuleOf,
  param,
  submodule,
  submodules,
  type AnyModule,
} from '../../src/tree/index.js';

const leafFields = { w: param(), b: buffer(), tag: constant<string>() };
export const LeafURI = 'test/Leaf';
export type LeafURI = typeof LeafURI;
export type Leaf<A> = ModuleOf<LeafURI, typeof leafFields, A>;

const nodeFields = {
  first: submodule<LeafURI>({ URI: LeafURI }),
  scale: constant<number>(),
  children: submodules<LeafURI>({ URI: LeafURI }),
  p: param(),
  ctx: context(),
  rest: anyModules(),
};
export const NodeURI = 'test/Node';
export type NodeURI = typeof NodeURI;
export type Node<A> = ModuleOf<NodeURI, typeof nodeFields, A>;

declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [LeafURI]: Leaf<A>;
    readonly [NodeURI]: Node<A>;
  }
}

export const Leaf = defineModule(LeafURI, { name: 'Leaf', fields: leafFields, extraRepr: (m) => m.tag });
export const Node = defineModule(NodeURI, { name: 'Node', fields: nodeFields, extraRepr: (m) => `scale=${m.scale}` });

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
