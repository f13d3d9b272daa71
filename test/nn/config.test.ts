/**
 * Architecture as data: toConfig → JSON text → fromConfig round trips for every built-in layer
 * (each needs a sample here, so a newly registered layer without one fails), Sequential nesting and
 * MLP (also property-based), validation errors that name the JSON path, and layer registries as
 * values: immutable, extended with `.with`, passed to every function that reads them.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts/lib/index.js';
import { tf } from '../../src/engine/backend.js';
import { initialize } from '../../src/init/initialize.js';
import { key } from '../../src/random/PRNGKey.js';
import { AdaptiveAvgPool2d } from '../../src/nn/AdaptiveAvgPool2d.js';
import { AvgPool2d } from '../../src/nn/AvgPool2d.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/nn/BatchNorm.js';
import {
  builtinLayers,
  ConfigError,
  type ContainerLayer,
  configurable,
  decodeLayerConfig,
  fromConfig,
  fromConfigEither,
  type LayerConfig,
  layerConfigCodec,
  layerRegistry,
  SequentialConfig,
  SequentialLayer,
  toConfig,
} from '../../src/nn/config.js';
import { Conv1d } from '../../src/nn/Conv1d.js';
import { Conv2d } from '../../src/nn/Conv2d.js';
import { ConvTranspose2d } from '../../src/nn/ConvTranspose2d.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Embedding } from '../../src/nn/Embedding.js';
import { Flatten } from '../../src/nn/Flatten.js';
import { GroupNorm } from '../../src/nn/GroupNorm.js';
import { LayerNorm } from '../../src/nn/LayerNorm.js';
import { RMSNorm } from '../../src/nn/RMSNorm.js';
import { GlobalAvgPool2d } from '../../src/nn/GlobalAvgPool2d.js';
import { GRU } from '../../src/nn/GRU.js';
import { GRUCell } from '../../src/nn/GRUCell.js';
import { Linear } from '../../src/nn/Linear.js';
import { LSTM } from '../../src/nn/LSTM.js';
import { LSTMCell } from '../../src/nn/LSTMCell.js';
import { MaxPool2d } from '../../src/nn/MaxPool2d.js';
import { MLP } from '../../src/nn/MLP.js';
import { MultiheadAttention } from '../../src/nn/MultiheadAttention.js';
import { Sequential } from '../../src/nn/Sequential.js';
import { ELU, GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Tanh } from '../../src/nn/activationModules.js';
import { TransformerDecoder } from '../../src/nn/TransformerDecoder.js';
import { TransformerDecoderLayer } from '../../src/nn/TransformerDecoderLayer.js';
import { TransformerEncoder } from '../../src/nn/TransformerEncoder.js';
import { TransformerEncoderLayer } from '../../src/nn/TransformerEncoderLayer.js';
import { anyModules, constant, param } from '../../src/tree/Field.js';
import { type AnyModule, apply, assertSameShape, defineModule, leafEntries, type ModuleType, specOf } from '../../src/tree/Module.js';
import { paramInit } from '../../src/tree/ParamInit.js';
import { getShow } from '../../src/tree/Show.js';

type Lazy = AnyModule<unknown>;

/** Every registered layer, in a non-default configuration where it has options. */
const samples: Record<string, ReadonlyArray<Lazy>> = {
  Linear: [Linear.create(3, 4), Linear.create(2, 5, { bias: false })],
  Dropout: [Dropout.create(0.3), Dropout.create(0)],
  Sequential: [
    Sequential.create([]),
    Sequential.create([
      Linear.create(4, 8),
      Dropout.create(0.1),
      Sequential.create([MLP.create([8, 6, 2], { activation: 'gelu' }), Dropout.create(0.2)]),
    ]),
  ],
  MLP: [MLP.create([3, 2]), MLP.create([4, 16, 8, 2], { activation: 'silu', finalActivation: 'sigmoid', dropout: 0.25, bias: false })],
  MultiheadAttention: [MultiheadAttention.create(8, 2), MultiheadAttention.create(6, 3, { kdim: 4, vdim: 5, bias: false, dropout: 0.1 })],
  LSTMCell: [LSTMCell.create(3, 5), LSTMCell.create(2, 4, { bias: false })],
  GRUCell: [GRUCell.create(3, 5), GRUCell.create(2, 4, { bias: false })],
  LSTM: [LSTM.create(3, 5), LSTM.create(3, 4, { numLayers: 3, dropout: 0.2, bias: false })],
  GRU: [GRU.create(3, 5), GRU.create(3, 4, { numLayers: 2, dropout: 0.5 })],
  Conv1d: [Conv1d.create(2, 4, 3), Conv1d.create(4, 4, 3, { stride: 2, padding: 1, dilation: 2, groups: 2, bias: false } as never)],
  Conv2d: [
    Conv2d.create(3, 4, 3),
    Conv2d.create(4, 8, [3, 1], { padding: 'same', dilation: [1, 2], groups: 4 } as never),
    Conv2d.create(2, 2, 3, { stride: [2, 1], padding: [1, 0], bias: false } as never),
  ],
  ConvTranspose2d: [ConvTranspose2d.create(3, 4, 3), ConvTranspose2d.create(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 } as never)],
  MaxPool2d: [MaxPool2d.create(2), MaxPool2d.create([3, 2], { stride: 1, padding: 1 } as never)],
  AvgPool2d: [AvgPool2d.create(2), AvgPool2d.create(3, { stride: 2, padding: 1, ceilMode: true } as never)],
  AdaptiveAvgPool2d: [AdaptiveAvgPool2d.create([2, 3] as never), AdaptiveAvgPool2d.create(4 as never)],
  GlobalAvgPool2d: [GlobalAvgPool2d.create()],
  Flatten: [Flatten.create(), Flatten.create({ startDim: 0, endDim: -2 })],
  Embedding: [Embedding.create(10, 4), Embedding.create(7, 3, { paddingIdx: 0 } as never)],
  LayerNorm: [LayerNorm.create(4), LayerNorm.create([3, 4], { eps: 1e-6, elementwiseAffine: true, bias: false } as never)],
  RMSNorm: [RMSNorm.create(4), RMSNorm.create([2, 3], { eps: 1e-6, elementwiseAffine: false } as never)],
  GroupNorm: [GroupNorm.create(2, 4), GroupNorm.create(3, 6, { eps: 1e-3, affine: false } as never)],
  BatchNorm1d: [BatchNorm1d.create(4), BatchNorm1d.create(3, { momentum: null, affine: false, trackRunningStats: false } as never)],
  BatchNorm2d: [BatchNorm2d.create(4), BatchNorm2d.create(2, { eps: 1e-3, momentum: 0.3 } as never)],
  ReLU: [ReLU.create()],
  GELU: [GELU.create(), GELU.create({ approximate: 'tanh' })],
  SiLU: [SiLU.create()],
  Tanh: [Tanh.create()],
  Sigmoid: [Sigmoid.create()],
  Softmax: [Softmax.create(1), Softmax.create(-1)],
  LogSoftmax: [LogSoftmax.create(0)],
  LeakyReLU: [LeakyReLU.create(), LeakyReLU.create(0.2)],
  ELU: [ELU.create(), ELU.create(0.5)],
  Identity: [Identity.create()],
  TransformerEncoderLayer: [
    TransformerEncoderLayer.create(8, 2, { dimFeedforward: 16 }),
    TransformerEncoderLayer.create(8, 4, {
      dimFeedforward: 12,
      dropout: 0,
      activation: 'gelu',
      layerNormEps: 1e-6,
      normFirst: true,
      bias: false,
    }),
  ],
  TransformerEncoder: [
    TransformerEncoder.create(TransformerEncoderLayer.create(8, 2, { dimFeedforward: 16 }), 2),
    TransformerEncoder.create(TransformerEncoderLayer.create(8, 2, { dimFeedforward: 16, normFirst: true }), 3, {
      norm: LayerNorm.create(8),
    }),
  ],
  TransformerDecoderLayer: [TransformerDecoderLayer.create(8, 2, { dimFeedforward: 16, bias: false })],
  TransformerDecoder: [
    TransformerDecoder.create(TransformerDecoderLayer.create(8, 2, { dimFeedforward: 16 }), 2, {
      norm: LayerNorm.create(8, { eps: 1e-6 }),
    }),
  ],
};

