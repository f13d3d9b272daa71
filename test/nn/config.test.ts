/**
 * Architecture as data: toConfig → JSON text → fromConfig round trips for every registered layer
 * (each needs a sample here, so a newly registered layer without one fails), Sequential nesting and
 * MLP (also property-based), and validation errors that name the JSON path.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { AdaptiveAvgPool2d } from '../../src/nn/AdaptiveAvgPool2d.js';
import { AvgPool2d } from '../../src/nn/AvgPool2d.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/nn/BatchNorm.js';
import {
  ConfigError,
  decodeLayerConfig,
  fromConfig,
  fromConfigEither,
  registeredLayers,
  registerLayer,
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
import { type AnyModule, assertSameShape, leafEntries, specOf } from '../../src/tree/Module.js';
import { getShow } from '../../src/tree/Show.js';

type Lazy = AnyModule<unknown>;

/** Every registered layer, in a non-default configuration where it has options. */
const samples: Record<string, ReadonlyArray<Lazy>> = {
  Linear: [Linear.create(3, 4), Linear.create(2, 5, { bias: false })],
  Dropout: [Dropout.create(0.3), Dropout.create(0)],
  Sequential: [
    Sequential.create<unknown>([]),
    Sequential.create<unknown>([
      Linear.create(4, 8),
      Dropout.create(0.1),
      Sequential.create<unknown>([MLP.create([8, 6, 2], { activation: 'gelu' }), Dropout.create(0.2)]),
    ]),
  ],
  MLP: [MLP.create([3, 2]), MLP.create([4, 16, 8, 2], { activation: 'silu', finalActivation: 'sigmoid', dropout: 0.25, bias: false })],
  MultiheadAttention: [MultiheadAttention.create(8, 2), MultiheadAttention.create(6, 3, { kdim: 4, vdim: 5, bias: false, dropout: 0.1 })],
  LSTMCell: [LSTMCell.create(3, 5), LSTMCell.create(2, 4, { bias: false })],
  GRUCell: [GRUCell.create(3, 5), GRUCell.create(2, 4, { bias: false })],
  LSTM: [LSTM.create(3, 5), LSTM.create(3, 4, { numLayers: 3, dropout: 0.2, bias: false })],
  GRU: [GRU.create(3, 5), GRU.create(3, 4, { numLayers: 2, dropout: 0.5 })],
  Conv1d: [Conv1d.create(2, 4, 3), Conv1d.create(4, 4, 3, { stride: 2, padding: 1, dilation: 2, groups: 2, bias: false } as never)],
  Conv2d: [Conv2d.create(3, 4, 3), Conv2d.create(4, 8, [3, 1], { padding: 'same', dilation: [1, 2], groups: 4 } as never), Conv2d.create(2, 2, 3, { stride: [2, 1], padding: [1, 0], bias: false } as never)],
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
};

/** The architecture of a lazy module: kinds, constants, and every leaf's path, kind and shape. */
const architecture = (m: Lazy): unknown => ({
  shown: getShow().show(m),
  leaves: leafEntries(m).map(([info, leaf]) => [info.path, info.kind, (leaf as { shape: number[] }).shape]),
});

const roundTrip = (m: Lazy): Lazy => fromConfig(JSON.parse(JSON.stringify(toConfig(m)))) as Lazy;

describe('nn config (architecture as data)', () => {
  it('every registered layer has a sample here', () => {
    expect([...registeredLayers()].sort()).to.deep.equal(Object.keys(samples).sort());
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
    const json = toConfig(Sequential.create<unknown>([Linear.create(2, 3, { bias: false }), Sequential.create<unknown>([Dropout.create(0.5)])]));
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
      .map((c) => MLP.create(c.sizes, c) as Lazy);
    const leaf: fc.Arbitrary<Lazy> = fc.oneof(
      fc.tuple(size, size, fc.boolean()).map(([i, o, bias]) => Linear.create(i, o, { bias }) as Lazy),
      fc.double({ min: 0, max: 0.99, noNaN: true }).map((r) => Dropout.create(r) as Lazy),
      fc.tuple(size, size, fc.integer({ min: 1, max: 3 })).map(([i, h, numLayers]) => LSTM.create(i, h, { numLayers }) as Lazy),
      mlp,
    );
    const seq = fc.array(fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }).map((ls) => Sequential.create<unknown>(ls) as Lazy)), { maxLength: 4 });
    fc.assert(
      fc.property(seq, (layers) => {
        const m = Sequential.create<unknown>(layers);
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
        config: { layers: [lin({ inFeatures: 2, outFeatures: 3 }), { type: 'Dropout', config: { rate: 0.1 } }, lin({ inFeatures: 3, outFeatures: -3 })] },
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
      expect(ps.find((p) => p.startsWith('config.layers.0.config.bais: unknown option'))).to.match(/Linear config takes inFeatures, outFeatures, bias/);
      expect(ps.find((p) => p.startsWith('config.layers.1.type:'))).to.match(/expected a registered layer name \(.*Linear.*\), got "Conv3d"/);
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
      expect(problems({ type: 'MLP', config: { sizes: [3] } })).to.deep.equal(['config.sizes: expected a list of at least 2 positive integers, got [3]']);
      expect(problems({ type: 'Dropout' })).to.deep.equal(['config: expected Dropout config (a JSON object), got nothing']);
    });

    it("a constructor's cross-field rule fails with the layer's path", () => {
      const json = { type: 'Sequential', config: { layers: [lin({ inFeatures: 2, outFeatures: 10 }), { type: 'MultiheadAttention', config: { embedDim: 10, numHeads: 3 } }] } };
      expect(E.isRight(decodeLayerConfig(json))).to.equal(true);
      expect(() => fromConfig(json)).to.throw(ConfigError, /config\.layers\.1: MultiheadAttention\.create: embedDim \(10\) must be divisible by numHeads \(3\)/);
    });
  });

  it('toConfig of an unregistered module says how to register it; a name clash is refused', () => {
    const fake = { ...Linear, URI: 'test/NotLinear' } as never;
    expect(() => registerLayer(fake)).to.throw(/the name "Linear" is taken/);
    registerLayer(Linear); // the same kind again: a no-op
    expect(() => toConfig({ [Symbol.for('parallax-ts/ModuleDef')]: { URI: 'x/Y', name: 'Y', fields: {}, fieldNames: [] } } as never)).to.throw(
      /Y is not a registered layer; give its definition configCodec, toConfig and fromConfig \(see ConfigurableLayer\) and register it with registerLayer\(Y\), or save the weights alone \(io\.saveStateDict\)/,
    );
  });
});
