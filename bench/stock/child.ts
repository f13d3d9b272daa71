/**
 * The `stock-tfjs` contender's process: stock `@tensorflow/tfjs-core` 4.22 with its own cpu and
 * wasm backends and tfjs-core's gradient functions (what `@tensorflow/tfjs` registers), and nothing
 * of parallax-ts — parallax-ts registers its own wasm kernels when imported (src/engine), which
 * would change what tfjs runs. bench/build.mjs bundles this file into bench/.build/stockChild.mjs
 * (tfjs packages left external, so this is the installed tfjs) and fails if any input comes from
 * src/. It runs the same hand-written steps as the `raw` contender (`<case>/tfjsCore.ts`).
 *
 * Started by bench/stock/remote.ts with `--backend cpu|wasm`; answers requests over IPC
 * (bench/stock/protocol.ts). Timed runs are measured here, with this process's clock and CPU time.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core's own gradients: `@tensorflow/tfjs` imports this file; tfjs-core's Node entry does not.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import type { Runner } from '../harness.js';
import { tfjsCoreSetup as binarySetup } from '../cases/binaryNetwork/tfjsCore.js';
import { tfjsCoreSetup as cnnSetup } from '../cases/cnn/tfjsCore.js';
import { tfjsCoreSetup as mlpSetup } from '../cases/mlp/tfjsCore.js';
import type { StockHello, StockInfo, StockReply, StockRequest } from './protocol.js';

/** The cases by their bench names (bench/cases/<case>/index.ts). */
const setups: Readonly<Record<string, () => Runner>> = {
  'binary-network-step': binarySetup(tf),
  'mlp-784-256-10-b64': mlpSetup(tf),
  'cnn-28x28-b32': cnnSetup(tf),
};

/** Replies; a parent that already went away (closed the channel mid-request) gets none. */
const send = (m: StockReply | StockHello): void => {
  if (process.connected) process.send!(m, undefined, {}, () => undefined);
};
const runners = new Map<number, Runner>();
let nextRunner = 0;

const step = (r: Runner): number => {
  const v = r.run();
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`step returned ${String(v)}`);
  return v;
};

const handle = (req: StockRequest): unknown => {
  switch (req.op) {
    case 'setup': {
      const setup = setups[req.case];
      if (setup === undefined) throw new Error(`stock-tfjs has no case ${req.case}`);
      const id = nextRunner++;
      runners.set(id, setup());
      return id;
    }
    case 'step':
      return step(runners.get(req.runner)!);
    case 'run': {
      const r = runners.get(req.runner)!;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < req.steps; i++) step(r);
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
    }
    case 'dispose': {
      void runners.get(req.runner)?.dispose();
      runners.delete(req.runner);
      return tf.memory().numTensors;
    }
    case 'info': {
      const kernels = tf.getKernelsForBackend(tf.getBackend());
      const info: StockInfo = {
        backend: tf.getBackend(),
        tfjsCore: tf.version_core,
        kernels: kernels.length,
        hasConv2DBackpropFilter: kernels.some((k) => k.kernelName === 'Conv2DBackpropFilter'),
      };
      return info;
    }
  }
};

const main = async (): Promise<void> => {
  const i = process.argv.indexOf('--backend');
  const backend = i >= 0 ? process.argv[i + 1] : undefined;
  if (backend !== 'cpu' && backend !== 'wasm') throw new Error(`--backend must be cpu or wasm, got ${backend}`);
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) throw new Error(`backend ${backend} did not start`);
  // tfjs-backend-cpu prints an "install tfjs-node" banner on first use; not a result.
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu !== null) cpu.firstUse = false;
  process.on('message', (req: StockRequest) => {
    try {
      send({ id: req.id, ok: true, value: handle(req) });
    } catch (e) {
      send({ id: req.id, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  });
  // The bench process went away: nothing left to answer.
  process.on('disconnect', () => process.exit(0));
  send({ hello: true, backend, tfjsCore: tf.version_core });
};

main().catch((e: unknown) => {
  send({ hello: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  process.exit(1);
});
