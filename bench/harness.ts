/**
 * The benchmark's measuring loop: contenders of one case are set up side by side, warmed up, then
 * timed in alternation run by run (the order rotates each repetition), so drift in the machine's
 * speed (other processes, GC, thermal) spreads over all contenders instead of favouring one.
 *
 * A contender may run in another process (`stock-tfjs`, bench/stock/): its runner then times its
 * own steps there (`timed`), and the parent waits for the answer, idle, in the contender's slot of
 * the rotation — so its runs are interleaved in time with the others' exactly like a local one's.
 */

/**
 * Who is measured. `raw` is hand-written tfjs-core on parallax-ts's engine (its wasm kernels
 * registered); `stock-tfjs` is the same code on stock tfjs-core in a process that never loads
 * parallax-ts; `parallax-compiled` is the `parallax` step wrapped in `compile`; `matmul:*` are the
 * lone products of case 2's matmul floor.
 */
export type ContenderName = 'parallax' | 'parallax-compiled' | 'raw' | 'stock-tfjs' | 'tfjs-layers' | 'jax-js' | `matmul:${string}`;

/** What one timed run of a remote contender reports: wall and CPU time of its process for all its steps. */
export interface TimedRun {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** One prepared contender: `run` does one step (returns a number read back from the result, e.g.
 * the loss, so that every contender pays for finishing its work); `dispose` frees what it holds. */
export interface Runner {
  readonly run: () => number | Promise<number>;
  readonly dispose: () => void | Promise<void>;
  /** A remote runner times `steps` steps in its own process (the parent's clock would add the IPC round trip). */
  readonly timed?: (steps: number) => Promise<TimedRun>;
  /** Facts about the run reported with the row (e.g. `compile`'s recordings / replays / fallbacks). */
  readonly info?: () => Readonly<Record<string, unknown>>;
}

export interface Contender {
  readonly name: ContenderName;
  readonly setup: () => Runner | Promise<Runner>;
  /**
   * Whether failing to set up or to take the first steps is a result rather than a bench bug
   * (stock tfjs-core cannot train some cases on some backends): the failure becomes the row's
   * `error` and the case goes on without it.
   */
  readonly mayFail?: boolean;
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
  /** What the row runs on (library, version, mode, backend, process). */
  readonly label: string;
  /** null when the contender could not run (`error` says why). */
  readonly median_ms: number | null;
  readonly min_ms: number | null;
  readonly max_ms: number | null;
  readonly ratio_vs_raw: number | null;
  /** Median over the `parallax-compiled` median of the same case and backend. */
  readonly ratio_vs_compiled: number | null;
  /** Median over the `jax-js` median of the same case (wasm process only). */
  readonly ratio_vs_jax: number | null;
  /** Median CPU time of the contender's process per step (user + system, all threads): unlike wall
   * time, it barely grows when other processes compete for the cores, so its ratio is the steadier
   * one on a shared machine. Every contender here is single-threaded (tfjs-backend-wasm and jax-js under Node). */
  readonly cpu_ms: number | null;
  readonly cpu_ratio_vs_raw: number | null;
  readonly error?: string;
  readonly info?: Readonly<Record<string, unknown>>;
}

/** The row label of a contender on a backend. */
export const labelOf = (contender: ContenderName, backend: string, versions: { readonly tfjs: string; readonly jax: string }): string => {
  const onWasm = backend === 'wasm' ? 'wasm backend with parallax-ts kernels' : 'cpu backend';
  switch (contender) {
    case 'parallax':
      return `parallax-ts 0.2 eager (tape), tfjs-core ${versions.tfjs} ${onWasm}`;
    case 'parallax-compiled':
      return `parallax-ts 0.2 compiled replay, tfjs-core ${versions.tfjs} ${onWasm}`;
    case 'raw':
      return `hand-written tfjs-core ${versions.tfjs}, ${onWasm} (parallax-ts loaded)`;
    case 'stock-tfjs':
      return `stock tfjs-core ${versions.tfjs} ${backend} (same code as raw), separate process without parallax-ts`;
    case 'tfjs-layers':
      return `tfjs-layers ${versions.tfjs} trainOnBatch, ${onWasm}`;
    case 'jax-js':
      return `jax-js ${versions.jax} jit, its own wasm device`;
    default:
      // Unflagged 2-D products go straight to tfjs-backend-wasm's XNNPACK kernel (src/engine's wrapper passes them through).
      return `lone tf.matMul ${contender.slice('matmul:'.length)}, ${backend === 'wasm' ? 'tfjs-backend-wasm XNNPACK, one thread' : 'cpu backend'}`;
  }
};

export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const round = (x: number): number => Math.round(x * 1e4) / 1e4;
const ratio = (a: number, b: number | undefined): number | null => (b === undefined ? null : Math.round((a / b) * 1000) / 1000);

const runSteps = async (r: Runner, n: number): Promise<void> => {
  for (let i = 0; i < n; i++) {
    const v = await r.run();
    if (!Number.isFinite(v)) throw new Error(`step returned ${v}`);
  }
};

/** One timed run of `n` steps: in this process, or in the runner's own. */
const timeRun = async (r: Runner, n: number): Promise<TimedRun> => {
  if (r.timed !== undefined) return r.timed(n);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await runSteps(r, n);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
};

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);

