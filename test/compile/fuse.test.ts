/**
 * Fused arithmetic against its unfused composition: the backend's own Add/Sub/Multiply/RealDiv,
 * Step/Relu/Neg kernels, run by the same function uncompiled, on values chosen to stress float32 rounding
 * (subnormals, signed zeros, infinities, NaN, values near overflow, ties), on cpu and wasm.
 */
import { expect } from 'chai';
import { type WasmExpr, wasmFusedKernel } from '../../src/compile/wasmFusion.js';
import { compile, dispose, random, ready, tf } from '../../src/index.js';

type Tensor = tf.Tensor;

/** Float32 bit patterns, with every NaN written as one pattern (payloads are not part of the contract). */
const bits = (t: Tensor): number[] => {
  const v = t.dataSync() as Float32Array;
  const u = new Uint32Array(v.buffer, v.byteOffset, v.length);
  return Array.from(u, (b, i) => (Number.isNaN(v[i]) ? 0x7fc00000 : b));
};

const specials = [
  0,
  -0,
  1,
  -1,
  1e-45,
  -1e-45,
  1.1754942e-38,
  3.4028235e38,
  -3.4028235e38,
  Infinity,
  -Infinity,
  NaN,
  0.1,
  1 / 3,
  16777217,
  2 ** -126,
];

/** n float32 values: specials first, then normals of every scale from a JAX-compatible generator. */
const values = (seed: number, n: number): Tensor =>
  tf.tidy(() => {
    const noise = random.normal(random.key(seed), [n]).dataSync();
    const scale = random.uniform(random.key(seed + 1), [n], { minval: -40, maxval: 40 }).dataSync();
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++)
      out[i] = i < specials.length ? specials[(i + seed) % specials.length]! : noise[i]! * 2 ** Math.round(scale[i]!);
    return tf.tensor1d(out);
  });

