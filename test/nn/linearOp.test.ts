/**
 * `linearOp` (src/nn/linearOp.ts) and `nn.Linear` on top of it, on both backends: forward values and
 * gradients for rank-1, rank-2 and rank-3 inputs, with and without bias, against float64 loops
 * written here (`y = x Wᵀ + b`, `dx = dy W`, `dW = Σ dyᵀ x`, `db = Σ dy`) and against tfjs's automatic
 * gradient of the raw composition `matMul(x, W, false, true) + b`; shared use, partial
 * differentiation (only some inputs need gradients), a scope named like a kernel, and no leaks.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { valueAndGrad } from '../../src/grad/valueAndGrad.js';
import { Linear } from '../../src/nn/Linear.js';
import { linearOp } from '../../src/nn/linearOp.js';
import { seeded, seededValues } from './helpers.js';
import { expectClose, values } from '../support/tensors.js';

type Tensor = tf.Tensor;

/** Float64 reference: rows of x (flattened leading axes) times Wᵀ plus b. */
const refForward = (x: number[], rows: number, w: number[], out: number, inn: number, b: number[] | undefined): number[] => {
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < out; o++) {
      let s = b === undefined ? 0 : b[o]!;
      for (let i = 0; i < inn; i++) s += x[r * inn + i]! * w[o * inn + i]!;
      y.push(s);
    }
  }
  return y;
};

/** Float64 reference gradients of Σ dy ⊙ (x Wᵀ + b). */
const refGrads = (x: number[], rows: number, w: number[], out: number, inn: number, dy: number[]) => {
  const dx = new Array<number>(rows * inn).fill(0);
  const dw = new Array<number>(out * inn).fill(0);
  const db = new Array<number>(out).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < out; o++) {
      const g = dy[r * out + o]!;
      db[o]! += g;
      for (let i = 0; i < inn; i++) {
        dx[r * inn + i]! += g * w[o * inn + i]!;
        dw[o * inn + i]! += g * x[r * inn + i]!;
      }
    }
  }
  return { dx, dw, db };
};

/** tfjs's own gradient of the composition the op replaces. */
const autodiffGrads = (x: Tensor, w: Tensor, b: Tensor | undefined, dy: Tensor): number[][] =>
  tf.tidy(() => {
    const f = (xa: Tensor, wa: Tensor, ba?: Tensor): Tensor => {
      const inn = wa.shape[1]!;
      const y0 = tf.matMul(tf.reshape(xa, [-1, inn]), wa, false, true);
      const y = ba === undefined ? y0 : tf.add(y0, ba);
      return tf.sum(tf.mul(tf.reshape(y, dy.shape), dy));
    };
    const args = b === undefined ? [x, w] : [x, w, b];
    return tf
      .grads(f as (...xs: Tensor[]) => Tensor)(args)
      .map(values);
  });

const backends = ['cpu', 'wasm'] as const;

