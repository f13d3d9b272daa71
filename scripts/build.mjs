// The CommonJS half of `npm run build`, run after `tsc -p .` has written the ES modules and their
// declarations to dist/esm:
//
// 1. compile every source file in src/ to CommonJS in dist/cjs (esbuild, one file per source file);
// 2. mark dist/cjs as CommonJS (the package's own "type" is "module");
// 3. give dist/cjs the same declarations as dist/esm (the types do not depend on the module format);
// 4. copy the pre-bundled tfjs registrations (`npm run gen:tfjs`), which are not TypeScript, into
//    both halves.
import { build } from 'esbuild';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => path.join(root, ...parts);

// 1. Every .ts file of src/ except declaration files.
const sources = readdirSync(at('src'), { recursive: true })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
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

// 2.
writeFileSync(at('dist', 'cjs', 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');

// 3.
for (const f of readdirSync(at('dist', 'esm'), { recursive: true })) {
  if (f.endsWith('.d.ts')) cpSync(at('dist', 'esm', f), at('dist', 'cjs', f));
}

// 4.
for (const f of ['tfjs-registrations.generated.cjs', 'tfjs-registrations.generated.d.cts']) {
  for (const half of ['esm', 'cjs']) cpSync(at('src', 'engine', f), at('dist', half, 'engine', f));
}
