/**
 * The independent side of the loss tests: deterministic float32-representable inputs, float64
 * central finite differences of the reference losses written in each test file (plain loops over
 * numbers), and a harness that compares a loss's value and gradients with them, checks it leaks no
 * tensor, and runs on the cpu backend and on wasm.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';

type Tensor = tf.Tensor;

/** Deterministic values in [lo, hi), rounded to float32 so the float64 reference sees exactly the tensor's numbers. */
export const seeded = (n: number, seed: number, lo = -1, hi = 1): number[] => {
  let s = (seed * 2654435761 + 12345) >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.fround(lo + (s / 2 ** 32) * (hi - lo)));
  }
  return out;
};

/** Deterministic integers in [0, k). */
export const seededInts = (n: number, seed: number, k: number): number[] =>
  seeded(n, seed, 0, 1).map((u) => Math.min(k - 1, Math.floor(u * k)));

export const size = (shape: ReadonlyArray<number>): number => shape.reduce((a, b) => a * b, 1);

/** Float32 rounding of a float64 reference (what a float32 result can at best be). */
export const f32 = (xs: ReadonlyArray<number>): number[] => xs.map((x) => Math.fround(x));

/** One tensor argument of a loss call: its values, shape, dtype and whether to check its gradient. */
export interface Arg {
  readonly values: ReadonlyArray<number>;
  readonly shape: ReadonlyArray<number>;
  readonly dtype?: 'float32' | 'int32';
  readonly grad?: boolean;
}

export const arg = (values: ReadonlyArray<number>, shape: ReadonlyArray<number>, extra: Omit<Arg, 'values' | 'shape'> = {}): Arg => ({
  values,
  shape,
  ...extra,
});

/** A loss call and its float64 reference: `run` gets the args as tensors, `reference` their values. */
export interface Case {
  readonly name: string;
  readonly args: ReadonlyArray<Arg>;
  readonly run: (...ts: Tensor[]) => Tensor;
  readonly reference: (...values: number[][]) => number[];
  /** The shape the loss returns (`[]` for a reduced loss). */
  readonly shape: ReadonlyArray<number>;
  /** Tolerances: `|actual − expected| ≤ tol · (1 + |expected|)`. */
  readonly valueTol?: number;
  readonly gradTol?: number;
}

export const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void => {
  expect(actual.length, `${what}: length`).to.equal(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : Math.abs(a - e) <= tol * (1 + Math.abs(e));
    if (!ok) expect.fail(`${what} at flat index ${i}: ${a} vs expected ${e} (tol ${tol})`);
  }
};

/**
 * Central differences in float64 of `f` with respect to every entry of `xs[which]`, with a step
 * relative to the entry (`h · max(1, |x|)`).
 */
export const centralDifferences = (f: (...values: number[][]) => number, xs: number[][], which: number, h = 1e-6): number[] =>
  xs[which]!.map((x, i) => {
    const step = h * Math.max(1, Math.abs(x));
    const at = (v: number): number => f(...xs.map((vs, j) => (j === which ? vs.map((u, k) => (k === i ? v : u)) : vs)));
    return (at(x + step) - at(x - step)) / (2 * step);
  });

/** A fixed cotangent for non-scalar outputs: `Σ r · out` makes any loss a scalar whose gradient is checked. */
const cotangent = (n: number): number[] => seeded(n, 4242, 0.5, 1.5);

const tensorOf = (a: Arg): Tensor => tf.tensor([...a.values], [...a.shape], a.dtype ?? 'float32');

/**
 * Checks a case: value and shape against the reference; each `grad` argument's gradient (of
 * `Σ r · out` for a fixed `r`) against float64 central differences of the reference; no tensor
 * left behind by the call or by the gradient computation.
 */
export const checkCase = (c: Case): void => {
  const inputs = c.args.map(tensorOf);
  try {
    const before = tf.memory().numTensors;
    const out = c.run(...inputs);
    expect(tf.memory().numTensors - before, `${c.name}: tensors leaked by the call`).to.equal(1);
    expect(out.shape, `${c.name}: shape`).to.deep.equal([...c.shape]);
    const values = c.args.map((a) => [...a.values]);
    const expected = c.reference(...values);
    expectClose(out.dataSync(), expected, c.valueTol ?? 2e-6, `${c.name}: value`);
    out.dispose();

    const which = c.args.map((a, i) => (a.grad === true ? i : -1)).filter((i) => i >= 0);
    if (which.length === 0) return;
    const r = cotangent(expected.length);
    const scalar = (...vs: number[][]): number => c.reference(...vs).reduce((s, v, k) => s + v * r[k]!, 0);
    const beforeGrad = tf.memory().numTensors;
    const grads = tf.tidy(() => {
      const rt = tf.tensor(r, [...c.shape]);
      const g = tf.grads((...xs: Tensor[]) => {
        const all = inputs.map((t, i) => (which.includes(i) ? xs[which.indexOf(i)]! : t));
        return tf.sum(tf.mul(c.run(...all), rt));
      });
      return g(which.map((i) => inputs[i]!)).map((t) => Array.from(t.dataSync()));
    });
    expect(tf.memory().numTensors, `${c.name}: tensors leaked by the gradient`).to.equal(beforeGrad);
    which.forEach((argIndex, k) => {
      if (Number.isNaN(scalar(...values))) {
        // a NaN loss (a mean over no element) has no finite differences; PyTorch masks the
        // entries out, so the gradient is zero
        expect(
          grads[k]!.every((g) => g === 0),
          `${c.name}: gradient of a NaN mean is zero`,
        ).to.equal(true);
        return;
      }
      const numeric = centralDifferences(scalar, values, argIndex);
      expectClose(grads[k]!, numeric, c.gradTol ?? 2e-5, `${c.name}: gradient of argument ${argIndex}`);
    });
  } finally {
    tf.dispose(inputs);
  }
};

const ambient = process.env.PARALLAX_TEST_BACKEND ?? 'cpu';

/**
 * `describe(title, body)` on the backend the run uses (cpu unless PARALLAX_TEST_BACKEND says wasm),
 * and, in a cpu run, once more with wasm active — so a plain `npm test` covers both.
 */
export const describeOnBackends = (title: string, body: () => void): void => {
  describe(`${title} [${ambient}]`, body);
  if (ambient === 'cpu') {
    describe(`${title} [wasm]`, () => {
      beforeEach(async () => {
        await tf.setBackend('wasm');
      });
      body();
    });
  }
};

/** Runs `f` and checks it left no tensor behind besides its (single) result. */
export const noLeak = <T extends Tensor>(f: () => T): T => {
  const before = tf.memory().numTensors;
  const out = f();
  expect(tf.memory().numTensors - before, 'tensors leaked').to.equal(1);
  return out;
};
