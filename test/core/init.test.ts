/** Initialization as Reader<PRNGKey, Module<Tensor>>: determinism, path-keyed draws, errors. */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize, leafKey, pathHash } from '../../src/init/initialize.js';
import { computeFans } from '../../src/init/varianceScaling.js';
import { Linear } from '../../src/nn/Linear.js';
import { foldIn } from '../../src/random/foldIn.js';
import { key, keyData } from '../../src/random/PRNGKey.js';
import { uniform } from '../../src/random/uniform.js';
import { ArgumentError } from '../../src/tree/ArgumentError.js';
import { toArray } from '../../src/tree/Module.js';
import { twoLayer, TwoLayer } from '../support/mlp.js';
import { values } from '../support/tensors.js';

type Tensor = tf.Tensor;
const leafValues = (m: Parameters<typeof toArray>[0]): number[][] => (toArray(m) as Tensor[]).map(values);

describe('initialize', () => {
  it('is deterministic per key, and different keys give different draws', () => {
    const model = twoLayer([3, 4, 2]);
    const a = initialize(model)(key(7));
    const b = initialize(model)(key(7));
    const c = initialize(model)(key(8));
    expect(leafValues(a)).to.deep.equal(leafValues(b));
    leafValues(a).forEach((v, i) => expect(v).to.not.deep.equal(leafValues(c)[i]));
    dispose([a, b, c]);
  });

  it('draws each leaf with foldIn(root, fnv1a32(path)) — independent of other fields', () => {
    // FNV-1a 32-bit of "a": offset basis 0x811c9dc5 xor 0x61, times the prime 0x01000193, mod 2^32.
    expect(pathHash('a')).to.equal(0xe40c292c);
    expect(pathHash('')).to.equal(0x811c9dc5);
    const root = key(11);
    expect(keyData(leafKey(root, 'first.weight'))).to.deep.equal(keyData(foldIn(root, pathHash('first.weight'))));

    // Linear's default bias init is U(-1/sqrt(in), 1/sqrt(in)) drawn with the leaf's own key.
    const params = initialize(twoLayer([4, 3, 2]))(root);
    const expected = uniform(leafKey(root, 'rest.0.bias'), [2], { minval: -1 / Math.sqrt(3), maxval: 1 / Math.sqrt(3) });
    expect(values(params.rest[0]!.bias)).to.deep.equal(values(expected));

    // Adding a layer elsewhere does not change the first layer's draws.
    const bigger = initialize(twoLayer([4, 3, 2, 5]))(root);
    expect(values(bigger.first.weight)).to.deep.equal(values(params.first.weight));
    expect(values(bigger.rest[0]!.weight)).to.deep.equal(values(params.rest[0]!.weight));
    dispose([params, expected, bigger]);
  });

  it('rejects an initialized module, naming the leaf, and leaks nothing', () => {
    const params = initialize(Linear.create(2, 3))(key(0));
    const before = tf.memory().numTensors;
    // @ts-expect-error an initialized module does not compile; at run time it is a clear error
    expect(() => initialize(params)(key(1))).to.throw(/leaf "weight" is already initialized/);
    expect(tf.memory().numTensors).to.equal(before);
    dispose(params);
  });

  it('pathHash and computeFans refuse what is not a path or a shape, naming it', () => {
    expect(() => pathHash(Symbol('p') as never)).to.throw(ArgumentError, 'pathHash: path must be a string, got Symbol(p)');
    expect(() => computeFans(4 as never)).to.throw(ArgumentError, 'computeFans: shape must be an array of non-negative integers, got 4');
    expect(() => computeFans([3, 4], null as never)).to.throw(ArgumentError, 'computeFans: the fan axes must be an object like');
  });

  it('rejects a key that is not a PRNGKey', () => {
    expect(() => initialize(Linear.create(2, 3))([0, 1] as never)).to.throw(/initialize: key must be a PRNGKey/);
  });

  it('frees what it drew when an initializer returns the wrong shape', () => {
    const broken = TwoLayer.make({
      ...twoLayer([2, 2]),
      first: { ...Linear.create(2, 2), bias: { _tag: 'ParamInit', shape: [2], init: () => () => tf.zeros([3]) } },
    } as never);
    const before = tf.memory().numTensors;
    expect(() => initialize(broken)(key(0))).to.throw(/"first.bias" returned shape \[3\], expected a tensor of shape \[2\]/);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('a forward pass on an uninitialized module is a clear error naming the path', () => {
    const x = tf.ones([1, 3]);
    // @ts-expect-error forward takes an initialized module; at run time it is a clear error
    expect(() => TwoLayer.forward(twoLayer([3, 2, 1]), x)).to.throw(
      /Linear at "first": field "weight" is uninitialized \(ParamInit of shape \[2, 3\]\)/,
    );
    x.dispose();
  });
});
