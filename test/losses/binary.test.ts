/**
 * binaryCrossEntropy and binaryCrossEntropyWithLogits against float64 references written here
 * (the textbook formulas, PyTorch's clamp of each log at −100), with weights and positive weights
 * that broadcast, every reduction; gradients to input, target and weights against central
 * differences; PyTorch's gradient at probabilities of exactly 0 and 1 and the ±1e4-logit cases by hand.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, type Reduction } from '../../src/losses/index.js';
import { arg, checkCase, describeOnBackends, expectClose, noLeak, seeded, size, type Arg, type Case } from './reference.js';

type Tensor = tf.Tensor;

const reduce = (losses: number[], reduction: Reduction): number[] => {
  const sum = losses.reduce((a, b) => a + b, 0);
  return reduction === 'none' ? losses : reduction === 'sum' ? [sum] : [sum / losses.length];
};

/** Index of `shape`'s flat entry `i` in a broadcast operand of shape `small` (aligned right). */
const broadcastIndex = (shape: ReadonlyArray<number>, small: ReadonlyArray<number>, i: number): number => {
  let rest = i;
  let index = 0;
  let stride = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    const coordinate = rest % shape[k]!;
    rest = Math.floor(rest / shape[k]!);
    const j = k - (shape.length - small.length);
    if (j >= 0) {
      if (small[j]! !== 1) index += coordinate * stride;
      stride *= small[j]!;
    }
  }
  return index;
};

const bceRef = (x: number, y: number): number => -(y * Math.max(Math.log(x), -100) + (1 - y) * Math.max(Math.log(1 - x), -100));
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
/** The textbook form, fine in float64 for |x| ≤ 5. */
const bceLogitsRef = (x: number, y: number, p: number): number => -(p * y * Math.log(sigmoid(x)) + (1 - y) * Math.log(1 - sigmoid(x)));

const shapes: ReadonlyArray<ReadonlyArray<number>> = [[], [6], [3, 4], [2, 3, 2]];
const reductions: ReadonlyArray<Reduction> = ['mean', 'sum', 'none'];
/** Weight shapes that broadcast to `shape`: none, the same, the last axis, a single 1 (not for a scalar: [1] would grow it). */
const weightShapes = (shape: ReadonlyArray<number>): ReadonlyArray<ReadonlyArray<number> | undefined> =>
  shape.length === 0 ? [undefined, []] : [undefined, shape, [shape[shape.length - 1]!], [1]];

const bceCases = (): Case[] =>
  shapes.flatMap((shape, si) =>
    weightShapes(shape).flatMap((wShape, wi) =>
      reductions.map((reduction): Case => {
        const n = size(shape);
        const x = seeded(n, 300 + si, 0.02, 0.98);
        // hard and soft targets
        const y = seeded(n, 310 + si, 0, 1).map((u, i) => (i % 3 === 0 ? u : Math.round(u)));
        const args: Arg[] = [arg(x, shape, { grad: true }), arg(y, shape, { grad: true })];
        if (wShape !== undefined) args.push(arg(seeded(size(wShape), 320 + wi, 0.2, 2), wShape, { grad: true }));
        return {
          name: `binaryCrossEntropy ${JSON.stringify(shape)} weight ${JSON.stringify(wShape ?? null)} ${reduction}`,
          args,
          shape: reduction === 'none' ? shape : [],
          run: (xt, yt, wt) => binaryCrossEntropy(xt!, yt!, { reduction, ...(wt === undefined ? {} : { weight: wt }) }),
          reference: (xv, yv, wv) =>
            reduce(
              xv!.map((v, i) => (wv === undefined ? 1 : wv[broadcastIndex(shape, wShape!, i)]!) * bceRef(v, yv![i]!)),
              reduction,
            ),
        };
      }),
    ),
  );

