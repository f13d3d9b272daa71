/**
 * The packed package in a browser, as a user gets it: the tarball installed into a fresh project,
 * one entry importing every platform-neutral subpath bundled with esbuild, Vite and webpack — no
 * plugins, stubs, aliases or fallbacks — and run in headless Chromium. In each bundle, random
 * bits and normals, a 20-step training run and a safetensors round trip equal Node's bit for bit
 * on cpu and on wasm; on webgl (SwiftShader) they are within 1e-4 of Node's cpu run. A wasm start
 * with unserved `.wasm` files falls back to cpu with a warning and a working engine.
 */
import { expect } from 'chai';
import { build as esbuild, transform } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import webpack from 'webpack';
import * as compileApi from '../../src/compile/index.js';
import * as engine from '../../src/engine/index.js';
import * as init from '../../src/init/index.js';
import { loadStateDict } from '../../src/io/loadStateDict.js';
import { stateDict } from '../../src/io/stateDictEntries.js';
import { decodeTensors, encodeTensors } from '../../src/io/tensors.js';
import * as nn from '../../src/nn/index.js';
import * as optim from '../../src/optim/index.js';
import * as random from '../../src/random/index.js';
import * as tree from '../../src/tree/index.js';
import { serveStatic, type StaticServer } from '../../demo/server.js';
import { type Consumer, installPackedConsumer, repo, run } from '../package/consumer.js';
import { type CaseResults, type Library, runCases } from './cases.js';
import { type Chromium, launchChromium, watchedPage } from './chromium.js';

