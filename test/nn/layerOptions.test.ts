/**
 * A layer's options are checked as a whole (src/nn/layerOptions.ts): a flag that is not a boolean,
 * an initializer that is not a function, and a key the layer does not have are each the library's
 * typed error naming the layer and the option, at `create` (and at `forward` for the masks and
 * attention options), instead of a truthy string read as `true`, a TypeError inside `initialize`, or
 * a PyTorch option silently ignored.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { initialize } from '../../src/init/initialize.js';
import * as nn from '../../src/nn/index.js';
import { key } from '../../src/random/PRNGKey.js';
import { ArgumentError } from '../../src/tree/ArgumentError.js';
import { ModuleError } from '../../src/tree/ModuleError.js';
import { paramInit } from '../../src/tree/ParamInit.js';

/** Each layer's `create` with its options last, and its boolean options. */
const layers: ReadonlyArray<readonly [string, (options: unknown) => unknown, ReadonlyArray<string>]> = [
  ['Linear', (o) => nn.Linear.create(4, 2, o as never), ['bias']],
  ['Conv1d', (o) => nn.Conv1d.create(2, 2, 3, o as never), ['bias']],
  ['Conv2d', (o) => nn.Conv2d.create(2, 2, 3, o as never), ['bias']],
  ['ConvTranspose2d', (o) => nn.ConvTranspose2d.create(2, 2, 3, o as never), ['bias']],
  ['Embedding', (o) => nn.Embedding.create(5, 3, o as never), []],
  ['LayerNorm', (o) => nn.LayerNorm.create(4, o as never), ['elementwiseAffine', 'bias']],
  ['RMSNorm', (o) => nn.RMSNorm.create(4, o as never), ['elementwiseAffine']],
  ['GroupNorm', (o) => nn.GroupNorm.create(2, 4, o as never), ['affine']],
  ['BatchNorm1d', (o) => nn.BatchNorm1d.create(4, o as never), ['affine', 'trackRunningStats']],
  ['BatchNorm2d', (o) => nn.BatchNorm2d.create(4, o as never), ['affine', 'trackRunningStats']],
  ['MultiheadAttention', (o) => nn.MultiheadAttention.create(4, 2, o as never), ['bias']],
  ['LSTM', (o) => nn.LSTM.create(4, 3, o as never), ['bias']],
  ['GRU', (o) => nn.GRU.create(4, 3, o as never), ['bias']],
  ['LSTMCell', (o) => nn.LSTMCell.create(4, 3, o as never), ['bias']],
  ['GRUCell', (o) => nn.GRUCell.create(4, 3, o as never), ['bias']],
  ['MLP', (o) => nn.MLP.create([4, 3, 2], o as never), ['bias']],
  ['Flatten', (o) => nn.Flatten.create(o as never), []],
  ['MaxPool2d', (o) => nn.MaxPool2d.create(2, o as never), ['ceilMode']],
  ['AvgPool2d', (o) => nn.AvgPool2d.create(2, o as never), ['ceilMode', 'countIncludePad']],
  ['TransformerEncoderLayer', (o) => nn.TransformerEncoderLayer.create(4, 2, o as never), ['normFirst', 'bias']],
  ['TransformerDecoderLayer', (o) => nn.TransformerDecoderLayer.create(4, 2, o as never), ['normFirst', 'bias']],
  ['TransformerEncoder', (o) => nn.TransformerEncoder.create(nn.TransformerEncoderLayer.create(4, 2), 2, o as never), []],
  ['TransformerDecoder', (o) => nn.TransformerDecoder.create(nn.TransformerDecoderLayer.create(4, 2), 2, o as never), []],
  ['GELU', (o) => nn.GELU.create(o as never), []],
];

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('nn: layer options are checked as a whole', () => {
  it('every flag must be a boolean: a string such as "false" is refused, not read as true', () => {
    for (const [name, create, flags] of layers) {
      for (const flag of flags) {
        for (const bad of ['false', 1, null, {}]) {
          expect(() => create({ [flag]: bad }), `${name} ${flag}`).to.throw(
            ArgumentError,
            new RegExp(`^${name}\\.create: ${flag} must be true or false, got ${escape(JSON.stringify(bad))}$`),
          );
        }
        // ... and both booleans are accepted
        expect(() => create({ [flag]: false }), `${name} ${flag}: false`).not.to.throw();
        expect(() => create({ [flag]: true }), `${name} ${flag}: true`).not.to.throw();
      }
    }
  });

  it('an option the layer does not have is refused with the options it has (PyTorch names included)', () => {
    for (const [name, create] of layers) {
      expect(() => create({ notAnOption: 1 }), name).to.throw(
        ArgumentError,
        new RegExp(`^${name}\\.create: unknown option "notAnOption"; the options are `),
      );
    }
    expect(() => nn.LSTM.create(4, 3, { bidirectional: true } as never)).to.throw(
      ArgumentError,
      'LSTM.create: unknown option "bidirectional"; the options are bias, numLayers, dropout',
    );
    expect(() => nn.Embedding.create(5, 3, { maxNorm: 1 } as never)).to.throw(ArgumentError, 'unknown option "maxNorm"');
    expect(() => nn.MultiheadAttention.create(4, 2, { batchFirst: true } as never)).to.throw(ArgumentError, 'unknown option "batchFirst"');
    expect(() => nn.Conv2d.create(2, 2, 3, { paddingMode: 'reflect' } as never)).to.throw(ArgumentError, 'unknown option "paddingMode"');
    // A key whose value is undefined is an absent option.
    expect(() => nn.Linear.create(4, 2, { bias: undefined, extra: undefined } as never)).not.to.throw();
  });

  it('options must be an object', () => {
    for (const [name, create] of layers) {
      for (const bad of [null, 3, 'bias', [true]]) {
        expect(() => create(bad), `${name} ${JSON.stringify(bad)}`).to.throw(
          ArgumentError,
          new RegExp(`^${name}\\.create: options must be an object`),
        );
      }
    }
  });

  it('an initializer option must be a function, checked at create, not inside initialize', () => {
    const withInitializers: ReadonlyArray<readonly [string, (o: unknown) => unknown, ReadonlyArray<string>]> = [
      ['Linear', (o) => nn.Linear.create(4, 2, o as never), ['weightInit', 'biasInit']],
      ['Conv2d', (o) => nn.Conv2d.create(2, 2, 3, o as never), ['weightInit', 'biasInit']],
      ['Embedding', (o) => nn.Embedding.create(5, 3, o as never), ['weightInit']],
    ];
    for (const [name, create, options] of withInitializers) {
      for (const option of options) {
        expect(() => create({ [option]: 0.02 }), `${name} ${option}`).to.throw(
          ArgumentError,
          `${name}.create: ${option} must be an initializer, a function (shape) => (key) => Tensor such as init.normal(0.02), got 0.02`,
        );
      }
    }
  });

  it('paramInit refuses a non-function initializer and a non-array shape; initialize names the leaf whose initializer returns no function', () => {
    expect(() => paramInit([2], 0 as never)).to.throw(
      ArgumentError,
      'paramInit: init must be an initializer, a function (shape) => (key) => value, got 0',
    );
    expect(() => paramInit(2 as never, () => () => 0)).to.throw(
      ArgumentError,
      'paramInit: shape must be an array of non-negative integers, got 2',
    );
    // A function of the shape alone (the key step forgotten): the error names the leaf, and nothing leaks.
    const layer = nn.Linear.create(4, 2, { biasInit: ((shape: readonly number[]) => tf.zeros([...shape])) as never });
    const before = tf.memory().numTensors;
    let error: unknown;
    try {
      initialize(layer)(key(0));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ModuleError);
    expect((error as ModuleError).message).to.match(
      /^initialize: initializer of "bias" returned a float32 tensor of shape \[2\] for shape \[2\], expected a function of a key/,
    );
    expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
  });

  it('forward options: attention options and transformer masks refuse keys they do not have, as a ModuleError', () => {
    const mha = initialize(nn.MultiheadAttention.create(4, 2))(key(0));
    const x = tf.ones([1, 3, 4]);
    expect(() => nn.MultiheadAttention.forward(mha, x, x, x, { isCausal: true } as never)).to.throw(
      ModuleError,
      'MultiheadAttention.forward: unknown option "isCausal"; the options are attnMask, causal, keyPaddingMask, averageWeights',
    );
    expect(() => nn.MultiheadAttention.attend(mha, x, x, x, { causal: 'yes' } as never)).to.throw(
      ModuleError,
      'causal must be true or false, got "yes"',
    );
    const encoder = initialize(nn.TransformerEncoderLayer.create(4, 2, { dimFeedforward: 8 }))(key(1));
    expect(() => nn.TransformerEncoderLayer.forward(encoder, x, { keyPaddingMask: tf.zeros([1, 3], 'bool') } as never)).to.throw(
      ModuleError,
      'TransformerEncoderLayer.forward: unknown option "keyPaddingMask"; the options are srcMask, srcKeyPaddingMask, isCausal',
    );
    const decoder = initialize(nn.TransformerDecoder.create(nn.TransformerDecoderLayer.create(4, 2, { dimFeedforward: 8 }), 2))(key(2));
    expect(() => nn.TransformerDecoder.forward(decoder, x, x, { memory_mask: tf.zeros([3, 3]) } as never)).to.throw(
      ModuleError,
      'unknown option "memory_mask"',
    );
    // The masks they do have still work.
    const y = nn.TransformerEncoderLayer.forward(encoder, x, { srcKeyPaddingMask: tf.tensor2d([[false, false, true]]) });
    expect(y.shape).to.deep.equal([1, 3, 4]);
  });
});
