/**
 * The activation modules (ReLU, GELU, SiLU, Tanh, Sigmoid, Softmax, LogSoftmax, LeakyReLU, ELU,
 * Identity): each against its formula in float64 plain JS, inside a Sequential (state-dict indices
 * as PyTorch's), gradients against finite differences, printing, configs, errors, leaks.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { initialize } from '../../src/init/initialize.js';
import { stateDictKeys } from '../../src/io/stateDictEntries.js';
import { ELU, GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Tanh } from '../../src/nn/activationModules.js';
import { builtinLayers, ConfigError, fromConfig, toConfig } from '../../src/nn/config.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { Sequential } from '../../src/nn/Sequential.js';
import { key } from '../../src/random/PRNGKey.js';
import { apply, type AnyModule, toArray } from '../../src/tree/Module.js';
import { show } from '../../src/tree/Show.js';
import { checkGradients, expectClose, expectNoLeak, seeded, seededValues, weightedSum } from './helpers.js';
import { erf } from './transformerReference.js';

type Tensor = tf.Tensor;

/** Inputs across the interesting ranges: both signs, zero, small and large magnitudes. */
const values = [-20, -3.5, -1, -0.25, -1e-3, 0, 1e-3, 0.25, 1, 2.5, 20, ...seededValues(9, 3).map((v) => 4 * v)].map(Math.fround);