const logitsCases = (): Case[] =>
  shapes.flatMap((shape, si) =>
    [
      { name: 'plain' },
      { name: 'weight', weight: true },
      { name: 'posWeight', pos: true },
      { name: 'weight + posWeight', weight: true, pos: true },
    ].flatMap((v: { name: string; weight?: boolean; pos?: boolean }) =>
      reductions.map((reduction): Case => {
        const n = size(shape);
        const last = shape.length === 0 ? [] : [shape[shape.length - 1]!];
        const x = seeded(n, 400 + si, -5, 5);
        const y = seeded(n, 410 + si, 0, 1).map((u, i) => (i % 2 === 0 ? u : Math.round(u)));
        const args: Arg[] = [arg(x, shape, { grad: true }), arg(y, shape, { grad: true })];
        // weight of the input's shape; posWeight per class (the last axis), as PyTorch's usual use
        args.push(arg(v.weight === true ? seeded(n, 420 + si, 0.2, 2) : [], v.weight === true ? shape : [0], { grad: v.weight === true }));
        args.push(arg(v.pos === true ? seeded(size(last), 430 + si, 0.5, 4) : [], v.pos === true ? last : [0], { grad: v.pos === true }));
        return {
          name: `binaryCrossEntropyWithLogits ${JSON.stringify(shape)} ${v.name} ${reduction}`,
          args,
          shape: reduction === 'none' ? shape : [],
          run: (xt, yt, wt, pt) =>
            binaryCrossEntropyWithLogits(xt!, yt!, {
              reduction,
              ...(v.weight === true ? { weight: wt! } : {}),
              ...(v.pos === true ? { posWeight: pt! } : {}),
            }),
          reference: (xv, yv, wv, pv) =>
            reduce(
              xv!.map(
                (xi, i) =>
                  (v.weight === true ? wv![i]! : 1) * bceLogitsRef(xi, yv![i]!, v.pos === true ? pv![broadcastIndex(shape, last, i)]! : 1),
              ),
              reduction,
            ),
        };
      }),
    ),
  );

describeOnBackends('losses: binaryCrossEntropy and binaryCrossEntropyWithLogits', () => {
  describe('binaryCrossEntropy: values and gradients (input, target, weight) against the float64 reference', () => {
    for (const c of bceCases()) it(c.name, () => checkCase(c));
  });
  describe('binaryCrossEntropyWithLogits: values and gradients (input, target, weight, posWeight)', () => {
    for (const c of logitsCases()) it(c.name, () => checkCase(c));
  });

  it("binaryCrossEntropy at probabilities 0 and 1: losses clamped at 100, PyTorch's finite gradients (by hand)", () => {
    const x = tf.tensor1d([0, 0, 1, 1, 0.5]);
    const y = tf.tensor1d([1, 0, 0, 1, 1]);
    const l = noLeak(() => binaryCrossEntropy(x, y, { reduction: 'none' }));
    expectClose(l.dataSync(), [100, 0, 100, 0, Math.log(2)], 1e-6, 'losses');
    const [gx, gy] = tf.grads((a: Tensor, b: Tensor) => binaryCrossEntropy(a, b, { reduction: 'sum' }))([x, y]);
    // (x − y) / max(x (1 − x), 1e-12); for the target max(log(1 − x), −100) − max(log x, −100)
    expectClose(gx!.dataSync(), [-1e12, 0, 1e12, 0, -2], 1e-6, 'input gradient');
    expectClose(gy!.dataSync(), [100, 100, -100, -100, 0], 1e-6, 'target gradient');
    tf.dispose([x, y, l, gx, gy]);
  });

  it('binaryCrossEntropyWithLogits at logits of ±1e4: finite losses and gradients (by hand), with posWeight', () => {
    const x = tf.tensor1d([1e4, -1e4, 1e4, -1e4, 0]);
    const y = tf.tensor1d([1, 1, 0, 0, 0.5]);
    const posWeight = tf.tensor1d([3]);
    const l = noLeak(() => binaryCrossEntropyWithLogits(x, y, { posWeight, reduction: 'none' }));
    // (1 − y) x + (1 + (p − 1) y) softplus(−x), p = 3
    expectClose(l.dataSync(), [0, 3e4, 1e4, 0, 2 * Math.log(2)], 1e-6, 'losses');
    const g = tf.grad((a: Tensor) => binaryCrossEntropyWithLogits(a, y, { posWeight, reduction: 'sum' }))(x);
    // (1 − y) − (1 + (p − 1) y) σ(−x)
    expectClose(g.dataSync(), [0, -3, 1, 0, -0.5], 1e-6, 'gradient');
    const plain = binaryCrossEntropyWithLogits(x, y, { reduction: 'none' });
    expectClose(plain.dataSync(), [0, 1e4, 1e4, 0, Math.log(2)], 1e-6, 'without posWeight');
    tf.dispose([x, y, posWeight, l, g, plain]);
  });

  it('binaryCrossEntropyWithLogits(x) = binaryCrossEntropy(sigmoid(x)) where sigmoid does not saturate', () => {
    const x = tf.tensor2d(seeded(12, 77, -4, 4), [3, 4]);
    const y = tf.tensor2d(seeded(12, 78, 0, 1), [3, 4]);
    const a = binaryCrossEntropyWithLogits(x, y);
    const s = tf.sigmoid(x);
    const b = binaryCrossEntropy(s, y);
    expectClose(a.dataSync(), b.dataSync(), 1e-5, 'mean');
    tf.dispose([x, y, a, s, b]);
  });
});
