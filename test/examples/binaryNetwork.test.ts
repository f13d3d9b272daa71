/**
 * The original Parallax example (`examples/binaryNetwork*.ts`): its `Dense` is the original's (init,
 * `weight @ input + bias`, printing), the network's forward pass is the original's (checked against
 * a float64 re-implementation), dropout is active in train mode only, the shared `dense2` gets the
 * sum of the gradients of its two uses (float64 finite differences), and the program itself prints
 * the modules and ten losses that go down, leaking no tensors.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  dispose,
  init,
  initialize,
  leafKey,
  newState,
  nn,
  random,
  setMode,
  show,
  tf,
  tidy,
  valueAndGrad,
  zipWith,
} from '../../src/index.js';
import { BinaryNetwork, Dense } from '../../examples/binaryNetworkModel.js';

type Tensor = tf.Tensor;

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const values = (t: Tensor): number[] => Array.from(t.dataSync());

// -------------------------------------------------------------------------------------
// a float64 re-implementation of the original's forward pass
// -------------------------------------------------------------------------------------

interface DenseF64 {
  readonly w: number[];
  readonly b: number[];
}
const denseOf = (d: Dense<Tensor>): DenseF64 => ({ w: values(d.weight), b: values(d.bias) });
/** `weight @ input + bias`, weight `(out, in)` row-major. */
const denseF64 = (d: DenseF64, x: ReadonlyArray<number>): number[] =>
  d.b.map((bias, i) => x.reduce((s, xj, j) => s + d.w[i * x.length + j]! * xj, bias));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * The original's forward pass with the dropout mask `mask` (the scaled mask: 0 or 1/keep), and the
 * two uses of dense2 given separately (`first`, `second`), so each use can be perturbed alone.
 */
const forwardF64 = (
  p: { dense1: DenseF64; dense3: DenseF64 },
  first: DenseF64,
  second: DenseF64,
  mask: ReadonlyArray<number>,
  input: ReadonlyArray<number>,
): number => {
  let x = denseF64(p.dense1, input).map(Math.tanh);
  x = x.map((v, i) => v * mask[i]!);
  x = denseF64(first, x).map(Math.tanh);
  x = denseF64(second, x).map(Math.tanh);
  return sigmoid(denseF64(p.dense3, x.map(Math.tanh))[0]!);
};

/** The mask a train-mode dropout applies: its output on ones (the mask depends on key and shape only). */
const maskOf = (net: BinaryNetwork<Tensor>, size: number): number[] => {
  const ones = tf.ones([size]);
  const out = nn.Dropout.forward(net.dropout, ones);
  const mask = values(out);
  dispose(out === ones ? ones : [ones, out]);
  return mask;
};

/** The example's loop, step for step: split, newState, loss and gradient, `p - 0.3 * g`. */
const runExampleLoop = (): { readonly losses: number[]; readonly trained: BinaryNetwork<Tensor> } => {
  let rng = random.key(0);
  let params = initialize(BinaryNetwork.create(5, 10))(rng);
  const x = tf.zeros([5]);
  const lossAndGrad = valueAndGrad((m: BinaryNetwork<Tensor>, input: Tensor) => BinaryNetwork.forward(m, input));
  const losses: number[] = [];
  for (let i = 0; i < 10; i++) {
    const [nextRng, iterRng] = random.split(rng) as [random.PRNGKey, random.PRNGKey];
    rng = nextRng;
    const [trainNet] = newState(params, 'train')(iterRng);
    const { next, loss } = tidy(() => {
      const { value, grads } = lossAndGrad(trainNet, x);
      return { next: zipWith(trainNet, grads, (p, g) => tf.sub(p, tf.mul(0.3, g))), loss: value };
    });
    losses.push(loss.dataSync()[0]!);
    dispose([params, loss]);
    params = next;
  }
  dispose(x);
  return { losses, trained: params };
};