describe('compile: fused arithmetic equals the kernels it replaces', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: a tree of add, sub, mul and div with broadcast scalars, bit for bit`, async () => {
      await ready(backend);
      const f = (a: Tensor, b: Tensor, c: Tensor, s: Tensor) =>
        tf.add(tf.sub(tf.mul(tf.div(a, c), tf.add(b, 0.5)), tf.mul(s, a)), tf.div(tf.sub(b, s), tf.mul(c, c)));
      const fast = compile(f);
      const n = 257;
      for (let call = 0; call < 4; call++) {
        const [a, b, c] = [values(10 * call, n), values(10 * call + 3, n), values(10 * call + 6, n)];
        const s = tf.scalar(call === 0 ? 0.3 : call === 1 ? -0 : call === 2 ? Infinity : 1e-40);
        const want = f(a, b, c, s);
        const got = fast(a, b, c, s);
        expect(bits(got), `call ${call}`).to.deep.equal(bits(want));
        dispose([a, b, c, s, want, got]);
      }
      const { ops } = fast.stats();
      expect(fast.stats().replays).to.equal(3);
      // The 8 arithmetic kernels run as one host loop (the constant 0.5 is a recorded scalar).
      expect(ops).to.deep.include({ fused: 1, kernels: 0 });
      fast.dispose();
    });

    it(`${backend}: relu's gradient, leaky steps and negation fused with arithmetic, bit for bit`, async () => {
      await ready(backend);
      const f = (x: Tensor, dy: Tensor) =>
        tf.add(tf.mul(dy, tf.cast(tf.step(x), 'float32')), tf.sub(tf.relu(tf.neg(x)), tf.mul(tf.step(dy, 0.5), x)));
      const fast = compile(f);
      for (let call = 0; call < 3; call++) {
        const x = values(300 + call, 200);
        const dy = values(400 + call, 200);
        const want = f(x, dy);
        const got = fast(x, dy);
        expect(bits(got), `call ${call}`).to.deep.equal(bits(want));
        dispose([x, dy, want, got]);
      }
      expect(fast.stats().ops).to.deep.include({ fused: 1, kernels: 0 });
      fast.dispose();
    });

    it(`${backend}: an SGD update p − lr·g as one pass per parameter, bit for bit`, async () => {
      await ready(backend);
      const update = (p: Tensor, g: Tensor) => tf.sub(p, tf.mul(g, 0.01));
      const fast = compile(update);
      for (let call = 0; call < 3; call++) {
        const p = values(100 + call, 300);
        const g = values(200 + call, 300);
        const want = update(p, g);
        const got = fast(p, g);
        expect(bits(got)).to.deep.equal(bits(want));
        dispose([p, g, want, got]);
      }
      expect(fast.stats().ops).to.deep.include({ fused: 1, kernels: 0 });
      fast.dispose();
    });

    it(`${backend}: a tree over 80 inputs (past 127 locals in the generated kernel), bit for bit`, async () => {
      await ready(backend);
      // Distinct inputs, a leaky step on every tenth: one fused tree of 79 adds and 8 steps. On
      // wasm, more elements than the host loop takes: only the generated kernel can fuse it.
      const n = backend === 'wasm' ? 5003 : 1001;
      const f = (...xs: Tensor[]) => xs.reduce((acc, x, j) => tf.add(acc, j % 10 === 9 ? tf.step(x, 0.25) : x));
      const fast = compile(f);
      for (let call = 0; call < 2; call++) {
        const xs = Array.from({ length: 80 }, (_, j) => values(1000 * call + j, n));
        const want = f(...xs);
        const got = fast(...xs);
        expect(bits(got), `call ${call}`).to.deep.equal(bits(want));
        dispose([...xs, want, got]);
      }
      expect(fast.stats().ops).to.deep.include({ fused: 1, kernels: 0 });
      fast.dispose();
      if (backend === 'wasm') {
        // ... and it is the generated kernel (not the host loop it falls back to): it builds for
        // such a tree, broadcast leaves (two more locals each) included.
        const tree = Array.from({ length: 80 }, (_, j): WasmExpr => ({ leaf: j })).reduce((acc, x, j): WasmExpr => ({
          op: 'add',
          a: acc,
          b: j % 10 === 9 ? { op: 'step', alpha: 0.25, a: x } : x,
        }));
        const broadcast = Array.from({ length: 80 }, (_, j) => j % 2 === 0);
        expect(wasmFusedKernel(tf.backend(), tree, broadcast, [n])).to.be.a('function');
      }
    });

    it(`${backend}: large tensors ${backend === 'wasm' ? 'run a generated SIMD kernel, bit for bit' : 'stay on the kernels'}; other dtypes stay on the kernels`, async () => {
      await ready(backend);
      // An Adam-like update over 10,001 elements (not a multiple of 4: the kernel's scalar tail runs too).
      const update = (p: Tensor, g: Tensor, m: Tensor) =>
        tf.tidy(() => tf.sub(p, tf.div(tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1)), tf.add(tf.relu(tf.neg(m)), 1e-8))));
      const big = compile(update);
      for (let call = 0; call < 3; call++) {
        const [p, g, m] = [values(500 + call, 10_001), values(600 + call, 10_001), values(700 + call, 10_001)];
        const want = update(p, g, m);
        const got = big(p, g, m);
        expect(bits(got), `call ${call}`).to.deep.equal(bits(want));
        dispose([p, g, m, want, got]);
      }
      expect(big.stats().ops).to.deep.include(backend === 'wasm' ? { fused: 1, kernels: 0 } : { fused: 0, kernels: 8 });
      const ints = compile((x: Tensor) => tf.mul(tf.add(x, x), x));
      const i = tf.tensor1d([1, 2, 3], 'int32');
      ints(i).dispose();
      expect(ints.stats().ops).to.deep.include({ fused: 0, kernels: 2 });
      dispose(i);
    });
  }
});
