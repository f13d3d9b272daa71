/**
 * The bench process's side of the `stock-tfjs` contender: one child process per backend process
 * (bench/.build/stockChild.mjs, made by bench/build.mjs), asked over IPC to set up a case, take
 * steps, and time runs of steps in its own process. The child never loads parallax-ts.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Contender, Runner, TimedRun } from '../harness.js';
import type { StockHello, StockInfo, StockReply, StockRequest } from './protocol.js';

/** Distributes `StockRequest` without its id over the union's members. */
type Request = StockRequest extends infer R ? (R extends { readonly id: number } ? Omit<R, 'id'> : never) : never;

/** The bench folder, from this module's location (bench/stock/remote.ts, or a bundle in bench/.build/). */
const benchDir = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (basename(dir) !== 'bench' && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
};

/** Where bench/build.mjs puts the child's bundle. */
export const stockChildPath = (): string => join(benchDir(), '.build', 'stockChild.mjs');

export class StockProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private exited: Error | undefined;
  readonly ready: Promise<{ backend: string; tfjsCore: string }>;

  constructor(readonly backend: string) {
    const path = stockChildPath();
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`node bench/build.mjs\` first (npm run bench does)`);
    // No --import tsx or other flags of this process: the child is plain compiled JavaScript.
    this.child = fork(path, ['--backend', backend], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('message', (m: StockHello) =>
        m.hello ? resolve({ backend: m.backend, tfjsCore: m.tfjsCore }) : reject(new Error(`stock-tfjs child: ${m.error}`)),
      );
      this.child.once('exit', (code) => reject(new Error(`stock-tfjs child exited (${code}) before starting`)));
    });
    // A child that fails to start rejects `ready`; requests see that, an unread rejection must not crash.
    this.ready.catch(() => undefined);
    this.child.on('message', (m: StockReply | StockHello) => {
      if (!('id' in m)) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new Error(m.error));
    });
    this.child.on('exit', (code) => {
      this.exited = new Error(`stock-tfjs child exited (${code})`);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    });
  }

  async request(req: Request): Promise<unknown> {
    await this.ready;
    if (this.exited !== undefined) throw this.exited;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...req, id } as StockRequest);
    });
  }

  info(): Promise<StockInfo> {
    return this.request({ op: 'info' }) as Promise<StockInfo>;
  }

  /** Ends the child (it also exits by itself when this process's IPC channel closes). */
  async close(): Promise<void> {
    if (this.exited !== undefined) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    await done;
  }
}

/** A runner of `caseName` in the stock process; `dispose` answers with the child's tensors left. */
export const stockRunner = async (proc: StockProcess, caseName: string): Promise<Runner> => {
  const runner = (await proc.request({ op: 'setup', case: caseName })) as number;
  return {
    run: async () => (await proc.request({ op: 'step', runner })) as number,
    timed: async (steps) => (await proc.request({ op: 'run', runner, steps })) as TimedRun,
    dispose: async () => void (await proc.request({ op: 'dispose', runner })),
  };
};

/** The `stock-tfjs` contender of a case: may fail (stock tfjs cannot train every case on every backend). */
export const stockContender = (proc: () => StockProcess, caseName: string): Contender => ({
  name: 'stock-tfjs',
  mayFail: true,
  setup: () => stockRunner(proc(), caseName),
});
