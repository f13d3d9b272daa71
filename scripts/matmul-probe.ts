/**
 * Where the time of case 2's matmuls goes on wasm (issue 13, item 3). Not a test, not the bench:
 * a probe whose numbers go into reports.
 *
 *   npx tsx scripts/matmul-probe.ts pack      # XNNPACK operator creation + packing vs compute, per product
 *   npx tsx scripts/matmul-probe.ts forms     # case 2's products as our kernel runs them, fresh operands
 *   npx tsx scripts/matmul-probe.ts step      # cases 1-3's parallax steps (bench/cases/{binaryNetwork,mlp,cnn}/parallax.ts)
 *   npx tsx scripts/matmul-probe.ts bits      # hashes of case 2's products (compare across kernels / thread counts)
 *   npx tsx scripts/matmul-probe.ts all       # all three
 *   ... --threads 2                           # on the threaded build (ready({ backend: 'wasm', threads }))
 *
 * tfjs-backend-wasm caches one XNNPACK operator (holding `b` packed) per `b` tensor id and deletes
 * it when that tensor is freed; a product whose `b` is a new tensor therefore creates an operator
 * and packs `b` first. "cached" runs the same product on the same `b` again and again; "fresh" gives
 * each call a new `b` (made untimed beforehand) and frees it after the call, as a training step does.
 */
import type { Runner } from '../bench/harness.js';
import { ready, tf } from '../src/index.js';

type Tensor = tf.Tensor;

const args = process.argv.slice(2);
const part = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a)) ?? 'all';
const threadsAt = args.indexOf('--threads');
const threads = threadsAt >= 0 ? Number(args[threadsAt + 1]) : undefined;

const random = (n: number, seed: number): Float32Array => {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
};
const tensor = (shape: number[], seed: number): Tensor =>
  tf.tensor(
    random(
      shape.reduce((p, d) => p * d, 1),
      seed,
    ),
    shape,
  );

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median over `reps` runs of the per-call time (ms) of `calls` calls; `prepare` (untimed) makes each run's operands. */
const time = <S>(reps: number, calls: number, prepare: () => S[], call: (s: S) => void, cleanup: (s: S[]) => void = () => {}): number => {
  const runs: number[] = [];
  for (let r = 0; r < reps + 2; r++) {
    const states = prepare();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) call(states[i % states.length]!);
    const t1 = performance.now();
    cleanup(states);
    if (r >= 2) runs.push((t1 - t0) / calls);
  }
  return median(runs);
};

const fmt = (ms: number): string => ms.toFixed(3);

/** Flag-free 2-D products straight on the original XNNPACK path (our kernel hands those over unchanged). */
const packPart = (): void => {
  // [label, m, k, n]: a [m, k] · b [k, n]; b is what XNNPACK packs.
  const shapes: Array<[string, number, number, number]> = [
    ['x·W1ᵀ direct: [64,784]·[784,256] (packs W1ᵀ, 200704)', 64, 784, 256],
    ['x·W1ᵀ swapped: [256,784]·[784,64] (packs xᵀ, 50176)', 256, 784, 64],
    ['h·W2ᵀ: [64,256]·[256,10] (packs W2ᵀ, 2560)', 64, 256, 10],
    ['dh = dy·W2: [64,10]·[10,256] (packs W2, 2560)', 64, 10, 256],
    ['dW2 swapped: [256,64]·[64,10] (packs dy, 640)', 256, 64, 10],
    ['dW1 direct: [256,64]·[64,784] (packs x, 50176)', 256, 64, 784],
    ['dW1 swapped: [784,64]·[64,256] (packs dy1, 16384)', 784, 64, 256],
  ];
  console.log('\n## pack: same b (operator cached) vs a new b per call (operator created, b packed, freed)');
  console.log('| product | cached ms | fresh ms | fresh − cached ms | ns per packed element | GFLOP/s cached | GFLOP/s fresh |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [label, m, k, n] of shapes) {
    const a = tensor([m, k], 1);
    const b = tensor([k, n], 2);
    tf.dispose(tf.matMul(a, b)); // the operator for b, once
    const calls = Math.max(4, Math.min(200, Math.round(2e7 / (m * k * n))));
    const cached = time(
      9,
      calls,
      () => [b],
      (bb) => tf.dispose(tf.matMul(a, bb)),
    );
    const fresh = time(
      9,
      calls,
      () => Array.from({ length: calls }, (_, i) => tensor([k, n], 3 + i)),
      (bb) => {
        tf.dispose(tf.matMul(a, bb));
        bb.dispose();
      },
    );
    const flop = 2 * m * k * n;
    console.log(
      `| ${label} | ${fmt(cached)} | ${fmt(fresh)} | ${fmt(fresh - cached)} | ${(((fresh - cached) * 1e6) / (k * n)).toFixed(2)} | ${(flop / cached / 1e6).toFixed(1)} | ${(flop / fresh / 1e6).toFixed(1)} |`,
    );
    tf.dispose([a, b]);
  }
};

