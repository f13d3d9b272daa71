/**
 * `ready({ backend: 'wasm', threads })` (src/engine/ready.ts, src/engine/wasmThreads.ts): bad
 * counts and non-wasm backends are `BackendError`s naming `ready({ threads })`; the count is fixed
 * once wasm runs; and under Node a pool of two threads really starts — checked in child processes,
 * since the count is fixed per process: two threads reported by tfjs, the temporary global hooks
 * undone, every product bit-identical to the same code on one thread and close to a float64
 * reference, and the process exiting by itself (the pool's workers do not hold it open).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../../src/engine/BackendError.js';
import { ready } from '../../src/engine/ready.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Throws the `BackendError` that `f` rejects with, failing when it rejects with anything else or resolves. */
const backendError = async (f: () => Promise<unknown>): Promise<BackendError> => {
  try {
    await f();
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(BackendError);
    return e as BackendError;
  }
  throw new Error('expected a BackendError, nothing was thrown');
};

/** Deterministic values in [-1, 1) (a linear congruential generator); the child below has the same one. */
const data = (n: number, seed: number): Float64Array => {
  const out = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.fround(s / 2 ** 31 - 1);
  }
  return out;
};

/**
 * A child process: starts wasm with `threads`, runs products (flagged, batched), a convolution and
 * elementwise kernels on fixed operands, and prints one JSON line: the pool size, whether the
 * global hooks are undone, and each result's float32 bytes in base64.
 */
const child = (threads: number): string => `
const before = { instantiate: WebAssembly.instantiate, createObjectURL: URL.createObjectURL, worker: Object.getOwnPropertyDescriptor(globalThis, 'Worker') };
const { ready } = await import('./src/engine/ready.ts');
const { tf } = await import('./src/engine/backend.ts');
const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
const backend = await ready({ backend: 'wasm', threads: ${threads} });
const data = (n, seed) => {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2 ** 31 - 1; }
  return out;
};
const t = (shape, seed) => tf.tensor(data(shape.reduce((p, d) => p * d, 1), seed), shape);
const results = tf.tidy(() => [
  tf.matMul(t([64, 784], 1), t([256, 784], 2), false, true),
  tf.matMul(t([64, 256], 3), t([64, 784], 4), true, false),
  tf.matMul(t([4, 96, 64], 5), t([4, 96, 64], 6), false, true),
  tf.conv2d(t([4, 28, 28, 3], 7), t([3, 3, 3, 16], 8), 1, 'same'),
  tf.relu(tf.add(t([64, 256], 9), t([256], 10))),
]).map((r) => Buffer.from(r.dataSync().buffer).toString('base64'));
const restored = WebAssembly.instantiate === before.instantiate && URL.createObjectURL === before.createObjectURL &&
  Object.getOwnPropertyDescriptor(globalThis, 'Worker')?.value === before.worker?.value;
console.log(JSON.stringify({ backend, threads: getThreadsCount(), restored, results }));
`;

interface ChildReport {
  readonly backend: string;
  readonly threads: number;
  readonly restored: boolean;
  readonly results: ReadonlyArray<string>;
}

const runChild = (threads: number): ChildReport => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child(threads)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 1 << 26, // the results' bytes, in base64
  });
  expect(r.signal, `the child with ${threads} thread(s) did not exit by itself:\n${r.stderr}`).to.equal(null);
  expect(r.status, r.stderr).to.equal(0);
  const line = r.stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as ChildReport;
};

const floats = (base64: string): Float32Array => {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
};

describe('engine: ready({ threads }) for wasm', () => {
  it('rejects counts that are not integers from 1 to 8, and backends other than wasm', async () => {
    for (const bad of [0, 9, 1.5, Number.NaN, '2', null]) {
      const e = await backendError(() => ready({ backend: 'wasm', threads: bad as unknown as number }));
      expect(e.argument, String(bad)).to.equal('ready({ threads })');
      expect(e.expected).to.include('an integer from 1 to 8');
    }
    const cpu = await backendError(() => ready({ backend: 'cpu', threads: 2 }));
    expect(cpu.argument).to.equal('ready({ threads })');
    expect(cpu.actual).to.equal('the backend "cpu"');
    const unknown = await backendError(() => ready({ backend: 'wasm', thread: 2 } as unknown as { backend: string }));
    expect(unknown.expected).to.equal('only the keys "backend", "wasmPaths" and "threads"');
  });

  it('once wasm runs (one thread under Node by default), the same count is fine and another is a BackendError', async () => {
    expect(await ready('wasm')).to.equal('wasm');
    const running = getThreadsCount();
    expect(running).to.equal(1);
    expect(await ready({ backend: 'wasm', threads: running })).to.equal('wasm');
    const e = await backendError(() => ready({ backend: 'wasm', threads: 2 }));
    expect(e.argument).to.equal('ready({ threads })');
    expect(e.actual).to.equal('2');
    expect(e.message).to.include('already runs 1 thread');
  });

  it('under Node, threads: 2 starts a pool of two: bit-identical to one thread, hooks undone, the process exits', function () {
    this.timeout(120_000);
    const one = runChild(1);
    const two = runChild(2);
    expect([one.backend, one.threads, one.restored]).to.deep.equal(['wasm', 1, true]);
    expect([two.backend, two.threads, two.restored]).to.deep.equal(['wasm', 2, true]);
    expect(two.results.length).to.equal(5);
    two.results.forEach((r, i) => expect(r, `result ${i}`).to.equal(one.results[i]));
    // And the pooled product is the right one: [64, 784] · [256, 784]ᵀ against float64 sums.
    const x = data(64 * 784, 1);
    const w = data(256 * 784, 2);
    const y = floats(two.results[0]!);
    let worst = 0;
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 256; j++) {
        let sum = 0;
        for (let k = 0; k < 784; k++) sum += x[i * 784 + k]! * w[j * 784 + k]!;
        worst = Math.max(worst, Math.abs(y[i * 256 + j]! - sum));
      }
    }
    expect(worst).to.be.below(1e-4);
  });
});