/** The architecture of a lazy module: kinds, constants, and every leaf's path, kind and shape. */
const architecture = (m: Lazy): unknown => ({
  shown: getShow().show(m),
  leaves: leafEntries(m).map(([info, leaf]) => [info.path, info.kind, (leaf as { shape: number[] }).shape]),
});

const roundTrip = (m: Lazy): Lazy => fromConfig(JSON.parse(JSON.stringify(toConfig(m)))) as Lazy;

describe('nn config (architecture as data)', () => {
  it('every registered layer has a sample here', () => {
    expect([...builtinLayers.names()]).to.deep.equal(Object.keys(samples).sort());
  });

  for (const [name, ms] of Object.entries(samples)) {
    it(`${name}: toConfig → JSON text → fromConfig rebuilds the same architecture, and toConfig again gives the same JSON`, () => {
      for (const m of ms) {
        const json = toConfig(m);
        expect(json.type).to.equal(name);
        const back = roundTrip(m);
        expect(specOf(back).URI).to.equal(specOf(m).URI);
        assertSameShape(m, back);
        expect(architecture(back)).to.deep.equal(architecture(m));
        expect(toConfig(back)).to.deep.equal(json);
      }
    });
  }

  it('a nested Sequential writes its children in the same { type, config } form', () => {
    const json = toConfig(Sequential.create([Linear.create(2, 3, { bias: false }), Sequential.create([Dropout.create(0.5)])]));
    expect(json).to.deep.equal({
      type: 'Sequential',
      config: {
        layers: [
          { type: 'Linear', config: { inFeatures: 2, outFeatures: 3, bias: false } },
          { type: 'Sequential', config: { layers: [{ type: 'Dropout', config: { rate: 0.5 } }] } },
        ],
      },
    });
  });

  it('property: random MLPs and Sequentials of Linear/Dropout/LSTM round trip', () => {
    const size = fc.integer({ min: 1, max: 6 });
    const mlp = fc
      .record({
        sizes: fc.array(size, { minLength: 2, maxLength: 5 }),
        activation: fc.constantFrom('relu', 'gelu', 'tanh', 'elu', 'identity' as const),
        dropout: fc.constantFrom(0, 0.1, 0.5),
        bias: fc.boolean(),
      })
      .map(({ sizes, ...options }) => MLP.create(sizes, options) as Lazy);
    const leaf: fc.Arbitrary<Lazy> = fc.oneof(
      fc.tuple(size, size, fc.boolean()).map(([i, o, bias]) => Linear.create(i, o, { bias }) as Lazy),
      fc.double({ min: 0, max: 0.99, noNaN: true }).map((r) => Dropout.create(r) as Lazy),
      fc.tuple(size, size, fc.integer({ min: 1, max: 3 })).map(([i, h, numLayers]) => LSTM.create(i, h, { numLayers }) as Lazy),
      mlp,
    );
    const seq = fc.array(
      fc.oneof(
        leaf,
        fc.array(leaf, { maxLength: 3 }).map((ls) => Sequential.create(ls) as Lazy),
      ),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(seq, (layers) => {
        const m = Sequential.create(layers);
        const back = roundTrip(m);
        expect(architecture(back)).to.deep.equal(architecture(m));
        expect(toConfig(back)).to.deep.equal(toConfig(m));
      }),
      { numRuns: 60 },
    );
  });

  describe('validation errors name the JSON path', () => {
    const problems = (json: unknown): ReadonlyArray<string> => {
      const r = decodeLayerConfig(json);
      return E.isLeft(r) ? r.left : expect.fail('expected a validation error');
    };
    const lin = (config: unknown) => ({ type: 'Linear', config });

    it('a bad field deep inside a Sequential', () => {
      const json = {
        type: 'Sequential',
        config: {
          layers: [
            lin({ inFeatures: 2, outFeatures: 3 }),
            { type: 'Dropout', config: { rate: 0.1 } },
            lin({ inFeatures: 3, outFeatures: -3 }),
          ],
        },
      };
      expect(problems(json)).to.deep.equal(['config.layers.2.config.outFeatures: expected a positive integer, got -3']);
      expect(() => fromConfig(json)).to.throw(ConfigError, /config\.layers\.2\.config\.outFeatures: expected a positive integer, got -3/);
      const either = fromConfigEither(json);
      expect(E.isLeft(either) && either.left).to.deep.equal(['config.layers.2.config.outFeatures: expected a positive integer, got -3']);
    });

    it('every problem is reported: missing, mistyped, unknown options, unknown layer types, bad keys', () => {
      const json = {
        type: 'Sequential',
        config: {
          layers: [
            lin({ inFeatures: 2.5, bais: true }),
            { type: 'Conv3d', config: {} },
            { type: 'MLP', config: { sizes: [4, 0, 2], activation: 'swish' } },
            { type: 'Sequential', config: { layers: [{ type: 'Dropout', config: { rate: 1 } }] } },
            { type: 'LSTM', config: { inputSize: 3, hiddenSize: 4, numLayers: '2' }, extra: 1 },
            'Linear',
          ],
        },
      };
      const ps = problems(json);
      expect(ps).to.include.members([
        'config.layers.0.config.inFeatures: expected a positive integer, got 2.5',
        'config.layers.0.config.outFeatures: expected a positive integer, got nothing',
        'config.layers.2.config.sizes.1: expected a positive integer, got 0',
        'config.layers.3.config.layers.0.config.rate: expected a number in [0, 1), got 1',
        'config.layers.4.config.numLayers: expected a positive integer, got "2"',
      ]);
      expect(ps.find((p) => p.startsWith('config.layers.0.config.bais: unknown option'))).to.match(
        /Linear config takes inFeatures, outFeatures, bias/,
      );
      expect(ps.find((p) => p.startsWith('config.layers.1.type:'))).to.match(
        /expected a registered layer name \(.*Linear.*\), got "Conv3d"/,
      );
      expect(ps.find((p) => p.startsWith('config.layers.2.config.activation:'))).to.match(/expected one of "relu", .*got "swish"/);
      expect(ps.find((p) => p.startsWith('config.layers.4.extra:'))).to.match(/unknown key/);
      expect(ps.find((p) => p.startsWith('config.layers.5:'))).to.match(/expected a layer config .*got "Linear"/);
      expect(ps.length).to.equal(10);
    });

    it('a union-typed option is reported once, at its own key, with the union named', () => {
      const ps = problems({ type: 'BatchNorm2d', config: { numFeatures: 3, momentum: 'fast' } });
      expect(ps).to.have.length(1);
      expect(ps[0]).to.match(/^config\.momentum: expected .*finite number.*null.*, got "fast"$/);
    });

    it('top-level problems and too-short MLP sizes', () => {
      expect(problems(null)[0]).to.match(/^\(root\): expected a layer config/);
      expect(problems({ type: 'MLP', config: { sizes: [3] } })).to.deep.equal([
        'config.sizes: expected a list of at least 2 positive integers, got [3]',
      ]);
      expect(problems({ type: 'Dropout' })).to.deep.equal(['config: expected Dropout config (a JSON object), got nothing']);
    });

    it("a constructor's cross-field rule fails with the layer's path", () => {
      const json = {
        type: 'Sequential',
        config: {
          layers: [lin({ inFeatures: 2, outFeatures: 10 }), { type: 'MultiheadAttention', config: { embedDim: 10, numHeads: 3 } }],
        },
      };
      expect(E.isRight(decodeLayerConfig(json))).to.equal(true);
      expect(() => fromConfig(json)).to.throw(
        ConfigError,
        /config\.layers\.1: MultiheadAttention\.create: embedDim \(10\) must be divisible by numHeads \(3\)/,
      );
    });
  });

  it('toConfig of an unregistered module says how to register it; a name clash is refused', () => {
    const fake = { ...Linear, URI: 'test/NotLinear' } as never;
    expect(() => builtinLayers.with(fake)).to.throw(
      /the name "Linear" is taken by parallax-ts\/nn\/Linear, so test\/NotLinear cannot have it/,
    );
    expect(builtinLayers.with(Linear)).to.equal(builtinLayers, 'the same kind again: a no-op');
    expect(() =>
      toConfig({ [Symbol.for('parallax-ts/ModuleDef')]: { URI: 'x/Y', name: 'Y', fields: {}, fieldNames: [] } } as never),
    ).to.throw(
      /Y is not a registered layer \(the registry holds AdaptiveAvgPool2d, .*, Sequential, .*\); give its definition a config with nn\.configurable \(see ConfigurableLayer\) and add it to the registry \(registry\.with\(Y\)\), or save the weights alone \(io\.encodeStateDict, or saveStateDict from parallax-ts\/node\)/,
    );
  });
});

