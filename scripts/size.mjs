// `npm run size`: how much parallax-ts adds to a browser bundle. Bundles a few apps of the built
// package (dist/, so run after `npm run build`) the way an app's own build would, with no plugins
// and no config beyond production mode — esbuild (`--bundle --platform=browser --format=esm
// --minify`), Vite (`vite build`) and webpack (`mode: 'production'`) — and prints each bundle's
// size minified and gzipped (level 9). Sizes include tfjs-core, the cpu and wasm backends'
// JavaScript (not the .wasm binaries, which are fetched at run time) and tfjs-core's gradients.
//
//   node scripts/size.mjs                      the table, all three bundlers
//   node scripts/size.mjs --bundlers=esbuild   only some bundlers (comma-separated)
//   node scripts/size.mjs --each               also each subpath on top of `parallax-ts/engine` (esbuild)
//   node scripts/size.mjs --json               the same numbers as JSON
//
// The entries are written to a scratch folder inside the package, so that they import
// `parallax-ts` by name (a package's self-reference) and resolve through its `exports` as an app's do.
import { build as esbuild, version as esbuildVersion } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
if (!existsSync(path.join(root, 'dist', 'esm', 'index.js'))) {
  console.error('size: no dist/ — run `npm run build` first (`npm run size` does)');
  process.exit(1);
}
const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

/** The subpaths in package.json's `exports` that hold code (not `./package.json`). */
const subpaths = Object.keys(pkg.exports)
  .filter((k) => k.startsWith('./') && k !== './package.json')
  .map((k) => k.slice(2));

const sizeOf = (code) => ({ minified: code.length, gzip: gzipSync(code, { level: 9 }).length });

mkdirSync(path.join(root, 'out'), { recursive: true });
const scratch = mkdtempSync(path.join(root, 'out', 'size-'));
let entries = 0;
/** Writes `contents` as an entry module in the scratch folder; returns its path. */
const entryFile = (contents) => {
  const file = path.join(scratch, `entry${entries++}.js`);
  writeFileSync(file, contents);
  return file;
};

/** Each bundler: entry file → the bundled JavaScript (one file: no app here splits its code). */
const bundlers = {
  esbuild: async (entry) => {
    const result = await esbuild({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0].contents;
  },
  vite: async (entry) => {
    const { build, version } = await import('vite');
    bundlers.vite.version = version;
    const html = path.join(scratch, `${path.basename(entry, '.js')}.html`);
    writeFileSync(html, `<!doctype html><script type="module" src="./${path.basename(entry)}"></script>\n`);
    const outDir = path.join(scratch, `${path.basename(entry, '.js')}-vite`);
    await build({
      root: scratch,
      configFile: false,
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true, rolldownOptions: { input: html } },
    });
    const js = readdirSync(path.join(outDir, 'assets')).filter((f) => f.endsWith('.js'));
    if (js.length !== 1) throw new Error(`vite: expected one chunk, got ${js.join(', ')}`);
    return readFileSync(path.join(outDir, 'assets', js[0]));
  },
  webpack: (entry) =>
    new Promise((resolve, reject) => {
      const webpack = require('webpack');
      bundlers.webpack.version = webpack.version;
      const outDir = path.join(scratch, `${path.basename(entry, '.js')}-webpack`);
      webpack(
        {
          mode: 'production',
          context: scratch,
          entry,
          output: { path: outDir, filename: 'bundle.js' },
          experiments: { topLevelAwait: true },
          performance: { hints: false },
        },
        (err, stats) => {
          if (err || stats.hasErrors()) reject(err ?? new Error(stats.toString('errors-only')));
          else resolve(readFileSync(path.join(outDir, 'bundle.js')));
        },
      );
    }),
};
const chosen = (option('bundlers') ?? 'esbuild,vite,webpack').split(',');
for (const b of chosen) if (!(b in bundlers)) throw new Error(`size: unknown bundler ${b}; expected esbuild, vite or webpack`);

/** An entry that imports whole namespaces and uses them, so that nothing is tree-shaken away. */
const wholeOf = (specifiers) =>
  specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n') +
  `\nconsole.log(${specifiers.map((_, i) => `m${i}`).join(', ')});\n`;

/** A one-layer user module, as `import`s of `tree` and `nn` in an app would declare it. */
const head =
  "const Head = defineModule('app/Head', { name: 'Head', fields: { fc: submodule(nn.Linear) }, create: () => ({ fc: nn.Linear.create(4, 2) }), forward: (m, x) => nn.Linear.forward(m.fc, x) });\n" +
  'console.log(initialize(Head.create())(random.key(0)));\n';

/** A small training app: the imports, then the same code whichever form they take. */
const trainer = (imports) =>
  [
    imports,
    "await ready('wasm');",
    'const net = initialize(nn.Sequential.create([nn.Linear.create(784, 128), nn.ReLU.create(), nn.Dropout.create(0.1), nn.Linear.create(128, 10)]))(random.key(0));',
    'const step = compile(optim.trainStep({ loss: (m, b) => ({ loss: losses.crossEntropy(nn.Sequential.forward(m, b.x), b.y) }), optimizer: optim.adam(1e-3) }));',
    'let state = step.init(net, random.key(1));',
    "[state] = step(state, { x: tf.zeros([2, 784]), y: tf.tensor1d([1, 2], 'int32') });",
    'const bytes = io.encodeStateDict(state.params);',
    'console.log(io.loadStateDict(net, io.decodeStateDict(bytes)));',
  ].join('\n');
