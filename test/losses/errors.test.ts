/**
 * Bad arguments: each is a `LossError` naming the loss, the argument, what was expected and what
 * came, thrown before any tensor is made. What the types already refuse is proved with
 * `@ts-expect-error` and still checked at run time (for JavaScript callers).
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import * as root from '../../src/index.js';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  cosineEmbeddingLoss,
  crossEntropy,
  huberLoss,
  klDiv,
  l1Loss,
  LossError,
  marginRankingLoss,
  mseLoss,
  nllLoss,
  smoothL1Loss,
} from '../../src/losses/index.js';

type Tensor = tf.Tensor;

/** Runs `f`, expects a LossError with these fields, and checks no tensor was left behind. */
const expectLossError = (f: () => unknown, loss: string, argument: string, expected: string, actual: string): void => {
  const before = tf.memory().numTensors;
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'throws').to.be.instanceOf(LossError);
  const e = caught as LossError;
  expect({ loss: e.loss, argument: e.argument, expected: e.expected, actual: e.actual }).to.deep.equal({
    loss,
    argument,
    expected,
    actual,
  });
  expect(e.message).to.equal(`${loss}: ${argument}: expected ${expected}, got ${actual}`);
  expect(e.name).to.equal('LossError');
  expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
};

describe('losses: bad arguments are LossErrors naming the argument, expected and actual', () => {
  let x: Tensor;
  let t: Tensor;
  beforeEach(() => {
    x = tf.zeros([2, 3]);
    t = tf.tensor1d([0, 2], 'int32');
  });
  afterEach(() => {
    tf.dispose([x, t]);
  });

  it('crossEntropy: targets of the wrong dtype or shape', () => {
    const floatIndices = tf.tensor1d([0, 2]);
    expectLossError(
      () => crossEntropy(x, floatIndices),
      'crossEntropy',
      'target',
      'int32 class indices of shape [2] or float32 class probabilities of shape [2, 3]',
      'float32 of shape [2]',
    );
    const wrongProbabilities = tf.zeros([2, 4]);
    expectLossError(
      () => crossEntropy(x, wrongProbabilities),
      'crossEntropy',
      'target',
      'int32 class indices of shape [2] or float32 class probabilities of shape [2, 3]',
      'float32 of shape [2, 4]',
    );
    const bool = tf.tensor1d([true, false], 'bool');
    expectLossError(
      () => crossEntropy(x, bool),
      'crossEntropy',
      'target',
      'int32 class indices of shape [2] or float32 class probabilities of shape [2, 3]',
      'bool of shape [2]',
    );
    const long = tf.tensor1d([0, 1, 2], 'int32');
    expectLossError(
      () => crossEntropy(x, long),
      'crossEntropy',
      'target',
      "int32 class indices of shape [2] (input's [2, 3] without its class axis 1)",
      'int32 of shape [3]',
    );
    const spatial = tf.zeros([2, 3, 4, 5]);
    const flat = tf.zeros([2, 20], 'int32');
    expectLossError(
      () => crossEntropy(spatial, flat),
      'crossEntropy',
      'target',
      "int32 class indices of shape [2, 4, 5] (input's [2, 3, 4, 5] without its class axis 1)",
      'int32 of shape [2, 20]',
    );
    tf.dispose([floatIndices, wrongProbabilities, bool, long, spatial, flat]);
  });

  it('crossEntropy and nllLoss: a class index out of [0, C) other than ignoreIndex', () => {
    for (const [values, bad] of [
      [[0, 3], '3 at flat index 1'],
      [[-1, 0], '-1 at flat index 0'],
    ] as const) {
      const target = tf.tensor1d([...values], 'int32');
      expectLossError(() => crossEntropy(x, target), 'crossEntropy', 'target', 'class indices in [0, 3) or ignoreIndex -100', bad);
      expectLossError(() => nllLoss(x, target), 'nllLoss', 'target', 'class indices in [0, 3) or ignoreIndex -100', bad);
      target.dispose();
    }
    // −1 is fine once it is the ignored index
    const target = tf.tensor1d([-1, 0], 'int32');
    const l = crossEntropy(x, target, { ignoreIndex: -1 });
    expect(l.dataSync()[0]).to.be.closeTo(Math.log(3), 1e-6);
    tf.dispose([target, l]);
  });

  it('crossEntropy and nllLoss: input, weight, ignoreIndex and labelSmoothing', () => {
    const ints = tf.zeros([2, 3], 'int32');
    expectLossError(() => crossEntropy(ints, t), 'crossEntropy', 'input', 'a float32 tensor', 'int32 of shape [2, 3]');
    const scalar = tf.scalar(1);
    expectLossError(
      () => crossEntropy(scalar, t),
      'crossEntropy',
      'input',
      'scores of shape [C], [N, C] or [N, C, d1, ...] with C ≥ 1 classes',
      'float32 of shape []',
    );
    const noClasses = tf.zeros([2, 0]);
    expectLossError(
      () => nllLoss(noClasses, t),
      'nllLoss',
      'input',
      'scores of shape [C], [N, C] or [N, C, d1, ...] with C ≥ 1 classes',
      'float32 of shape [2, 0]',
    );
    const weight = tf.ones([2]);
    expectLossError(
      () => crossEntropy(x, t, { weight }),
      'crossEntropy',
      'weight',
      'a float32 tensor of shape [3] (one weight per class)',
      'float32 of shape [2]',
    );
    const intWeight = tf.ones([3], 'int32');
    expectLossError(
      () => nllLoss(x, t, { weight: intWeight }),
      'nllLoss',
      'weight',
      'a float32 tensor of shape [3] (one weight per class)',
      'int32 of shape [3]',
    );
    expectLossError(() => crossEntropy(x, t, { ignoreIndex: 0.5 }), 'crossEntropy', 'ignoreIndex', 'an integer', '0.5');
    for (const eps of [1.5, -0.1, NaN]) {
      expectLossError(
        () => crossEntropy(x, t, { labelSmoothing: eps }),
        'crossEntropy',
        'labelSmoothing',
        'a number in [0, 1]',
        String(eps),
      );
    }
    const floatTarget = tf.tensor1d([0, 1]);
    expectLossError(() => nllLoss(x, floatTarget), 'nllLoss', 'target', 'a int32 tensor', 'float32 of shape [2]');
    tf.dispose([ints, scalar, noClasses, weight, intWeight, floatTarget]);
  });

  it('an unknown reduction (a type error too)', () => {
    expectLossError(
      // @ts-expect-error 'avg' is not a reduction
      () => crossEntropy(x, t, { reduction: 'avg' }),
      'crossEntropy',
      'reduction',
      "'mean' | 'sum' | 'none'",
      '"avg"',
    );
    // 'batchmean' is klDiv's only
    // @ts-expect-error
    expectLossError(() => mseLoss(x, x, { reduction: 'batchmean' }), 'mseLoss', 'reduction', "'mean' | 'sum' | 'none'", '"batchmean"');
    // @ts-expect-error
    expectLossError(() => klDiv(x, x, { reduction: 'batch' }), 'klDiv', 'reduction', "'mean' | 'batchmean' | 'sum' | 'none'", '"batch"');
  });

  it("an option the loss does not take (PyTorch's ignore_index, pos_weight, reduce) is refused, not ignored; options must be an object", () => {
    expectLossError(
      // @ts-expect-error ignore_index is PyTorch's spelling
      () => crossEntropy(x, t, { ignore_index: 1 }),
      'crossEntropy',
      'options',
      'only weight, ignoreIndex, reduction, labelSmoothing',
      'the unknown option "ignore_index"',
    );
    const p = tf.fill([2, 3], 0.5);
    expectLossError(
      // @ts-expect-error pos_weight is PyTorch's spelling
      () => binaryCrossEntropyWithLogits(x, p, { pos_weight: p }),
      'binaryCrossEntropyWithLogits',
      'options',
      'only weight, posWeight, reduction',
      'the unknown option "pos_weight"',
    );
    // @ts-expect-error PyTorch's deprecated reduce
    expectLossError(() => mseLoss(x, p, { reduce: false }), 'mseLoss', 'options', 'only reduction', 'the unknown option "reduce"');
    for (const [loss, run] of [
      ['l1Loss', () => l1Loss(x, p, null as never)],
      ['huberLoss', () => huberLoss(x, p, null as never)],
      ['smoothL1Loss', () => smoothL1Loss(x, p, [] as never)],
      ['klDiv', () => klDiv(x, p, 'sum' as never)],
      ['binaryCrossEntropy', () => binaryCrossEntropy(p, p, null as never)],
      ['nllLoss', () => nllLoss(x, t, null as never)],
      ['marginRankingLoss', () => marginRankingLoss(tf.zeros([2]), tf.zeros([2]), tf.ones([2]), null as never)],
      ['cosineEmbeddingLoss', () => cosineEmbeddingLoss(x, x, tf.ones([2]), null as never)],
    ] as const) {
      let caught: unknown;
      try {
        tf.tidy(() => {
          run(); // its inputs made inside, freed by the tidy
        });
      } catch (e) {
        caught = e;
      }
      expect(caught, loss).to.be.instanceOf(LossError);
      expect((caught as LossError).argument, loss).to.equal('options');
      expect((caught as LossError).expected, loss).to.match(/^an object with some of .*reduction/);
    }
    // An option holding undefined is absent.
    expect(() => tf.dispose(mseLoss(x, p, { reduction: undefined, extra: undefined } as never))).not.to.throw();
    p.dispose();
  });

  it('elementwise losses: shapes, dtypes and their parameters', () => {
    const column = tf.zeros([2, 1]);
    const ints = tf.zeros([2, 3], 'int32');
    const elementwise: ReadonlyArray<readonly [string, (input: Tensor, target: Tensor) => Tensor]> = [
      ['mseLoss', mseLoss],
      ['l1Loss', l1Loss],
      ['smoothL1Loss', smoothL1Loss],
      ['huberLoss', huberLoss],
      ['binaryCrossEntropy', binaryCrossEntropy],
      ['binaryCrossEntropyWithLogits', binaryCrossEntropyWithLogits],
      ['klDiv', klDiv],
    ];
    for (const [name, f] of elementwise) {
      expectLossError(() => f(x, column), name, 'target', 'the shape of input, [2, 3]', '[2, 1]');
      expectLossError(() => f(x, ints), name, 'target', 'a float32 tensor', 'int32 of shape [2, 3]');
      expectLossError(() => f(ints, x), name, 'input', 'a float32 tensor', 'int32 of shape [2, 3]');
    }
    expectLossError(() => smoothL1Loss(x, x, { beta: -1 }), 'smoothL1Loss', 'beta', 'a finite number ≥ 0', '-1');
    expectLossError(() => huberLoss(x, x, { delta: 0 }), 'huberLoss', 'delta', 'a finite number > 0', '0');
    // @ts-expect-error logTarget is a boolean
    expectLossError(() => klDiv(x, x, { logTarget: 'yes' }), 'klDiv', 'logTarget', 'a boolean', '"yes"');
    // @ts-expect-error a plain array is not a tensor
    expectLossError(() => mseLoss([1, 2], x), 'mseLoss', 'input', 'a float32 tensor', 'object');
    tf.dispose([column, ints]);
  });

  it('binary cross-entropy: values outside [0, 1] and weights that do not broadcast', () => {
    const p = tf.tensor2d([0.5, 0.5, 1.5, 0, 1, 0.2], [2, 3]);
    const y = tf.tensor2d([0, 1, 0, 1, -0.1, 0], [2, 3]);
    const half = tf.fill([2, 3], 0.5);
    expectLossError(() => binaryCrossEntropy(p, half), 'binaryCrossEntropy', 'input', 'values in [0, 1]', '1.5 at flat index 2');
    expectLossError(() => binaryCrossEntropy(half, y), 'binaryCrossEntropy', 'target', 'values in [0, 1]', '-0.1 at flat index 4');
    const nan = tf.tensor2d([0.5, NaN, 0.5, 0.5, 0.5, 0.5], [2, 3]);
    expectLossError(() => binaryCrossEntropy(nan, half), 'binaryCrossEntropy', 'input', 'values in [0, 1]', 'NaN at flat index 1');
    const w4 = tf.ones([4]);
    const w23 = tf.ones([1, 2, 3]);
    expectLossError(
      () => binaryCrossEntropy(half, half, { weight: w4 }),
      'binaryCrossEntropy',
      'weight',
      "a shape that broadcasts to input's [2, 3]",
      '[4]',
    );
    expectLossError(
      () => binaryCrossEntropyWithLogits(x, half, { posWeight: w4 }),
      'binaryCrossEntropyWithLogits',
      'posWeight',
      "a shape that broadcasts to input's [2, 3]",
      '[4]',
    );
    // broadcasting may not add axes (PyTorch's expand to the input's shape)
    expectLossError(
      () => binaryCrossEntropyWithLogits(x, half, { weight: w23 }),
      'binaryCrossEntropyWithLogits',
      'weight',
      "a shape that broadcasts to input's [2, 3]",
      '[1, 2, 3]',
    );
    tf.dispose([p, y, half, nan, w4, w23]);
  });

  it('cosineEmbeddingLoss and marginRankingLoss: shapes, labels and margins', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([2, 4]);
    const cube = tf.zeros([2, 3, 4]);
    const y = tf.tensor1d([1, -1], 'int32');
    const y3 = tf.tensor1d([1, -1, 1]);
    const zeroLabel = tf.tensor1d([1, 0], 'int32');
    expectLossError(() => cosineEmbeddingLoss(a, b, y), 'cosineEmbeddingLoss', 'input2', 'the shape of input1, [2, 3]', '[2, 4]');
    expectLossError(
      () => cosineEmbeddingLoss(cube, cube, y),
      'cosineEmbeddingLoss',
      'input1',
      'a float32 tensor of shape [N, D] or [D]',
      'float32 of shape [2, 3, 4]',
    );
    expectLossError(
      () => cosineEmbeddingLoss(a, a, y3),
      'cosineEmbeddingLoss',
      'target',
      "a tensor of shape [2] (one label per pair of input1's [2, 3])",
      'float32 of shape [3]',
    );
    expectLossError(() => cosineEmbeddingLoss(a, a, zeroLabel), 'cosineEmbeddingLoss', 'target', 'labels 1 or -1', '0 at flat index 1');
    const softLabel = tf.tensor1d([0.3, 1]);
    expectLossError(() => cosineEmbeddingLoss(a, a, softLabel), 'cosineEmbeddingLoss', 'target', 'labels 1 or -1', '0.3 at flat index 0');
    softLabel.dispose();
    expectLossError(() => marginRankingLoss(y, y3, y3), 'marginRankingLoss', 'input1', 'a float32 tensor', 'int32 of shape [2]');
    expectLossError(() => marginRankingLoss(y3, a, y3), 'marginRankingLoss', 'input2', 'the shape of input1, [3]', '[2, 3]');
    expectLossError(() => marginRankingLoss(y3, y3, a), 'marginRankingLoss', 'target', 'the shape of input1, [3]', '[2, 3]');
    expectLossError(() => marginRankingLoss(y3, y3, y3, { margin: NaN }), 'marginRankingLoss', 'margin', 'a finite number', 'NaN');
    tf.dispose([a, b, cube, y, y3, zeroLabel]);
  });

  it('the root `losses` namespace is this module; results are typed by the reduction', () => {
    expect(root.losses.crossEntropy).to.equal(crossEntropy);
    expect(root.losses.LossError).to.equal(LossError);
    const mean: tf.Scalar = crossEntropy(x, t);
    const each: Tensor = crossEntropy(x, t, { reduction: 'none' });
    const batch: tf.Scalar = klDiv(x, x, { reduction: 'batchmean' });
    // @ts-expect-error 'none' gives the unreduced tensor, not a scalar
    const notScalar: tf.Scalar = crossEntropy(x, t, { reduction: 'none' });
    const either = 'mean' as 'mean' | 'none';
    // @ts-expect-error a reduction known only as 'mean' | 'none' may give either
    const maybe: tf.Scalar = crossEntropy(x, t, { reduction: either });
    tf.dispose([mean, each, batch, notScalar, maybe]);
  });
});
