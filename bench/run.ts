/**
 * `npm run bench`: builds the bench into plain JavaScript (bench/build.mjs), then runs
 * `node bench/.build/run.mjs` — this file — which spawns one child per backend (cpu, then wasm),
 * each running every case with its contenders alternating (the `stock-tfjs` contender in a further
 * child of its own, bench/stock/); prints a table and, on a full run, writes `bench/results.json`
 * (machine, load, matmul floor and the rows), `bench/results.md` (the same as markdown tables),
 * `bench/memory.json` and `bench/profile.json`.
 *
 * Options: `--backends wasm` (comma list), `--only <case prefix>`, `--no-memory`, `--no-profile`,
 * `--no-stock`. Partial runs write to a temp dir. Run through tsx (`npx tsx bench/run.ts`) it
 * spawns tsx children instead (slower parallax: tsx's `__name` wrappers), still with a compiled stock child.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultRow } from './harness.js';
import type { MemoryRow } from './memory.js';
import type { ProfileRow } from './profile.js';

const here = dirname(fileURLToPath(import.meta.url));
const built = basename(here) === '.build';
const benchDir = built ? dirname(here) : here;
const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const backends = (opt('backends') ?? 'cpu,wasm').split(',');
const only = opt('only');
const dir = mkdtempSync(join(tmpdir(), 'parallax-bench-'));

/** The floor cases (bench/cases/mlp/floor.ts) and the case measured against them. */
const FLOOR_CASE = 'mlp-784-256-10-b64-matmul-floor';
const FLOOR_FRESH_CASE = 'mlp-784-256-10-b64-matmul-floor-fresh-b';
const FLOORED_CASE = 'mlp-784-256-10-b64';

