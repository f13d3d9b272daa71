/**
 * crossEntropy and nllLoss against float64 references written here with loops (log-sum-exp over
 * the class axis, PyTorch's formulas for weights, ignored targets, label smoothing and the
 * weighted mean), on `[C]`, `[N, C]` and `[N, C, d1, ...]` inputs, every reduction; gradients
 * against central differences of the references and, for the plain cases, against the hand-derived
 * `(softmax − target) / N`.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { crossEntropy, nllLoss, type Reduction } from '../../src/losses/index.js';
import { arg, checkCase, describeOnBackends, expectClose, noLeak, seeded, seededInts, size, type Case } from './reference.js';

type Tensor = tf.Tensor;

interface RefOptions {
  readonly weight?: ReadonlyArray<number>;
  readonly ignoreIndex?: number;
  readonly labelSmoothing?: number;
  readonly reduction: Reduction;
}

/** Class axis 1 (0 for `[C]`); the rest is `[N, d1, ...]` flattened to (n, s). */
const layout = (shape: ReadonlyArray<number>) => {
  const C = shape.length === 1 ? shape[0]! : shape[1]!;
  const N = shape.length === 1 ? 1 : shape[0]!;
  const inner = size(shape.slice(2));
  const at = (n: number, c: number, s: number): number => (n * C + c) * inner + s;
  return { C, N, inner, at };
};

/** The log-probabilities of every sample, as `[sample][class]`, by log-sum-exp in float64. */
const logSoftmaxRef = (x: ReadonlyArray<number>, shape: ReadonlyArray<number>): number[][] => {
  const { C, N, inner, at } = layout(shape);
  const out: number[][] = [];
  for (let n = 0; n < N; n++)
    for (let s = 0; s < inner; s++) {
      const z = Array.from({ length: C }, (_, c) => x[at(n, c, s)]!);
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((acc, v) => acc + Math.exp(v - m), 0));
      out.push(z.map((v) => v - lse));
    }
  return out;
};

const reduce = (losses: number[], denominator: number, reduction: Reduction): number[] =>
  reduction === 'none'
    ? losses
    : reduction === 'sum'
      ? [losses.reduce((a, b) => a + b, 0)]
      : [losses.reduce((a, b) => a + b, 0) / denominator];

/** PyTorch's cross_entropy with class-index targets, on log-probabilities `logp[sample][class]`. */
const indexRef = (logp: number[][], target: ReadonlyArray<number>, o: RefOptions): number[] => {
  const C = logp[0]?.length ?? 0;
  const w = (c: number): number => (o.weight === undefined ? 1 : o.weight[c]!);
  const eps = o.labelSmoothing ?? 0;
  const ignore = o.ignoreIndex ?? -100;
  let weightSum = 0;
  const losses = logp.map((row, i) => {
    const y = target[i]!;
    if (y === ignore) return 0;
    weightSum += w(y);
    const nll = -w(y) * row[y]!;
    let smooth = 0;
    for (let c = 0; c < C; c++) smooth -= w(c) * row[c]!;
    return (1 - eps) * nll + (eps / C) * smooth;
  });
  return reduce(losses, weightSum, o.reduction);
};

/** PyTorch's cross_entropy with class-probability targets (same layout as the input). */
const probabilityRef = (x: ReadonlyArray<number>, shape: ReadonlyArray<number>, p: ReadonlyArray<number>, o: RefOptions): number[] => {
  const { C, N, inner, at } = layout(shape);
  const logp = logSoftmaxRef(x, shape);
  const eps = o.labelSmoothing ?? 0;
  const losses: number[] = [];
  for (let n = 0; n < N; n++)
    for (let s = 0; s < inner; s++) {
      let l = 0;
      for (let c = 0; c < C; c++) {
        const t = (1 - eps) * p[at(n, c, s)]! + eps / C;
        l -= (o.weight === undefined ? 1 : o.weight[c]!) * t * logp[n * inner + s]![c]!;
      }
      losses.push(l);
    }
  return reduce(losses, losses.length, o.reduction);
};

