/**
 * `npm run fuzz`: thousands of mutated safetensors files, state dicts, model files, checkpoints
 * and layer configs (from a fixed seed; see test/io/fuzzHarness.ts) through every reader, each input
 * in a watched child process. Prints a summary table and exits non-zero on any failure.
 *
 * Counted: outcomes per reader (correct data / the library's typed error / failure: any other
 * exception, wrong data or a leaked tensor), hangs (an input still running after --timeout ms: its
 * worker is killed and replaced), crashes (a worker that dies: out of memory, a fatal error), and
 * each worker's peak resident memory.
 *
 *   npm run fuzz -- --count 10000 --seed 1 --workers 2 --timeout 5000 --heap 1024
 *   npm run fuzz -- --only 4711          # one input again, in this process, with its details
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fuzzInput, makeBases, type Outcome, runInput } from '../test/io/fuzzHarness.js';

const option = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

const seed = option('seed', 1);
const count = option('count', 10_000);
const workers = option('workers', Math.max(1, Math.min(2, os.cpus().length)));
const timeoutMs = option('timeout', 5000);
const heapMb = option('heap', 1024);
/** One input in this many also goes through the file loaders (written to a file, read back). */
const FILE_EVERY = 10;
const BATCH = 25;

// -------------------------------------------------------------------------------------
// worker: runs the inputs it is sent, reporting each before and after
// -------------------------------------------------------------------------------------

type ToWorker = { readonly ids: ReadonlyArray<number> } | { readonly stop: true };
type FromWorker =
  | { readonly type: 'start'; readonly id: number }
  | { readonly type: 'done'; readonly id: number; readonly outcomes: ReadonlyArray<Outcome>; readonly how: string; readonly rss: number }
  | { readonly type: 'idle'; readonly maxRss: number };

const runWorker = (): void => {
  const bases = makeBases();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallax-fuzz-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  process.on('message', (message: ToWorker) => {
    if ('stop' in message) process.exit(0);
    for (const id of message.ids) {
      process.send!({ type: 'start', id } satisfies FromWorker);
      let input: ReturnType<typeof fuzzInput>;
      try {
        input = fuzzInput(seed, id, bases);
      } catch (e) {
        // A bug of the harness, not of the library: reported as such.
        const detail = `harness error making the input: ${(e as Error).message}`;
        process.send!({
          type: 'done',
          id,
          outcomes: [{ reader: '(harness)', verdict: 'failure', detail, ms: 0 }],
          how: '?',
          rss: 0,
        } satisfies FromWorker);
        continue;
      }
      const outcomes = runInput(input, id % FILE_EVERY === 0 ? dir : undefined);
      const how = `${input.base.name}: ${input.how}`;
      process.send!({ type: 'done', id, outcomes, how, rss: process.memoryUsage().rss } satisfies FromWorker);
    }
    process.send!({ type: 'idle', maxRss: process.resourceUsage().maxRSS * 1024 } satisfies FromWorker);
  });
};

// -------------------------------------------------------------------------------------
// parent: hands out batches, watches the clock, replaces dead or stuck workers
// -------------------------------------------------------------------------------------

interface Row {
  ok: number;
  typed: number;
  failure: number;
  ms: number;
  slowest: number;
}

