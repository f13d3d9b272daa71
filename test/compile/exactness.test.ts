/**
 * A compiled training step computes what the uncompiled step computes, bit for bit, step after
 * step: every layer (dropout keys threaded, BatchNorm buffers), every loss and every optimizer, on
 * cpu and wasm. The expectation is the uncompiled step itself, run side by side from the same state.
 */
import { expect } from 'chai';
import {
  compile,
  defineModule,
  type ModuleType,
  dispose,
  initialize,
  losses,
  nn,
  optim,
  random,
  ready,
  submodule,
  tf,
} from '../../src/index.js';
import type { AnyModule } from '../../src/tree/Field.js';

type Tensor = tf.Tensor;
const backends = ['cpu', 'wasm'] as const;

/** Tensors (as bits), numbers and keys of a value, in a fixed walk order. */
const leavesOf = (u: unknown): unknown[] => {
  const out: unknown[] = [];
  const stack: unknown[] = [u];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v instanceof tf.Tensor) {
      const d = v.dataSync();
      out.push(`${v.dtype}[${v.shape.join(',')}]`, Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).join(','));
    } else if (random.isPRNGKey(v)) out.push(`key ${v.data.join(',')}`);
    else if (typeof v === 'object' && v !== null) {
      for (const k of Object.keys(v).reverse()) stack.push((v as Record<string, unknown>)[k]);
    } else out.push(v);
  }
  return out;
};

/**
 * Runs `steps` training steps uncompiled and compiled from equal states (the model made twice from
 * the same key) on the same batches, and expects equal metrics and equal states after every step.
 */
const expectSameSteps = <M extends AnyModule<Tensor>, B, S>(
  makeModel: () => M,
  options: optim.TrainStepOptions<M, B, S>,
  batch: (i: number) => B,
  steps = 3,
): void => {
  const plain = optim.trainStep(options);
  const fast = compile(optim.trainStep(options));
  let a = plain.init(makeModel(), random.key(7));
  let b = fast.init(makeModel(), random.key(7));
  const before = tf.memory().numTensors;
  for (let i = 0; i < steps; i++) {
    const x = tf.tidy(() => batch(i) as tf.TensorContainer) as B;
    const [nextA, metricsA] = plain(a, x);
    const [nextB, metricsB] = fast(b, x);
    dispose(x);
    a = nextA;
    b = nextB;
    expect(metricsB, `metrics after step ${i + 1}`).to.deep.equal(metricsA);
    expect(Number.isFinite(metricsA.loss)).to.equal(true);
    const la = leavesOf(a);
    const lb = leavesOf(b);
    expect(lb.length).to.equal(la.length);
    for (let j = 0; j < la.length; j++) expect(lb[j], `state leaf ${j} after step ${i + 1}`).to.equal(la[j]);
  }
  expect(fast.stats()).to.deep.include({ recordings: 1, replays: steps - 1, fallbacks: 0 });
  expect(tf.memory().numTensors).to.equal(before);
  dispose([a.params, a.optState, b.params, b.optState]);
  fast.dispose();
};

const Sequence = defineModule('parallax-ts-test/compile/Sequence', {
  name: 'Sequence',
  fields: {
    emb: submodule(nn.Embedding),
    lstm: submodule(nn.LSTM),
    gru: submodule(nn.GRU),
    attn: submodule(nn.MultiheadAttention),
    enc: submodule(nn.TransformerEncoderLayer),
    dec: submodule(nn.TransformerDecoderLayer),
    head: submodule(nn.Linear),
  },
  create: () => ({
    emb: nn.Embedding.create(11, 8),
    lstm: nn.LSTM.create(8, 8, { numLayers: 2, dropout: 0.25 }),
    gru: nn.GRU.create(8, 8),
    attn: nn.MultiheadAttention.create(8, 2, { dropout: 0.1 }),
    enc: nn.TransformerEncoderLayer.create(8, 2, { dimFeedforward: 16, dropout: 0.1 }),
    dec: nn.TransformerDecoderLayer.create(8, 2, { dimFeedforward: 16, dropout: 0.1 }),
    head: nn.Linear.create(8, 11),
  }),
  forward: (m, idx: Tensor) => {
    const e = nn.Embedding.forward(m.emb, idx); // [L, N, 8]
    const [h] = nn.LSTM.forward(m.lstm, e);
    const [g] = nn.GRU.forward(m.gru, h);
    const a = nn.MultiheadAttention.forward(m.attn, g);
    const enc = nn.TransformerEncoderLayer.forward(m.enc, a, { isCausal: true });
    const dec = nn.TransformerDecoderLayer.forward(m.dec, enc, e);
    return tf.reshape(nn.Linear.forward(m.head, dec), [-1, 11]);
  },
});