/** Log-probabilities of a `[N, C, ...]` tensor as the nll input, i.e. the reference of nllLoss takes the input as logp directly. */
const asRows = (x: ReadonlyArray<number>, shape: ReadonlyArray<number>): number[][] => {
  const { C, N, inner, at } = layout(shape);
  const rows: number[][] = [];
  for (let n = 0; n < N; n++) for (let s = 0; s < inner; s++) rows.push(Array.from({ length: C }, (_, c) => x[at(n, c, s)]!));
  return rows;
};

const shapes: ReadonlyArray<ReadonlyArray<number>> = [[5], [4, 5], [2, 3, 4], [2, 3, 2, 3]];
const reductions: ReadonlyArray<Reduction> = ['mean', 'sum', 'none'];
const sampleShape = (shape: ReadonlyArray<number>): number[] => (shape.length === 1 ? [] : [shape[0]!, ...shape.slice(2)]);

interface Variant {
  readonly name: string;
  readonly weight?: boolean;
  readonly ignoreIndex?: number;
  /** flat indices of the targets set to the ignored value */
  readonly ignored?: ReadonlyArray<number>;
  readonly labelSmoothing?: number;
}
const variants: ReadonlyArray<Variant> = [
  { name: 'plain' },
  { name: 'class weights', weight: true },
  { name: 'ignored targets (−100)', ignored: [0, 2] },
  { name: 'ignoreIndex 1, a real class', ignoreIndex: 1 },
  { name: 'label smoothing 0.2', labelSmoothing: 0.2 },
  { name: 'weights + ignored + smoothing 0.3', weight: true, ignored: [1], labelSmoothing: 0.3 },
];

const indexCases = (loss: 'crossEntropy' | 'nllLoss'): Case[] =>
  shapes.flatMap((shape, si) =>
    variants
      .filter((v) => loss === 'crossEntropy' || v.labelSmoothing === undefined)
      .flatMap((v) =>
        reductions.map((reduction): Case => {
          const { C } = layout(shape);
          const samples = sampleShape(shape);
          // nllLoss gets log-probabilities (negative numbers), crossEntropy logits in [-3, 3)
          const x = loss === 'nllLoss' ? seeded(size(shape), 10 + si, -4, -0.05) : seeded(size(shape), 10 + si, -3, 3);
          const t = seededInts(size(samples), 20 + si, C);
          for (const i of v.ignored ?? []) if (i < t.length) t[i] = -100;
          const weight = seeded(C, 30 + si, 0.2, 2);
          const args = [arg(x, shape, { grad: true }), arg(t, samples, { dtype: 'int32' })];
          if (v.weight === true) args.push(arg(weight, [C], { grad: true }));
          const options = (w: Tensor | undefined) => ({
            ...(w === undefined ? {} : { weight: w }),
            ...(v.ignoreIndex === undefined ? {} : { ignoreIndex: v.ignoreIndex }),
            ...(v.labelSmoothing === undefined ? {} : { labelSmoothing: v.labelSmoothing }),
            reduction,
          });
          const refOptions = (w: number[] | undefined): RefOptions => {
            const { weight: _, ...rest } = options(undefined);
            return { ...rest, ...(w === undefined ? {} : { weight: w }) };
          };
          return {
            name: `${loss} ${JSON.stringify(shape)} ${v.name} ${reduction}`,
            args,
            shape: reduction === 'none' ? samples : [],
            run: (xt, tt, wt) => (loss === 'crossEntropy' ? crossEntropy(xt!, tt!, options(wt)) : nllLoss(xt!, tt!, options(wt))),
            reference: (xv, tv, wv) =>
              indexRef(loss === 'crossEntropy' ? logSoftmaxRef(xv!, shape) : asRows(xv!, shape), tv!, refOptions(wv)),
          };
        }),
      ),
  );

