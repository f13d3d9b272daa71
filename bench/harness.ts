/**
 * The benchmark's measuring loop: contenders of one case are set up side by side, warmed up, then
 * timed in alternation run by run (the order rotates each repetition), so drift in the machine's
 * speed (other processes, GC, thermal) spreads over all contenders instead of favouring one.
 */

/** Who is measured. `raw` is hand-written tfjs-core, the floor for this engine. */
export type ContenderName = 'parallax' | 'raw' | 'tfjs-layers' | 'jax-js';

/** One prepared contender: `run` does one step (returns a number read back from the result, e.g.
 * the loss, so that every contender pays for finishing its work); `dispose` frees what it holds. */
export interface Runner {
  readonly run: () => number | Promise<number>;
  readonly dispose: () => void;
}

export interface Contender {
  readonly name: ContenderName;
  readonly setup: () => Runner | Promise<Runner>;
}

export interface BenchCase {
  readonly name: string;
  /** Steps timed together as one run (cheap steps are batched so the timer's resolution does not matter). */
  readonly stepsPerRun: number;
  readonly warmupRuns: number;
  readonly reps: number;
  readonly contenders: ReadonlyArray<Contender>;
}

/** One line of `bench/results.json`; times are per step. */
export interface ResultRow {
  readonly case: string;
  readonly backend: string;
  readonly contender: ContenderName;
  readonly median_ms: number;
  readonly min_ms: number;
  readonly max_ms: number;
  readonly ratio_vs_raw: number | null;
  /** Median CPU time of this process per step (user + system, all threads): unlike wall time, it
   * barely grows when other processes compete for the cores, so its ratio is the steadier one on a
   * shared machine. Every contender here is single-threaded (tfjs-backend-wasm and jax-js under Node). */
  readonly cpu_ms: number;
  readonly cpu_ratio_vs_raw: number | null;
}

export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

const runSteps = async (r: Runner, n: number): Promise<void> => {
  for (let i = 0; i < n; i++) {
    const v = await r.run();
    if (!Number.isFinite(v)) throw new Error(`step returned ${v}`);
  }
};

/** Sets up, warms up and times every contender of `c`; rows carry `ratio_vs_raw` when raw ran. */
export const runCase = async (c: BenchCase, backend: string, log: (s: string) => void): Promise<ResultRow[]> => {
  const runners: Array<[ContenderName, Runner]> = [];
  for (const k of c.contenders) runners.push([k.name, await k.setup()]);
  try {
    for (let w = 0; w < c.warmupRuns; w++) for (const [, r] of runners) await runSteps(r, c.stepsPerRun);
    const times = new Map<ContenderName, number[]>(runners.map(([n]) => [n, []]));
    const cpuTimes = new Map<ContenderName, number[]>(runners.map(([n]) => [n, []]));
    for (let rep = 0; rep < c.reps; rep++) {
      for (let j = 0; j < runners.length; j++) {
        const [name, r] = runners[(j + rep) % runners.length]!;
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await runSteps(r, c.stepsPerRun);
        times.get(name)!.push((performance.now() - t0) / c.stepsPerRun);
        const cpu = process.cpuUsage(c0);
        cpuTimes.get(name)!.push((cpu.user + cpu.system) / 1000 / c.stepsPerRun);
      }
    }
    const rawMedian = times.has('raw') ? median(times.get('raw')!) : undefined;
    const rawCpuMedian = cpuTimes.has('raw') ? median(cpuTimes.get('raw')!) : undefined;
    const rows = [...times].map(([contender, ts]): ResultRow => {
      const med = median(ts);
      return {
        case: c.name,
        backend,
        contender,
        median_ms: round(med),
        min_ms: round(Math.min(...ts)),
        max_ms: round(Math.max(...ts)),
        ratio_vs_raw: rawMedian === undefined ? null : Math.round((med / rawMedian) * 1000) / 1000,
        cpu_ms: round(median(cpuTimes.get(contender)!)),
        cpu_ratio_vs_raw: rawCpuMedian === undefined ? null : Math.round((median(cpuTimes.get(contender)!) / rawCpuMedian) * 1000) / 1000,
      };
    });
    for (const row of rows)
      log(
        `  ${row.case} ${row.contender}: ${row.median_ms} ms (x${row.ratio_vs_raw ?? '-'}), cpu ${row.cpu_ms} ms (x${row.cpu_ratio_vs_raw ?? '-'})`,
      );
    return rows;
  } finally {
    for (const [, r] of runners) r.dispose();
  }
};
