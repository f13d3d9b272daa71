/**
 * `conv2dOp` (src/nn/conv2dOp.ts), the one-op convolution with its own gradient behind `nn.Conv2d`,
 * on both backends: forward values and the input, weight and bias gradients against float64 loops
 * written here (PyTorch's definition in NCHW / OIHW) and against tfjs's automatic gradient of the
 * raw NHWC composition (`transpose → pad → conv2d → add → transpose`); strides whose windows miss the
 * last rows, asymmetric padding, no bias, one output channel; partial differentiation, a scope named
 * like a kernel, `nn.Conv2d` through `valueAndGrad`, and no leaks.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { valueAndGrad } from '../../src/grad/valueAndGrad.js';
import { Conv2d } from '../../src/nn/Conv2d.js';
import { conv2dOp } from '../../src/nn/conv2dOp.js';
import { seeded, seededValues } from './helpers.js';
import { expectClose, values } from '../support/tensors.js';

type Tensor = tf.Tensor;
type Pad = [[number, number], [number, number]];

interface Geometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly o: number;
  readonly kh: number;
  readonly kw: number;
  readonly stride: [number, number];
  readonly pad: Pad;
}

const outSize = (g: Geometry): [number, number] => [
  Math.floor((g.h + g.pad[0][0] + g.pad[0][1] - g.kh) / g.stride[0]) + 1,
  Math.floor((g.w + g.pad[1][0] + g.pad[1][1] - g.kw) / g.stride[1]) + 1,
];

/**
 * Float64 loops over PyTorch's definition `y[n, o, i, j] = b[o] + Σ_{c, p, q} w[o, c, p, q] ·
 * x[n, c, i·s − top + p, j·s − left + q]`, and the gradients of `Σ dy ⊙ y`.
 */
const reference = (g: Geometry, x: number[], wt: number[], b: number[] | undefined, dy: number[]) => {
  const [ho, wo] = outSize(g);
  const y: number[] = [];
  const dx = new Array<number>(x.length).fill(0);
  const dw = new Array<number>(wt.length).fill(0);
  const db = new Array<number>(g.o).fill(0);
  const xi = (n: number, c: number, r: number, s: number) => ((n * g.c + c) * g.h + r) * g.w + s;
  const wi = (o: number, c: number, p: number, q: number) => ((o * g.c + c) * g.kh + p) * g.kw + q;
  let k = 0;
  for (let n = 0; n < g.n; n++)
    for (let o = 0; o < g.o; o++)
      for (let i = 0; i < ho; i++)
        for (let j = 0; j < wo; j++, k++) {
          let acc = b === undefined ? 0 : b[o]!;
          const d = dy[k]!;
          db[o]! += d;
          for (let c = 0; c < g.c; c++)
            for (let p = 0; p < g.kh; p++)
              for (let q = 0; q < g.kw; q++) {
                const r = i * g.stride[0] - g.pad[0][0] + p;
                const s = j * g.stride[1] - g.pad[1][0] + q;
                if (r < 0 || r >= g.h || s < 0 || s >= g.w) continue;
                acc += wt[wi(o, c, p, q)]! * x[xi(n, c, r, s)]!;
                dx[xi(n, c, r, s)]! += d * wt[wi(o, c, p, q)]!;
                dw[wi(o, c, p, q)]! += d * x[xi(n, c, r, s)]!;
              }
          y.push(acc);
        }
  return { y, dx, dw, db };
};

/** tfjs's automatic gradient of the composition the op replaces (NHWC kernels, explicit pad, bias add). */
const autodiff = (g: Geometry, x: Tensor, w: Tensor, b: Tensor | undefined, dy: Tensor): number[][] =>
  tf.tidy(() => {
    const f = (xa: Tensor, wa: Tensor, ba?: Tensor): Tensor => {
      const xh = tf.pad(tf.transpose(xa, [0, 2, 3, 1]), [[0, 0], g.pad[0], g.pad[1], [0, 0]]) as tf.Tensor4D;
      const y0 = tf.conv2d(xh, tf.transpose(wa, [2, 3, 1, 0]) as tf.Tensor4D, g.stride, 'valid');
      const y = tf.transpose(ba === undefined ? y0 : tf.add(y0, ba), [0, 3, 1, 2]);
      return tf.sum(tf.mul(y, dy));
    };
    return tf
      .grads(f as (...xs: Tensor[]) => Tensor)(b === undefined ? [x, w] : [x, w, b])
      .map(values);
  });