// -------------------------------------------------------------------------------------
// registries as values
// -------------------------------------------------------------------------------------

/** A user layer made configurable: `y = x * factor`, one parameter-free constant. */
const ScaleDef = defineModule('test/config/Scale', {
  name: 'Scale',
  fields: { factor: constant<number>() },
  create: (factor: number) => ({ factor }),
  forward: (m, x: tf.Tensor) => tf.mul(x, m.factor),
});
const Scale = configurable(ScaleDef, t.type({ factor: t.number }), {
  toConfig: (m) => ({ factor: m.factor }),
  fromConfig: (c) => {
    if (c.factor === 0) throw new Error('Scale.create: factor must not be 0');
    return ScaleDef.create(c.factor);
  },
});

/** A user layer with a parameter, to check that a custom layer's leaves survive the round trip. */
const BiasDef = defineModule('test/config/Bias', {
  name: 'Bias',
  fields: { bias: param(), size: constant<number>() },
  create: (size: number) => ({ bias: paramInit([size], (shape) => () => tf.ones([...shape])), size }),
  forward: (m, x: tf.Tensor) => tf.add(x, m.bias),
});
const Bias = configurable(BiasDef, t.type({ size: t.number }), {
  toConfig: (m) => ({ size: m.size }),
  fromConfig: (c) => BiasDef.create(c.size),
});
type Bias<A> = ModuleType<typeof Bias, A>;

