// `npm run size`: how much parallax-ts adds to a browser bundle. Bundles a few imports of the
// built package (dist/, so run after `npm run build`) with esbuild the way an app would —
// `--bundle --platform=browser --format=esm --minify`, no plugins — and prints each bundle's size
// minified and gzipped (level 9). Sizes include tfjs-core, the cpu and wasm backends' JavaScript
// (not the .wasm binaries, which are fetched at run time) and tfjs-core's gradients.
//
//   node scripts/size.mjs            the table
//   node scripts/size.mjs --each     also each subpath on top of `parallax-ts/engine`
//   node scripts/size.mjs --json     the same numbers as JSON
import { build, version as esbuildVersion } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
if (!existsSync(path.join(root, 'dist', 'esm', 'index.js'))) {
  console.error('size: no dist/ — run `npm run build` first (`npm run size` does)');
  process.exit(1);
}

/** The subpaths in package.json's `exports` that hold code (not `./package.json`). */
const subpaths = Object.keys(pkg.exports)
  .filter((k) => k.startsWith('./') && k !== './package.json')
  .map((k) => k.slice(2));
const platformNeutral = [];
const leftOut = [];

/** Bundles `contents` (an entry module importing the package by name) and measures it. */
const measure = async (contents) => {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js', sourcefile: 'entry.js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
};

/** An entry that imports whole namespaces and uses them, so that nothing is tree-shaken away. */
const wholeOf = (specifiers) =>
  specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n') +
  `\nconsole.log(${specifiers.map((_, i) => `m${i}`).join(', ')});\n`;

const bundles = async () => {
  const rows = [];
  rows.push({
    name: 'tfjs-core + cpu + wasm + gradients (no parallax-ts, for reference)',
    ...(await measure(
      [
        "import * as tf from '@tensorflow/tfjs-core';",
        "import '@tensorflow/tfjs-backend-cpu';",
        "import '@tensorflow/tfjs-backend-wasm';",
        "import '@tensorflow/tfjs-core/dist/register_all_gradients.js';",
        "import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';",
        'console.log(tf);',
      ].join('\n'),
    )),
  });
  rows.push({
    name: 'minimal: `parallax-ts/tree` + `nn.Linear`',
    ...(await measure(
      [
        "import { defineModule, submodule } from 'parallax-ts/tree';",
        "import { Linear } from 'parallax-ts/nn';",
        "import { initialize } from 'parallax-ts/init';",
        "import { key } from 'parallax-ts/random';",
        "const Head = defineModule('app/Head', { name: 'Head', fields: { fc: submodule(Linear) }, create: () => ({ fc: Linear.create(4, 2) }), forward: (m, x) => Linear.forward(m.fc, x) });",
        'console.log(initialize(Head.create())(key(0)));',
      ].join('\n'),
    )),
  });
  // Which subpaths bundle for the browser at all (a node builtin anywhere in their graph fails).
  for (const s of subpaths.filter((s) => s !== 'testing')) {
    try {
      await measure(wholeOf([`parallax-ts/${s}`]));
      platformNeutral.push(s);
    } catch (e) {
      const first = e.errors?.[0];
      leftOut.push(`${s} (${first ? `${first.text}${first.location ? ` in ${first.location.file}` : ''}` : String(e)})`);
    }
  }
  try {
    rows.push({ name: 'whole library: `import * as px from "parallax-ts"`', ...(await measure(wholeOf(['parallax-ts']))) });
  } catch {
    rows.push({
      name: `whole library: every subpath that bundles for the browser (${platformNeutral.join(', ')})`,
      ...(await measure(wholeOf(platformNeutral.map((s) => `parallax-ts/${s}`)))),
    });
  }
  rows.push({ name: 'testing kit: `parallax-ts/testing` (with fast-check)', ...(await measure(wholeOf(['parallax-ts/testing']))) });
  return rows;
};

const each = async () => {
  const base = await measure(wholeOf(['parallax-ts/engine']));
  const rows = [{ name: 'parallax-ts/engine (tfjs-core, backends, gradients, kernels)', ...base }];
  for (const s of platformNeutral.filter((s) => s !== 'engine')) {
    const m = await measure(wholeOf(['parallax-ts/engine', `parallax-ts/${s}`]));
    rows.push({ name: `+ parallax-ts/${s}`, minified: m.minified - base.minified, gzip: m.gzip - base.gzip });
  }
  return rows;
};

const kb = (n) => (n / 1024).toFixed(1);
const table = (rows) => {
  const width = Math.max(...rows.map((r) => r.name.length));
  return [
    `${'bundle'.padEnd(width)}  ${'minified'.padStart(9)}  ${'gzip'.padStart(8)}`,
    ...rows.map((r) => `${r.name.padEnd(width)}  ${`${kb(r.minified)} KB`.padStart(9)}  ${`${kb(r.gzip)} KB`.padStart(8)}`),
  ].join('\n');
};

const rows = await bundles();
const eachRows = process.argv.includes('--each') ? await each() : [];
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ esbuild: esbuildVersion, node: process.version, rows, each: eachRows, leftOut }, null, 2));
} else {
  console.log(`esbuild ${esbuildVersion} (--bundle --platform=browser --format=esm --minify), gzip level 9, node ${process.version}\n`);
  console.log(table(rows));
  if (eachRows.length > 0) console.log(`\n${table(eachRows)}`);
  if (leftOut.length > 0) console.log(`\nnot bundled for the browser: ${leftOut.join('; ')}`);
}
