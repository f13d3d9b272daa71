/**
 * A project of a user's: `npm run build`, `npm pack`, and the tarball installed into a fresh
 * folder (with any extra packages, e.g. an optional peer dependency). Shared by the packaging test
 * and the browser suite, which bundle and run what a user would install.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs a command; on failure throws with its whole output. `PARALLAX_BACKEND` is cleared. */
export const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string => {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PARALLAX_BACKEND: '', ...env },
    });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
};

/** A consumer project with the packed tarball installed; `remove()` deletes it and the tarball. */
export interface Consumer {
  readonly project: string;
  readonly tarball: string;
  readonly remove: () => void;
}

/**
 * Builds and packs the repository, then installs the tarball (and `extra` packages, by exact
 * version, from npm's cache when it has them) into a new project folder.
 */
export const installPackedConsumer = (extra: ReadonlyArray<string> = []): Consumer => {
  run('npm', ['run', 'build', '--silent'], repo);
  const packDir = mkdtempSync(join(tmpdir(), 'parallax-pack-'));
  run('npm', ['pack', '--silent', '--pack-destination', packDir], repo);
  const tarball = join(
    packDir,
    readdirSync(packDir).find((f) => f.endsWith('.tgz'))!,
  );
  const project = mkdtempSync(join(tmpdir(), 'parallax-consumer-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, ...extra], project);
  return {
    project,
    tarball,
    remove: () => {
      rmSync(project, { recursive: true, force: true });
      rmSync(packDir, { recursive: true, force: true });
    },
  };
};

/**
 * The subpaths of the package's `exports` that hold code, as import specifiers
 * (`parallax-ts`, `parallax-ts/tree`, …).
 */
export const packageSpecifiers = (exportsMap: Readonly<Record<string, unknown>>): string[] =>
  Object.keys(exportsMap)
    .filter((k) => k !== './package.json')
    .map((k) => (k === '.' ? 'parallax-ts' : `parallax-ts/${k.slice(2)}`));