for (const backend of backends) {
  describe(`nn linearOp on ${backend}`, () => {
    beforeEach(async () => {
      await tf.setBackend(backend);
    });

    const cases: ReadonlyArray<{ name: string; lead: number[]; out: number; inn: number; bias: boolean }> = [
      { name: 'rank 1 (one sample)', lead: [], out: 6, inn: 5, bias: true },
      { name: 'rank 1, no bias', lead: [], out: 3, inn: 7, bias: false },
      { name: 'rank 1, large weight', lead: [], out: 70, inn: 90, bias: true },
      { name: 'rank 2', lead: [4], out: 6, inn: 5, bias: true },
      { name: 'rank 2, larger (XNNPACK-sized on wasm)', lead: [16], out: 48, inn: 80, bias: true },
      { name: 'rank 2, no bias', lead: [3], out: 2, inn: 4, bias: false },
      { name: 'rank 3', lead: [2, 3], out: 4, inn: 5, bias: true },
      { name: 'rank 4, no bias', lead: [2, 1, 3], out: 3, inn: 2, bias: false },
    ];

    for (const c of cases) {
      it(`${c.name}: forward and gradients match float64 loops and tfjs's automatic gradient`, () => {
        const rows = c.lead.reduce((a, b) => a * b, 1);
        const xv = seededValues(rows * c.inn, 1);
        const wv = seededValues(c.out * c.inn, 2);
        const bv = c.bias ? seededValues(c.out, 3) : undefined;
        const dyv = seededValues(rows * c.out, 4);
        const x = tf.tensor(xv, [...c.lead, c.inn]);
        const w = tf.tensor(wv, [c.out, c.inn]);
        const b = bv === undefined ? undefined : tf.tensor(bv, [c.out]);
        const dy = tf.tensor(dyv, [...c.lead, c.out]);
        const before = tf.memory().numTensors;

        const y = linearOp(x, w, b);
        expect(y.shape).to.deep.equal([...c.lead, c.out]);
        expectClose(values(y), refForward(xv, rows, wv, c.out, c.inn, bv), 1e-5, 1e-5, 'forward');
        y.dispose();

        const f = (xa: Tensor, wa: Tensor, ba?: Tensor): Tensor => tf.sum(tf.mul(linearOp(xa, wa, ba), dy));
        const args = b === undefined ? [x, w] : [x, w, b];
        const grads = tf.grads(f as (...xs: Tensor[]) => Tensor)(args);
        const ref = refGrads(xv, rows, wv, c.out, c.inn, dyv);
        expect(grads.map((g) => g.shape)).to.deep.equal(args.map((a) => a.shape));
        expectClose(values(grads[0]!), ref.dx, 1e-5, 1e-5, 'dx');
        expectClose(values(grads[1]!), ref.dw, 1e-5, 1e-5, 'dW');
        if (b !== undefined) expectClose(values(grads[2]!), ref.db, 1e-5, 1e-5, 'db');
        const auto = autodiffGrads(x, w, b, dy);
        grads.forEach((g, i) => expectClose(values(g), auto[i]!, 1e-5, 1e-5, `autodiff ${i}`));
        tf.dispose(grads);
        expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
        tf.dispose([x, w, dy, ...(b === undefined ? [] : [b])]);
      });
    }

    it('differentiates only what is asked: w.r.t. the weight alone, the input alone, the bias alone', () => {
      const x = seeded([3, 4], 5);
      const w = seeded([2, 4], 6);
      const b = seeded([2], 7);
      const r = seeded([3, 2], 8);
      const loss = (xa: Tensor, wa: Tensor, ba: Tensor): Tensor => tf.sum(tf.mul(linearOp(xa, wa, ba), r));
      const ref = refGrads(values(x), 3, values(w), 2, 4, values(r));
      const before = tf.memory().numTensors;
      const gw = tf.grad((wa: Tensor) => loss(x, wa, b))(w);
      const gx = tf.grad((xa: Tensor) => loss(xa, w, b))(x);
      const gb = tf.grad((ba: Tensor) => loss(x, w, ba))(b);
      expectClose(values(gw), ref.dw, 1e-5, 1e-6, 'dW');
      expectClose(values(gx), ref.dx, 1e-5, 1e-6, 'dx');
      expectClose(values(gb), ref.db, 1e-5, 1e-6, 'db');
      tf.dispose([gw, gx, gb]);
      expect(tf.memory().numTensors).to.equal(before);
      tf.dispose([x, w, b, r]);
    });

    it('a weight and bias used twice (rank 1, as in the BinaryNetwork example) get the sum of both uses', () => {
      const x = seeded([4], 9);
      const w = seeded([4, 4], 10);
      const b = seeded([4], 11);
      const ours = (wa: Tensor, ba: Tensor): Tensor => tf.sum(tf.sigmoid(linearOp(tf.relu(linearOp(x, wa, ba)), wa, ba)));
      const raw = (wa: Tensor, ba: Tensor): Tensor => {
        const lin = (v: Tensor): Tensor => tf.reshape(tf.add(tf.matMul(tf.reshape(v, [1, 4]), wa, false, true), ba), [4]);
        return tf.sum(tf.sigmoid(lin(tf.relu(lin(x)))));
      };
      const before = tf.memory().numTensors;
      const [a, e] = tf.tidy(() => [
        tf
          .grads(ours as (...t: Tensor[]) => Tensor)([w, b])
          .map(values),
        tf
          .grads(raw as (...t: Tensor[]) => Tensor)([w, b])
          .map(values),
      ]);
      expect(tf.memory().numTensors).to.equal(before);
      expectClose(a![0]!, e![0]!, 1e-5, 1e-6, 'dW');
      expectClose(a![1]!, e![1]!, 1e-5, 1e-6, 'db');
      tf.dispose([x, w, b]);
    });

    it("inside a scope named like a kernel ('Add'), its own gradient is still used", () => {
      const x = seeded([2, 3], 12);
      const w = seeded([2, 3], 13);
      const b = seeded([2], 14);
      const g = tf.tidy(() => values(tf.grad((wa: Tensor) => tf.tidy('Add', () => tf.sum(linearOp(x, wa, b))))(w)));
      // d/dW Σ (x Wᵀ + b) = column sums of x, for every output row
      const xs = values(x);
      const colSum = [0, 1, 2].map((i) => xs[i]! + xs[3 + i]!);
      expectClose(g, [...colSum, ...colSum], 1e-6, 1e-6);
      tf.dispose([x, w, b]);
    });

    it('nn.Linear: PyTorch layout kept ([out, in] weight), rank-1 and rank-3 forward and valueAndGrad vs float64', () => {
      const layer = Linear.make({ weight: seeded([3, 5], 15), bias: seeded([3], 16), inFeatures: 5, outFeatures: 3, useBias: true });
      expect(layer.weight.shape).to.deep.equal([3, 5]);
      const wv = values(layer.weight);
      const bv = values(layer.bias);
      for (const lead of [[], [2, 2]]) {
        const rows = lead.reduce((a, b) => a * b, 1);
        const x = seeded([...lead, 5], 17);
        const before = tf.memory().numTensors;
        const { value, grads } = valueAndGrad((m: typeof layer, input: Tensor) => tf.sum(Linear.forward(m, input)))(layer, x);
        const y = refForward(values(x), rows, wv, 3, 5, bv);
        expect(value.dataSync()[0]).to.be.closeTo(
          y.reduce((a, v) => a + v, 0),
          1e-4,
        );
        const ref = refGrads(values(x), rows, wv, 3, 5, new Array<number>(rows * 3).fill(1));
        expect(grads.weight.shape).to.deep.equal([3, 5]);
        expectClose(values(grads.weight), ref.dw, 1e-5, 1e-6, 'dW');
        expectClose(values(grads.bias), ref.db, 1e-5, 1e-6, 'db');
        tf.dispose([value, grads.weight, grads.bias]);
        expect(tf.memory().numTensors).to.equal(before);
        x.dispose();
      }
      tf.dispose([layer.weight, layer.bias]);
    });
  });
}