const probabilityCases = (): Case[] =>
  shapes.flatMap((shape, si) =>
    [
      { name: 'plain' },
      { name: 'class weights', weight: true },
      { name: 'smoothing 0.1 + weights', weight: true, labelSmoothing: 0.1 },
    ].flatMap((v: { name: string; weight?: boolean; labelSmoothing?: number }) =>
      reductions.map((reduction): Case => {
        const { C } = layout(shape);
        const x = seeded(size(shape), 40 + si, -3, 3);
        // rows of the target need not sum to 1 for the formula; make them distributions anyway
        const raw = seeded(size(shape), 50 + si, 0.01, 1);
        const p = raw.map((r, i) => {
          const { inner } = layout(shape);
          const n = Math.floor(i / (C * inner));
          const s = i % inner;
          let z = 0;
          for (let c = 0; c < C; c++) z += raw[(n * C + c) * inner + s]!;
          return Math.fround(r / z);
        });
        const weight = seeded(C, 60 + si, 0.2, 2);
        const args = [arg(x, shape, { grad: true }), arg(p, shape, { grad: true })];
        if (v.weight === true) args.push(arg(weight, [C], { grad: true }));
        return {
          name: `crossEntropy probabilities ${JSON.stringify(shape)} ${v.name} ${reduction}`,
          args,
          shape: reduction === 'none' ? sampleShape(shape) : [],
          run: (xt, pt, wt) =>
            crossEntropy(xt!, pt!, {
              reduction,
              ...(wt === undefined ? {} : { weight: wt }),
              ...(v.labelSmoothing === undefined ? {} : { labelSmoothing: v.labelSmoothing }),
            }),
          reference: (xv, pv, wv) =>
            probabilityRef(xv!, shape, pv!, {
              reduction,
              ...(wv === undefined ? {} : { weight: wv }),
              ...(v.labelSmoothing === undefined ? {} : { labelSmoothing: v.labelSmoothing }),
            }),
        };
      }),
    ),
  );