/** Case 2's products in the form the model calls them (flags), through our kernel, with new operands each call. */
const formsPart = (): void => {
  // [label, a shape, b shape, transposeA, transposeB]
  const forms: Array<[string, number[], number[], boolean, boolean]> = [
    ['fc1 forward x·W1ᵀ', [64, 784], [256, 784], false, true],
    ['fc2 forward h·W2ᵀ', [64, 256], [10, 256], false, true],
    ['fc2 input grad dy·W2', [64, 10], [10, 256], false, false],
    ['fc2 weight grad dyᵀ·h', [64, 10], [64, 256], true, false],
    ['fc1 weight grad dy1ᵀ·x', [64, 256], [64, 784], true, false],
  ];
  console.log('\n## forms: case 2 products through the wasm BatchMatMul, new a and b every call (b or its transpose packed each time)');
  console.log('| product | ms, new operands | ms, same operands | MFLOP |');
  console.log('| --- | ---: | ---: | ---: |');
  let total = 0;
  for (const [label, as, bs, ta, tb] of forms) {
    const [m, k] = ta ? [as[1]!, as[0]!] : [as[0]!, as[1]!];
    const n = tb ? bs[0]! : bs[1]!;
    const calls = Math.max(4, Math.min(200, Math.round(2e7 / (m * k * n))));
    const fresh = time(
      9,
      calls,
      () => Array.from({ length: calls }, (_, i) => [tensor(as, 10 + i), tensor(bs, 1000 + i)] as const),
      ([a, b]) => {
        tf.dispose(tf.matMul(a, b, ta, tb));
        tf.dispose([a, b]);
      },
    );
    const a = tensor(as, 1);
    const b = tensor(bs, 2);
    const same = time(
      9,
      calls,
      () => [[a, b] as const],
      ([x, y]) => tf.dispose(tf.matMul(x, y, ta, tb)),
    );
    tf.dispose([a, b]);
    total += fresh;
    console.log(`| ${label} | ${fmt(fresh)} | ${fmt(same)} | ${((2 * m * k * n) / 1e6).toFixed(2)} |`);
  }
  console.log(`| sum | ${fmt(total)} | | 52.36 |`);
};

/** Median per-step time of a bench case's parallax contender (its `setup()` runner). */
const stepTime = async (file: string, steps: number): Promise<number> => {
  const { setup } = (await import(file)) as { setup: () => Runner | Promise<Runner> };
  const runner = await setup();
  for (let i = 0; i < steps; i++) await runner.run();
  const runs: number[] = [];
  for (let r = 0; r < 15; r++) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await runner.run();
    runs.push((performance.now() - t0) / steps);
  }
  await runner.dispose();
  return median(runs);
};

const stepPart = async (): Promise<void> => {
  console.log("\n## steps: the bench cases' parallax contenders, median of 15 runs");
  console.log(`case 1 binary network (50 steps/run): ${fmt(await stepTime('../bench/cases/binaryNetwork/parallax.js', 50))} ms/step`);
  console.log(`case 2 MLP 784-256-10 b64 (20 steps/run): ${fmt(await stepTime('../bench/cases/mlp/parallax.js', 20))} ms/step`);
  console.log(`case 3 CNN b32 (3 steps/run): ${fmt(await stepTime('../bench/cases/cnn/parallax.js', 3))} ms/step`);
};

/** A fingerprint of case 2's products' outputs (fixed operands): equal prints mean bit-identical results. */
const bitsPart = (): void => {
  const forms: Array<[number[], number[], boolean, boolean]> = [
    [[64, 784], [256, 784], false, true],
    [[64, 256], [10, 256], false, true],
    [[64, 10], [10, 256], false, false],
    [[64, 10], [64, 256], true, false],
    [[64, 256], [64, 784], true, false],
    [[8, 128, 64], [8, 128, 64], false, true],
  ];
  for (const [as, bs, ta, tb] of forms) {
    const y = tf.tidy(() => tf.matMul(tensor(as, 21), tensor(bs, 22), ta, tb));
    const words = new Uint32Array((y.dataSync() as Float32Array).slice().buffer);
    let h = 2166136261;
    for (const w of words) h = Math.imul(h ^ w, 16777619) >>> 0;
    console.log(`bits ${as}·${bs} ${ta} ${tb}: ${h.toString(16)}`);
    y.dispose();
  }
};

const main = async (): Promise<void> => {
  const backend = await ready(threads === undefined ? { backend: 'wasm' } : { backend: 'wasm', threads });
  console.log(`backend ${backend}${threads === undefined ? '' : `, threads asked ${threads}`}`);
  if (part === 'pack' || part === 'all') packPart();
  if (part === 'forms' || part === 'all') formsPart();
  if (part === 'step' || part === 'all') await stepPart();
  if (part === 'bits') bitsPart();
  console.log(`\ntensors left: ${tf.memory().numTensors}`);
};

await main();
