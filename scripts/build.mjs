// The second half of `npm run build`, run after `tsc -p .` has written the ES modules and their
// declarations to dist/esm. The package's `exports` send Node (`import` and `require` alike) to
// dist/cjs and bundlers (`import`) to dist/esm, with one set of declarations for both:
//
// 1. compile every source file in src/ to CommonJS in dist/cjs (esbuild, one file per source file),
//    and mark dist/cjs as CommonJS (the package's own "type" is "module");
// 2. move the declarations to dist/cjs: one set, used for `import` and `require` alike, so a
//    project with both .mts and .cts files sees each type (and fp-ts kind, and symbol) once;
// 3. copy the pre-bundled tfjs registrations (`npm run gen:tfjs`), which Node needs, to dist/cjs;
// 4. make dist/esm the bundlers' build: tfjsRegistrations.esm.js in place of tfjsRegistrations.js
//    (tfjs-core's own ES modules, so a bundle holds one tfjs-core), and fp-ts/io-ts imported from
//    their ES-module folders (`es6/`) instead of CommonJS (`lib/`), so bundlers can tree-shake them
//    and share them with io-ts's own imports; `tf` taken from tfjs-core itself, not from
//    engine/backend.js (both rewrites in bundlerImports.mjs); then check that nothing of the Node
//    path is left.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { esModuleImports, namespaceTfImports } from './bundlerImports.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => path.join(root, ...parts);
const filesUnder = (dir, suffix) =>
  readdirSync(dir, { recursive: true })
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f.endsWith(suffix));

// The source whose ES-module build registers tfjs-core's modules directly; Node never loads it.
const esmRegistrations = 'engine/tfjsRegistrations.esm';

// 1.
const sources = filesUnder(at('src'), '.ts')
  .filter((f) => !f.endsWith('.d.ts') && f !== `${esmRegistrations}.ts`)
  .map((f) => at('src', f));
await build({
  entryPoints: sources,
  outbase: at('src'),
  outdir: at('dist', 'cjs'),
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  logLevel: 'warning',
});
writeFileSync(at('dist', 'cjs', 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');

// 2.
for (const f of filesUnder(at('dist', 'esm'), '.d.ts')) {
  if (f === `${esmRegistrations}.d.ts`) rmSync(at('dist', 'esm', f));
  else {
    mkdirSync(path.dirname(at('dist', 'cjs', f)), { recursive: true });
    renameSync(at('dist', 'esm', f), at('dist', 'cjs', f));
  }
}

// 3.
for (const f of ['tfjs-registrations.generated.cjs', 'tfjs-registrations.generated.d.cts']) {
  cpSync(at('src', 'engine', f), at('dist', 'cjs', 'engine', f));
}

// 4.
renameSync(at('dist', 'esm', `${esmRegistrations}.js`), at('dist', 'esm', 'engine', 'tfjsRegistrations.js'));
const backendModule = at('dist', 'esm', 'engine', 'backend.js');
for (const f of filesUnder(at('dist', 'esm'), '.js')) {
  const file = at('dist', 'esm', f);
  const code = readFileSync(file, 'utf8');
  const direct = namespaceTfImports(esModuleImports(code), file, [backendModule]);
  if (direct !== code) writeFileSync(file, direct);
}
const leftovers = filesUnder(at('dist', 'esm'), '.js').flatMap((f) => {
  const code = readFileSync(at('dist', 'esm', f), 'utf8');
  // Statements start a line (`} from '…'` ends a multi-line one); doc comments start with ` *`.
  return [
    /^(?:import|export|\}).*['"](?:fp-ts|io-ts)\/lib\//m,
    /^(?:import|export|\}).*tfjs-registrations\.generated/m,
    // a `tf` still taken from backend.js (a form the rewrite above does not know); its re-export stays
    /^import\b[^;]*\btf\b[^;]*from '[^']*backend\.js'/m,
  ]
    .filter((re) => re.test(code))
    .map((re) => `${f}: ${re}`);
});
if (leftovers.length > 0)
  throw new Error(`build: dist/esm still has an import the bundlers' build must not have:\n${leftovers.join('\n')}`);