const rootImports = "import { compile, initialize, io, losses, nn, optim, random, ready, tf } from 'parallax-ts';";
const subpathImports = [
  "import * as tf from 'parallax-ts/tf';",
  "import { ready } from 'parallax-ts/engine';",
  "import { initialize } from 'parallax-ts/init';",
  "import { compile } from 'parallax-ts/compile';",
  ...['io', 'losses', 'nn', 'optim', 'random'].map((s) => `import * as ${s} from 'parallax-ts/${s}';`),
].join('\n');

/** The apps measured: name → entry module. */
const apps = [
  [
    'tfjs-core + cpu + wasm + gradients, no parallax-ts (reference)',
    [
      "import * as tf from '@tensorflow/tfjs-core';",
      "import '@tensorflow/tfjs-backend-cpu';",
      "import '@tensorflow/tfjs-backend-wasm';",
      "import '@tensorflow/tfjs-core/dist/register_all_gradients.js';",
      "import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';",
      'console.log(tf);',
    ].join('\n'),
  ],
  [
    'minimal, from subpaths: `tree`, `nn.Linear`, `initialize`, `random.key`',
    "import { defineModule, submodule } from 'parallax-ts/tree';\nimport * as nn from 'parallax-ts/nn';\nimport { initialize } from 'parallax-ts/init';\nimport * as random from 'parallax-ts/random';\n" +
      head,
  ],
  [
    'minimal, from the root: the same app, `import { nn, … } from "parallax-ts"`',
    "import { defineModule, submodule, nn, initialize, random } from 'parallax-ts';\n" + head,
  ],
  ['trainer, from the root: MLP + dropout, compiled Adam `trainStep`, cross-entropy, safetensors', trainer(rootImports)],
  ['trainer, from subpaths: the same app, `import * as nn from "parallax-ts/nn"`, …', trainer(subpathImports)],
  ['whole library: `import * as px from "parallax-ts"`', wholeOf(['parallax-ts'])],
  ['testing kit: `import * as t from "parallax-ts/testing"` (with fast-check)', wholeOf(['parallax-ts/testing'])],
];

const measureAll = async () => {
  const rows = [];
  for (const [name, contents] of apps) {
    const entry = entryFile(contents);
    const row = { name };
    for (const b of chosen) row[b] = sizeOf(await bundlers[b](entry));
    rows.push(row);
  }
  return rows;
};

/** Which subpaths bundle for the browser at all (a node builtin anywhere in their graph fails). */
const browserSubpaths = async () => {
  const ok = [];
  const leftOut = [];
  for (const s of subpaths.filter((s) => s !== 'testing')) {
    try {
      await bundlers.esbuild(entryFile(wholeOf([`parallax-ts/${s}`])));
      ok.push(s);
    } catch (e) {
      const first = e.errors?.[0];
      leftOut.push(`${s} (${first ? `${first.text}${first.location ? ` in ${first.location.file}` : ''}` : String(e)})`);
    }
  }
  return { ok, leftOut };
};

/** Each subpath's cost on top of the engine, with esbuild. */
const each = async (platformNeutral) => {
  const base = sizeOf(await bundlers.esbuild(entryFile(wholeOf(['parallax-ts/engine']))));
  const rows = [{ name: 'parallax-ts/engine (tfjs-core, backends, gradients, kernels)', esbuild: base }];
  for (const s of platformNeutral.filter((s) => s !== 'engine')) {
    const m = sizeOf(await bundlers.esbuild(entryFile(wholeOf(['parallax-ts/engine', `parallax-ts/${s}`]))));
    rows.push({ name: `+ parallax-ts/${s}`, esbuild: { minified: m.minified - base.minified, gzip: m.gzip - base.gzip } });
  }
  return rows;
};

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const table = (rows, columns) => {
  const width = Math.max(...rows.map((r) => r.name.length));
  const cell = 20;
  return [
    `${'bundle'.padEnd(width)}  ${columns.map((c) => `${c} (min / gzip)`.padStart(cell)).join('  ')}`,
    ...rows.map(
      (r) => `${r.name.padEnd(width)}  ${columns.map((c) => `${kb(r[c].minified)} / ${kb(r[c].gzip)}`.padStart(cell)).join('  ')}`,
    ),
  ].join('\n');
};

try {
  const rows = await measureAll();
  const { ok, leftOut } = await browserSubpaths();
  const eachRows = process.argv.includes('--each') ? await each(ok) : [];
  const versions = { esbuild: esbuildVersion, vite: bundlers.vite.version, webpack: bundlers.webpack.version };
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ node: process.version, versions, rows, each: eachRows, leftOut }, null, 2));
  } else {
    console.log(
      `${chosen.map((b) => `${b} ${versions[b]}`).join(', ')}; gzip level 9; node ${process.version}\n` +
        'esbuild: --bundle --platform=browser --format=esm --minify; vite: `vite build`; webpack: mode production\n',
    );
    console.log(table(rows, chosen));
    if (eachRows.length > 0) console.log(`\n${table(eachRows, ['esbuild'])}`);
    if (leftOut.length > 0) console.log(`\nnot bundled for the browser: ${leftOut.join('; ')}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