/** A user container: `x + layers(x)`; its children come from the registry it sits in. */
const Residual = defineModule('test/config/Residual', {
  name: 'Residual',
  fields: { layers: anyModules() },
  forward: (m, x: tf.Tensor) =>
    tf.add(
      x,
      m.layers.reduce((h: tf.Tensor, l) => apply(l as AnyModule<tf.Tensor>, h) as tf.Tensor, x),
    ),
});
const ResidualLayer: ContainerLayer<{ readonly layers: ReadonlyArray<LayerConfig> }> = {
  container: true,
  URI: Residual.URI,
  name: Residual.name,
  configCodec: (layer) => t.strict({ layers: t.readonlyArray(layer) }),
  toConfig: (m: ModuleType<typeof Residual, unknown>, child) => ({ layers: m.layers.map(child) }),
  fromConfig: (c, child) => Residual.make({ layers: c.layers.map((l, i) => child(l, `layers.${i}`)) }),
};

describe('nn config: layer registries are values', () => {
  it('`with` returns a new registry and leaves the one it was called on unchanged', () => {
    const small = layerRegistry([Linear]);
    const bigger = small.with(Dropout);
    const renamed = bigger.with(Linear, 'Dense');
    expect(small.names()).to.deep.equal(['Linear']);
    expect(bigger.names()).to.deep.equal(['Dropout', 'Linear']);
    expect(renamed.names()).to.deep.equal(['Dense', 'Dropout', 'Linear']);
    expect(bigger.names()).to.deep.equal(['Dropout', 'Linear'], 'adding a name made a new registry');
    expect(Object.isFrozen(small)).to.equal(true);
    // What each registry can build: `small` knows no Dropout, `bigger` does.
    const dropout = { type: 'Dropout', config: { rate: 0.5 } };
    expect(() => fromConfig(dropout, small)).to.throw(ConfigError, /type: expected a registered layer name \(Linear\), got "Dropout"/);
    expect(specOf(fromConfig(dropout, bigger)).name).to.equal('Dropout');
    // A kind registered under a second name is built from either, and written with the last one.
    expect(specOf(fromConfig({ type: 'Dense', config: { inFeatures: 2, outFeatures: 3 } }, renamed)).URI).to.equal(Linear.URI);
    expect(toConfig(Linear.create(2, 3), renamed).type).to.equal('Dense');
    expect(toConfig(Linear.create(2, 3), bigger).type).to.equal('Linear');
    // The built-in registry is never extended by what others add.
    expect(builtinLayers.with(Scale).names()).to.include('Scale');
    expect(builtinLayers.names()).to.not.include('Scale');
  });

  it('a name clash is an error and leaves the registry as it was; an entry that is no configurable layer is refused', () => {
    const small = layerRegistry([Linear, Dropout]);
    const impostor = { ...Dropout, URI: 'test/config/OtherDropout' };
    expect(() => small.with(impostor)).to.throw(
      'LayerRegistry.with: the name "Dropout" is taken by parallax-ts/nn/Dropout, so test/config/OtherDropout cannot have it; give it another name: registry.with(layer, \'Dropout2\')',
    );
    expect(small.names()).to.deep.equal(['Dropout', 'Linear']);
    expect(small.with(impostor, 'OtherDropout').names()).to.deep.equal(['Dropout', 'Linear', 'OtherDropout']);
    expect(() => layerRegistry([Linear, Linear.create(2, 3) as never])).to.throw(
      /LayerRegistry\.with: .*is not a configurable layer: it lacks URI, name, toConfig, fromConfig, configCodec/,
    );
    expect(() => layerRegistry([{ ...Linear, configCodec: undefined } as never])).to.throw(
      /Linear is not a configurable layer: it lacks configCodec \(give its definition a config with nn\.configurable\)/,
    );
    expect(() => small.with(Linear, '')).to.throw(/the name must be a non-empty string/);
    expect(() => fromConfig({ type: 'Linear', config: {} }, {} as never)).to.throw(/expected a LayerRegistry/);
  });

  it('fromConfig / toConfig with a custom registry: a user layer inside a Sequential round trips, and only there', () => {
    const registry = builtinLayers.with(Scale).with(Bias);
    const json = {
      type: 'Sequential',
      config: {
        layers: [
          { type: 'Linear', config: { inFeatures: 2, outFeatures: 3, bias: true } },
          { type: 'Scale', config: { factor: 0.5 } },
          { type: 'Sequential', config: { layers: [{ type: 'Bias', config: { size: 3 } }] } },
        ],
      },
    };
    const m = fromConfig(json, registry);
    expect(toConfig(m, registry)).to.deep.equal(json);
    expect(leafEntries(m).map(([info]) => info.path)).to.deep.equal(['layers.0.weight', 'layers.0.bias', 'layers.2.layers.0.bias']);
    expect(E.isRight(fromConfigEither(json, registry))).to.equal(true);
    // It runs: Linear, then * 0.5, then + 1.
    const net = initialize(m)(key(0));
    const x = tf.tensor2d([[1, -1]]);
    const lin = (net as unknown as Sequential<tf.Tensor>).layers[0] as Linear<tf.Tensor>;
    const expected = tf.add(tf.mul(Linear.forward(lin, x), 0.5), 1);
    expect(Array.from((apply(net as AnyModule<tf.Tensor>, x) as tf.Tensor).dataSync())).to.deep.equal(Array.from(expected.dataSync()));
    expect(((net as unknown as Sequential<tf.Tensor>).layers[2] as unknown as Sequential<tf.Tensor>).layers[0]).to.satisfy(
      (b: Bias<tf.Tensor>) => Array.from(b.bias.dataSync()).every((v) => v === 1),
    );
    // The built-in registry knows no Scale, at any depth, and says which names it knows.
    expect(decodeLayerConfig(json)).to.satisfy(E.isLeft);
    const r = decodeLayerConfig(json);
    expect(E.isLeft(r) && r.left).to.deep.equal([
      `config.layers.1.type: expected a registered layer name (${builtinLayers.names().join(', ')}), got "Scale"`,
      `config.layers.2.config.layers.0.type: expected a registered layer name (${builtinLayers.names().join(', ')}), got "Bias"`,
    ]);
    expect(() => toConfig(m)).to.throw(/toConfig: Scale is not a registered layer/);
    // Validation and build errors of a user layer name their JSON path.
    expect(
      decodeLayerConfig({ type: 'Sequential', config: { layers: [{ type: 'Scale', config: { factor: 'x' } }] } }, registry),
    ).to.deep.equal(E.left(['config.layers.0.config.factor: expected number, got "x"']));
    expect(() => fromConfig({ type: 'Sequential', config: { layers: [{ type: 'Scale', config: { factor: 0 } }] } }, registry)).to.throw(
      ConfigError,
      /config\.layers\.0: Scale\.create: factor must not be 0/,
    );
    tf.dispose([x, expected, ...leafEntries(net).map(([, l]) => l as tf.Tensor)]);
  });

  it('a registry made from scratch builds Sequentials only if it holds SequentialLayer; a user container decodes its children with its registry', () => {
    const noSequential = layerRegistry([Linear]);
    expect(() => fromConfig({ type: 'Sequential', config: { layers: [] } }, noSequential)).to.throw(
      /expected a registered layer name \(Linear\), got "Sequential"/,
    );
    const withSequential = layerRegistry([SequentialLayer, Linear]);
    expect(specOf(fromConfig({ type: 'Sequential', config: { layers: [] } }, withSequential)).URI).to.equal(Sequential.URI);

    const registry = layerRegistry([ResidualLayer, Linear, Scale]);
    const json = {
      type: 'Residual',
      config: {
        layers: [
          { type: 'Linear', config: { inFeatures: 2, outFeatures: 2, bias: false } },
          { type: 'Scale', config: { factor: 2 } },
        ],
      },
    };
    const m = fromConfig(json, registry);
    expect(specOf(m).URI).to.equal(Residual.URI);
    expect(toConfig(m, registry)).to.deep.equal(json);
    // It runs: x + 2 (W x).
    const net = initialize(m)(key(1)) as ModuleType<typeof Residual, tf.Tensor>;
    const x = tf.tensor2d([[1, -2]]);
    const w = net.layers[0] as Linear<tf.Tensor>;
    const expected = tf.add(x, tf.mul(tf.matMul(x, w.weight, false, true), 2));
    expect(Array.from(Residual.forward(net, x).dataSync())).to.deep.equal(Array.from(expected.dataSync()));
    // Children are checked by the registry the container sits in, at their own paths; not by the built-in one.
    expect(
      decodeLayerConfig(
        {
          type: 'Residual',
          config: {
            layers: [
              { type: 'Dropout', config: { rate: 0.1 } },
              { type: 'Linear', config: { inFeatures: 0, outFeatures: 1 } },
            ],
          },
        },
        registry,
      ),
    ).to.deep.equal(
      E.left([
        'config.layers.0.type: expected a registered layer name (Linear, Residual, Scale), got "Dropout"',
        'config.layers.1.config.inFeatures: expected a positive integer, got 0',
      ]),
    );
    expect(() =>
      fromConfig({ type: 'Residual', config: { layers: [json.config.layers[0], { type: 'Scale', config: { factor: 0 } }] } }, registry),
    ).to.throw(ConfigError, /config\.layers\.1: Scale\.create: factor must not be 0/);
    // The container inside a built-in Sequential: the Sequential decodes its children with the same registry.
    const nested = { type: 'Sequential', config: { layers: [json] } };
    expect(
      toConfig(fromConfig(nested, builtinLayers.with(ResidualLayer).with(Scale)), builtinLayers.with(ResidualLayer).with(Scale)),
    ).to.deep.equal(nested);
    tf.dispose([x, expected, w.weight, w.bias]);
  });

  it('layerConfigCodec is one codec per registry; SequentialConfig checks children against the built-in layers', () => {
    const registry = builtinLayers.with(Scale);
    expect(layerConfigCodec(registry)).to.equal(layerConfigCodec(registry));
    expect(layerConfigCodec(registry)).to.not.equal(layerConfigCodec(builtinLayers));
    expect(layerConfigCodec(registry).is({ type: 'Scale', config: { factor: 1 } })).to.equal(true);
    expect(layerConfigCodec(builtinLayers).is({ type: 'Scale', config: { factor: 1 } })).to.equal(false);
    expect(E.isRight(SequentialConfig.decode({ layers: [{ type: 'Linear', config: { inFeatures: 2, outFeatures: 3 } }] }))).to.equal(true);
    expect(E.isLeft(SequentialConfig.decode({ layers: [{ type: 'Scale', config: { factor: 1 } }] }))).to.equal(true);
  });
});

