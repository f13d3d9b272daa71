/**
 * The published package works for its users: build, `npm pack`, install the tarball into a fresh
 * project, then import it from plain Node ESM, CommonJS `require`, and TypeScript under
 * `moduleResolution` NodeNext and Bundler, running a forward pass each time.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = (cmd: string, args: string[], cwd: string): string => {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PARALLAX_BACKEND: '' },
    });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
};

const forwardPass = (importLine: string) => `${importLine}
const layer = initialize(nn.Linear.create(3, 2))(random.key(0));
const y = nn.Linear.forward(layer, tf.ones([4, 3]));
console.log(JSON.stringify({ shape: y.shape, backend: tf.getBackend(), key: random.keyData(random.key(42)), grad: typeof tf.grad, chained: typeof y.reshape }));
`;

describe('package: packed tarball installed into another project', function () {
  this.timeout(300000);
  let project = '';

  before(() => {
    run('npm', ['run', 'build', '--silent'], repo);
    const packDir = mkdtempSync(join(tmpdir(), 'parallax-pack-'));
    run('npm', ['pack', '--silent', '--pack-destination', packDir], repo);
    const tarball = join(
      packDir,
      readdirSync(packDir).find((f) => f.endsWith('.tgz'))!,
    );
    project = mkdtempSync(join(tmpdir(), 'parallax-consumer-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], project);
  });

  after(() => {
    if (project !== '') rmSync(project, { recursive: true, force: true });
  });

  const expectForward = (stdout: string): void => {
    const lines = stdout.trim().split('\n');
    expect(lines, 'nothing else on stdout (no tfjs banner)').to.have.length(1);
    const out = JSON.parse(lines[0]!) as { shape: number[]; key: number[]; grad: string; chained: string };
    expect(out.shape).to.deep.equal([4, 2]);
    expect(out.key).to.deep.equal([0, 42]);
    expect(out.grad).to.equal('function');
    expect(out.chained).to.equal('function');
  };

  it('holds the build and nothing else: no examples, benchmarks, tests or scripts', () => {
    const [pack] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--silent'], repo)) as Array<{ files: Array<{ path: string }> }>;
    const paths = pack!.files.map((f) => f.path);
    expect(paths).to.include.members(['package.json', 'dist/esm/index.js', 'dist/cjs/index.js', 'dist/esm/index.d.ts']);
    const outside = paths.filter((p) => !p.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(p));
    expect(outside, 'files outside dist/').to.deep.equal([]);
    expect(
      paths.filter((p) => /(^|\/)examples\//.test(p)),
      'example files in the package',
    ).to.deep.equal([]);
  });

  it('plain node ESM import', () => {
    writeFileSync(join(project, 'esm.mjs'), forwardPass("import { initialize, nn, random, tf } from 'parallax-ts';"));
    expectForward(run('node', ['esm.mjs'], project));
  });

  it('CommonJS require', () => {
    writeFileSync(join(project, 'cjs.cjs'), forwardPass("const { initialize, nn, random, tf } = require('parallax-ts');"));
    expectForward(run('node', ['cjs.cjs'], project));
  });

  it('subpath imports (parallax-ts/random, parallax-ts/tree) share one engine', () => {
    writeFileSync(
      join(project, 'sub.mjs'),
      `import { key, split, keyData } from 'parallax-ts/random';
import { isModule } from 'parallax-ts/tree';
import { nn, tf } from 'parallax-ts';
const [a] = split(key(42));
console.log(JSON.stringify({ a: keyData(a), isModule: isModule(nn.Linear.create(2, 2)), tensors: tf.memory().numTensors }));
`,
    );
    const out = JSON.parse(run('node', ['sub.mjs'], project).trim()) as { a: number[]; isModule: boolean };
    expect(out.a).to.deep.equal([1832780943, 270669613]); // jax.random.split(PRNGKey(42))[0]
    expect(out.isModule).to.equal(true);
  });

  for (const moduleResolution of ['NodeNext', 'Bundler'] as const) {
    it(`TypeScript, moduleResolution ${moduleResolution}: a user module type-checks`, () => {
      const dir = join(project, `ts-${moduleResolution}`);
      run('mkdir', ['-p', dir], project);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            target: 'ES2022',
            module: moduleResolution === 'NodeNext' ? 'NodeNext' : 'ESNext',
            moduleResolution,
            skipLibCheck: true,
            types: [],
            lib: ['ES2022', 'DOM'],
          },
          files: ['main.ts'],
        }),
      );
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      writeFileSync(
        join(dir, 'main.ts'),
        `import * as O from 'fp-ts/lib/Option.js';
import { apply, constant, defineModule, initialize, type ModuleType, nn, random, submodule, tf, zipWith } from 'parallax-ts';
export const Scaled = defineModule('consumer/Scaled', {
  name: 'Scaled',
  fields: { inner: submodule(nn.Linear), scale: constant<number>() },
  create: (inFeatures: number, outFeatures: number, scale: number) => ({ inner: nn.Linear.create(inFeatures, outFeatures), scale }),
  forward: (m, x: tf.Tensor) => tf.mul(nn.Linear.forward(m.inner, x), m.scale),
});
export type Scaled<A> = ModuleType<typeof Scaled, A>;
const params: Scaled<tf.Tensor> = initialize(Scaled.create(2, 2, 2))(random.key(0));
const shapes: Scaled<readonly number[]> = Scaled.Functor.map(params, (t) => t.shape);
const all: O.Option<Scaled<number>> = Scaled.Traversable.traverse(O.Applicative)(Scaled.Functor.map(shapes, (s) => s.length), O.some);
const y: tf.Tensor = Scaled.forward(params, tf.ones([1, 2]));
const y2: tf.Tensor = apply(params, tf.ones([1, 2]));
const next: Scaled<tf.Tensor> = zipWith(params, params, (p, q) => tf.add(p, q));
const seq = initialize(nn.Sequential.create([nn.Linear.create(2, 4), nn.Dropout.create(0.1), Scaled.create(4, 1, 3)]))(random.key(1));
const y3: tf.Tensor = nn.Sequential.forward(seq, tf.ones([1, 2]));
// @ts-expect-error a Linear is not a Scaled
Scaled.forward(params.inner, tf.ones([1, 2]));
// @ts-expect-error a module of lazy parameters cannot run
Scaled.forward(Scaled.create(2, 2, 2), tf.ones([1, 2]));
// @ts-expect-error a Linear's leaves cannot be zipped with a Scaled's
zipWith(params, params.inner, (p, q) => tf.add(p, q));
export { all, y, y2, y3, next };
`,
      );
      const tsc = join(repo, 'node_modules', '.bin', 'tsc');
      run(tsc, ['-p', dir], project); // throws with the compiler's output on a type error
    });
  }
});