const runParent = async (): Promise<void> => {
  const started = performance.now();
  const pending: number[] = Array.from({ length: count }, (_, i) => i);
  const rows = new Map<string, Row>();
  const failures: string[] = [];
  const hangs: string[] = [];
  const crashes: string[] = [];
  const errorKinds = new Map<string, number>();
  let inputsDone = 0;
  let calls = 0;
  let peakRss = 0;
  let slowestInput = { id: -1, ms: 0 };
  const self = fileURLToPath(import.meta.url);

  const spawnWorker = (): Promise<void> =>
    new Promise((resolve) => {
      let child: ChildProcess;
      let current: { id: number; since: number } | undefined;
      let batch: number[] = [];
      let finished = false;
      let killedForHang = false;
      let startFailures = 0;
      const timer = setInterval(() => {
        if (current !== undefined && performance.now() - current.since > timeoutMs) {
          hangs.push(`#${current.id} ran over ${timeoutMs} ms`);
          const rest = batch.slice(batch.indexOf(current.id) + 1);
          pending.unshift(...rest);
          current = undefined;
          batch = [];
          killedForHang = true;
          child.kill('SIGKILL');
        }
      }, 100);
      const next = (): void => {
        batch = pending.splice(0, BATCH);
        if (batch.length === 0) {
          finished = true;
          child.send({ stop: true } satisfies ToWorker);
          return;
        }
        child.send({ ids: batch } satisfies ToWorker);
      };
      const start = (): void => {
        child = fork(self, ['--worker', '--seed', String(seed)], {
          execArgv: ['--import', 'tsx', `--max-old-space-size=${heapMb}`],
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        });
        let stderr = '';
        child.stderr?.on('data', (d: Buffer) => {
          stderr = (stderr + d.toString()).slice(-2000);
        });
        child.on('message', (m: FromWorker) => {
          if (m.type === 'start') current = { id: m.id, since: performance.now() };
          else if (m.type === 'done') {
            const ms = performance.now() - (current?.since ?? performance.now());
            current = undefined;
            inputsDone++;
            peakRss = Math.max(peakRss, m.rss);
            if (ms > slowestInput.ms) slowestInput = { id: m.id, ms };
            for (const o of m.outcomes) {
              calls++;
              const row = rows.get(o.reader) ?? { ok: 0, typed: 0, failure: 0, ms: 0, slowest: 0 };
              row[o.verdict]++;
              row.ms += o.ms;
              row.slowest = Math.max(row.slowest, o.ms);
              rows.set(o.reader, row);
              if (o.error !== undefined) errorKinds.set(o.error, (errorKinds.get(o.error) ?? 0) + 1);
              if (o.verdict === 'failure') failures.push(`#${m.id} (${m.how}) → ${o.reader}: ${o.detail}`);
            }
            if (process.stdout.isTTY) process.stdout.write(`\r${inputsDone}/${count} inputs`);
          } else {
            peakRss = Math.max(peakRss, m.maxRss);
            next();
          }
        });
        child.on('exit', (code, signal) => {
          if (current !== undefined) {
            crashes.push(`#${current.id}: worker exited (${signal ?? `code ${code}`}) ${stderr.split('\n').slice(-4).join(' ').trim()}`);
            pending.unshift(...batch.slice(batch.indexOf(current.id) + 1));
            current = undefined;
            startFailures = 0;
          } else if (!finished && !killedForHang) {
            // Died between inputs (at start-up, say): put its batch back; give up if it keeps happening.
            pending.unshift(...batch);
            if (++startFailures > 3) {
              crashes.push(`a worker could not start (${signal ?? `code ${code}`}): ${stderr.trim().split('\n').slice(-4).join(' ')}`);
              finished = true;
              pending.length = 0;
            }
          }
          killedForHang = false;
          if (finished) {
            clearInterval(timer);
            resolve();
          } else start(); // a replacement, for the rest of the work
        });
        next();
      };
      start();
    });

  await Promise.all(Array.from({ length: workers }, spawnWorker));
  const seconds = (performance.now() - started) / 1000;
  if (process.stdout.isTTY) process.stdout.write('\n');

  const table = [...rows].map(([reader, r]) => ({
    reader,
    'correct data': r.ok,
    'typed error': r.typed,
    failure: r.failure,
    'mean ms': Number((r.ms / (r.ok + r.typed + r.failure)).toFixed(2)),
    'max ms': Number(r.slowest.toFixed(0)),
  }));
  console.log(`parallax-ts fuzz: seed ${seed}, ${count} inputs, ${workers} workers, timeout ${timeoutMs} ms, heap limit ${heapMb} MB`);
  console.table(table);
  const untyped = failures.filter((f) => f.includes(': untyped ')).length;
  const wrong = failures.filter((f) => f.includes(': wrong data: ')).length;
  const leaks = failures.filter((f) => f.includes(': leaked ')).length;
  console.table({
    'inputs run': inputsDone,
    'reader calls': calls,
    'uncaught non-library exceptions': untyped,
    'wrong data': wrong,
    'leaked tensors': leaks,
    [`hangs over ${timeoutMs / 1000} s`]: hangs.length,
    crashes: crashes.length,
    'peak RSS of a worker (MB)': Math.round(peakRss / 2 ** 20),
    'slowest input (ms)': `${slowestInput.ms.toFixed(0)} (#${slowestInput.id})`,
    'wall time (s)': seconds.toFixed(1),
  });
  console.log('typed errors by class:', Object.fromEntries([...errorKinds].sort(([, a], [, b]) => b - a)));
  for (const line of [...failures, ...hangs, ...crashes].slice(0, 30)) console.log(`  ${line}`);
  if (failures.length + hangs.length + crashes.length > 0) {
    console.log(`rerun one input: npm run fuzz -- --seed ${seed} --only <id>`);
    process.exitCode = 1;
  }
};

// -------------------------------------------------------------------------------------
// --only <id>: one input, here, with its outcomes
// -------------------------------------------------------------------------------------

const runOne = (id: number): void => {
  const input = fuzzInput(seed, id, makeBases());
  console.log(`#${id} ${input.base.name}: ${input.how}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallax-fuzz-'));
  try {
    for (const o of runInput(input, dir)) console.log(`  ${o.reader}: ${o.verdict} ${o.error ?? o.detail ?? ''} (${o.ms.toFixed(1)} ms)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

if (process.argv.includes('--worker')) runWorker();
else if (process.argv.includes('--only')) runOne(option('only', 0));
else await runParent();
