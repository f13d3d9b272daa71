// Type-checks the documentation: every ```ts block of README.md (and of the other markdown files
// given on the command line) and every `@example` in src/**/*.ts becomes a file of its own in
// .docs-check/, compiled against the sources (`parallax-ts` and its subpaths map to src/).
// An example is a standalone program: it imports what it uses, as a user's file would.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// One folder per run, so that several runs (e.g. with different --only) never share files.
const out = path.join(root, '.docs-check', String(process.pid));

/** `@example` bodies of one source file, with the line each starts on. */
const examplesOf = (file) => {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i])) continue;
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j];
      if (/^\s*\*\//.test(line) || /^\s*\*\s*@\w+/.test(line)) break;
      body.push(line.replace(/^\s*\* ?/, ''));
    }
    found.push({ line: i + 1, code: body.join('\n') });
    i = j - 1;
  }
  return found;
};

/** ```ts / ```typescript blocks of a markdown file. */
const blocksOf = (file) => {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !/^```\s*$/.test(lines[j]); j++) body.push(lines[j]);
    found.push({ line: i + 1, code: body.join('\n') });
    i = j;
  }
  return found;
};

const sourceFiles = (dir) =>
  readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f))
    .sort();

mkdirSync(out, { recursive: true });
const origin = new Map();
let n = 0;
const emit = (from, line, code) => {
  const name = `${String(n++).padStart(4, '0')}_${path.relative(root, from).replace(/[^A-Za-z0-9]+/g, '_')}_L${line}.ts`;
  origin.set(name, `${path.relative(root, from)}:${line}`);
  // An internal helper's example imports it from its own folder ('./spatial.js'): resolve that
  // against the source file, since the example is compiled from .docs-check/.
  const resolved = code.replace(/(from\s+')(\.\.?\/[^']+)'/g, (_, pre, spec) => {
    const target = path
      .relative(out, path.resolve(path.dirname(from), spec))
      .split(path.sep)
      .join('/');
    return `${pre}${target.startsWith('.') ? target : `./${target}`}'`;
  });
  // `export {}` makes every example a module of its own, so names do not clash between examples.
  writeFileSync(path.join(out, name), `${resolved}\nexport {};\n`);
};
// `--only=src/random` (repeatable) checks only the sources under those paths, and no markdown.
const only = process.argv
  .slice(2)
  .filter((a) => a.startsWith('--only='))
  .map((a) => a.slice('--only='.length));
const wanted = (file) => only.length === 0 || only.some((p) => path.relative(root, file).startsWith(p));
for (const file of sourceFiles(path.join(root, 'src'))) if (wanted(file)) for (const ex of examplesOf(file)) emit(file, ex.line, ex.code);
const markdown = only.length === 0 ? ['README.md', ...process.argv.slice(2).filter((a) => !a.startsWith('--'))] : [];
for (const md of markdown) for (const b of blocksOf(path.join(root, md))) emit(path.join(root, md), b.line, b.code);

// `parallax-ts` and each subpath of package.json's `exports` → its source file (`./dist/cjs/x/y.js`
// → `src/x/y.ts`), so an example imports what a user's `import` would.
const { exports: exportMap } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const paths = Object.fromEntries(
  Object.entries(exportMap)
    .filter(([key, target]) => typeof target === 'object' && key.startsWith('.'))
    .map(([key, target]) => [`parallax-ts${key.slice(1)}`, [target.default.replace(/^\.\/dist\/cjs\/(.*)\.js$/, '../../src/$1.ts')]]),
);

writeFileSync(
  path.join(out, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: '../../tsconfig.json',
      compilerOptions: {
        noEmit: true,
        rootDir: '../..',
        noUnusedLocals: false,
        paths,
      },
      include: ['./*.ts'],
    },
    null,
    2,
  ),
);

try {
  execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', out], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
  rmSync(out, { recursive: true, force: true });
  console.log(`docs: ${n} examples type-check`);
} catch (e) {
  const report = String(e.stdout ?? '') + String(e.stderr ?? '');
  const failing = new Set();
  const lines = report.split('\n').map((l) => {
    const m = /^\.docs-check\/\d+\/([^(]+)\((\d+),(\d+)\)(.*)$/.exec(l);
    if (m === null) return l;
    failing.add(m[1]);
    return `${origin.get(m[1])} (example line ${m[2]})${m[4]}`;
  });
  console.error(lines.join('\n'));
  console.error(`docs: ${failing.size} of ${n} examples do not type-check (sources in ${path.relative(root, out)}/)`);
  process.exit(1);
}
