import { expect } from 'chai';
import { flow, pipe } from 'fp-ts/lib/function.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { elu, gelu, geluTanh, leakyRelu, logSoftmax, relu, sigmoid, silu, softmax, tanh } from '../../src/nn/activations.js';
import { arr, checkGradients, expectClose, expectNoLeak, seeded, weightedSum } from './helpers.js';

type Tensor = tf.Tensor;

describe('nn activations', () => {
  const xs = [-3, -1, -0.5, 0, 0.5, 1, 2, 4];
  const x = () => tf.tensor1d(xs);

  const elementwise: Array<[string, (t: Tensor) => Tensor, (v: number) => number]> = [
    ['relu', relu, (v) => Math.max(v, 0)],
    ['tanh', tanh, Math.tanh],
    ['sigmoid', sigmoid, (v) => 1 / (1 + Math.exp(-v))],
    ['silu', silu, (v) => v / (1 + Math.exp(-v))],
    ['geluTanh', geluTanh, (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))],
    ['leakyRelu (PyTorch slope 0.01)', leakyRelu, (v) => (v >= 0 ? v : 0.01 * v)],
    ['leakyRelu slope 0.2', (t) => leakyRelu(t, 0.2), (v) => (v >= 0 ? v : 0.2 * v)],
    ['elu', elu, (v) => (v > 0 ? v : Math.expm1(v))],
    ['elu alpha 2', (t) => elu(t, 2), (v) => (v > 0 ? v : 2 * Math.expm1(v))],
  ];
  for (const [name, f, ref] of elementwise) {
    it(`${name} matches its formula, without leaks`, () => {
      const input = x();
      const y = expectNoLeak(() => f(input));
      expectClose(y.dataSync(), xs.map(ref), 1e-5);
      dispose([input, y]);
    });
  }

  it('gelu (exact) is x·Φ(x): values of the normal CDF', () => {
    const input = tf.tensor1d([-1, 0, 0.5, 1, 2]);
    const y = expectNoLeak(() => gelu(input));
    // Φ(−1) = 0.15865525393145707, Φ(0.5) = 0.6914624612740131, Φ(1) = 0.8413447460685429, Φ(2) = 0.9772498680518208
    expectClose(y.dataSync(), [-0.15865525393145707, 0, 0.5 * 0.6914624612740131, 0.8413447460685429, 2 * 0.9772498680518208], 1e-6);
    // the tanh form is an approximation: close, not equal
    const approx = geluTanh(input);
    expect(Math.abs(approx.dataSync()[3]! - y.dataSync()[3]!)).to.be.within(1e-7, 1e-3);
    dispose([input, y, approx]);
  });

  it('softmax / logSoftmax along the last axis and any other, stable for large inputs', () => {
    const m = tf.tensor2d([
      [1, 2, 3],
      [1000, 1000, 1000],
    ]);
    const s = expectNoLeak(() => softmax(m));
    const e = [1, 2, 3].map((v) => Math.exp(v));
    const z = e.reduce((a, b) => a + b, 0);
    expectClose(s.dataSync(), [...e.map((v) => v / z), 1 / 3, 1 / 3, 1 / 3], 1e-6);
    const ls = logSoftmax(m);
    expectClose(ls.dataSync(), [...e.map((v) => Math.log(v / z)), -Math.log(3), -Math.log(3), -Math.log(3)], 1e-5);
    const s0 = softmax(
      tf.tensor2d([
        [0, 1],
        [Math.log(3), 1],
      ]),
      0,
    );
    expectClose(s0.dataSync(), [0.25, 0.5, 0.75, 0.5], 1e-6);
    expect(() => softmax(m, 2)).to.throw('axis 2 is out of range for input of shape [2, 3]');
    dispose([m, s, ls, s0]);
  });

  it('gradients match central finite differences', () => {
    const input = seeded([12], 7);
    const fs: Array<(t: Tensor) => Tensor> = [
      relu,
      gelu,
      geluTanh,
      silu,
      tanh,
      sigmoid,
      leakyRelu,
      elu,
      (t) => elu(t, 1.5),
      softmax,
      logSoftmax,
      (t) => softmax(tf.reshape(t, [3, 4]), 0),
    ];
    for (const f of fs) checkGradients((t) => weightedSum(f(t!)), [input], { samples: 12, h: 1e-3 });
    input.dispose();
  });

  it('compose in pipe / flow', () => {
    const input = x();
    const y = pipe(input, relu, (h) => leakyRelu(h, 0.1), softmax);
    const g = flow(relu, softmax)(input);
    expectClose(y.dataSync(), g.dataSync(), 1e-7);
    expect(arr(y).reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-6);
    dispose([input, y, g]);
  });
});
