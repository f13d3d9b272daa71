/**
 * The character-level language model example's pieces: the corpus and its split, the vocabulary,
 * bits per character and the unigram baseline against hand-computed cases, batches, the model's
 * causality, a short training run whose loss goes down, sampling that is a pure function of its key,
 * and a whole tiny run whose checkpoint restores the same model.
 */
import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispose, initialize, io, random, tf } from '../../src/index.js';
import { silentProgress } from '../../examples/mnist/progress.js';
import { evenlySpacedOffsets, randomBatch, windowsAt } from '../../examples/charlm/batches.js';
import { bitsPerCharacter, characterCounts, entropyBits, natsToBits, unigramBaselineBits } from '../../examples/charlm/bits.js';
import { type CorpusSplit, detokenize, isHeldOut, loadBrownSamples, type Sample, splitCorpus } from '../../examples/charlm/corpus.js';
import { evaluateHeldOut } from '../../examples/charlm/evaluate.js';
import { defaultFlags, parseFlags } from '../../examples/charlm/flags.js';
import { type CharLmConfig, CharTransformer } from '../../examples/charlm/model.js';
import { runExample } from '../../examples/charlm/run.js';
import { nextCharacter, sampleText } from '../../examples/charlm/sample.js';
import { charLmOptimizer, decays, trainCharLm } from '../../examples/charlm/train.js';
import { decode, encode, vocabularyOf } from '../../examples/charlm/vocabulary.js';
import { loadCheckpoint } from '../../src/node/index.js';

/** A model small enough to train for a few steps in a test. */
const tinyModel = (vocabSize: number): CharLmConfig => ({
  vocabSize,
  context: 16,
  dModel: 16,
  nhead: 2,
  numLayers: 1,
  dimFeedforward: 32,
  dropout: 0,
});

const read = (t: tf.Tensor): number[] => Array.from(t.dataSync());

