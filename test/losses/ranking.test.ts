/**
 * cosineEmbeddingLoss and marginRankingLoss against float64 references written here, with margins
 * and every reduction; gradients to the inputs against central differences; the hinge's gradient
 * (PyTorch's clamp_min passes it at 0) and a few values by hand.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { cosineEmbeddingLoss, marginRankingLoss, type Reduction } from '../../src/losses/index.js';
import { arg, checkCase, describeOnBackends, expectClose, noLeak, seeded, size, type Case } from './reference.js';

type Tensor = tf.Tensor;

const reduce = (losses: number[], reduction: Reduction): number[] => {
  const sum = losses.reduce((a, b) => a + b, 0);
  return reduction === 'none' ? losses : reduction === 'sum' ? [sum] : [sum / losses.length];
};

const cosineRef = (a: number[], b: number[], y: number[], D: number, margin: number): number[] =>
  y.map((label, n) => {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let d = 0; d < D; d++) {
      const u = a[n * D + d]!;
      const v = b[n * D + d]!;
      dot += u * v;
      na += u * u;
      nb += v * v;
    }
    const cos = dot / Math.sqrt((na + 1e-12) * (nb + 1e-12));
    return label === 1 ? 1 - cos : Math.max(0, cos - margin);
  });

const reductions: ReadonlyArray<Reduction> = ['mean', 'sum', 'none'];

const cosineCases = (): Case[] =>
  [[6, 4], [5, 3], [4]].flatMap((shape, si) =>
    [0, 0.2, -0.3].flatMap((margin) =>
      reductions.map((reduction): Case => {
        const N = shape.length === 2 ? shape[0]! : 1;
        const D = shape[shape.length - 1]!;
        const labels = Array.from({ length: N }, (_, n) => (n % 2 === 0 ? 1 : -1));
        const yShape = shape.length === 2 ? [N] : [];
        return {
          name: `cosineEmbeddingLoss ${JSON.stringify(shape)} margin ${margin} ${reduction}`,
          args: [
            arg(seeded(size(shape), 600 + si, -1, 1), shape, { grad: true }),
            arg(seeded(size(shape), 610 + si, -1, 1), shape, { grad: true }),
            arg(labels, yShape, { dtype: si === 1 ? 'float32' : 'int32' }),
          ],
          shape: reduction === 'none' ? yShape : [],
          run: (a, b, y) => cosineEmbeddingLoss(a!, b!, y!, { margin, reduction }),
          reference: (a, b, y) => reduce(cosineRef(a!, b!, y!, D, margin), reduction),
        };
      }),
    ),
  );

const rankingCases = (): Case[] =>
  [[], [7], [3, 4]].flatMap((shape, si) =>
    [0, 0.5].flatMap((margin) =>
      reductions.map((reduction): Case => {
        const n = size(shape);
        const y = seeded(n, 700 + si, 0, 1).map((u) => (u < 0.5 ? -1 : 1));
        return {
          name: `marginRankingLoss ${JSON.stringify(shape)} margin ${margin} ${reduction}`,
          args: [
            arg(seeded(n, 710 + si, -1, 1), shape, { grad: true }),
            arg(seeded(n, 720 + si, -1, 1), shape, { grad: true }),
            arg(y, shape, { grad: true }),
          ],
          shape: reduction === 'none' ? shape : [],
          run: (a, b, t) => marginRankingLoss(a!, b!, t!, { margin, reduction }),
          reference: (a, b, t) =>
            reduce(
              a!.map((u, i) => Math.max(0, -t![i]! * (u - b![i]!) + margin)),
              reduction,
            ),
        };
      }),
    ),
  );

describeOnBackends('losses: cosineEmbeddingLoss and marginRankingLoss', () => {
  describe('cosineEmbeddingLoss: values and gradients (both inputs) against the float64 reference', () => {
    for (const c of cosineCases()) it(c.name, () => checkCase(c));
  });
  describe('marginRankingLoss: values and gradients (inputs and target) against the float64 reference', () => {
    for (const c of rankingCases()) it(c.name, () => checkCase(c));
  });

  it('cosineEmbeddingLoss by hand: orthogonal, parallel and 45° pairs; zero vectors give cos 0', () => {
    const a = tf.tensor2d([
      [1, 0],
      [1, 0],
      [2, 0],
      [0, 0],
    ]);
    const b = tf.tensor2d([
      [0, 1],
      [1, 1],
      [3, 0],
      [0, 0],
    ]);
    const y = tf.tensor1d([1, -1, -1, 1], 'int32');
    const l = noLeak(() => cosineEmbeddingLoss(a, b, y, { margin: 0.5, reduction: 'none' }));
    expectClose(l.dataSync(), [1, Math.SQRT1_2 - 0.5, 0.5, 1], 1e-6, 'losses');
    // the gradient of 1 − cos(a, b) in a at a = (1, 0), b = (0, 1): −(b/|a||b| − cos · a/|a|²) = (0, −1)
    const g = tf.grad((u: Tensor) => cosineEmbeddingLoss(u, b, y, { margin: 0.5, reduction: 'sum' }))(a);
    const [g0, g1] = Array.from(g.dataSync());
    expectClose([g0!, g1!], [0, -1], 1e-6, 'gradient of the first pair');
    expect(Array.from(g.dataSync()).every(Number.isFinite), 'finite at zero vectors').to.equal(true);
    tf.dispose([a, b, y, l, g]);
  });

  it('marginRankingLoss by hand, and the gradient at the hinge passes (PyTorch clamp_min), where tfjs relu would stop it', () => {
    const x1 = tf.tensor1d([2, 0, 1]);
    const x2 = tf.tensor1d([1, 1, 1]);
    const y = tf.tensor1d([1, 1, -1]);
    const l = noLeak(() => marginRankingLoss(x1, x2, y, { margin: 0.5, reduction: 'none' }));
    expectClose(l.dataSync(), [0, 1.5, 0.5], 1e-7, 'losses');
    // margin 0 and x1 = x2: every entry sits on the hinge; the gradient in x1 is −y
    const same = tf.tensor1d([1, 1, 1]);
    const [g1, g2] = tf.grads((a: Tensor, b: Tensor) => marginRankingLoss(a, b, y, { reduction: 'sum' }))([same, x2]);
    expect(Array.from(g1!.dataSync())).to.deep.equal([-1, -1, 1]);
    expect(Array.from(g2!.dataSync())).to.deep.equal([1, 1, -1]);
    tf.dispose([x1, x2, same, y, l, g1, g2]);
  });
});