const Stacks = defineModule('parallax-ts-test/compile/Stacks', {
  name: 'Stacks',
  fields: {
    lstmCell: submodule(nn.LSTMCell),
    gruCell: submodule(nn.GRUCell),
    encoder: submodule(nn.TransformerEncoder),
    decoder: submodule(nn.TransformerDecoder),
    pool: submodule(nn.GlobalAvgPool2d),
    acts: submodule(nn.Sequential),
  },
  create: () => ({
    lstmCell: nn.LSTMCell.create(6, 6),
    gruCell: nn.GRUCell.create(6, 6),
    encoder: nn.TransformerEncoder.create(nn.TransformerEncoderLayer.create(6, 2, { dimFeedforward: 12, normFirst: true }), 2, {
      norm: nn.LayerNorm.create(6),
    }),
    decoder: nn.TransformerDecoder.create(nn.TransformerDecoderLayer.create(6, 3, { dimFeedforward: 8, activation: 'gelu' }), 2),
    pool: nn.GlobalAvgPool2d.create(),
    acts: nn.Sequential.create([
      nn.Tanh.create(),
      nn.LeakyReLU.create(0.1),
      nn.ELU.create(),
      nn.Sigmoid.create(),
      nn.Identity.create(),
      nn.GELU.create({ approximate: 'tanh' }),
      nn.Softmax.create(-1),
      nn.LogSoftmax.create(-1),
    ]),
  }),
  forward: (m, x: Tensor) => {
    // x: [N, 6, 2, 3] → a sequence of N vectors through the cells, then [1, N, 6] through the stacks.
    const v = tf.reshape(nn.GlobalAvgPool2d.forward(m.pool, tf.reshape(x, [-1, 6, 2, 3])), [-1, 6]);
    const [h] = nn.LSTMCell.forward(m.lstmCell, v);
    const g = nn.GRUCell.forward(m.gruCell, h);
    const seq = tf.expandDims(g, 0);
    const enc = nn.TransformerEncoder.forward(m.encoder, seq);
    const dec = nn.TransformerDecoder.forward(m.decoder, seq, enc);
    return nn.Sequential.forward(m.acts, dec) as Tensor;
  },
});

const seed = (i: number) => random.key(100 + i);

