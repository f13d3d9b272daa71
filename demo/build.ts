/**
 * Builds the demo page into demo/dist: the page's script bundled with esbuild from the library's
 * sources, the HTML and CSS, a subset of the `mnist` package's digits as one binary asset
 * (digitsAsset.ts), and the wasm backend's `.wasm` binaries under wasm/.
 *
 * The bundle is made from src/ the way the package's ES-module build is (scripts/build.mjs): the
 * engine's tfjs registrations come from tfjs-core's own ES modules (tfjsRegistrations.esm.ts), so
 * the page holds one tfjs-core. Everything else is plain esbuild, `--platform=browser`.
 */
import { build, type Plugin } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMnist, subset } from '../examples/mnist/data.js';
import { esModuleImports, namespaceTfImports } from '../scripts/bundlerImports.mjs';
import { encodeDigitsAsset } from './digitsAsset.js';

const demo = dirname(fileURLToPath(import.meta.url));
const repo = resolve(demo, '..');

/** Where the wasm backend's binaries are: next to its own build in node_modules. */
export const wasmBinariesDir = (): string =>
  join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');

/** The sources' Node registrations (a CommonJS bundle with its own tfjs-core) → tfjs-core's ES modules. */
const oneTfjsCore: Plugin = {
  name: 'parallax-es-module-registrations',
  setup(b) {
    b.onResolve({ filter: /^\.\/tfjsRegistrations\.js$/ }, (args) =>
      args.importer === join(repo, 'src', 'engine', 'backend.ts')
        ? { path: join(repo, 'src', 'engine', 'tfjsRegistrations.esm.ts') }
        : undefined,
    );
  },
};

/**
 * The sources' imports as the package's ES-module build has them (scripts/bundlerImports.mjs):
 * fp-ts and io-ts as ES modules, and `tf` as a namespace import of tfjs-core, so the page keeps only
 * the functions and ops it runs.
 */
const bundlerImports: Plugin = {
  name: 'parallax-bundler-imports',
  setup(b) {
    const tfModules = [join(repo, 'src', 'engine', 'backend.js'), join(repo, 'src', 'engine', 'index.js')];
    b.onLoad({ filter: /\.ts$/ }, (args) =>
      args.path.includes('node_modules')
        ? undefined
        : { contents: namespaceTfImports(esModuleImports(readFileSync(args.path, 'utf8')), args.path, tfModules), loader: 'ts' },
    );
  },
};

/** Digits bundled with the page: enough to train to ~95% in a minute of wasm, small to load. */
const TRAIN_DIGITS = 4000;
const TEST_DIGITS = 1000;

/** What a build wrote. */
export interface DemoBuild {
  readonly outDir: string;
  readonly bundleBytes: number;
}

/** Builds the demo into `outDir` (default demo/dist), replacing what was there. */
export const buildDemo = async (outDir: string = join(demo, 'dist')): Promise<DemoBuild> => {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'wasm'), { recursive: true });
  const result = await build({
    entryPoints: [join(demo, 'page', 'main.ts')],
    outfile: join(outDir, 'main.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    metafile: true,
    logLevel: 'warning',
    plugins: [oneTfjsCore, bundlerImports],
  });
  const inputs = Object.keys(result.metafile.inputs);
  const secondCore = inputs.filter((f) => f.includes('tfjs-registrations.generated') || f.includes('tf-core.node'));
  if (secondCore.length > 0) throw new Error(`demo build: a second tfjs-core in the bundle: ${secondCore.join(', ')}`);
  for (const f of ['index.html', 'style.css']) copyFileSync(join(demo, 'page', f), join(outDir, f));
  const { train, test } = loadMnist();
  writeFileSync(
    join(outDir, 'digits.bin'),
    encodeDigitsAsset({ train: subset(train, TRAIN_DIGITS, 0), test: subset(test, TEST_DIGITS, 1) }),
  );
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    copyFileSync(join(wasmBinariesDir(), f), join(outDir, 'wasm', f));
  }
  return { outDir, bundleBytes: Object.values(result.metafile.outputs)[0]!.bytes };
};
