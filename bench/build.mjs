/**
 * Builds the bench into plain JavaScript (bench/.build/*.mjs) so `npm run bench` measures compiled
 * code, not code run through `tsx` (whose esbuild `keepNames` wraps every named closure in a
 * `__name(...)` call: 10–15% on case 1). Three bundles, ES modules for Node 20:
 *
 * - `run.mjs` — the driver (bench/run.ts);
 * - `runBackend.mjs` — one backend's process (bench/runBackend.ts with src/ bundled in);
 * - `stockChild.mjs` — the `stock-tfjs` process (bench/stock/child.ts), which must not contain
 *   anything from src/ (parallax-ts registers its own wasm kernels on import): checked below.
 *
 * The tfjs packages (by package name) and jax-js stay external, so each process loads the installed
 * `@tensorflow/tfjs-core` once and tfjs-layers shares its engine. Deep imports such as
 * `@tensorflow/tfjs-core/dist/register_all_gradients.js` are bundled: Node cannot load tfjs-core's
 * extensionless ES-module files, and they register into tfjs's global registries (the engine is a
 * global), exactly as src/engine's generated registrations do.
 *
 * `node bench/build.mjs [--stock-only]`; prints the bundles' sizes.
 */
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = dirname(fileURLToPath(import.meta.url));
const root = dirname(bench);
const outdir = join(bench, '.build');

/** `@tensorflow/<pkg>`, `@jax-js/jax` and `fast-check` exactly (no deep paths) are left to Node. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^(@tensorflow\/[^/]+|@jax-js\/jax|fast-check)$/ }, (a) => ({ path: a.path, external: true }));
  },
};

const entries = process.argv.includes('--stock-only')
  ? { stockChild: join(bench, 'stock/child.ts') }
  : { run: join(bench, 'run.ts'), runBackend: join(bench, 'runBackend.ts'), stockChild: join(bench, 'stock/child.ts') };

const t0 = Date.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: entries,
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  plugins: [externalPackages],
  // Bundled CommonJS (fp-ts, io-ts) may `require` Node built-ins; ES-module output has no `require`.
  banner: {
    js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);",
  },
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
});

const stock = result.metafile.outputs[relative(root, join(outdir, 'stockChild.mjs'))];
if (stock === undefined) throw new Error('bench/build.mjs: no stockChild.mjs output');
const fromSrc = Object.keys(stock.inputs).filter((p) => p.startsWith('src/'));
if (fromSrc.length > 0)
  throw new Error(`bench/build.mjs: the stock-tfjs child must not load parallax-ts, but it bundles ${fromSrc.join(', ')}`);

for (const name of Object.keys(entries)) {
  const file = join(outdir, `${name}.mjs`);
  process.stderr.write(`bench build: ${relative(root, file)} ${(statSync(file).size / 1024).toFixed(0)} kB\n`);
}
process.stderr.write(`bench build: ${Date.now() - t0} ms\n`);
