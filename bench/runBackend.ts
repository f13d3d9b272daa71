/**
 * One backend's share of `npm run bench`, in its own process so that backends never share a warm
 * engine: `node bench/.build/runBackend.mjs --backend wasm --out /tmp/wasm.json [--only mlp]
 * [--memory] [--no-profile] [--no-stock]` (built by bench/build.mjs). jax-js runs only in the wasm
 * process (it has its own wasm device and ignores tfjs's backend); the `stock-tfjs` contender runs
 * in a child of this process (bench/stock/). Writes `{ results, memory, profile, environment }` as
 * JSON to `--out`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defaultDevice, init as jaxInit } from '@jax-js/jax';
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../src/engine/backend.js';
import { setBackend } from '../src/engine/setBackend.js';
import { type BenchCase, labelOf, type ResultRow, runCase } from './harness.js';
import { measureMemory, type MemoryRow } from './memory.js';
import { profileSteps, type ProfileRow } from './profile.js';
import { allCases, profiledCases } from './cases/index.js';
import { mlpContenders } from './cases/mlp/index.js';
import { StockProcess } from './stock/remote.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

let stockInfo: unknown = null;

const main = async (): Promise<void> => {
  const backend = arg('backend') ?? 'wasm';
  if (backend !== 'cpu' && backend !== 'wasm') throw new Error(`--backend must be cpu or wasm, got ${backend}`);
  const out = arg('out');
  const only = arg('only');
  const log = (s: string): void => void process.stderr.write(`[${backend}] ${s}\n`);

  if (!(await setBackend(backend)) || tf.getBackend() !== backend) throw new Error(`backend ${backend} did not start`);
  // tfjs-layers must drive the very engine parallax-ts set up: one tfjs-core module on disk, and the
  // tensors a layers model makes are counted by our engine, on our backend.
  const require = createRequire(import.meta.url);
  const coreOfLayers = require.resolve('@tensorflow/tfjs-core', { paths: [dirname(require.resolve('@tensorflow/tfjs-layers'))] });
  const ours = require.resolve('@tensorflow/tfjs-core');
  const before = tf.memory().numTensors;
  const probe = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [1] })] });
  const made = tf.memory().numTensors - before;
  probe.dispose();
  const layersEngineShared = coreOfLayers === ours && made > 0 && tf.getBackend() === backend;
  if (!layersEngineShared)
    throw new Error(`tfjs-layers does not share parallax-ts's engine (${coreOfLayers} vs ${ours}, ${made} tensors seen)`);

  const withJax = backend === 'wasm';
  if (withJax) {
    const devices = await jaxInit('wasm');
    if (!devices.includes('wasm')) throw new Error(`jax-js: wasm device unavailable (got ${devices.join(', ')})`);
    defaultDevice('wasm');
  }

  // jax-js's package.json is not in its exports: read it next to its entry.
  let jaxDir = dirname(require.resolve('@jax-js/jax'));
  while (!jaxDir.endsWith('jax')) jaxDir = dirname(jaxDir);
  const versions = {
    tfjs: tf.version_core,
    jax: (JSON.parse(readFileSync(join(jaxDir, 'package.json'), 'utf8')) as { version: string }).version,
  };

  // One stock-tfjs child for this backend process, started when a case first asks for it.
  let stock: StockProcess | undefined;
  const stockSource = process.argv.includes('--no-stock') ? undefined : (): StockProcess => (stock ??= new StockProcess(backend));
  const cases: BenchCase[] = allCases(backend, withJax, stockSource).filter((c) => only === undefined || c.name.startsWith(only));
  const results: ResultRow[] = [];
  try {
    for (const c of cases) {
      log(`case ${c.name}`);
      results.push(...(await runCase(c, backend, log, (k) => labelOf(k, backend, versions))));
    }
  } finally {
    // Evidence that the child ran stock tfjs (kernel count, no parallax-ts conv gradient), then end it.
    if (stock !== undefined) {
      stockInfo = await stock.info().catch((e: unknown) => ({ error: String(e) }));
      await stock.close();
    }
  }

  let memory: MemoryRow[] = [];
  if (process.argv.includes('--memory')) {
    log('memory: 1000 steps of case 2 per contender');
    memory = await measureMemory('mlp-784-256-10-b64', backend, mlpContenders(withJax), 1000);
    for (const m of memory)
      log(`  ${m.contender}: tensors ${m.tensors_before} -> ${m.tensors_after}, rss ${m.rss_before_mb} -> ${m.rss_after_mb} MB`);
  }

  let profile: ProfileRow[] = [];
  if (!process.argv.includes('--no-profile')) {
    for (const [name, contenders] of profiledCases(backend)) {
      if (only !== undefined && !name.startsWith(only)) continue;
      log(`profile ${name}`);
      profile.push(...(await profileSteps(name, backend, contenders, name.startsWith('cnn') || name.startsWith('charlm') ? 2 : 5)));
    }
  }

  const environment = {
    backend,
    versions,
    stockTfjs: stockInfo,
    kernelsInBenchProcess: tf.getKernelsForBackend(backend).length,
    tfjsLayersSharesEngine: layersEngineShared,
    tfjsCore: tf.version_core,
    tfjsLayers: tfl.version_layers,
  };
  const payload = JSON.stringify({ results, memory, profile, environment }, null, 2);
  if (out !== undefined) writeFileSync(out, payload);
  else process.stdout.write(payload + '\n');
};

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