describeOnBackends('losses: crossEntropy and nllLoss', () => {
  describe('class-index targets: values and gradients against the float64 reference', () => {
    for (const c of indexCases('crossEntropy')) it(c.name, () => checkCase(c));
  });
  describe('nllLoss: values and gradients against the float64 reference', () => {
    for (const c of indexCases('nllLoss')) it(c.name, () => checkCase(c));
  });
  describe('class-probability targets: values and gradients (input, target, weight)', () => {
    for (const c of probabilityCases()) it(c.name, () => checkCase(c));
  });

  it('hand-derived: the gradient of the mean is (softmax − onehot) / N, and with smoothing (softmax − (1 − ε)·onehot − ε/C) / N', () => {
    const logits = [
      [1, 2, 3],
      [0, 0, 0],
      [-1, 4, 0.5],
    ];
    const y = [2, 0, 1];
    const softmax = logits.map((row) => {
      const e = row.map(Math.exp);
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / z);
    });
    for (const eps of [0, 0.25]) {
      const x = tf.tensor2d(logits);
      const t = tf.tensor1d(y, 'int32');
      const g = tf.grad((l: Tensor) => crossEntropy(l, t, { labelSmoothing: eps }))(x);
      const expected = softmax.flatMap((row, n) => row.map((s, c) => (s - (1 - eps) * (c === y[n] ? 1 : 0) - eps / 3) / 3));
      expectClose(g.dataSync(), expected, 1e-6, `ε = ${eps}`);
      tf.dispose([x, t, g]);
    }
  });

  it('hand-derived: weighted mean divides by the weights of the targets that are not ignored (smoothing too)', () => {
    // two samples, classes weighted [1, 2, 4]; uniform logits, so logp = −log 3 everywhere
    const x = tf.zeros([3, 3]);
    const t = tf.tensor1d([1, 2, -100], 'int32');
    const weight = tf.tensor1d([1, 2, 4]);
    const plain = noLeak(() => crossEntropy(x, t, { weight }));
    // (2 log 3 + 4 log 3) / (2 + 4) = log 3
    expectClose(plain.dataSync(), [Math.log(3)], 1e-6, 'weighted');
    const smooth = noLeak(() => crossEntropy(x, t, { weight, labelSmoothing: 0.3 }));
    // per sample: 0.7·w[y]·log 3 + 0.1·(1 + 2 + 4)·log 3; summed over the two kept samples, over 6
    const expected = (0.7 * 6 * Math.log(3) + 2 * 0.1 * 7 * Math.log(3)) / 6;
    expectClose(smooth.dataSync(), [expected], 1e-6, 'weighted, smoothed');
    tf.dispose([x, t, weight, plain, smooth]);
  });

  it('every target ignored: NaN for mean (as PyTorch), 0 for sum, zeros for none; the same for nllLoss', () => {
    const x = seeded(12, 3);
    const input = tf.tensor2d(x, [4, 3]);
    const t = tf.fill([4], -100, 'int32');
    for (const f of [crossEntropy, nllLoss] as const) {
      const mean = noLeak(() => f(input, t));
      expect(Number.isNaN(mean.dataSync()[0]), `${f.name} mean is NaN`).to.equal(true);
      const sum = noLeak(() => f(input, t, { reduction: 'sum' }));
      expect(sum.dataSync()[0]).to.equal(0);
      const none = noLeak(() => f(input, t, { reduction: 'none' }));
      expect(Array.from(none.dataSync())).to.deep.equal([0, 0, 0, 0]);
      tf.dispose([mean, sum, none]);
    }
    // the gradients are zero, for the mean too (PyTorch's: the ignored entries are masked out, so
    // the 1/0 of the mean never reaches the input)
    for (const reduction of ['mean', 'sum'] as const) {
      const g = tf.grad((l: Tensor) => crossEntropy(l, t, { reduction, labelSmoothing: 0.1 }))(input);
      expect(Array.from(g.dataSync()), reduction).to.deep.equal(new Array(12).fill(0));
      const gn = tf.grad((l: Tensor) => nllLoss(l, t, { reduction }))(input);
      expect(Array.from(gn.dataSync()), reduction).to.deep.equal(new Array(12).fill(0));
      tf.dispose([g, gn]);
    }
    tf.dispose([input, t]);
  });

  it('an empty batch: NaN for mean, 0 for sum, an empty tensor for none (as PyTorch)', () => {
    const input = tf.zeros([0, 4]);
    const t = tf.zeros([0], 'int32');
    const p = tf.zeros([0, 4]);
    expect(Number.isNaN(crossEntropy(input, t).dataSync()[0])).to.equal(true);
    expect(Number.isNaN(crossEntropy(input, p).dataSync()[0])).to.equal(true);
    expect(crossEntropy(input, t, { reduction: 'sum' }).dataSync()[0]).to.equal(0);
    expect(crossEntropy(input, t, { reduction: 'none' }).shape).to.deep.equal([0]);
    tf.dispose([input, t, p]);
  });

  it('a −∞ score in a class that is not the target (a masked vocabulary) leaves the loss finite, as PyTorch', () => {
    const x = tf.tensor2d([[-Infinity, 0, 0]]);
    const t = tf.tensor1d([1], 'int32');
    const l = crossEntropy(x, t);
    expectClose(l.dataSync(), [Math.log(2)], 1e-6, 'loss');
    const g = tf.grad((v: Tensor) => crossEntropy(v, t))(x);
    expectClose(g.dataSync(), [0, -0.5, 0.5], 1e-6, 'gradient');
    tf.dispose([x, t, l, g]);
  });

  describe('stability: logits of ±1e4 give finite losses and gradients', () => {
    const logits = [1e4, -1e4, 0, -1e4, 1e4, 1e4, -1e4, -1e4, -1e4];
    it('class-index targets, with weights and label smoothing', () => {
      const x = tf.tensor2d(logits, [3, 3]);
      const t = tf.tensor1d([1, 0, 2], 'int32');
      const weight = tf.tensor1d([1, 2, 3]);
      // hand: row 0 [1e4, −1e4, 0] target 1: 2e4; row 1 [−1e4, 1e4, 1e4] target 0: 2e4 + log 2; row 2 uniform: log 3
      const plain = crossEntropy(x, t, { reduction: 'none' });
      expectClose(plain.dataSync(), [2e4, 2e4 + Math.log(2), Math.log(3)], 1e-6, 'none');
      for (const options of [{}, { weight }, { labelSmoothing: 0.1 }, { weight, labelSmoothing: 0.1 }]) {
        const l = crossEntropy(x, t, options);
        const g = tf.grad((v: Tensor) => crossEntropy(v, t, options))(x);
        const ref = indexRef(logSoftmaxRef(logits, [3, 3]), [1, 0, 2], {
          reduction: 'mean',
          ...('weight' in options ? { weight: [1, 2, 3] } : {}),
          ...('labelSmoothing' in options ? { labelSmoothing: 0.1 } : {}),
        });
        expect(Number.isFinite(l.dataSync()[0])).to.equal(true);
        expectClose(l.dataSync(), ref, 1e-6, JSON.stringify(Object.keys(options)));
        expect(Array.from(g.dataSync()).every(Number.isFinite), 'finite gradient').to.equal(true);
        tf.dispose([l, g]);
      }
      // hand: the gradient of the plain mean is (softmax − onehot) / 3
      const g = tf.grad((v: Tensor) => crossEntropy(v, t))(x);
      expectClose(g.dataSync(), [1 / 3, -1 / 3, 0, -1 / 3, 1 / 6, 1 / 6, 1 / 9, 1 / 9, -2 / 9], 1e-6, 'gradient');
      tf.dispose([x, t, weight, plain, g]);
    });

    it('class-probability targets', () => {
      const x = tf.tensor2d(logits, [3, 3]);
      const p = tf.tensor2d([0.5, 0.5, 0, 0, 0, 1, 0.2, 0.3, 0.5], [3, 3]);
      const l = crossEntropy(x, p, { reduction: 'none' });
      // row 0: 0.5·0 + 0.5·2e4; row 1: target class 2 has logp = 0 (tie: log 2); row 2: log 3
      expectClose(l.dataSync(), [1e4, Math.log(2), Math.log(3)], 1e-6, 'none');
      const [gx, gp] = tf.grads((a: Tensor, b: Tensor) => crossEntropy(a, b))([x, p]);
      expect(Array.from(gx!.dataSync()).every(Number.isFinite)).to.equal(true);
      expect(Array.from(gp!.dataSync()).every(Number.isFinite)).to.equal(true);
      tf.dispose([x, p, l, gx, gp]);
    });

    it('nllLoss on logSoftmax of ±1e4 logits equals crossEntropy', () => {
      const x = tf.tensor2d(logits, [3, 3]);
      const t = tf.tensor1d([1, 0, 2], 'int32');
      const a = crossEntropy(x, t);
      const logp = tf.logSoftmax(x);
      const b = nllLoss(logp, t);
      expectClose(b.dataSync(), a.dataSync(), 1e-6, 'nll');
      tf.dispose([x, t, a, logp, b]);
    });
  });

  it('unbatched input [C] with a scalar target, and the result types', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const t = tf.scalar(0, 'int32');
    const mean: tf.Scalar = crossEntropy(x, t);
    const none: Tensor = crossEntropy(x, t, { reduction: 'none' });
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expectClose(mean.dataSync(), [lse - 1], 1e-6, 'mean');
    expect(none.shape).to.deep.equal([]);
    tf.dispose([x, t, mean, none]);
  });
});