describe('compile: a compiled trainStep equals the uncompiled one bit for bit', function () {
  this.timeout(120_000);
  for (const backend of backends) {
    describe(backend, () => {
      beforeEach(async () => {
        await ready(backend);
      });

      it('dense layers with dropout and activations (keys threaded), SGD with momentum', () => {
        const net = nn.Sequential.create([
          nn.Linear.create(6, 16),
          nn.GELU.create(),
          nn.Dropout.create(0.5),
          nn.MLP.create([16, 12, 4], { dropout: 0.3, activation: 'tanh' }),
        ]);
        expectSameSteps(
          () => initialize(net)(random.key(1)),
          {
            loss: (m, b: { x: Tensor; y: Tensor }) => losses.mseLoss(nn.Sequential.forward(m, b.x), b.y),
            optimizer: optim.sgd(0.1, { momentum: 0.9 }),
          },
          (i) => ({ x: random.normal(seed(i), [5, 6]), y: random.normal(seed(i + 50), [5, 4]) }),
          4,
        );
      });

      it('convolutions, pooling and batch norm (momentum and cumulative buffers), Adam', () => {
        const net = nn.Sequential.create([
          nn.Conv2d.create(2, 4, 3, { padding: 1 }),
          nn.BatchNorm2d.create(4),
          nn.ReLU.create(),
          nn.MaxPool2d.create(2),
          nn.ConvTranspose2d.create(4, 3, 2, { stride: 2 }),
          nn.BatchNorm2d.create(3, { momentum: null }),
          nn.AvgPool2d.create(2),
          nn.GroupNorm.create(3, 3),
          nn.AdaptiveAvgPool2d.create(2),
          nn.Flatten.create(),
          nn.Linear.create(12, 5),
          nn.BatchNorm1d.create(5),
          nn.LayerNorm.create(5),
          nn.RMSNorm.create(5),
        ]);
        expectSameSteps(
          () => initialize(net)(random.key(2)),
          {
            loss: (m, b: { x: Tensor; y: Tensor }) => {
              const [out, model] = nn.Sequential.forwardWithState(m, b.x);
              return { loss: losses.crossEntropy(out, b.y), model, metrics: { spread: tf.moments(out).variance } };
            },
            optimizer: optim.adam(1e-2),
          },
          (i) => ({ x: random.normal(seed(i), [4, 2, 8, 8]), y: tf.tensor1d([0, 3, 1, 4], 'int32') }),
        );
      });

      it('Conv1d and global pooling, AdamW with a schedule, clipping, weight decay', () => {
        const net = nn.Sequential.create([nn.Conv1d.create(3, 4, 3), nn.SiLU.create(), nn.Conv1d.create(4, 2, 2, { stride: 2 })]);
        expectSameSteps(
          () => initialize(net)(random.key(3)),
          {
            loss: (m, b: { x: Tensor; y: Tensor }) => losses.huberLoss(nn.Sequential.forward(m, b.x), b.y, { delta: 0.5 }),
            optimizer: optim.chain(optim.clipByGlobalNorm(0.5), optim.adamw(optim.cosineDecay(1e-2, 10), { weightDecay: 1e-2 })),
          },
          (i) => ({ x: random.normal(seed(i), [2, 3, 9]), y: random.normal(seed(i + 9), [2, 2, 3]) }),
        );
      });

      it('embedding, LSTM, GRU, attention and transformer layers (dropout everywhere), RMSprop, Lion, Adagrad', () => {
        const idx = (i: number) => random.randint(seed(i), [5, 3], 0, 11);
        const target = (i: number) => random.randint(seed(i + 20), [15], 0, 11);
        for (const optimizer of [optim.rmsprop(1e-2, { centered: true, momentum: 0.5 }), optim.lion(1e-3), optim.adagrad(0.1)] as const) {
          expectSameSteps(
            (): ModuleType<typeof Sequence, Tensor> => initialize(Sequence.create())(random.key(4)),
            {
              loss: (m: ModuleType<typeof Sequence, Tensor>, b: { idx: Tensor; y: Tensor }) =>
                losses.crossEntropy(Sequence.forward(m, b.idx), b.y, { labelSmoothing: 0.1 }),
              optimizer: optimizer as optim.GradientTransformation<unknown>,
            },
            (i) => ({ idx: idx(i), y: target(i) }),
          );
        }
      });

      it('cells, transformer stacks, global pooling and every activation module, SGD with Nesterov momentum', () => {
        expectSameSteps(
          (): ModuleType<typeof Stacks, Tensor> => initialize(Stacks.create())(random.key(6)),
          {
            loss: (m: ModuleType<typeof Stacks, Tensor>, b: { x: Tensor; y: Tensor }) => losses.mseLoss(Stacks.forward(m, b.x), b.y),
            optimizer: optim.sgd(0.1, { momentum: 0.9, nesterov: true }),
          },
          (i) => ({ x: random.normal(seed(i), [4, 6, 2, 3]), y: random.normal(seed(i + 30), [1, 4, 6]) }),
        );
      });

      it('every loss', () => {
        const lin = nn.Linear.create(4, 3);
        const make = () => initialize(lin)(random.key(5));
        const x = (i: number) => random.normal(seed(i), [6, 4]);
        type B = { x: Tensor; t: Tensor };
        const cases: Array<readonly [string, (out: Tensor, t: Tensor) => Tensor, (i: number) => Tensor]> = [
          ['crossEntropy', (o, t) => losses.crossEntropy(o, t, { ignoreIndex: 2 }), (i) => random.randint(seed(i + 1), [6], 0, 3)],
          [
            'nllLoss',
            (o, t) => losses.nllLoss(tf.logSoftmax(o), t, { weight: tf.tensor1d([1, 2, 0.5]) }),
            (i) => random.randint(seed(i + 1), [6], 0, 3),
          ],
          ['mseLoss', (o, t) => losses.mseLoss(o, t), (i) => random.normal(seed(i + 1), [6, 3])],
          ['l1Loss', (o, t) => losses.l1Loss(o, t, { reduction: 'sum' }), (i) => random.normal(seed(i + 1), [6, 3])],
          ['smoothL1Loss', (o, t) => losses.smoothL1Loss(o, t, { beta: 0.5 }), (i) => random.normal(seed(i + 1), [6, 3])],
          ['huberLoss', (o, t) => losses.huberLoss(o, t), (i) => random.normal(seed(i + 1), [6, 3])],
          ['binaryCrossEntropy', (o, t) => losses.binaryCrossEntropy(tf.sigmoid(o), t), (i) => random.uniform(seed(i + 1), [6, 3])],
          [
            'binaryCrossEntropyWithLogits',
            (o, t) => losses.binaryCrossEntropyWithLogits(o, t, { posWeight: tf.tensor1d([1, 2, 3]) }),
            (i) => random.uniform(seed(i + 1), [6, 3]),
          ],
          [
            'klDiv',
            (o, t) => losses.klDiv(tf.logSoftmax(o), t, { reduction: 'batchmean' }),
            (i) => tf.softmax(random.normal(seed(i + 1), [6, 3])),
          ],
          [
            'cosineEmbeddingLoss',
            (o, t) => losses.cosineEmbeddingLoss(o, tf.reverse(o, 0), t, { margin: 0.2 }),
            (i) => tf.sub(tf.mul(tf.cast(random.bernoulli(seed(i + 1), 0.5, [6]), 'float32'), 2), 1),
          ],
          [
            'marginRankingLoss',
            (o, t) => losses.marginRankingLoss(tf.sum(o, 1), tf.sum(tf.square(o), 1), t),
            (i) => tf.sub(tf.mul(tf.cast(random.bernoulli(seed(i + 1), 0.5, [6]), 'float32'), 2), 1),
          ],
        ];
        for (const [name, loss, target] of cases) {
          try {
            expectSameSteps(make, { loss: (m, b: B) => loss(nn.Linear.forward(m, b.x), b.t), optimizer: optim.sgd(0.05) }, (i) => ({
              x: x(i),
              t: target(i),
            }));
          } catch (e) {
            throw new Error(`${name}: ${(e as Error).message}`);
          }
        }
      });
    });
  }
});
