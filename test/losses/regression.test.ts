/**
 * mseLoss, l1Loss, smoothL1Loss and huberLoss against float64 references written here, on several
 * shapes and every reduction; gradients (to input and target) against central differences of the
 * references; PyTorch's derivatives at the kinks, derived by hand.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss, type Reduction } from '../../src/losses/index.js';
import { arg, checkCase, describeOnBackends, expectClose, noLeak, seeded, size, type Case } from './reference.js';

type Tensor = tf.Tensor;

const reduce = (losses: number[], reduction: Reduction): number[] => {
  const sum = losses.reduce((a, b) => a + b, 0);
  return reduction === 'none' ? losses : reduction === 'sum' ? [sum] : [sum / losses.length];
};

/** Elementwise references on `d = x − y`. */
const mse = (d: number): number => d * d;
const l1 = (d: number): number => Math.abs(d);
const smoothL1 =
  (beta: number) =>
  (d: number): number =>
    Math.abs(d) < beta ? (0.5 * d * d) / beta : Math.abs(d) - 0.5 * beta;
const huber =
  (delta: number) =>
  (d: number): number =>
    Math.abs(d) < delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta);

type Elementwise = (input: Tensor, target: Tensor, reduction: Reduction) => Tensor;
const losses: ReadonlyArray<[string, Elementwise, (d: number) => number]> = [
  ['mseLoss', (x, y, reduction) => mseLoss(x, y, { reduction }), mse],
  ['l1Loss', (x, y, reduction) => l1Loss(x, y, { reduction }), l1],
  ['smoothL1Loss (default beta 1)', (x, y, reduction) => smoothL1Loss(x, y, { reduction }), smoothL1(1)],
  ['smoothL1Loss beta 0.3', (x, y, reduction) => smoothL1Loss(x, y, { beta: 0.3, reduction }), smoothL1(0.3)],
  ['smoothL1Loss beta 0 (= l1)', (x, y, reduction) => smoothL1Loss(x, y, { beta: 0, reduction }), l1],
  ['huberLoss (default delta 1)', (x, y, reduction) => huberLoss(x, y, { reduction }), huber(1)],
  ['huberLoss delta 0.4', (x, y, reduction) => huberLoss(x, y, { delta: 0.4, reduction }), huber(0.4)],
  ['huberLoss delta 2.5', (x, y, reduction) => huberLoss(x, y, { delta: 2.5, reduction }), huber(2.5)],
];
const shapes: ReadonlyArray<ReadonlyArray<number>> = [[], [7], [3, 4], [2, 3, 5]];
const reductions: ReadonlyArray<Reduction> = ['mean', 'sum', 'none'];

const cases = (): Case[] =>
  losses.flatMap(([name, f, ref], li) =>
    shapes.flatMap((shape, si) =>
      reductions.map((reduction): Case => ({
        name: `${name} ${JSON.stringify(shape)} ${reduction}`,
        // inputs spread over [-3, 3) so that both sides of every kink are hit
        args: [
          arg(seeded(size(shape), 100 + 10 * li + si, -3, 3), shape, { grad: true }),
          arg(seeded(size(shape), 200 + si, -1, 1), shape, { grad: true }),
        ],
        shape: reduction === 'none' ? shape : [],
        run: (x, y) => f(x!, y!, reduction),
        reference: (x, y) =>
          reduce(
            x!.map((v, i) => ref(v - y![i]!)),
            reduction,
          ),
      })),
    ),
  );

describeOnBackends('losses: mseLoss, l1Loss, smoothL1Loss, huberLoss', () => {
  describe('values and gradients (input and target) against the float64 reference', () => {
    for (const c of cases()) it(c.name, () => checkCase(c));
  });

  it("hand-derived: PyTorch's derivatives at the kinks (|d| = 0 and |d| = β or δ)", () => {
    // d = x − y = [-2, -0.5, 0, 0.5, 2]
    const x = tf.tensor1d([-2, -0.5, 0, 0.5, 2]);
    const y = tf.zeros([5]);
    const grad = (f: (a: Tensor) => Tensor): number[] => {
      const g = tf.grad(f)(x);
      const out = Array.from(g.dataSync());
      g.dispose();
      return out;
    };
    // l1: sign(d), 0 at d = 0 (tfjs's abs would give −1 there)
    expect(grad((a) => l1Loss(a, y, { reduction: 'sum' }))).to.deep.equal([-1, -1, 0, 1, 1]);
    // smooth L1 with β = 0.5: d/β inside, sign(d) outside — both equal ±1 at |d| = β
    expect(grad((a) => smoothL1Loss(a, y, { beta: 0.5, reduction: 'sum' }))).to.deep.equal([-1, -1, 0, 1, 1]);
    expect(grad((a) => smoothL1Loss(a, y, { beta: 0, reduction: 'sum' }))).to.deep.equal([-1, -1, 0, 1, 1]);
    // huber with δ = 2: d inside, δ·sign(d) outside
    expect(grad((a) => huberLoss(a, y, { delta: 2, reduction: 'sum' }))).to.deep.equal([-2, -0.5, 0, 0.5, 2]);
    // mse: 2d / n
    expectClose(
      grad((a) => mseLoss(a, y)),
      [-0.8, -0.2, 0, 0.2, 0.8],
      1e-7,
      'mse',
    );
    tf.dispose([x, y]);
  });

  it('hand-derived values: huber(δ=1) equals smoothL1(β=1); huber(δ) = δ · smoothL1(β=δ)', () => {
    const x = tf.tensor1d([-3, -0.7, 0.2, 1.5, 4]);
    const y = tf.tensor1d([0, 0.1, 0, -1, 1]);
    const h1 = huberLoss(x, y, { reduction: 'none' });
    const s1 = smoothL1Loss(x, y, { reduction: 'none' });
    expectClose(h1.dataSync(), s1.dataSync(), 1e-7, 'δ = 1');
    const h3 = huberLoss(x, y, { delta: 3, reduction: 'none' });
    const s3 = smoothL1Loss(x, y, { beta: 3, reduction: 'none' });
    expectClose(
      h3.dataSync(),
      Array.from(s3.dataSync()).map((v) => 3 * v),
      1e-6,
      'δ = 3',
    );
    // by hand: d = [-3, -0.8, 0.2, 2.5, 3], δ = 3: |d| = 3 is not < δ, so 3 · (3 − 1.5) = 4.5; the others are d²/2
    expectClose(h3.dataSync(), [4.5, 0.32, 0.02, 3.125, 4.5], 1e-6, 'δ = 3 by hand');
    tf.dispose([x, y, h1, s1, h3, s3]);
  });

  it('an empty input: NaN for mean, 0 for sum (as PyTorch)', () => {
    const x = tf.zeros([0, 3]);
    for (const f of [mseLoss, l1Loss, smoothL1Loss, huberLoss] as const) {
      const mean = noLeak(() => f(x, x));
      expect(Number.isNaN(mean.dataSync()[0]), f.name).to.equal(true);
      const sum = noLeak(() => f(x, x, { reduction: 'sum' }));
      expect(sum.dataSync()[0], f.name).to.equal(0);
      tf.dispose([mean, sum]);
    }
    x.dispose();
  });
});