/**
 * Sets up, warms up and times every contender of `c`; rows carry ratios to raw, to the compiled
 * contender and to jax-js when those ran. `label` names what a row runs on.
 */
export const runCase = async (
  c: BenchCase,
  backend: string,
  log: (s: string) => void,
  label: (contender: ContenderName) => string,
): Promise<ResultRow[]> => {
  const runners: Array<[ContenderName, Runner]> = [];
  const failed: ResultRow[] = [];
  const fail = (name: ContenderName, e: unknown): void => {
    log(`  ${c.name} ${name}: cannot run (${message(e)})`);
    failed.push({
      case: c.name,
      backend,
      contender: name,
      label: label(name),
      median_ms: null,
      min_ms: null,
      max_ms: null,
      ratio_vs_raw: null,
      ratio_vs_compiled: null,
      ratio_vs_jax: null,
      cpu_ms: null,
      cpu_ratio_vs_raw: null,
      error: message(e),
    });
  };
  try {
    for (const k of c.contenders) {
      try {
        runners.push([k.name, await k.setup()]);
      } catch (e) {
        if (k.mayFail !== true) throw e;
        fail(k.name, e);
      }
    }
    for (let w = 0; w < c.warmupRuns; w++)
      for (let j = 0; j < runners.length; j++) {
        const [name, r] = runners[j]!;
        try {
          await timeRun(r, c.stepsPerRun);
        } catch (e) {
          if (c.contenders.find((k) => k.name === name)?.mayFail !== true) throw e;
          fail(name, e);
          runners.splice(j--, 1);
          await r.dispose();
        }
      }
    const times = new Map<ContenderName, number[]>(runners.map(([n]) => [n, []]));
    const cpuTimes = new Map<ContenderName, number[]>(runners.map(([n]) => [n, []]));
    for (let rep = 0; rep < c.reps; rep++) {
      for (let j = 0; j < runners.length; j++) {
        const [name, r] = runners[(j + rep) % runners.length]!;
        const t = await timeRun(r, c.stepsPerRun);
        times.get(name)!.push(t.wallMs / c.stepsPerRun);
        cpuTimes.get(name)!.push(t.cpuMs / c.stepsPerRun);
      }
    }
    const medianOf = (n: ContenderName): number | undefined => (times.has(n) ? median(times.get(n)!) : undefined);
    const rawMedian = medianOf('raw');
    const compiledMedian = medianOf('parallax-compiled');
    const jaxMedian = medianOf('jax-js');
    const rawCpuMedian = cpuTimes.has('raw') ? median(cpuTimes.get('raw')!) : undefined;
    const infos = new Map(runners.map(([n, r]) => [n, r.info?.()]));
    const rows = [...times].map(([contender, ts]): ResultRow => {
      const med = median(ts);
      const cpu = median(cpuTimes.get(contender)!);
      const info = infos.get(contender);
      return {
        case: c.name,
        backend,
        contender,
        label: label(contender),
        median_ms: round(med),
        min_ms: round(Math.min(...ts)),
        max_ms: round(Math.max(...ts)),
        ratio_vs_raw: ratio(med, rawMedian),
        ratio_vs_compiled: ratio(med, compiledMedian),
        ratio_vs_jax: ratio(med, jaxMedian),
        cpu_ms: round(cpu),
        cpu_ratio_vs_raw: ratio(cpu, rawCpuMedian),
        ...(info === undefined ? {} : { info }),
      };
    });
    for (const row of rows)
      log(
        `  ${row.case} ${row.contender}: ${row.median_ms} ms (x${row.ratio_vs_raw ?? '-'} raw, x${row.ratio_vs_compiled ?? '-'} compiled, x${row.ratio_vs_jax ?? '-'} jax), cpu ${row.cpu_ms} ms${row.info === undefined ? '' : ` ${JSON.stringify(row.info)}`}`,
      );
    const order = c.contenders.map((k) => k.name);
    return [...rows, ...failed].sort((a, b) => order.indexOf(a.contender) - order.indexOf(b.contender));
  } finally {
    for (const [, r] of runners) await r.dispose();
  }
};
