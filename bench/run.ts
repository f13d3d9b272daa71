/**
 * `npm run bench`: one child process per backend (cpu, then wasm), each running every case with
 * its contenders alternating; prints a table and writes `bench/results.json` (the rows),
 * `bench/memory.json` and `bench/profile.json`.
 *
 * Options: `--backends wasm` (comma list), `--only <case prefix>`, `--no-memory`, `--no-profile`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultRow } from './harness.js';
import type { MemoryRow } from './memory.js';
import type { ProfileRow } from './profile.js';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const backends = (opt('backends') ?? 'cpu,wasm').split(',');
const only = opt('only');
const dir = mkdtempSync(join(tmpdir(), 'parallax-bench-'));

const results: ResultRow[] = [];
const memory: MemoryRow[] = [];
const profile: ProfileRow[] = [];
const t0 = Date.now();
for (const backend of backends) {
  const out = join(dir, `${backend}.json`);
  const args = [join(here, 'runBackend.ts'), '--backend', backend, '--out', out];
  if (only !== undefined) args.push('--only', only);
  // Memory is measured in the wasm process only (1,000 cpu-backend steps per contender would take minutes).
  if (!argv.includes('--no-memory') && backend === 'wasm') args.push('--memory');
  if (argv.includes('--no-profile')) args.push('--no-profile');
  const child = spawnSync(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (child.status !== 0) throw new Error(`bench for ${backend} failed (exit ${child.status})`);
  const r = JSON.parse(readFileSync(out, 'utf8')) as { results: ResultRow[]; memory: MemoryRow[]; profile: ProfileRow[] };
  results.push(...r.results);
  memory.push(...r.memory);
  profile.push(...r.profile);
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const header = `${pad('case', 26)}${pad('backend', 8)}${pad('contender', 13)}${lpad('median ms', 11)}${lpad('min ms', 10)}${lpad('max ms', 10)}${lpad('vs raw', 8)}${lpad('cpu ms', 10)}${lpad('cpu vs raw', 12)}`;
const lines = [header, '-'.repeat(header.length)];
for (const r of results) {
  lines.push(
    `${pad(r.case, 26)}${pad(r.backend, 8)}${pad(r.contender, 13)}${lpad(r.median_ms.toFixed(3), 11)}${lpad(r.min_ms.toFixed(3), 10)}${lpad(r.max_ms.toFixed(3), 10)}${lpad(r.ratio_vs_raw === null ? '-' : r.ratio_vs_raw.toFixed(2), 8)}${lpad(r.cpu_ms.toFixed(3), 10)}${lpad(r.cpu_ratio_vs_raw === null ? '-' : r.cpu_ratio_vs_raw.toFixed(2), 12)}`,
  );
}
console.log(lines.join('\n'));
if (memory.length > 0) {
  console.log('\nmemory (1,000 steps of case 2):');
  for (const m of memory) {
    console.log(
      `  ${pad(m.backend, 6)}${pad(m.contender, 13)} tensors ${m.tensors_before ?? '-'} -> ${m.tensors_after ?? '-'} (${m.tensors_per_step ?? '-'}/step), rss ${m.rss_before_mb} -> ${m.rss_after_mb} MB`,
    );
  }
}
console.log(`\ntotal ${((Date.now() - t0) / 1000).toFixed(0)} s`);

if (only === undefined && backends.length === 2) {
  writeFileSync(join(here, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  if (memory.length > 0) writeFileSync(join(here, 'memory.json'), JSON.stringify(memory, null, 2) + '\n');
  if (profile.length > 0) writeFileSync(join(here, 'profile.json'), JSON.stringify(profile, null, 2) + '\n');
} else {
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ results, memory, profile }, null, 2) + '\n');
  console.log(`partial run: results in ${join(dir, 'results.json')} (bench/*.json untouched)`);
}
