/**
 * klDiv against a float64 reference written here (`t (log t − x)`, `0 log 0 = 0`; with `logTarget`
 * `eᵗ (t − x)`), every reduction including 'batchmean'; gradients to input and target against
 * central differences; zero targets and the KL divergence of two distributions by hand.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { klDiv, type KlDivReduction } from '../../src/losses/index.js';
import { arg, checkCase, describeOnBackends, expectClose, noLeak, seeded, size, type Case } from './reference.js';

type Tensor = tf.Tensor;

const klRef = (x: number, t: number, logTarget: boolean): number =>
  logTarget ? Math.exp(t) * (t - x) : (t === 0 ? 0 : t * Math.log(t)) - t * x;

const reduce = (losses: number[], reduction: KlDivReduction, shape: ReadonlyArray<number>): number[] => {
  const sum = losses.reduce((a, b) => a + b, 0);
  if (reduction === 'none') return losses;
  if (reduction === 'sum') return [sum];
  if (reduction === 'batchmean') return [shape.length === 0 ? sum : sum / shape[0]!];
  return [sum / losses.length];
};

const shapes: ReadonlyArray<ReadonlyArray<number>> = [[], [5], [3, 4], [2, 3, 2]];
const reductions: ReadonlyArray<KlDivReduction> = ['mean', 'batchmean', 'sum', 'none'];

const cases = (): Case[] =>
  shapes.flatMap((shape, si) =>
    [false, true].flatMap((logTarget) =>
      reductions.map((reduction): Case => {
        const n = size(shape);
        const x = seeded(n, 500 + si, -4, -0.05);
        // probabilities away from 0 (the reference's finite differences need t > 0), or log-probabilities
        const t = logTarget ? seeded(n, 510 + si, -4, 0) : seeded(n, 510 + si, 0.01, 1);
        return {
          name: `klDiv ${JSON.stringify(shape)} logTarget ${logTarget} ${reduction}`,
          args: [arg(x, shape, { grad: true }), arg(t, shape, { grad: true })],
          shape: reduction === 'none' ? shape : [],
          run: (xt, tt) => klDiv(xt!, tt!, { reduction, logTarget }),
          reference: (xv, tv) =>
            reduce(
              xv!.map((v, i) => klRef(v, tv![i]!, logTarget)),
              reduction,
              shape,
            ),
        };
      }),
    ),
  );

describeOnBackends('losses: klDiv', () => {
  describe('values and gradients (input and target) against the float64 reference', () => {
    for (const c of cases()) it(c.name, () => checkCase(c));
  });

  it("by hand: 'batchmean' is the KL divergence per sample; zero targets contribute 0 and gradient −x to the target", () => {
    const q = [
      [0.5, 0.5],
      [0.9, 0.1],
    ];
    const p = [
      [1, 0],
      [0.5, 0.5],
    ];
    const logq = tf.tensor2d(q.map((row) => row.map(Math.log)));
    const target = tf.tensor2d(p);
    const kl = noLeak(() => klDiv(logq, target, { reduction: 'batchmean' }));
    const expected = (Math.log(2) + 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1)) / 2;
    expectClose(kl.dataSync(), [expected], 1e-6, 'batchmean');
    const [gx, gt] = tf.grads((a: Tensor, b: Tensor) => klDiv(a, b, { reduction: 'sum' }))([logq, target]);
    // ∂/∂x = −t; ∂/∂t = log t + 1 − x, and −x at t = 0
    expectClose(gx!.dataSync(), [-1, 0, -0.5, -0.5], 1e-6, 'input gradient');
    expectClose(
      gt!.dataSync(),
      [1 - Math.log(0.5), -Math.log(0.5), Math.log(0.5) + 1 - Math.log(0.9), Math.log(0.5) + 1 - Math.log(0.1)],
      1e-6,
      'target gradient',
    );
    // the same with log-targets: exp(log p) = p, so the values agree where p > 0
    const logp = tf.tensor2d([[0, -1e4], p[1]!.map(Math.log)]);
    const viaLog = klDiv(logq, logp, { reduction: 'batchmean', logTarget: true });
    expectClose(viaLog.dataSync(), [expected], 1e-6, 'logTarget');
    tf.dispose([logq, target, kl, gx, gt, logp, viaLog]);
  });

  it('a negative probability target gives NaN, as PyTorch', () => {
    const x = tf.tensor1d([-1, -1]);
    const t = tf.tensor1d([0.5, -0.5]);
    const l = klDiv(x, t, { reduction: 'none' });
    const [a, b] = Array.from(l.dataSync());
    expect(Number.isNaN(b)).to.equal(true);
    expectClose([a!], [0.5 * Math.log(0.5) + 0.5], 1e-6, 'the valid entry');
    tf.dispose([x, t, l]);
  });
});