const cases: ReadonlyArray<{ name: string; g: Geometry; bias: boolean }> = [
  {
    name: '3x3, no padding',
    g: {
      n: 2,
      c: 3,
      h: 6,
      w: 5,
      o: 4,
      kh: 3,
      kw: 3,
      stride: [1, 1],
      pad: [
        [0, 0],
        [0, 0],
      ],
    },
    bias: true,
  },
  {
    name: 'stride 2, padding 1',
    g: {
      n: 2,
      c: 2,
      h: 7,
      w: 6,
      o: 3,
      kh: 3,
      kw: 3,
      stride: [2, 2],
      pad: [
        [1, 1],
        [1, 1],
      ],
    },
    bias: true,
  },
  {
    name: "asymmetric padding ('same' with an even kernel)",
    g: {
      n: 1,
      c: 2,
      h: 5,
      w: 5,
      o: 2,
      kh: 4,
      kw: 3,
      stride: [1, 1],
      pad: [
        [1, 2],
        [1, 1],
      ],
    },
    bias: true,
  },
  {
    name: 'stride [3, 2] whose windows never reach the last rows/columns',
    g: {
      n: 2,
      c: 2,
      h: 9,
      w: 8,
      o: 3,
      kh: 2,
      kw: 3,
      stride: [3, 2],
      pad: [
        [0, 0],
        [0, 0],
      ],
    },
    bias: true,
  },
  {
    name: 'stride [3, 2], 3x4 kernel, asymmetric padding (input gradient by phases on wasm)',
    g: {
      n: 2,
      c: 2,
      h: 10,
      w: 9,
      o: 3,
      kh: 3,
      kw: 4,
      stride: [3, 2],
      pad: [
        [1, 0],
        [0, 2],
      ],
    },
    bias: true,
  },
  {
    name: 'stride 2, 4x4 kernel, padding 1 (the usual 2x downsampler)',
    g: {
      n: 1,
      c: 3,
      h: 8,
      w: 8,
      o: 2,
      kh: 4,
      kw: 4,
      stride: [2, 2],
      pad: [
        [1, 1],
        [1, 1],
      ],
    },
    bias: false,
  },
  {
    name: 'stride 2 with padding 2 and a 2x2 kernel (output rows past the input)',
    g: {
      n: 1,
      c: 2,
      h: 5,
      w: 4,
      o: 2,
      kh: 2,
      kw: 2,
      stride: [2, 2],
      pad: [
        [2, 2],
        [1, 2],
      ],
    },
    bias: true,
  },
  {
    name: 'no bias, 1x1 kernel',
    g: {
      n: 2,
      c: 3,
      h: 4,
      w: 4,
      o: 2,
      kh: 1,
      kw: 1,
      stride: [1, 1],
      pad: [
        [0, 0],
        [0, 0],
      ],
    },
    bias: false,
  },
  {
    name: 'one output channel',
    g: {
      n: 2,
      c: 2,
      h: 5,
      w: 4,
      o: 1,
      kh: 2,
      kw: 2,
      stride: [1, 1],
      pad: [
        [1, 0],
        [0, 1],
      ],
    },
    bias: true,
  },
  {
    name: 'one input channel, stride 2 (the bench CNN, smaller)',
    g: {
      n: 4,
      c: 1,
      h: 12,
      w: 12,
      o: 8,
      kh: 3,
      kw: 3,
      stride: [2, 2],
      pad: [
        [0, 0],
        [0, 0],
      ],
    },
    bias: true,
  },
  {
    name: 'XNNPACK-sized',
    g: {
      n: 4,
      c: 8,
      h: 14,
      w: 14,
      o: 16,
      kh: 3,
      kw: 3,
      stride: [2, 2],
      pad: [
        [1, 1],
        [1, 1],
      ],
    },
    bias: true,
  },
];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`nn conv2dOp on ${backend}`, () => {
    beforeEach(async () => {
      await tf.setBackend(backend);
    });
    after(async () => {
      await tf.setBackend('cpu');
    });

    for (const c of cases) {
      it(`${c.name}: forward and gradients match float64 loops and tfjs's automatic gradient`, () => {
        const { g } = c;
        const [ho, wo] = outSize(g);
        const xv = seededValues(g.n * g.c * g.h * g.w, 1);
        const wv = seededValues(g.o * g.c * g.kh * g.kw, 2);
        const bv = c.bias ? seededValues(g.o, 3) : undefined;
        const dyv = seededValues(g.n * g.o * ho * wo, 4);
        const x = tf.tensor(xv, [g.n, g.c, g.h, g.w]);
        const w = tf.tensor(wv, [g.o, g.c, g.kh, g.kw]);
        const b = bv === undefined ? undefined : tf.tensor(bv, [g.o]);
        const dy = tf.tensor(dyv, [g.n, g.o, ho, wo]);
        const args = { stride: g.stride, padding: g.pad };
        const ref = reference(g, xv, wv, bv, dyv);
        const before = tf.memory().numTensors;

        const y = conv2dOp(x, w, b, args);
        expect(y.shape).to.deep.equal([g.n, g.o, ho, wo]);
        expectClose(values(y), ref.y, 1e-5, 1e-5, 'forward');
        y.dispose();

        const f = (xa: Tensor, wa: Tensor, ba?: Tensor): Tensor => tf.sum(tf.mul(conv2dOp(xa, wa, ba, args), dy));
        const inputs = b === undefined ? [x, w] : [x, w, b];
        const grads = tf.grads(f as (...xs: Tensor[]) => Tensor)(inputs);
        expect(grads.map((t) => t.shape)).to.deep.equal(inputs.map((t) => t.shape));
        expectClose(values(grads[0]!), ref.dx, 1e-5, 1e-5, 'dx');
        expectClose(values(grads[1]!), ref.dw, 1e-5, 1e-5, 'dW');
        if (b !== undefined) expectClose(values(grads[2]!), ref.db, 1e-5, 1e-5, 'db');
        const auto = autodiff(g, x, w, b, dy);
        grads.forEach((t, i) => expectClose(values(t), auto[i]!, 1e-5, 1e-5, `autodiff ${i}`));
        tf.dispose(grads);
        expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
        tf.dispose([x, w, dy, ...(b === undefined ? [] : [b])]);
      });
    }

    it('rank 3 ([N, C, L] with weight [O, I, k], as nn.Conv1d): forward and gradients match the loops at height 1', () => {
      const g: Geometry = {
        n: 2,
        c: 3,
        h: 1,
        w: 9,
        o: 4,
        kh: 1,
        kw: 3,
        stride: [1, 2],
        pad: [
          [0, 0],
          [1, 2],
        ],
      };
      const [, wo] = outSize(g);
      const xv = seededValues(2 * 3 * 9, 21);
      const wv = seededValues(4 * 3 * 3, 22);
      const bv = seededValues(4, 23);
      const dyv = seededValues(2 * 4 * wo, 24);
      const x = tf.tensor(xv, [2, 3, 9]);
      const w = tf.tensor(wv, [4, 3, 3]);
      const b = tf.tensor(bv, [4]);
      const dy = tf.tensor(dyv, [2, 4, wo]);
      const args = { stride: g.stride, padding: g.pad };
      const ref = reference(g, xv, wv, bv, dyv);
      const before = tf.memory().numTensors;
      const y = conv2dOp(x, w, b, args);
      expect(y.shape).to.deep.equal([2, 4, wo]);
      expectClose(values(y), ref.y, 1e-5, 1e-5, 'forward');
      y.dispose();
      const grads = tf.grads((xa: Tensor, wa: Tensor, ba: Tensor) => tf.sum(tf.mul(conv2dOp(xa, wa, ba, args), dy)))([x, w, b]);
      expect(grads.map((t) => t.shape)).to.deep.equal([[2, 3, 9], [4, 3, 3], [4]]);
      expectClose(values(grads[0]!), ref.dx, 1e-5, 1e-5, 'dx');
      expectClose(values(grads[1]!), ref.dw, 1e-5, 1e-5, 'dW');
      expectClose(values(grads[2]!), ref.db, 1e-5, 1e-5, 'db');
      tf.dispose(grads);
      expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
      tf.dispose([x, w, b, dy]);
    });

    it('differentiates only what is asked: the weight alone, the input alone, the bias alone', () => {
      const g: Geometry = {
        n: 2,
        c: 2,
        h: 6,
        w: 6,
        o: 3,
        kh: 3,
        kw: 3,
        stride: [2, 2],
        pad: [
          [1, 1],
          [1, 1],
        ],
      };
      const [ho, wo] = outSize(g);
      const x = seeded([2, 2, 6, 6], 5);
      const w = seeded([3, 2, 3, 3], 6);
      const b = seeded([3], 7);
      const r = seeded([2, 3, ho, wo], 8);
      const args = { stride: g.stride, padding: g.pad };
      const loss = (xa: Tensor, wa: Tensor, ba: Tensor): Tensor => tf.sum(tf.mul(conv2dOp(xa, wa, ba, args), r));
      const ref = reference(g, values(x), values(w), values(b), values(r));
      const before = tf.memory().numTensors;
      const gw = tf.grad((wa: Tensor) => loss(x, wa, b))(w);
      const gx = tf.grad((xa: Tensor) => loss(xa, w, b))(x);
      const gb = tf.grad((ba: Tensor) => loss(x, w, ba))(b);
      expectClose(values(gw), ref.dw, 1e-5, 1e-5, 'dW');
      expectClose(values(gx), ref.dx, 1e-5, 1e-5, 'dx');
      expectClose(values(gb), ref.db, 1e-5, 1e-5, 'db');
      tf.dispose([gw, gx, gb]);
      expect(tf.memory().numTensors).to.equal(before);
      tf.dispose([x, w, b, r]);
    });

    it("inside a scope named like a kernel ('Conv2D'), its own gradient is still used", () => {
      const x = seeded([1, 1, 3, 3], 9);
      const w = seeded([2, 1, 2, 2], 10);
      const args = {
        stride: [1, 1] as [number, number],
        padding: [
          [0, 0],
          [0, 0],
        ] as Pad,
      };
      const gw = tf.tidy(() => values(tf.grad((wa: Tensor) => tf.tidy('Conv2D', () => tf.sum(conv2dOp(x, wa, undefined, args))))(w)));
      // d/dW Σ conv(x, W) = for each output channel, the sum of the 2x2 windows of x
      const xs = values(x);
      const win = (p: number, q: number) => xs[p * 3 + q]! + xs[p * 3 + q + 1]! + xs[(p + 1) * 3 + q]! + xs[(p + 1) * 3 + q + 1]!;
      const per = [win(0, 0), win(0, 1), win(1, 0), win(1, 1)];
      expectClose(gw, [...per, ...per], 1e-5, 1e-6);
      tf.dispose([x, w]);
    });

    it('nn.Conv2d (dilation 2, padding 1, unbatched input) through valueAndGrad matches the loops on the dilated kernel', () => {
      const m = Conv2d.make({
        ...Conv2d.create(2, 3, 2, { dilation: 2, padding: 1 }),
        weight: seeded([3, 2, 2, 2], 11),
        bias: seeded([3], 12),
      });
      const x = seeded([2, 5, 6], 13);
      const r = seeded([3, 5, 6], 14);
      const before = tf.memory().numTensors;
      const { value, grads } = valueAndGrad((mm: typeof m, input: Tensor) => tf.sum(tf.mul(Conv2d.forward(mm, input), r)))(m, x);
      // the dilated kernel [3, 2, 3, 3] (zeros between taps) under the plain definition
      const wv = values(m.weight);
      const dilated: number[] = [];
      for (let o = 0; o < 3; o++)
        for (let c = 0; c < 2; c++)
          for (let p = 0; p < 3; p++)
            for (let q = 0; q < 3; q++) dilated.push(p % 2 === 0 && q % 2 === 0 ? wv[((o * 2 + c) * 2 + p / 2) * 2 + q / 2]! : 0);
      const g: Geometry = {
        n: 1,
        c: 2,
        h: 5,
        w: 6,
        o: 3,
        kh: 3,
        kw: 3,
        stride: [1, 1],
        pad: [
          [1, 1],
          [1, 1],
        ],
      };
      const ref = reference(g, values(x), dilated, values(m.bias), values(r));
      expect(value.dataSync()[0]).to.be.closeTo(
        ref.y.reduce((a, v, i) => a + v * values(r)[i]!, 0),
        1e-4,
      );
      const dwTaps: number[] = [];
      for (let o = 0; o < 3; o++)
        for (let c = 0; c < 2; c++)
          for (let p = 0; p < 2; p++) for (let q = 0; q < 2; q++) dwTaps.push(ref.dw[((o * 2 + c) * 3 + 2 * p) * 3 + 2 * q]!);
      expectClose(values(grads.weight), dwTaps, 1e-5, 1e-5, 'dW');
      expectClose(values(grads.bias), ref.db, 1e-5, 1e-5, 'db');
      tf.dispose([value, grads.weight, grads.bias]);
      expect(tf.memory().numTensors).to.equal(before);
      tf.dispose([m.weight, m.bias, x, r]);
    });
  });
}