const uptime = (): string => {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `loadavg ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`;
  }
};
const load = (): { at: string; loadavg: number[]; uptime: string } => ({
  at: new Date().toISOString(),
  loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  uptime: uptime(),
});
const gitCommit = (): string => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: benchDir, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '../src', '.'], { cwd: benchDir, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} + uncommitted changes in src/ or bench/` : head;
  } catch {
    return 'unknown';
  }
};

const startLoad = load();
process.stderr.write(`load at start: ${startLoad.uptime}\n`);
if (!built && !argv.includes('--no-stock')) {
  // The stock child is always compiled JavaScript (tfjs-core's gradient files need bundling).
  const b = spawnSync(process.execPath, [join(benchDir, 'build.mjs'), '--stock-only'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (b.status !== 0) throw new Error('bench/build.mjs --stock-only failed');
}

const results: ResultRow[] = [];
const memory: MemoryRow[] = [];
const profile: ProfileRow[] = [];
const environments: unknown[] = [];
const t0 = Date.now();
for (const backend of backends) {
  const out = join(dir, `${backend}.json`);
  const entry = built ? join(here, 'runBackend.mjs') : join(here, 'runBackend.ts');
  const args = [entry, '--backend', backend, '--out', out];
  if (only !== undefined) args.push('--only', only);
  // Memory is measured in the wasm process only (1,000 cpu-backend steps per contender would take minutes).
  if (!argv.includes('--no-memory') && backend === 'wasm') args.push('--memory');
  for (const flag of ['--no-profile', '--no-stock']) if (argv.includes(flag)) args.push(flag);
  const child = spawnSync(process.execPath, built ? args : ['--import', 'tsx', ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (child.status !== 0) throw new Error(`bench for ${backend} failed (exit ${child.status})`);
  const r = JSON.parse(readFileSync(out, 'utf8')) as {
    results: ResultRow[];
    memory: MemoryRow[];
    profile: ProfileRow[];
    environment: unknown;
  };
  results.push(...r.results);
  memory.push(...r.memory);
  profile.push(...r.profile);
  environments.push(r.environment);
}
const endLoad = load();
const seconds = (Date.now() - t0) / 1000;

// Case 2's matmul floors: the sums of the lone products' medians, measured in the wasm process.
const floorOf = (name: string): number | null => {
  const floorRows = results.filter((r) => r.case === name && r.median_ms !== null);
  return floorRows.length === 5 ? Math.round(floorRows.reduce((s, r) => s + r.median_ms!, 0) * 1e4) / 1e4 : null;
};
const floorMs = floorOf(FLOOR_CASE);
const floorFreshMs = floorOf(FLOOR_FRESH_CASE);
const vs = (floor: number | null, r: ResultRow): number | null =>
  floor !== null && r.case === FLOORED_CASE && r.backend === 'wasm' && r.median_ms !== null
    ? Math.round((r.median_ms / floor) * 1000) / 1000
    : null;
const rows = results.map((r) => ({ ...r, ratio_vs_matmul_floor: vs(floorMs, r), ratio_vs_matmul_floor_fresh_b: vs(floorFreshMs, r) }));

const f3 = (x: number | null): string => (x === null ? '-' : x.toFixed(3));
const f2 = (x: number | null): string => (x === null ? '-' : x.toFixed(2));
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const cols: Array<[string, number, (r: (typeof rows)[number]) => string, boolean]> = [
  ['case', 41, (r) => r.case, false],
  ['backend', 8, (r) => r.backend, false],
  ['contender', 19, (r) => (r.contender.startsWith('matmul:') ? r.contender.slice(7).split(' [')[0]! : r.contender), false],
  ['median ms', 11, (r) => f3(r.median_ms), true],
  ['min ms', 10, (r) => f3(r.min_ms), true],
  ['max ms', 10, (r) => f3(r.max_ms), true],
  ['vs compiled', 12, (r) => f2(r.ratio_vs_compiled), true],
  ['vs jax', 8, (r) => f2(r.ratio_vs_jax), true],
  ['vs raw', 8, (r) => f2(r.ratio_vs_raw), true],
  ['vs floor', 9, (r) => f2(r.ratio_vs_matmul_floor), true],
  ['vs floor+pack', 14, (r) => f2(r.ratio_vs_matmul_floor_fresh_b), true],
  ['cpu ms', 10, (r) => f3(r.cpu_ms), true],
];
const cell = (r: (typeof rows)[number], [, w, f, right]: (typeof cols)[number]): string => (right ? lpad(f(r), w) : pad(f(r), w));
const header = cols.map(([h, w, , right]) => (right ? lpad(h, w) : pad(h, w))).join('');
const lines = [header, '-'.repeat(header.length)];
for (const r of rows) lines.push(cols.map((c) => cell(r, c)).join('') + (r.error === undefined ? '' : `  cannot run: ${r.error}`));
console.log(lines.join('\n'));

// What each row runs on, once per distinct label.
const labels = [...new Map(rows.map((r) => [`${r.backend}/${r.contender}`, r])).values()];
console.log('\nwhat each row runs on:');
for (const r of labels) console.log(`  ${pad(`${r.backend} ${r.contender}`, 50)} ${r.label}`);
const floorText = (): string =>
  `case 2 matmul floor (wasm, sum of the 5 lone products' medians): ${f3(floorMs)} ms with XNNPACK's packed b reused ("vs floor"), ` +
  `${f3(floorFreshMs)} ms with a fresh b every call, packed first as in a step ("vs floor+pack")`;
if (floorMs !== null || floorFreshMs !== null) console.log(`\n${floorText()}`);
const compiledInfo = rows.filter((r) => r.info !== undefined);
if (compiledInfo.length > 0) {
  console.log('\ncompile counters after the run:');
  for (const r of compiledInfo) console.log(`  ${pad(`${r.case} ${r.backend}`, 40)} ${JSON.stringify(r.info)}`);
}
if (memory.length > 0) {
  console.log('\nmemory (1,000 steps of case 2):');
  for (const m of memory) {
    console.log(
      `  ${pad(m.backend, 6)}${pad(m.contender, 19)} tensors ${m.tensors_before ?? '-'} -> ${m.tensors_after ?? '-'} (${m.tensors_per_step ?? '-'}/step), rss ${m.rss_before_mb} -> ${m.rss_after_mb} MB`,
    );
  }
}
const machine = {
  commit: gitCommit(),
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  load_start: startLoad,
  load_end: endLoad,
  seconds: Math.round(seconds),
  compiled_javascript: built,
  backends: environments,
};
console.log(`\nload at start: ${startLoad.uptime}\nload at end:   ${endLoad.uptime}\ntotal ${seconds.toFixed(0)} s`);

/** The rows as a markdown table (for bench/README.md's "Latest run"). */
const markdown = (): string => {
  const mdCols = cols.map(([h, , f, right]) => [h, f, right] as const);
  const out = [
    `| ${mdCols.map(([h]) => h).join(' | ')} |`,
    `| ${mdCols.map(([, , right]) => (right ? '---:' : '---')).join(' | ')} |`,
    ...rows.map(
      (r) => `| ${mdCols.map(([, f]) => (r.error !== undefined && f === cols[3]![2] ? `cannot run: \`${r.error}\`` : f(r))).join(' | ')} |`,
    ),
    '',
    ...(floorMs !== null || floorFreshMs !== null ? [floorText(), ''] : []),
    '| backend | contender | runs on |',
    '| --- | --- | --- |',
    ...labels.map((r) => `| ${r.backend} | ${r.contender} | ${r.label} |`),
  ];
  return out.join('\n') + '\n';
};

if (only === undefined && backends.length === 2) {
  writeFileSync(
    join(benchDir, 'results.json'),
    JSON.stringify({ machine, matmul_floor_ms: floorMs, matmul_floor_fresh_b_ms: floorFreshMs, rows }, null, 2) + '\n',
  );
  writeFileSync(join(benchDir, 'results.md'), markdown());
  if (memory.length > 0) writeFileSync(join(benchDir, 'memory.json'), JSON.stringify(memory, null, 2) + '\n');
  if (profile.length > 0) writeFileSync(join(benchDir, 'profile.json'), JSON.stringify(profile, null, 2) + '\n');
} else {
  writeFileSync(
    join(dir, 'results.json'),
    JSON.stringify({ machine, matmul_floor_ms: floorMs, matmul_floor_fresh_b_ms: floorFreshMs, rows, memory, profile }, null, 2) + '\n',
  );
  writeFileSync(join(dir, 'results.md'), markdown());
  console.log(`partial run: results in ${join(dir, 'results.json')} and results.md (bench/*.json untouched)`);
}
