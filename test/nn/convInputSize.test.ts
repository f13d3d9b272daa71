/**
 * Convolutions refuse an input whose padded spatial size is smaller than the dilated kernel, and a
 * transposed convolution refuses a configuration whose output size is below 1, as PyTorch does
 * ("Kernel size can't be greater than actual input size", "Output size is too small"); before,
 * such inputs gave an empty tensor. Expected sizes come from PyTorch's output-size formulas:
 * - convolution: out = floor((in + padBefore + padAfter − dilation·(k − 1) − 1) / stride) + 1,
 *   refused when in + padBefore + padAfter < dilation·(k − 1) + 1;
 * - transposed: out = (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1, refused when < 1.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { Conv1d } from '../../src/nn/Conv1d.js';
import { Conv2d } from '../../src/nn/Conv2d.js';
import { ConvTranspose2d } from '../../src/nn/ConvTranspose2d.js';
import { key } from '../../src/random/PRNGKey.js';
import { ModuleError } from '../../src/tree/ModuleError.js';

type Tensor = tf.Tensor;

/** PyTorch's convolution output size along one axis (null: PyTorch raises). */
const convOut = (size: number, k: number, stride: number, padBefore: number, padAfter: number, dilation: number): number | null => {
  const padded = size + padBefore + padAfter;
  const extent = dilation * (k - 1) + 1;
  return padded < extent ? null : Math.floor((padded - extent) / stride) + 1;
};

