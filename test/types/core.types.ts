/**
 * Compile-time tests of the module core: what must compile does (assignments to the exact expected
 * types), and what must not compile is marked `// @ts-expect-error` — `npm test` type-checks this
 * file, and an expected error that does not fire is itself an error (TS2578).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { pipe } from 'fp-ts/lib/function.js';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as N from 'fp-ts/lib/number.js';
import {
  apply,
  type AnyModule,
  constant,
  defineModule,
  foldMap,
  Functor,
  initialize,
  map,
  mapWithIndex,
  type ModuleType,
  nn,
  type ParamInit,
  param,
  paramInit,
  random,
  reduce,
  sequence,
  submodule,
  tf,
  traverse,
  Traversable,
  zipWith,
  zipWithIndex,
} from '../../src/index.js';

// A user's module: declaration and forward, no annotation on `m`, no registration block.
const Residual = defineModule('types-test/Residual', {
  name: 'Residual',
  fields: { norm: submodule(nn.LayerNorm), up: submodule(nn.Linear), down: submodule(nn.Linear), drop: submodule(nn.Dropout) },
  create: (d: number, hidden: number, rate: number) => ({
    norm: nn.LayerNorm.create([d]),
    up: nn.Linear.create(d, hidden),
    down: nn.Linear.create(hidden, d),
    drop: nn.Dropout.create(rate),
  }),
  forward: (m, x: Tensor) =>
    tf.add(x, nn.Dropout.forward(m.drop, nn.Linear.forward(m.down, tf.relu(nn.Linear.forward(m.up, nn.LayerNorm.forward(m.norm, x)))))),
});
type Residual<A> = ModuleType<typeof Residual, A>;

const lazy: Residual<ParamInit<Tensor>> = Residual.create(4, 8, 0.1);
const block: Residual<Tensor> = initialize(lazy)(random.key(0));
const x = tf.zeros([2, 4]);

// forward and apply are typed from the declaration
const y: Tensor = Residual.forward(block, x);
const y2: Tensor = apply(block, x);
const y3: Tensor = pipe(x, Residual.apply(block));
// @ts-expect-error the output is a Tensor, not a string
const wrongOut: string = Residual.forward(block, x);
// @ts-expect-error the input is a Tensor
Residual.forward(block, 'x');
// @ts-expect-error forward on an uninitialized module (ParamInit leaves)
Residual.forward(lazy, x);
// @ts-expect-error apply on an uninitialized module
apply(lazy, x);
// @ts-expect-error a Linear is not a Residual
Residual.forward(block.up, x);

// initialize only takes lazy modules
// @ts-expect-error initialize twice
initialize(block);

defineModule('types-test/Bad', {
  name: 'Bad',
  fields: { w: param() },
  // @ts-expect-error `m` is typed from the fields: there is no field `v`
  forward: (m, x: Tensor) => tf.add(m.v, x),
});

// make checks the kinds of submodules
Residual.make({
  norm: nn.LayerNorm.create([4]),
  // @ts-expect-error `up` must be a Linear
  up: nn.Dropout.create(0.1),
  down: nn.Linear.create(8, 4),
  drop: nn.Dropout.create(0.1),
});

// zipWith only zips trees of one kind
const grads = pipe(
  block,
  map((p) => tf.onesLike(p)),
);
const next: Residual<Tensor> = zipWith(block, grads, (p, g) => tf.sub(p, tf.mul(g, 0.1)));
const nextDataLast: Residual<Tensor> = pipe(
  block,
  zipWith(grads, (p, g) => tf.sub(p, g)),
);
const paths: Residual<string> = zipWithIndex(block, grads, (i) => i.path);
// @ts-expect-error a Residual and a Linear are different kinds
zipWith(block, block.up, (p, q) => tf.add(p, q));
// @ts-expect-error two Linears are one kind, a Linear and a Dropout are not
zipWith(block.up, block.drop, (p, q) => p);

// pipeables infer the leaf type from the module
const shapes: Residual<ReadonlyArray<number>> = pipe(
  block,
  map((p) => p.shape),
);
const named: Residual<string> = pipe(
  block,
  mapWithIndex((i, p) => `${i.path}:${p.dtype}`),
);
const total: number = pipe(
  block,
  reduce(0, (n, p) => n + p.size),
);
const total2: number = pipe(
  block,
  foldMap(N.MonoidSum)((p) => p.size),
);
const checked: O.Option<Residual<number>> = pipe(
  block,
  traverse(O.Applicative)((p) => (p.size > 0 ? O.some(p.size) : O.none)),
);
const either: E.Either<string, Residual<Tensor>> = pipe(block, map(E.right), sequence(E.Applicative));
const viaInstance: Residual<number> = Functor.map(block, (p) => p.rank);
const viaTraversable: O.Option<Residual<number>> = Traversable.traverse(O.Applicative)(block, (p) => O.some(p.rank));
const viaDef: Residual<number> = Residual.Functor.map(block, (p) => p.rank);
const lengths = map((p: string) => p.length);
// @ts-expect-error the leaves are tensors, not strings
pipe(block, lengths);

// a typed Sequential: input and output come from its layers
const seq = initialize(nn.Sequential.create([nn.Linear.create(4, 8), nn.Dropout.create(0.1), nn.Linear.create(8, 2)]))(random.key(1));
const seqOut: Tensor = nn.Sequential.forward(seq, x);
const seqOut2: Tensor = apply(seq, x);
// @ts-expect-error the output is a Tensor
const seqWrong: number = nn.Sequential.forward(seq, x);
const SayHello = defineModule('types-test/SayHello', { name: 'SayHello', fields: {}, forward: (_m, t: Tensor) => `hello ${t.rank}` });
const TakesString = defineModule('types-test/TakesString', { name: 'TakesString', fields: {}, forward: (_m, s: string) => s.length });
const stringChain = nn.Sequential.create([nn.Linear.create(4, 8), SayHello.make({}), TakesString.make({})]);
const chainOut: number = nn.Sequential.forward(initialize(stringChain)(random.key(2)), x);
// @ts-expect-error a Linear cannot follow a layer that returns a string
nn.Sequential.create([nn.Linear.create(4, 8), SayHello.make({}), nn.Linear.create(8, 2)]);
// @ts-expect-error a layer taking a string cannot follow a Linear
nn.Sequential.create([nn.Linear.create(4, 8), TakesString.make({})]);
// @ts-expect-error a Sequential of lazy layers cannot run
nn.Sequential.forward(nn.Sequential.create([nn.Linear.create(4, 8)]), x);

export const uses = [
  y,
  y2,
  y3,
  wrongOut,
  next,
  nextDataLast,
  paths,
  shapes,
  named,
  total,
  total2,
  checked,
  either,
  viaInstance,
  viaTraversable,
  viaDef,
  seqOut,
  seqOut2,
  seqWrong,
  chainOut,
];

// layers with optional extra inputs (attention's key/value) and layers of unknown kind chain too
const withAttention = nn.Sequential.create([nn.Linear.create(4, 8), nn.MultiheadAttention.create(8, 2)]);
declare const unknownKind: AnyModule<ParamInit<Tensor>>;
const withUnknown = nn.Sequential.create([nn.Linear.create(4, 8), unknownKind, nn.Linear.create(8, 2)]);
const TwoInputs = defineModule('types-test/TwoInputs', {
  name: 'TwoInputs',
  fields: {},
  forward: (_m, a: Tensor, b: Tensor) => tf.add(a, b),
});
// @ts-expect-error a layer that needs two inputs cannot be chained
nn.Sequential.create([nn.Linear.create(4, 8), TwoInputs.make({})]);
export const uses2 = [withAttention, withUnknown];

// a typed Sequential's instances keep its kind
const seqShapes = nn.Sequential.Functor.map(seq, (t) => t.shape);
const seqShapesCheck: typeof seqShapes extends nn.Sequential<ReadonlyArray<number>, infer _Ss> ? true : false = true;
export const uses3 = [seqShapes, seqShapesCheck];