const nodeLibrary: Library = {
  engine,
  random,
  init,
  nn,
  optim,
  tree,
  compile: compileApi.compile,
  io: { stateDict, encodeTensors, decodeTensors, loadStateDict },
};
const devVersion = (name: string): string =>
  (JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** The page's entry: every platform-neutral subpath, the optional webgl backend, the cases. */
const subpathEntry = (): string => `import '@tensorflow/tfjs-backend-webgl';
import * as engine from 'parallax-ts/engine';
import * as random from 'parallax-ts/random';
import * as init from 'parallax-ts/init';
import * as grad from 'parallax-ts/grad';
import * as nn from 'parallax-ts/nn';
import * as losses from 'parallax-ts/losses';
import * as optim from 'parallax-ts/optim';
import * as tree from 'parallax-ts/tree';
import * as testing from 'parallax-ts/testing';
import { compile } from 'parallax-ts/compile';
import * as io from 'parallax-ts/io';
import * as tf from 'parallax-ts/tf';
import { runCases } from './cases.js';
const lib = { engine, random, init, nn, optim, tree, compile, io: { stateDict: io.stateDict, encodeTensors: io.encodeTensors, decodeTensors: io.decodeTensors, loadStateDict: io.loadStateDict } };
globalThis.parallaxCases = (backend, wasmPaths) => runCases(lib, backend, wasmPaths);
globalThis.parallaxReady = (options) => engine.ready(options);
globalThis.parallaxProbe = () => engine.tidy(() => Array.from(tf.add(tf.ones([3]), 1).dataSync()));
globalThis.parallaxLoaded = [typeof grad.valueAndGrad, typeof losses, typeof testing.checkModuleLaws].join(',');
`;

/** The issue's own import line, from the root. */
const rootEntry = `import { initialize, nn, random, valueAndGrad, zipWith, tidy, dispose, tf, ready, setBackend, optim, io } from 'parallax-ts';
import * as px from 'parallax-ts';
import { runCases } from './cases.js';
const lib = { engine: px, random, init: px.init, nn, optim, tree: px, compile: px.compile, io };
globalThis.parallaxCases = (backend, wasmPaths) => runCases(lib, backend, wasmPaths);
globalThis.parallaxLoaded = [initialize, valueAndGrad, zipWith, tidy, dispose, tf, ready, setBackend].map((f) => typeof f).join(',');
`;

const page = (script: string, module: boolean): string =>
  `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>parallax-ts bundle</title></head><body><script ${module ? 'type="module" ' : ''}src="${script}"></script></body></html>\n`;

/** Bundles `entry` (in `project`) into `outDir`, with an index.html that loads it. */
type Bundler = (entry: string, outDir: string, project: string) => Promise<void>;

const bundlers: Readonly<Record<'esbuild' | 'vite' | 'webpack', Bundler>> = {
  esbuild: async (entry, outDir, project) => {
    await esbuild({
      entryPoints: [entry],
      outfile: join(outDir, 'bundle.js'),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      absWorkingDir: project,
      logLevel: 'silent',
    });
    writeFileSync(join(outDir, 'index.html'), page('bundle.js', true));
  },
  // Vite as an app runs it: an index.html whose module script is the entry, and `vite build` with
  // no config file (through its CLI: Vite 8's build API fails inside mocha's process).
  vite: async (entry, outDir, project) => {
    writeFileSync(join(project, 'index.html'), page(`/${relative(project, entry)}`, true));
    run(
      join(repo, 'node_modules', '.bin', 'vite'),
      ['build', '--base', './', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      project,
    );
  },
  webpack: (entry, outDir, project) =>
    new Promise((resolve, reject) => {
      webpack(
        {
          mode: 'production',
          context: project,
          entry,
          target: 'web',
          devtool: false,
          output: { path: outDir, filename: 'bundle.js' },
          optimization: { minimize: false },
          performance: { hints: false },
        },
        (err, stats) => {
          if (err !== null && err !== undefined) reject(err);
          else if (stats?.hasErrors() === true) reject(new Error(stats.toString({ all: false, errors: true })));
          else {
            writeFileSync(join(outDir, 'index.html'), page('bundle.js', false));
            resolve();
          }
        },
      );
    }),
};

describe('browser: the packed package bundled by esbuild, Vite and webpack, run in Chromium', function () {
  this.timeout(120000);
  let consumer: Consumer | undefined;
  let server: StaticServer | undefined;
  let browser: Chromium | undefined;
  let pagesDir = '';
  const node: Record<string, CaseResults> = {};

  before(async () => {
    consumer = installPackedConsumer([
      `@tensorflow/tfjs-backend-webgl@${devVersion('@tensorflow/tfjs-backend-webgl')}`,
      `fast-check@${devVersion('fast-check')}`,
    ]);
    const { project } = consumer;
    const sources = join(project, 'page-src');
    pagesDir = join(project, 'pages');
    mkdirSync(sources, { recursive: true });
    // The shared cases as plain JavaScript, so that every bundler takes them without a loader.
    const cases = await transform(readFileSync(join(repo, 'test', 'browser', 'cases.ts'), 'utf8'), {
      loader: 'ts',
      format: 'esm',
      target: 'es2022',
    });
    writeFileSync(join(sources, 'cases.js'), cases.code);
    writeFileSync(join(sources, 'subpaths.js'), subpathEntry());
    for (const [name, bundle] of Object.entries(bundlers)) {
      const out = join(pagesDir, name);
      mkdirSync(out, { recursive: true });
      await bundle(join(sources, 'subpaths.js'), out, project);
    }
    server = await serveStatic({ '/': pagesDir, '/wasm/': join(project, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') });
    browser = await launchChromium();
    for (const backend of ['cpu', 'wasm']) node[backend] = await runCases(nodeLibrary, backend);
    await engine.setBackend('cpu');
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    consumer?.remove();
  });

  /** Opens a bundle's page and runs the cases on `backend` there. */
  const runInPage = async (bundler: string, backend: string): Promise<{ results: CaseResults; errors: string[] }> => {
    const { page, errors } = await watchedPage(browser!);
    await page.goto(`${server!.url}${bundler}/`);
    await page.waitForFunction(() => 'parallaxCases' in globalThis);
    expect(await page.evaluate(() => (globalThis as unknown as { parallaxLoaded: string }).parallaxLoaded)).to.equal(
      'function,object,function',
    );
    const results = await page.evaluate(
      ([b, paths]) => (globalThis as unknown as { parallaxCases: (b: string, p: string) => Promise<CaseResults> }).parallaxCases(b, paths),
      [backend, `${server!.url}wasm/`] as const,
    );
    await page.close();
    return { results, errors };
  };

  for (const bundler of Object.keys(bundlers)) {
    for (const backend of ['cpu', 'wasm']) {
      it(`${bundler}, ${backend}: random bits and normals, 20 training steps and a safetensors round trip equal Node's bit for bit`, async () => {
        const { results, errors } = await runInPage(bundler, backend);
        expect(errors, 'console errors').to.deep.equal([]);
        expect(results.roundTrip, 'safetensors round trip').to.equal(true);
        expect(results.leaked, 'tensors leaked').to.equal(0);
        expect(results.compiledParamBits, 'compiled training equals uncompiled').to.equal(results.paramBits);
        expect(results.compiledLossBits, 'compiled losses equal uncompiled').to.equal(results.lossBits);
        expect(results).to.deep.equal(node[backend]);
      });
    }
  }

  it('webgl (SwiftShader): the same runs within 1e-4 of Node on cpu, and getBackend() says webgl', async function () {
    const { page, errors } = await watchedPage(browser!);
    await page.goto(`${server!.url}esbuild/`);
    await page.waitForFunction(() => 'parallaxCases' in globalThis);
    const started = await page.evaluate(() =>
      (globalThis as unknown as { parallaxReady: (o: object) => Promise<string> }).parallaxReady({ backend: 'webgl' }),
    );
    if (started !== 'webgl') {
      await page.close();
      this.skip(); // no WebGL context in this browser (SwiftShader missing): nothing to compare
    }
    const results = await page.evaluate(() =>
      (globalThis as unknown as { parallaxCases: (b: string) => Promise<CaseResults> }).parallaxCases('webgl'),
    );
    await page.close();
    expect(errors, 'console errors').to.deep.equal([]);
    const cpu = node['cpu']!;
    expect(results.backend).to.equal('webgl');
    expect(results.bits, 'random bits are integer work in JavaScript').to.equal(cpu.bits);
    expect(results.normal).to.equal(cpu.normal);
    expect(results.roundTrip).to.equal(true);
    expect(results.leaked).to.equal(0);
    const worst = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
    expect(results.losses).to.have.length(20);
    expect(worst(results.losses, cpu.losses), 'loss difference').to.be.at.most(1e-4);
    expect(results.params).to.have.length(cpu.params.length);
    expect(worst(results.params, cpu.params), 'parameter difference').to.be.at.most(1e-4);
  });

  it('a wasm start whose .wasm files are not served falls back to cpu with a warning, and the engine works', async () => {
    const { page, errors } = await watchedPage(browser!);
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await page.goto(`${server!.url}esbuild/`);
    await page.waitForFunction(() => 'parallaxReady' in globalThis);
    const backend = await page.evaluate(() =>
      (globalThis as unknown as { parallaxReady: (o: object) => Promise<string> }).parallaxReady({
        backend: 'wasm',
        wasmPaths: '/not-served/',
      }),
    );
    const probe = await page.evaluate(() => (globalThis as unknown as { parallaxProbe: () => number[] }).parallaxProbe());
    await page.close();
    expect(backend).to.equal('cpu');
    expect(probe).to.deep.equal([2, 2, 2]);
    expect(
      warnings.some((w) => /parallax-ts: the "wasm" backend failed to start; running on "cpu" instead\. .*wasmPaths/.test(w)),
      warnings.join('\n'),
    ).to.equal(true);
    // The browser reports the missing file itself; nothing else may go wrong.
    expect(errors.filter((e) => !/404|Failed to load resource|not-served/.test(e))).to.deep.equal([]);
  });

  // The README's recipes for locating the wasm binaries, built as written there.
  const wasmImports = (suffix: string): string =>
    [
      `import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm${suffix}';`,
      `import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm${suffix}';`,
      `import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm${suffix}';`,
      "import { getBackend, ready } from 'parallax-ts/engine';",
      "const wasmPaths = { 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threaded };",
      'globalThis.parallaxWasm = ready({ backend: "wasm", wasmPaths }).then((b) => [b, getBackend()]);',
    ].join('\n') + '\n';
  const recipes: ReadonlyArray<[string, string, (entry: string, out: string, project: string) => void]> = [
    [
      'Vite: `?url` imports of the three binaries',
      '?url',
      (entry, out, project) => {
        writeFileSync(join(project, 'index.html'), page(`/${relative(project, entry)}`, true));
        run(
          join(repo, 'node_modules', '.bin', 'vite'),
          ['build', '--base', './', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'],
          project,
        );
      },
    ],
    [
      'esbuild: `--loader:.wasm=file --public-path=…`',
      '',
      (entry, out, project) => {
        run(
          join(repo, 'node_modules', '.bin', 'esbuild'),
          [
            entry,
            '--bundle',
            '--format=esm',
            '--platform=browser',
            '--loader:.wasm=file',
            `--outfile=${join(out, 'bundle.js')}`,
            '--public-path=/esbuild-wasm/',
            '--log-level=warning',
          ],
          project,
        );
        writeFileSync(join(out, 'index.html'), page('bundle.js', true));
      },
    ],
  ];
  for (const [name, suffix, make] of recipes) {
    it(`locating the .wasm files as the README says — ${name}: wasm starts`, async () => {
      const { project } = consumer!;
      const folder = suffix === '' ? 'esbuild-wasm' : 'vite-wasm';
      const entry = join(project, 'page-src', `${folder}.js`);
      writeFileSync(entry, wasmImports(suffix));
      make(entry, join(pagesDir, folder), project);
      const { page: p, errors } = await watchedPage(browser!);
      await p.goto(`${server!.url}${folder}/`);
      await p.waitForFunction(() => 'parallaxWasm' in globalThis);
      const started = await p.evaluate(() => (globalThis as unknown as { parallaxWasm: Promise<string[]> }).parallaxWasm);
      await p.close();
      expect(errors).to.deep.equal([]);
      expect(started).to.deep.equal(['wasm', 'wasm']);
    });
  }

  describe("the root import: `import { initialize, nn, …, io } from 'parallax-ts'` (issue's done-when)", () => {
    it('bundles with esbuild --platform=browser and equals Node bit for bit on cpu and wasm', async () => {
      const { project } = consumer!;
      writeFileSync(join(project, 'page-src', 'root.js'), rootEntry);
      const out = join(pagesDir, 'root');
      mkdirSync(out, { recursive: true });
      await bundlers.esbuild(join(project, 'page-src', 'root.js'), out, project);
      for (const backend of ['cpu', 'wasm']) {
        const { page: p, errors } = await watchedPage(browser!);
        await p.goto(`${server!.url}root/`);
        await p.waitForFunction(() => 'parallaxCases' in globalThis);
        const results = await p.evaluate(
          ([b, paths]) =>
            (globalThis as unknown as { parallaxCases: (b: string, p: string) => Promise<CaseResults> }).parallaxCases(b, paths),
          [backend, `${server!.url}wasm/`] as const,
        );
        await p.close();
        expect(errors).to.deep.equal([]);
        expect(results).to.deep.equal(node[backend]);
      }
    });
  });
});