describe('examples/binaryNetwork (the original Parallax example)', function () {
  this.timeout(60000);

  describe('Dense', () => {
    it("draws the original's initializers: weight (out, in) xavier-normal, bias normal, each from its leaf's key", () => {
      const key = random.key(7);
      const d = initialize(Dense.create(5, 3))(key);
      expect(d.weight.shape).to.deep.equal([3, 5]);
      expect(d.bias.shape).to.deep.equal([3]);
      const w = init.xavierNormal()([3, 5])(leafKey(key, 'weight'));
      const b = init.normal()([3])(leafKey(key, 'bias'));
      expect(values(d.weight)).to.deep.equal(values(w));
      expect(values(d.bias)).to.deep.equal(values(b));
      dispose([d, w, b]);
    });

    it('computes weight @ input + bias and prints as Dense(in, out)', () => {
      const d = initialize(Dense.create(5, 3))(random.key(8));
      const x = [0.5, -1, 2, 0.25, -0.75];
      const input = tf.tensor1d(x);
      const y = Dense.forward(d, input);
      expect(y.shape).to.deep.equal([3]);
      denseF64(denseOf(d), x).forEach((v, i) => expect(values(y)[i]).to.be.closeTo(v, 1e-6));
      expect(show(Dense.create(5, 3))).to.equal('Dense(5, 3) { weight: uninitialized[3, 5], bias: uninitialized[3] }\n18 parameters');
      dispose([d, input, y]);
    });
  });

  describe('BinaryNetwork', () => {
    it("has the original's tree: dense1 (5, 10), dense2 (10, 10), dense3 (10, 1), dropout", () => {
      const tree = [
        '  (dense1): Dense(5, 10) { weight: %[10, 5], bias: %[10] }',
        '  (dense2): Dense(10, 10) { weight: %[10, 10], bias: %[10] }',
        '  (dense3): Dense(10, 1) { weight: %[1, 10], bias: %[1] }',
        '  (dropout): Dropout(rate=0.8)',
      ];
      const expected = (leaf: string) => ['BinaryNetwork(', ...tree.map((l) => l.replaceAll('%', leaf)), ')', '181 parameters'].join('\n');
      expect(show(BinaryNetwork.create(5, 10))).to.equal(expected('uninitialized'));
      const params = initialize(BinaryNetwork.create(5, 10))(random.key(0));
      expect(show(params)).to.equal(expected('float32'));
      dispose(params);
    });

    it("runs the original's forward pass: tanh ∘ dense1, dropout, tanh ∘ dense2 twice, sigmoid(dense3(tanh x))[0]", () => {
      const params = initialize(BinaryNetwork.create(5, 10))(random.key(1));
      const x = [0.5, -1, 2, 0.25, -0.75];
      const input = tf.tensor1d(x);
      const f64 = { dense1: denseOf(params.dense1), dense3: denseOf(params.dense3) };
      const dense2 = denseOf(params.dense2);
      const evalOut = BinaryNetwork.forward(setMode(params, 'eval'), input);
      expect(evalOut.shape, 'a scalar, element 0 of the output').to.deep.equal([]);
      expect(evalOut.dataSync()[0]).to.be.closeTo(forwardF64(f64, dense2, dense2, new Array(10).fill(1), x), 1e-6);
      dispose([params, input, evalOut]);
    });

    it('dropout is active in train mode (the mask of the step key, at its place in the network) and off in eval mode', () => {
      const params = initialize(BinaryNetwork.create(5, 10))(random.key(1));
      const x = [0.5, -1, 2, 0.25, -0.75];
      const input = tf.tensor1d(x);
      const f64 = { dense1: denseOf(params.dense1), dense3: denseOf(params.dense3) };
      const dense2 = denseOf(params.dense2);
      const [trainNet] = newState(params, 'train')(random.key(3));
      expect(trainNet.dropout.ctx.mode).to.equal('train');
      const mask = maskOf(trainNet, 10);
      // The original's Dropout(0.2) keeps a unit with probability 0.2 and scales it by 1/0.2.
      mask.forEach((m) => expect([0, 5]).to.include(Math.round(m * 1e5) / 1e5));
      expect(mask.filter((m) => m === 0).length, 'some units dropped').to.be.greaterThan(0);
      expect(mask.filter((m) => m !== 0).length, 'some units kept').to.be.greaterThan(0);
      const wide = maskOf(trainNet, 20000);
      expect(wide.filter((m) => m !== 0).length / wide.length, 'kept fraction').to.be.closeTo(0.2, 0.02);

      const trainOut = BinaryNetwork.forward(trainNet, input);
      const evalOut = BinaryNetwork.forward(setMode(trainNet, 'eval'), input);
      const expectedTrain = forwardF64(f64, dense2, dense2, mask, x);
      const expectedEval = forwardF64(f64, dense2, dense2, new Array(10).fill(1), x);
      expect(trainOut.dataSync()[0]).to.be.closeTo(expectedTrain, 1e-6);
      expect(evalOut.dataSync()[0]).to.be.closeTo(expectedEval, 1e-6);
      expect(Math.abs(expectedTrain - expectedEval), 'the mask changes the output').to.be.greaterThan(1e-3);
      // Another step key draws another mask.
      const [otherNet] = newState(params, 'train')(random.key(4));
      expect(maskOf(otherNet, 10)).not.to.deep.equal(mask);
      dispose([params, input, trainOut, evalOut]);
    });

    it('dense2 is shared: its gradient is the sum of the gradients of its two uses (float64 finite differences)', () => {
      const params = initialize(BinaryNetwork.create(5, 10))(random.key(2));
      const [trainNet] = newState(params, 'train')(random.key(3));
      const x = [0.5, -1, 2, 0.25, -0.75];
      const input = tf.tensor1d(x);
      const { value, grads } = valueAndGrad((m: BinaryNetwork<Tensor>, i: Tensor) => BinaryNetwork.forward(m, i))(trainNet, input);
      const mask = maskOf(trainNet, 10);
      const f64 = { dense1: denseOf(params.dense1), dense3: denseOf(params.dense3) };
      const d2 = denseOf(params.dense2);
      expect(value.dataSync()[0]).to.be.closeTo(forwardF64(f64, d2, d2, mask, x), 1e-6);

      // Central differences of the loss in each entry of dense2, perturbing the first use only, the
      // second use only, or both (the shared parameter, as the network uses it).
      const eps = 1e-6;
      const bump = (d: DenseF64, field: 'w' | 'b', i: number, by: number): DenseF64 => {
        const copy = { w: [...d.w], b: [...d.b] };
        copy[field][i]! += by;
        return copy;
      };
      const fd = (field: 'w' | 'b', i: number, which: 'first' | 'second' | 'both'): number => {
        const at = (by: number) =>
          forwardF64(f64, which === 'second' ? d2 : bump(d2, field, i, by), which === 'first' ? d2 : bump(d2, field, i, by), mask, x);
        return (at(eps) - at(-eps)) / (2 * eps);
      };
      for (const [field, grad] of [
        ['w', grads.dense2.weight],
        ['b', grads.dense2.bias],
      ] as const) {
        const g = values(grad);
        const first = g.map((_, i) => fd(field, i, 'first'));
        const second = g.map((_, i) => fd(field, i, 'second'));
        const both = g.map((_, i) => fd(field, i, 'both'));
        g.forEach((gi, i) => {
          expect(both[i], `${field}[${i}]: both uses = first + second`).to.be.closeTo(first[i]! + second[i]!, 1e-7);
          expect(gi, `dense2.${field}[${i}]`).to.be.closeTo(both[i]!, 1e-6 + 1e-4 * Math.abs(both[i]!));
        });
        // Not vacuous: each use alone contributes, so neither alone is the gradient.
        const maxDiff = (a: number[]) => Math.max(...g.map((gi, i) => Math.abs(gi - a[i]!)));
        expect(maxDiff(first), `${field}: more than the first use`).to.be.greaterThan(1e-3);
        expect(maxDiff(second), `${field}: more than the second use`).to.be.greaterThan(1e-3);
      }
      dispose([params, input, value, grads]);
    });
  });

  describe('the training loop', () => {
    it('ten train-mode steps lower the loss and leak no tensors', () => {
      const before = tf.memory().numTensors;
      const { losses, trained } = runExampleLoop();
      expect(losses).to.have.length(10);
      losses.forEach((l) => expect(l).to.be.within(0, 1));
      expect(losses[9]!, 'last loss below the first').to.be.lessThan(losses[0]! - 0.1);
      expect(Math.max(...losses.slice(7)), 'every late loss below every early loss').to.be.lessThan(Math.min(...losses.slice(0, 3)));
      dispose(trained);
      expect(tf.memory().numTensors).to.equal(before);
    });

    it('`npm run example:seed` prints the module before and after init, the losses of these ten steps, the trained module, and leaks nothing', () => {
      const backend = tf.getBackend();
      const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'examples/binaryNetwork.ts'], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, PARALLAX_BACKEND: backend },
      });
      const lazy = show(BinaryNetwork.create(5, 10));
      const params = initialize(BinaryNetwork.create(5, 10))(random.key(0));
      const initialized = show(params);
      const { losses, trained } = runExampleLoop();
      const expected = [
        `backend: ${backend}`,
        lazy,
        show(BinaryNetwork.create(5, 10).dense1),
        initialized,
        show(params.dense1),
        ...losses.map((l, i) => `step ${i}: loss ${l.toFixed(6)}`),
        show(trained),
        'tensors alive at exit: 0',
      ];
      expect(stdout.trimEnd().split('\n')).to.deep.equal(expected.join('\n').split('\n'));
      dispose([params, trained]);
    });
  });
});