describe('examples/charlm', function () {
  this.timeout(60000);
  let samples: ReadonlyArray<Sample>;
  let corpus: CorpusSplit;

  before(() => {
    samples = loadBrownSamples();
    corpus = splitCorpus(samples);
  });

  describe('corpus', () => {
    it('detokenizes the tagged form: tags dropped, punctuation and quotes re-attached', () => {
      expect(detokenize("\n\n\tHe/pps said/vbd ``/`` no/at ''/'' ,/, ok/uh ./.\n")).to.equal('He said "no", ok.');
      // The tag is after the last slash; parentheses hug their contents; the dash stands apart.
      expect(detokenize('a/at 1/2/cd (/( b/nn )/) --/-- c/nn ;/. d/nn ?/. !/.')).to.equal('a 1/2 (b) -- c; d?!');
    });

    it('holds the 500 Brown samples in file-name order, as plain prose', () => {
      expect(samples.length).to.equal(500);
      expect(samples[0]!.name).to.equal('ca01');
      expect(samples[499]!.name).to.equal('cr09');
      expect(samples[0]!.text.startsWith('The Fulton County Grand Jury said Friday an investigation of')).to.equal(true);
      // No tag survives: the commonest tags (article, noun, past verb) appear nowhere.
      for (const s of samples) expect(/\/(at|nn|vbd)\b/.test(s.text), s.name).to.equal(false);
    });

    it('splits them 450 / 50, every tenth sample held out, in every genre', () => {
      expect(corpus.trainSamples).to.equal(450);
      expect(corpus.heldOutSamples).to.equal(50);
      const heldNames = samples.filter((_, i) => isHeldOut(i)).map((s) => s.name);
      expect(heldNames.slice(0, 3)).to.deep.equal(['ca10', 'ca20', 'ca30']);
      expect(new Set(heldNames.map((n) => n[1])).size).to.equal(15); // genres a–r without i, o, q
      expect(corpus.heldOut.startsWith(samples[9]!.text)).to.equal(true);
      expect(corpus.train.startsWith(samples[0]!.text)).to.equal(true);
      expect(corpus.train.length + corpus.heldOut.length).to.equal(samples.reduce((n, s) => n + s.text.length, 0) + 449 + 49);
    });
  });

  describe('vocabulary', () => {
    it('is the sorted distinct characters; encode and decode are inverse', () => {
      const v = vocabularyOf(['hello', 'world']);
      expect(v.chars).to.equal('dehlorw');
      expect(Array.from(encode(v, 'world'))).to.deep.equal([6, 4, 5, 3, 0]);
      expect(decode(v, encode(v, 'hello world'.replace(' ', '')))).to.equal('helloworld');
    });

    it('refuses a character it does not hold, naming it and its position', () => {
      expect(() => encode(vocabularyOf(['abc']), 'abz')).to.throw(/character "z" at position 2 is not in the vocabulary "abc"/);
      expect(() => decode(vocabularyOf(['abc']), [3])).to.throw(/token id 3 is outside the vocabulary's \[0, 3\)/);
    });

    it('covers the Brown text in 85 characters', () => {
      expect(vocabularyOf([corpus.train, corpus.heldOut]).chars.length).to.equal(85);
    });
  });

  describe('bits per character', () => {
    it('converts nats to bits', () => {
      expect(natsToBits(Math.log(8))).to.be.closeTo(3, 1e-12);
    });

    it('matches a hand-computed case', () => {
      // Row 0: p(0) = 3/4 → log2(4/3) bits; row 1: p(0) = 1/4 → 2 bits; row 2: uniform over 2 → 1 bit.
      const logits = tf.tensor2d([
        [Math.log(3), 0],
        [0, Math.log(3)],
        [5, 5],
      ]);
      const targets = tf.tensor1d([0, 0, 1], 'int32');
      const bits = bitsPerCharacter(logits, targets);
      expect(bits.shape).to.deep.equal([]);
      expect(bits.dataSync()[0]).to.be.closeTo((Math.log2(4 / 3) + 2 + 1) / 3, 1e-6);
      // Any batch shape: [B, L, V] against [B, L].
      const bits3 = bitsPerCharacter(tf.reshape(logits, [1, 3, 2]), tf.reshape(targets, [1, 3]));
      expect(bits3.dataSync()[0]).to.be.closeTo((Math.log2(4 / 3) + 2 + 1) / 3, 1e-6);
      dispose([logits, targets, bits, bits3]);
    });

    it('is log2(V) for uniform logits', () => {
      const bits = bitsPerCharacter(tf.zeros([3, 85]), tf.tensor1d([0, 40, 84], 'int32'));
      expect(bits.dataSync()[0]).to.be.closeTo(Math.log2(85), 1e-5);
      bits.dispose();
    });
  });

  describe('unigram baseline', () => {
    it('matches a hand-computed case (add-one smoothed training frequencies)', () => {
      // Training counts a: 2, b: 1 → p(a) = 3/5, p(b) = 2/5 with add-one over V = 2.
      expect(unigramBaselineBits(Uint8Array.of(0, 0, 1), Uint8Array.of(0, 1), 2)).to.be.closeTo(
        -(Math.log2(3 / 5) + Math.log2(2 / 5)) / 2,
        1e-12,
      );
      // A character never seen in training (id 2, V = 3): p = 1/6, finite.
      expect(unigramBaselineBits(Uint8Array.of(0, 0, 1), Uint8Array.of(2), 3)).to.be.closeTo(Math.log2(6), 1e-12);
      expect(() => unigramBaselineBits(Uint8Array.of(0), new Uint8Array(0), 1)).to.throw(/empty/);
    });

    it('counts characters and their entropy', () => {
      expect(Array.from(characterCounts(Uint8Array.of(0, 0, 1), 3))).to.deep.equal([2, 1, 0]);
      expect(entropyBits(Float64Array.of(1, 1, 2))).to.be.closeTo(1.5, 1e-12);
      expect(entropyBits(Float64Array.of(5, 0))).to.equal(0);
    });

    it('on large training text is the cross-entropy of the raw training frequencies', () => {
      // With 10^6 training characters the add-one changes the baseline by well under 0.001 bits.
      const train = Uint8Array.from({ length: 1_000_000 }, (_, i) => (i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2));
      const heldOut = Uint8Array.of(0, 1, 2, 0);
      const raw = -(2 * Math.log2(0.7) + Math.log2(0.2) + Math.log2(0.1)) / 4;
      expect(unigramBaselineBits(train, heldOut, 3)).to.be.closeTo(raw, 1e-3);
    });
  });

  describe('batches', () => {
    it('cuts windows: targets are the inputs shifted by one', () => {
      const { x, y } = windowsAt(Uint8Array.of(5, 6, 7, 8), [0, 1], 2);
      expect(x.dtype).to.equal('int32');
      expect(x.arraySync()).to.deep.equal([
        [5, 6],
        [6, 7],
      ]);
      expect(y.arraySync()).to.deep.equal([
        [6, 7],
        [7, 8],
      ]);
      dispose([x, y]);
      expect(() => windowsAt(Uint8Array.of(5, 6, 7, 8), [2], 2)).to.throw(/does not fit 4 characters/);
    });

    it('draws the same batch for the same key, another for another key', () => {
      const tokens = Uint8Array.from({ length: 1000 }, (_, i) => i % 200);
      const a = randomBatch(tokens, random.key(3), 4, 8);
      const b = randomBatch(tokens, random.key(3), 4, 8);
      const c = randomBatch(tokens, random.key(4), 4, 8);
      expect(read(a.x)).to.deep.equal(read(b.x));
      expect(read(a.x)).to.not.deep.equal(read(c.x));
      dispose([a, b, c]);
    });

    it('spreads held-out windows evenly, the last one ending at the text end', () => {
      expect(Array.from(evenlySpacedOffsets(100, 3, 9))).to.deep.equal([0, 45, 90]);
      expect(Array.from(evenlySpacedOffsets(100, 1, 9))).to.deep.equal([0]);
      expect(() => evenlySpacedOffsets(5, 1, 5)).to.throw(/hold no window/);
    });
  });

  describe('model', () => {
    it('maps [B, L] tokens to [B, L, V] logits and refuses inputs longer than its context', () => {
      const model = initialize(CharTransformer.create(tinyModel(7)))(random.key(0));
      const logits = CharTransformer.forward(model, tf.zeros([2, 5], 'int32'));
      expect(logits.shape).to.deep.equal([2, 5, 7]);
      expect(() => CharTransformer.forward(model, tf.zeros([1, 17], 'int32'))).to.throw(/L ≤ 16, got \[1, 17\]/);
      dispose([model, logits]);
    });

    it('is causal: a later character changes no earlier prediction', () => {
      const model = initialize(CharTransformer.create(tinyModel(7)))(random.key(1));
      const a = CharTransformer.forward(model, tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], 'int32'));
      const b = CharTransformer.forward(model, tf.tensor2d([[1, 2, 3, 6, 0]], [1, 5], 'int32'));
      const early = (t: tf.Tensor) => read(tf.slice(t, [0, 0, 0], [1, 3, 7]));
      expect(early(a)).to.deep.equal(early(b));
      expect(read(tf.slice(a, [0, 3, 0], [1, 1, 7]))).to.not.deep.equal(read(tf.slice(b, [0, 3, 0], [1, 1, 7])));
      dispose([model, a, b]);
    });

    it('decays weight matrices and embeddings, not biases or LayerNorm parameters', () => {
      expect(decays({ path: 'tokenEmbedding.weight', kind: 'param' })).to.equal(true);
      expect(decays({ path: 'encoder.layers.0.selfAttn.in_proj_weight', kind: 'param' })).to.equal(true);
      expect(decays({ path: 'encoder.layers.0.selfAttn.in_proj_bias', kind: 'param' })).to.equal(false);
      expect(decays({ path: 'encoder.layers.0.norm2.weight', kind: 'param' })).to.equal(false);
      expect(decays({ path: 'encoder.norm.0.weight', kind: 'param' })).to.equal(false);
      expect(decays({ path: 'head.bias', kind: 'param' })).to.equal(false);
    });
  });

  describe('training', () => {
    it('lowers the held-out loss in a short run, and leaks no tensor', async () => {
      const vocabulary = vocabularyOf([corpus.train, corpus.heldOut]);
      // A slice of the text is plenty for 40 steps of 16 windows.
      const train = encode(vocabulary, corpus.train.slice(0, 200_000));
      const heldOut = encode(vocabulary, corpus.heldOut.slice(0, 50_000));
      const before = tf.memory().numTensors;
      const params = initialize(CharTransformer.create(tinyModel(vocabulary.chars.length)))(random.key(0));
      const initial = await evaluateHeldOut(params, heldOut, 32);
      const config = { steps: 40, batchSize: 16, lr: 1e-2, warmupSteps: 4, weightDecay: 0.01 };
      const { state, history } = await trainCharLm(params, train, random.key(1), config, silentProgress);
      const trained = await evaluateHeldOut(state.params, heldOut, 32);
      expect(history.length).to.equal(40);
      expect(state.step).to.equal(40);
      // An untrained model is near uniform over 85 characters (6.4 bits); 40 steps must do better.
      expect(initial.bits).to.be.closeTo(Math.log2(85), 0.5);
      expect(trained.bits).to.be.lessThan(initial.bits - 1);
      const mean = (xs: ReadonlyArray<{ loss: number }>) => xs.reduce((s, r) => s + r.loss, 0) / xs.length;
      expect(mean(history.slice(-5))).to.be.lessThan(mean(history.slice(0, 5)) - 1);
      // Both evaluations scored the same characters.
      expect(Array.from(trained.targets)).to.deep.equal(Array.from(initial.targets));
      dispose(state);
      expect(tf.memory().numTensors).to.equal(before);
    });

    it('builds an optimizer for runs shorter than the warm-up', () => {
      expect(() => charLmOptimizer({ steps: 1, batchSize: 1, lr: 1e-3, warmupSteps: 10, weightDecay: 0 })).to.not.throw();
    });
  });

  describe('sampling', () => {
    const vocabulary = vocabularyOf(['abcdefg ']);
    let model: CharTransformer<tf.Tensor>;
    before(() => {
      model = initialize(CharTransformer.create(tinyModel(vocabulary.chars.length)))(random.key(5));
    });
    after(() => dispose(model));

    it('gives the same text for the same key, another text for another key, and leaks nothing', () => {
      const before = tf.memory().numTensors;
      const sampler = { model, vocabulary, temperature: 1 };
      const [a] = sampleText(sampler, 'abc', 40)(random.key(7));
      const [b] = sampleText(sampler, 'abc', 40)(random.key(7));
      const [c] = sampleText(sampler, 'abc', 40)(random.key(8));
      expect(a.length).to.equal(43);
      expect(a.startsWith('abc')).to.equal(true);
      expect(b).to.equal(a);
      expect(c).to.not.equal(a);
      // Longer than the context: the model sees the last 16 characters.
      expect(sampleText(sampler, 'abc', 20)(random.key(7))[0]).to.equal(a.slice(0, 23));
      expect(tf.memory().numTensors).to.equal(before);
    });

    it('threads the key: each character splits it once, and the rest is handed on', () => {
      const sampler = { model, vocabulary, temperature: 0.5 };
      const k = random.key(11);
      const [prompt, same] = sampleText(sampler, 'ab', 0)(k);
      expect(prompt).to.equal('ab');
      expect(random.keyData(same)).to.deep.equal(random.keyData(k));
      const [text, after3] = sampleText(sampler, 'ab', 3)(k);
      let expected = k;
      for (let i = 0; i < 3; i++) expected = random.split(expected)[0]!;
      expect(random.keyData(after3)).to.deep.equal(random.keyData(expected));
      // The three steps by hand, each with the key the previous one left.
      const [t1, k1] = nextCharacter(sampler)('ab')(k);
      const [t2, k2] = nextCharacter(sampler)(t1)(k1);
      const [t3] = nextCharacter(sampler)(t2)(k2);
      expect(t3).to.equal(text);
    });

    it('draws from the model’s distribution: near-zero temperature picks the likeliest character', () => {
      const window = encode(vocabulary, 'abc');
      const logits = CharTransformer.forward(model, tf.tensor2d(window, [1, 3], 'int32'));
      const last = read(tf.slice(logits, [0, 2, 0], [1, 1, -1]));
      const best = vocabulary.chars[last.indexOf(Math.max(...last))];
      for (const seed of [0, 1, 2, 3]) {
        expect(sampleText({ model, vocabulary, temperature: 1e-4 }, 'abc', 1)(random.key(seed))[0]).to.equal(`abc${best}`);
      }
      logits.dispose();
    });

    it('refuses a bad temperature, an unknown prompt character and an empty text', () => {
      expect(() => sampleText({ model, vocabulary, temperature: 0 }, 'ab', 1)).to.throw(/temperature must be a positive number/);
      expect(() => sampleText({ model, vocabulary, temperature: 1 }, 'xy', 1)).to.throw(/character "x" at position 0/);
      expect(() => nextCharacter({ model, vocabulary, temperature: 1 })('')(random.key(0))).to.throw(/empty/);
    });
  });

  describe('flags', () => {
    it('has the documented defaults and parses every flag', () => {
      expect(parseFlags([])).to.deep.equal(E.right({ _tag: 'run', flags: defaultFlags }));
      const parsed = parseFlags([
        '--steps=5',
        '--batch-size',
        '8',
        '--lr',
        '0.01',
        '--backend',
        'cpu',
        '--seed',
        '3',
        '--out',
        'o',
        '--prompt',
        'It was',
        '--length',
        '0',
        '--temperature',
        '1.5',
        '--sample-seed',
        '9',
      ]);
      expect(parsed).to.deep.equal(
        E.right({
          _tag: 'run',
          flags: {
            steps: 5,
            batchSize: 8,
            lr: 0.01,
            backend: 'cpu',
            seed: 3,
            out: 'o',
            prompt: 'It was',
            length: 0,
            temperature: 1.5,
            sampleSeed: 9,
          },
        }),
      );
      expect(parseFlags(['-h'])).to.deep.equal(E.right({ _tag: 'help' }));
    });

    it('refuses bad values with a message naming the flag', () => {
      expect(parseFlags(['--temperature', '0'])).to.deep.equal(E.left('--temperature must be a positive number, got "0"'));
      expect(parseFlags(['--steps', '1.5'])).to.deep.equal(E.left('--steps must be an integer ≥ 1, got "1.5"'));
      expect(parseFlags(['--backend', 'gpu'])).to.deep.equal(E.left('--backend must be one of cpu, wasm, got "gpu"'));
      expect(parseFlags(['--prompt', ''])).to.deep.equal(E.left('--prompt must not be empty'));
      const unknown = parseFlags(['--step', '3']);
      expect(E.isLeft(unknown) && unknown.left).to.match(/Unknown option '--step'/);
    });
  });

  describe('a whole run', () => {
    it('trains, reports, saves a checkpoint that restores the same model, and samples', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'charlm-'));
      const lines: string[] = [];
      try {
        const before = tf.memory().numTensors;
        const flags = { ...defaultFlags, steps: 12, batchSize: 8, lr: 1e-2, backend: 'cpu' as const, out: dir, length: 30 };
        const model = { context: 16, dModel: 16, nhead: 2, numLayers: 1, dimFeedforward: 32 };
        const report = await runExample(flags, { log: (l) => lines.push(l), progress: () => silentProgress }, { model, evalWindows: 16 });
        expect(tf.memory().numTensors).to.equal(before);
        expect(report.vocabulary.length).to.equal(85);
        expect(report.scoredCharacters).to.equal(16 * 16);
        expect(report.heldOutBits).to.be.within(0, Math.log2(85) + 1);
        // The Brown text's unigram cross-entropy is about 4.4 bits.
        expect(report.unigramBits).to.be.within(4.2, 4.7);
        expect(report.trainEntropyBits).to.be.within(4.2, 4.6);
        expect(report.sample.startsWith(flags.prompt)).to.equal(true);
        expect(report.sample.length).to.equal(flags.prompt.length + 30);
        expect(lines.some((l) => l.startsWith('held-out loss: '))).to.equal(true);
        expect(lines.some((l) => l.startsWith('unigram baseline: '))).to.equal(true);
        expect(existsSync(report.checkpoint)).to.equal(true);

        // The checkpoint restores the trained model: the same key gives the same sample from it.
        const config: CharLmConfig = { vocabSize: 85, dropout: 0, ...model };
        const optimizer = charLmOptimizer({ steps: 12, batchSize: 8, lr: 1e-2, warmupSteps: 1, weightDecay: 0.01 });
        const { state, metadata } = await loadCheckpoint(report.checkpoint, { params: CharTransformer.create(config), optimizer });
        expect(state.step).to.equal(12);
        expect(metadata['vocabulary']).to.equal(report.vocabulary);
        expect(metadata['heldOutBits']).to.equal(report.heldOutBits);
        const vocabulary = vocabularyOf([report.vocabulary]);
        const [again] = sampleText(
          { model: state.params, vocabulary, temperature: flags.temperature },
          flags.prompt,
          30,
        )(random.key(flags.sampleSeed));
        expect(again).to.equal(report.sample);
        dispose(state);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