/** PyTorch's transposed-convolution output size along one axis (null: PyTorch raises). */
const transposedOut = (
  size: number,
  k: number,
  stride: number,
  padding: number,
  outputPadding: number,
  dilation: number,
): number | null => {
  const out = (size - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1;
  return out < 1 ? null : out;
};

/** Runs `f`, returning its output shape (tensor freed) or the thrown error. */
const outcome = (f: () => Tensor): number[] | Error => {
  try {
    const y = tf.tidy(f);
    const shape = [...y.shape];
    y.dispose();
    return shape;
  } catch (e) {
    return e as Error;
  }
};

describe('nn convolutions: input smaller than the kernel (PyTorch raises)', () => {
  const k0 = key(0);

  it('Conv2d refuses a 2x2 input to a 3x3 kernel, naming the kernel and the padded size', () => {
    expect(convOut(2, 3, 1, 0, 0, 1)).to.equal(null);
    const m = initialize(Conv2d.create(1, 1, 3))(k0);
    const x = tf.zeros([1, 1, 2, 2]);
    const before = tf.memory().numTensors;
    expect(() => tf.tidy(() => Conv2d.forward(m, x))).to.throw(ModuleError, /at least \[3, 3\].*got \[2, 2\]/);
    expect(tf.memory().numTensors).to.equal(before);
    // one axis too small is enough
    expect(() => tf.tidy(() => Conv2d.forward(m, tf.zeros([1, 1, 5, 2])))).to.throw(ModuleError, /at least \[3, 3\].*got \[5, 2\]/);
    dispose([m, x]);
  });

  it('Conv2d counts dilation and padding: dilated kernel 5 needs padded size 5', () => {
    // k 3, dilation 2: extent 2·2 + 1 = 5; input 3 + 2·1 = 5 fits (out 1), input 2 + 2 = 4 does not
    expect(convOut(3, 3, 1, 1, 1, 2)).to.equal(1);
    expect(convOut(2, 3, 1, 1, 1, 2)).to.equal(null);
    const m = initialize(Conv2d.create(1, 2, 3, { dilation: 2, padding: 1 }))(k0);
    const ok = outcome(() => Conv2d.forward(m, tf.zeros([1, 1, 3, 3])));
    expect(ok).to.deep.equal([1, 2, 1, 1]);
    expect(() => tf.tidy(() => Conv2d.forward(m, tf.zeros([1, 1, 2, 3])))).to.throw(ModuleError, /at least \[5, 5\].*got \[4, 5\]/);
    dispose(m);
  });

  it("Conv2d: input exactly the kernel size, and 'same' padding on a 1x1 input, still work", () => {
    const exact = initialize(Conv2d.create(2, 3, [3, 2]))(k0);
    expect(outcome(() => Conv2d.forward(exact, tf.ones([2, 2, 3, 2])))).to.deep.equal([2, 3, 1, 1]);
    expect(outcome(() => Conv2d.forward(exact, tf.ones([2, 3, 2])))).to.deep.equal([3, 1, 1]);
    const same = initialize(Conv2d.create(1, 1, 5, { padding: 'same', dilation: 2 }))(k0);
    expect(outcome(() => Conv2d.forward(same, tf.ones([1, 1, 1, 1])))).to.deep.equal([1, 1, 1, 1]);
    const grouped = initialize(Conv2d.create(2, 2, 3, { groups: 2 }))(k0);
    expect(outcome(() => Conv2d.forward(grouped, tf.ones([1, 2, 3, 3])))).to.deep.equal([1, 2, 1, 1]);
    expect(() => tf.tidy(() => Conv2d.forward(grouped, tf.ones([1, 2, 2, 3])))).to.throw(ModuleError, /at least \[3, 3\].*got \[2, 3\]/);
    dispose([exact, same, grouped]);
  });

  it('Conv2d: the error names the layer path and the input shape', () => {
    const m = initialize(Conv2d.create(1, 1, 3))(k0);
    const err = outcome(() => Conv2d.forward(m, tf.zeros([1, 1, 2, 2])));
    expect(err).to.be.instanceOf(ModuleError);
    expect((err as Error).message)
      .to.match(/^Conv2d/)
      .and.to.include('[1, 1, 2, 2]');
    dispose(m);
  });

  it("Conv1d refuses an input shorter than the dilated kernel; exact length and 'same' work", () => {
    const m = initialize(Conv1d.create(1, 1, 3))(k0);
    expect(() => tf.tidy(() => Conv1d.forward(m, tf.zeros([1, 1, 2])))).to.throw(ModuleError, /at least \[3\].*got \[2\]/);
    expect(() => tf.tidy(() => Conv1d.forward(m, tf.zeros([1, 2])))).to.throw(ModuleError, /at least \[3\].*got \[2\]/);
    expect(outcome(() => Conv1d.forward(m, tf.zeros([1, 1, 3])))).to.deep.equal([1, 1, 1]);
    const dilated = initialize(Conv1d.create(2, 2, 3, { dilation: 3, groups: 2 }))(k0); // extent 7
    expect(() => tf.tidy(() => Conv1d.forward(dilated, tf.zeros([1, 2, 6])))).to.throw(ModuleError, /at least \[7\].*got \[6\]/);
    expect(outcome(() => Conv1d.forward(dilated, tf.zeros([1, 2, 7])))).to.deep.equal([1, 2, 1]);
    const same = initialize(Conv1d.create(1, 1, 4, { padding: 'same' }))(k0);
    expect(outcome(() => Conv1d.forward(same, tf.zeros([1, 1, 1])))).to.deep.equal([1, 1, 1]);
    dispose([m, dilated, same]);
  });

  it('ConvTranspose2d refuses an output size below 1 (kernel 1, padding 1 on a 1x1 input)', () => {
    expect(transposedOut(1, 1, 1, 1, 0, 1)).to.equal(null); // (1 − 1)·1 − 2 + 0 + 0 + 1 = −1
    const m = initialize(ConvTranspose2d.create(1, 1, 1, { padding: 1 }))(k0);
    const x = tf.zeros([1, 1, 1, 1]);
    const before = tf.memory().numTensors;
    expect(() => tf.tidy(() => ConvTranspose2d.forward(m, x))).to.throw(ModuleError, /at least \[1, 1\].*got \[-1, -1\]/);
    expect(tf.memory().numTensors).to.equal(before);
    // 3x3 input: (3 − 1) − 2 + 1 = 1 works
    expect(outcome(() => ConvTranspose2d.forward(m, tf.zeros([1, 1, 3, 3])))).to.deep.equal([1, 1, 1, 1]);
    // one axis: height 2 gives 0
    expect(() => tf.tidy(() => ConvTranspose2d.forward(m, tf.zeros([1, 2, 3])))).to.throw(ModuleError, /got \[0, 1\]/);
    dispose([m, x]);
  });

  it("Conv2d agrees with PyTorch's formula: the output shape, or a ModuleError exactly when PyTorch raises", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        (size, k, stride, padding, dilation, same) => {
          const opts = same ? { padding: 'same' as const, dilation } : { stride, padding, dilation };
          const total = dilation * (k - 1);
          const [before, after] = same ? [Math.floor(total / 2), total - Math.floor(total / 2)] : [padding, padding];
          const expected = convOut(size, k, same ? 1 : stride, before, after, dilation);
          const m = initialize(Conv2d.create(1, 1, k, opts))(k0);
          const got = outcome(() => Conv2d.forward(m, tf.zeros([1, 1, size, 3 + total])));
          dispose(m);
          if (expected === null) return got instanceof ModuleError;
          return Array.isArray(got) && got[2] === expected;
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it("ConvTranspose2d agrees with PyTorch's formula: the output shape, or a ModuleError exactly when PyTorch raises", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        (size, k, stride, padding, dilation, op) => {
          const outputPadding = op % Math.max(stride, dilation);
          const expected = transposedOut(size, k, stride, padding, outputPadding, dilation);
          const m = initialize(
            ConvTranspose2d.create(1, 1, [k, 1], {
              stride: [stride, 1],
              padding: [padding, 0],
              outputPadding: [outputPadding, 0],
              dilation: [dilation, 1],
            }),
          )(k0);
          const got = outcome(() => ConvTranspose2d.forward(m, tf.zeros([1, 1, size, 2])));
          dispose(m);
          if (expected === null) return got instanceof ModuleError;
          return Array.isArray(got) && got[2] === expected && got[3] === 2;
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });
});