/** Elementwise modules and their float64 formulas. */
const elementwise: ReadonlyArray<readonly [string, AnyModule<never>, (x: number) => number]> = [
  ['ReLU', ReLU.create(), (x) => Math.max(0, x)],
  ['GELU', GELU.create(), (x) => 0.5 * x * (1 + erf(x / Math.SQRT2))],
  [
    'GELU(approximate=tanh)',
    GELU.create({ approximate: 'tanh' }),
    (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  ],
  ['SiLU', SiLU.create(), (x) => x / (1 + Math.exp(-x))],
  ['Tanh', Tanh.create(), Math.tanh],
  ['Sigmoid', Sigmoid.create(), (x) => 1 / (1 + Math.exp(-x))],
  ['LeakyReLU', LeakyReLU.create(), (x) => (x >= 0 ? x : 0.01 * x)],
  ['LeakyReLU(0.2)', LeakyReLU.create(0.2), (x) => (x >= 0 ? x : 0.2 * x)],
  ['ELU', ELU.create(), (x) => (x > 0 ? x : Math.expm1(x))],
  ['ELU(0.5)', ELU.create(0.5), (x) => (x > 0 ? x : 0.5 * Math.expm1(x))],
  ['Identity', Identity.create(), (x) => x],
];

/** Softmax along `dim` of a row-major `[2, 3, 4]` array, in float64. */
const softmaxRef = (xs: ReadonlyArray<number>, shape: readonly number[], dim: number, log: boolean): number[] => {
  const d = dim < 0 ? dim + shape.length : dim;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  return xs.map((_, flat) => {
    const at = (k: number): number => flat + (k - (Math.floor(flat / strides[d]!) % shape[d]!)) * strides[d]!;
    const slice = Array.from({ length: shape[d]! }, (_, k) => xs[at(k)]!);
    const max = Math.max(...slice);
    const lse = max + Math.log(slice.reduce((a, v) => a + Math.exp(v - max), 0));
    return log ? xs[flat]! - lse : Math.exp(xs[flat]! - lse);
  });
};

describe('nn activation modules', () => {
  for (const [name, module, formula] of elementwise) {
    it(`${name} matches its formula`, () => {
      const x = tf.tensor1d(values);
      const y = apply(module as AnyModule<Tensor> as never, x) as Tensor;
      expectClose(y, values.map(formula), 2e-6);
      tf.dispose([x, y]);
    });
  }

  for (const [dim, shape] of [
    [0, [2, 3, 4]],
    [1, [2, 3, 4]],
    [-1, [2, 3, 4]],
    [2, [2, 3, 4]],
  ] as const) {
    it(`Softmax(${dim}) and LogSoftmax(${dim}) match their formulas (large logits too)`, () => {
      const xs = seededValues(24, 5 + dim).map((v, i) => Math.fround(i === 7 ? 80 : 6 * v));
      const x = tf.tensor(xs, [...shape]);
      expectClose(Softmax.forward(Softmax.create(dim), x), softmaxRef(xs, shape, dim, false), 1e-6);
      expectClose(LogSoftmax.forward(LogSoftmax.create(dim), x), softmaxRef(xs, shape, dim, true), 1e-6);
      x.dispose();
    });
  }

  it('Identity returns its input itself, of any dtype', () => {
    const x = tf.tensor1d([1, 2], 'int32');
    expect(Identity.forward(Identity.create(), x)).to.equal(x);
    x.dispose();
  });

  it("take a place in a Sequential as in PyTorch: keys 0.*, 2.*, …; printed with PyTorch's extra lines", () => {
    const net = Sequential.create([Linear.create(6, 16), ReLU.create(), Linear.create(16, 3)]);
    expect(stateDictKeys(net)).to.deep.equal(['0.weight', '0.bias', '2.weight', '2.bias']);
    const deeper = Sequential.create([
      Linear.create(4, 8),
      GELU.create({ approximate: 'tanh' }),
      Dropout.create(0.1),
      Linear.create(8, 8),
      LeakyReLU.create(),
      Linear.create(8, 5),
      LogSoftmax.create(1),
    ]);
    expect(stateDictKeys(deeper)).to.deep.equal(['0.weight', '0.bias', '3.weight', '3.bias', '5.weight', '5.bias']);
    const lines = show(deeper).split('\n');
    expect(lines).to.include.members([
      "  (layers.1): GELU(approximate='tanh')",
      '  (layers.4): LeakyReLU(negative_slope=0.01)',
      '  (layers.6): LogSoftmax(dim=1)',
    ]);
    expect(
      show(Sequential.create([ReLU.create(), ELU.create(), Softmax.create(-1), Identity.create(), SiLU.create()])).split('\n'),
    ).to.include.members([
      '  (layers.0): ReLU()',
      '  (layers.1): ELU(alpha=1)',
      '  (layers.2): Softmax(dim=-1)',
      '  (layers.3): Identity()',
      '  (layers.4): SiLU()',
    ]);
  });

  it('gradients through a Sequential of Linear and activation modules match central finite differences', () => {
    const lazy = Sequential.create([
      Linear.create(3, 5),
      GELU.create(),
      Linear.create(5, 5),
      SiLU.create(),
      Linear.create(5, 4),
      Tanh.create(),
      Softmax.create(-1),
    ]);
    const net = initialize(lazy)(key(4));
    const x = seeded([2, 3], 8);
    const params = toArray(net);
    checkGradients((xi: Tensor) => weightedSum(Sequential.forward(net, xi)), [x], { samples: 6, h: 1e-2, rtol: 3e-3, atol: 1e-4 });
    const elu = Sequential.create([ELU.create(0.7), LeakyReLU.create(0.3), Sigmoid.create(), LogSoftmax.create(1)]);
    // kinks of ELU/LeakyReLU at 0 are avoided: inputs at least 0.1 away from 0
    const away = tf.tensor2d([
      [0.5, -0.7, 1.2],
      [-1.5, 0.3, -0.2],
    ]);
    checkGradients((xi: Tensor) => weightedSum(Sequential.forward(elu, xi)), [away], { samples: 6, h: 1e-2, rtol: 3e-3, atol: 1e-4 });
    tf.dispose([x, away, ...params]);
  });

  it('leak nothing (alone and in a Sequential)', () => {
    const x = seeded([2, 3, 4], 9);
    for (const [name, module] of elementwise) {
      if (name === 'Identity') continue; // returns its input: checked below
      expectNoLeak(() => apply(module as AnyModule<Tensor> as never, x) as Tensor).dispose();
    }
    const before = tf.memory().numTensors;
    Identity.forward(Identity.create(), x);
    expect(tf.memory().numTensors).to.equal(before);
    expectNoLeak(() => Softmax.forward(Softmax.create(1), x)).dispose();
    expectNoLeak(() => LogSoftmax.forward(LogSoftmax.create(0), x)).dispose();
    expectNoLeak(() => Sequential.forward(Sequential.create([ReLU.create(), GELU.create(), Softmax.create(2)]), x)).dispose();
    x.dispose();
  });

  it('configs round-trip through nn.toConfig / nn.fromConfig, and every module is in nn.builtinLayers', () => {
    const modules = [
      ReLU.create(),
      GELU.create(),
      GELU.create({ approximate: 'tanh' }),
      SiLU.create(),
      Tanh.create(),
      Sigmoid.create(),
      Softmax.create(1),
      LogSoftmax.create(-1),
      LeakyReLU.create(0.2),
      ELU.create(0.5),
      Identity.create(),
    ];
    for (const m of modules) {
      const json = toConfig(m);
      expect(toConfig(fromConfig(JSON.parse(JSON.stringify(json))))).to.deep.equal(json);
    }
    expect(toConfig(LeakyReLU.create())).to.deep.equal({ type: 'LeakyReLU', config: { negativeSlope: 0.01 } });
    expect(toConfig(GELU.create())).to.deep.equal({ type: 'GELU', config: { approximate: 'none' } });
    expect(toConfig(ReLU.create())).to.deep.equal({ type: 'ReLU', config: {} });
    expect(builtinLayers.names()).to.include.members([
      'ReLU',
      'GELU',
      'SiLU',
      'Tanh',
      'Sigmoid',
      'Softmax',
      'LogSoftmax',
      'LeakyReLU',
      'ELU',
      'Identity',
    ]);
    const seq = Sequential.create([Linear.create(2, 3), ReLU.create(), Linear.create(3, 2), Softmax.create(1)]);
    expect(toConfig(fromConfig(toConfig(seq)))).to.deep.equal(toConfig(seq));
  });

  it('bad configs and arguments are refused, naming what is wrong', () => {
    const problems = (json: unknown): ReadonlyArray<string> => {
      try {
        fromConfig(json);
      } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
      }
      return [];
    };
    expect(problems({ type: 'GELU', config: { approximate: 'fast' } })).to.deep.equal([
      'config.approximate: expected one of "none", "tanh", got "fast"',
    ]);
    expect(problems({ type: 'Softmax', config: {} })).to.deep.equal(['config.dim: expected an integer, got nothing']);
    expect(problems({ type: 'ReLU', config: { inplace: true } })[0]).to.match(/^config\.inplace: unknown option/);
    expect(problems({ type: 'LeakyReLU', config: { negativeSlope: 'x' } })).to.deep.equal([
      'config.negativeSlope: expected a finite number, got "x"',
    ]);
    expect(() => GELU.create({ approximate: 'fast' as never })).to.throw(
      'GELU.create: approximate must be one of "none", "tanh", got "fast"',
    );
    expect(() => Softmax.create(1.5)).to.throw('Softmax.create: dim must be an integer, got 1.5');
    expect(() => LeakyReLU.create(Number.NaN)).to.throw('LeakyReLU.create: negativeSlope must be a finite number, got NaN');
    expect(() => ELU.create('1' as never)).to.throw('ELU.create: alpha must be a finite number, got "1"');
  });

  it('wrong inputs name the module and its place', () => {
    const net = initialize(Sequential.create([Linear.create(2, 2), ReLU.create(), Softmax.create(3)]))(key(0));
    const x = tf.ones([4, 2]);
    expect(() => Sequential.forward(net, x)).to.throw(
      /Softmax at "layers\.2": softmax: axis 3 is out of range for input of shape \[4, 2\]/,
    );
    const ints = tf.ones([2], 'int32');
    expect(() => ReLU.forward(ReLU.create(), ints)).to.throw(
      'ReLU at the root module: expected input of dtype float32, got int32 (shape [2])',
    );
    expect(() => GELU.forward(GELU.create(), 'x' as never)).to.throw('GELU at the root module: expected input to be a tensor, got string');
    tf.dispose([x, ints, ...toArray(net)]);
  });
});
