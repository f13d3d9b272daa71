// Import statements as bundlers should see them, applied by the package's ES-module build
// (scripts/build.mjs, to dist/esm) and by the demo's build (demo/build.ts, to the sources it bundles):
//
// - `esModuleImports`: fp-ts and io-ts from their ES-module folders (`es6/`) instead of CommonJS
//   (`lib/`), so bundlers tree-shake them and share them with io-ts's own imports;
// - `namespaceTfImports`: `import { tf } from '…/engine/backend.js'` becomes
//   `import * as tf from '@tensorflow/tfjs-core'` plus an import of backend.js for its set-up (and
//   any other names). Same modules, same order of evaluation, but `tf.matMul(…)` on a namespace
//   import is a direct reference a bundler can tree-shake, while on an imported value it keeps the
//   whole of tfjs-core's namespace alive (a `tree` + `nn.Linear` bundle: 173 KB gzip before, 146 KB
//   after).
import path from 'node:path';

const esSpecifier = (spec) => spec.replace(/^fp-ts\/lib\//, 'fp-ts/es6/').replace(/^io-ts\/lib\//, 'io-ts/es6/');

/**
 * `code` with fp-ts and io-ts imported from `es6/`. Import and export statements only (`… from
 * '…'`, `import '…'`, over several lines too), not doc comments' examples: a statement's head up to
 * its specifier holds no `/`, `=` or quote.
 */
export const esModuleImports = (code) =>
  code.replace(/^((?:import|export)\b[\w\s{},*$]*)(['"])([^'"\n]+)\2/gm, (_, head, q, spec) => `${head}${q}${esSpecifier(spec)}${q}`);

/**
 * `code` of the module at `file` with its value imports of `tf` from any of `tfModules` (absolute
 * paths, with the extension the imports name) rewritten; type-only imports are left as they are.
 */
export const namespaceTfImports = (code, file, tfModules) =>
  code.replace(/^import \{([^}]*)\} from '([^']+)';$/gm, (statement, names, spec) => {
    const list = names
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    if (!list.includes('tf') || !tfModules.includes(path.resolve(path.dirname(file), spec))) return statement;
    const rest = list.filter((n) => n !== 'tf');
    const setUp = rest.length === 0 ? `import '${spec}';` : `import { ${rest.join(', ')} } from '${spec}';`;
    return `import * as tf from '@tensorflow/tfjs-core';\n${setUp}`;
  });