// -------------------------------------------------------------------------------------
// bounded work from bounded input (issue 10): limits, depth, width, problem lists
// -------------------------------------------------------------------------------------

describe('nn config: limits, depth and width', () => {
  const lstm = (numLayers: number) => ({ type: 'LSTM', config: { inputSize: 3, hiddenSize: 4, numLayers } });
  const nestedJson = (depth: number): unknown => {
    let json: unknown = { type: 'Dropout', config: { rate: 0.5 } };
    for (let i = 1; i < depth; i++) json = { type: 'Sequential', config: { layers: [json] } };
    return json;
  };
  const nestedModule = (depth: number): AnyModule<unknown> => {
    let m: AnyModule<unknown> = Dropout.create(0.5);
    for (let i = 1; i < depth; i++) m = Sequential.create([m]) as AnyModule<unknown>;
    return m;
  };

  it('LSTM / GRU with numLayers 1e6 or 1e9 are refused within the leaf limit, quickly, naming the limit', () => {
    for (const json of [
      lstm(1_000_000),
      lstm(1_000_000_000),
      { type: 'GRU', config: { inputSize: 3, hiddenSize: 4, numLayers: 1_000_000 } },
    ]) {
      const started = performance.now();
      expect(() => fromConfig(json))
        .to.throw(ConfigError)
        .with.property('problems')
        .that.deep.equals([
          '(root): the architecture declares more than 262144 parameter tensors (nn.CONFIG_LIMITS; pass larger limits to nn.fromConfig if this model is meant to be that large)',
        ]);
      expect(performance.now() - started).to.be.lessThan(3000);
    }
    // Within larger limits, a big stack builds (4 leaves per layer).
    const big = fromConfig(lstm(100_000), builtinLayers, { maxLeaves: 400_000 }) as LSTM<unknown>;
    expect(big.layers.length).to.equal(100_000);
    expect(() => fromConfig(lstm(100_000), builtinLayers, { maxLeaves: 399_999 })).to.throw(
      ConfigError,
      /more than 399999 parameter tensors/,
    );
  });

  it('a parameter count past 2^31 elements is refused before anything is allocated; maxParameters lowers or lifts the bound', () => {
    expect(() => fromConfig({ type: 'Linear', config: { inFeatures: 50_000, outFeatures: 50_000 } })).to.throw(
      ConfigError,
      /\(root\): the architecture declares more than 2147483648 parameter elements/,
    );
    const json = { type: 'Sequential', config: { layers: [{ type: 'Linear', config: { inFeatures: 10, outFeatures: 10 } }, lstm(1)] } };
    // Linear: 100 + 10 elements; the LSTM at config.layers.1 passes 150.
    expect(() => fromConfig(json, builtinLayers, { maxParameters: 150 })).to.throw(
      ConfigError,
      /config\.layers\.1: the architecture declares more than 150 parameter elements/,
    );
    expect(
      specOf(
        fromConfig({ type: 'Linear', config: { inFeatures: 50_000, outFeatures: 50_000 } }, builtinLayers, { maxParameters: Infinity }),
      ).name,
    ).to.equal('Linear');
    expect(() => fromConfig(json, builtinLayers, { maxDepth: -1 } as never)).to.throw(
      ConfigError,
      /limits\.maxDepth: expected a non-negative integer or Infinity, got -1/,
    );
  });

  it('reproduction 3: a Sequential of 200,000 bad layers lists 100 problems and counts the rest; 200,000 good ones build', () => {
    const json = { type: 'Sequential', config: { layers: Array(200_000).fill(0) } };
    let error: unknown;
    try {
      fromConfig(json);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).to.have.length(101);
    expect(problems[0]).to.equal('config.layers.0: expected a layer config { "type": ..., "config": {...} }, got 0');
    expect(problems[100]).to.equal('and 199900 more problems (not listed)');
    const r = decodeLayerConfig(json);
    expect(E.isLeft(r) && r.left.length).to.equal(101);
    const wide = fromConfig({
      type: 'Sequential',
      config: { layers: Array.from({ length: 200_000 }, () => ({ type: 'Flatten', config: {} })) },
    });
    expect((wide as Sequential<unknown>).layers).to.have.length(200_000);
  });

  it('nesting: 2,000 levels decode, build and write back without recursion; past maxDepth (10,000) a ConfigError at an abbreviated path', () => {
    const m = fromConfig(nestedJson(2000));
    expect(toConfig(m)).to.satisfy((c: LayerConfig) => c.type === 'Sequential');
    expect(layerConfigCodec(builtinLayers).is(nestedJson(2000))).to.equal(true);
    let error: unknown;
    try {
      fromConfig(nestedJson(10_001));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).problems).to.deep.equal([
      // the 10,001st layer sits under the 9,999 containers of its parent's path (abbreviated) and one more step
      `${'config.layers.0.'.repeat(8)}(9983 levels).${'config.layers.0.'.repeat(8)}config.layers.0: layers nested deeper than 10000 levels (the limit: maxDepth of nn.ConfigLimits)`,
    ]);
    expect(() => fromConfig(nestedJson(4), builtinLayers, { maxDepth: 3 })).to.throw(
      ConfigError,
      /config\.layers\.0\.config\.layers\.0: layers nested deeper than 3 levels/,
    );
    expect(specOf(fromConfig(nestedJson(4), builtinLayers, { maxDepth: 4 })).name).to.equal('Sequential');
  });

  it('toConfig checks the same depth: whatever it writes, fromConfig builds', () => {
    expect(toConfig(nestedModule(10_000)).type).to.equal('Sequential');
    expect(() => toConfig(nestedModule(10_001))).to.throw(ConfigError, /layers nested deeper than 10000 levels/);
    expect(toConfig(nestedModule(10_001), builtinLayers, { maxDepth: 10_001 }).type).to.equal('Sequential');
  });

  it('a bad value is described in a bounded line, however deep or large', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(decodeLayerConfig({ type: 'Dropout', config: { rate: deep } })).to.deep.equal(
      E.left([`config.rate: expected a number in [0, 1), got ${'['.repeat(57)}...`]),
    );
    expect(decodeLayerConfig({ type: 'MLP', config: { sizes: Array(1_000_000).fill('a') } })).to.satisfy(
      (r: E.Either<ReadonlyArray<string>, unknown>) => E.isLeft(r) && r.left.length <= 101,
    );
  });

  it('a container that builds one child twice gets two modules, as two constructor calls give', () => {
    const Twice: ContainerLayer<{ readonly layers: ReadonlyArray<LayerConfig> }> = {
      ...ResidualLayer,
      name: 'Twice',
      URI: 'test/config/Twice',
      fromConfig: (c, child) => Residual.make({ layers: [child(c.layers[0]!, 'layers.0'), child(c.layers[0]!, 'layers.0')] }),
    };
    const registry = builtinLayers.with(Twice);
    const m = fromConfig(
      { type: 'Twice', config: { layers: [{ type: 'Linear', config: { inFeatures: 2, outFeatures: 2 } }] } },
      registry,
    ) as unknown as {
      layers: ReadonlyArray<Linear<unknown>>;
    };
    expect(m.layers).to.have.length(2);
    expect(m.layers[0]).to.not.equal(m.layers[1]);
    expect(m.layers[0]!.weight).to.not.equal(m.layers[1]!.weight);
  });
});
