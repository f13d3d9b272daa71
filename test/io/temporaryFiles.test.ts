/**
 * Nothing left behind (issue 10, reproduction 6), with real child processes: a writer killed
 * mid-save leaves its temporary file, and the next write to the same directory removes it (only
 * files of the library's own pattern, of this host, whose process is gone); a SIGTERM or SIGINT
 * during a save removes the temporary file and still ends the process by that signal.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { atomicWriteFile, atomicWriteFileSync } from '../../src/node/atomicWrite.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const writer = path.resolve(here, 'fixtures/slowWriter.ts');

interface Child {
  readonly process: ChildProcess;
  /** Resolves when the child has printed `line`. */
  readonly printed: (line: string) => Promise<void>;
  readonly output: () => string;
  /** Resolves with how it ended. */
  readonly ended: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
}

const start = (mode: string, target: string): Child => {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, mode, target], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiting: Array<[string, () => void]> = [];
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const [line, resolve] of waiting) if (out.split('\n').includes(line)) resolve();
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    printed: (line) =>
      new Promise<void>((resolve, reject) => {
        if (out.split('\n').includes(line)) resolve();
        else waiting.push([line, resolve]);
        void ended.then(() => reject(new Error(`child ended before printing "${line}": ${out} ${err}`)));
      }),
    output: () => out,
    ended,
  };
};

const temporaries = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'));

describe('io: temporary files are never left behind', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallax-tmp-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reproduction 6: a writer killed (SIGKILL) mid-save leaves its temporary file; the next write to the directory removes it', async () => {
    const target = path.join(dir, 'ckpt.safetensors');
    fs.writeFileSync(target, 'old');
    const child = start('async', target);
    await child.printed('writing');
    const [leftover] = temporaries(dir);
    assert.ok(leftover !== undefined);
    // The library's pattern: .<name>.<pid>.<host>.<random>.tmp
    assert.match(leftover, new RegExp(`^\\.ckpt\\.safetensors\\.${child.process.pid}\\.[0-9a-f]{8}\\.[0-9a-f]{12}\\.tmp$`));
    child.process.kill('SIGKILL');
    assert.equal((await child.ended).signal, 'SIGKILL');
    assert.deepEqual(temporaries(dir), [leftover], 'SIGKILL leaves the file: nothing can run in a killed process');
    assert.equal(fs.readFileSync(target, 'utf8'), 'old');
    // Another file in the same directory: the dead writer's temporary file goes.
    atomicWriteFileSync(path.join(dir, 'other.bin'), new Uint8Array([1]));
    assert.deepEqual(temporaries(dir), []);
    assert.equal(fs.readFileSync(target, 'utf8'), 'old');
  });

  it("only the library's own files of dead writers on this host are removed: live writers', other hosts', recent old-style and others' files stay", async () => {
    // A real temporary file name gives this host's tag.
    const child = start('async', path.join(dir, 'probe.bin'));
    await child.printed('writing');
    const probe = temporaries(dir)[0]!;
    const host = probe.split('.').slice(-3)[0]!;
    child.process.kill('SIGKILL');
    await child.ended;
    const deadPid = child.process.pid!;
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      const keep = [
        `.a.bin.${alive.pid}.${host}.0123456789ab.tmp`, // a live writer
        `.a.bin.${deadPid}.${host === '00000000' ? '11111111' : '00000000'}.0123456789ab.tmp`, // another host's
        `.a.bin.${deadPid}.0123456789ab.tmp`, // the pre-0.2.0 form, recent: maybe still being written
        `.a.bin.tmp`,
        `a.bin.${deadPid}.${host}.0123456789ab.tmp`, // not hidden: not ours
        `.a.bin.${deadPid}.${host}.0123456789ab.tmp.bak`,
      ];
      const remove = [`.b.bin.${deadPid}.${host}.fedcba987654.tmp`, `.c.bin.${deadPid}.0123456789ab.tmp`];
      for (const name of [...keep, ...remove]) fs.writeFileSync(path.join(dir, name), 'x');
      // The old-style one to remove is an hour old.
      const hourAgo = new Date(Date.now() - 3600_000);
      fs.utimesSync(path.join(dir, remove[1]!), hourAgo, hourAgo);
      await atomicWriteFile(path.join(dir, 'new.bin'), new Uint8Array([1]));
      assert.deepEqual(fs.readdirSync(dir).sort(), [...keep, 'new.bin'].sort());
    } finally {
      alive.kill('SIGKILL');
    }
  });

  it('SIGTERM during a synchronous save: the save completes, no temporary file is left, and the process ends by SIGTERM', async () => {
    const target = path.join(dir, 'ckpt.bin');
    const child = start('sync', target);
    await child.printed('writing');
    assert.equal(temporaries(dir).length, 1);
    child.process.kill('SIGTERM');
    const { signal } = await child.ended;
    assert.equal(signal, 'SIGTERM');
    assert.ok(child.output().includes('saved\n'), child.output());
    assert.ok(!child.output().includes('still alive'));
    assert.deepEqual(temporaries(dir), []);
    assert.equal(fs.statSync(target).size, 2 << 16, 'the complete new file');
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} during an asynchronous save removes its temporary file, leaves the old file, and ends the process by ${signal}`, async () => {
      const target = path.join(dir, 'ckpt.bin');
      fs.writeFileSync(target, 'old');
      const child = start('async', target);
      await child.printed('writing');
      assert.equal(temporaries(dir).length, 1);
      child.process.kill(signal);
      assert.equal((await child.ended).signal, signal);
      assert.deepEqual(temporaries(dir), []);
      assert.equal(fs.readFileSync(target, 'utf8'), 'old');
    });
  }

  it("a program with its own SIGTERM listener keeps it: the temporary file is removed and the program's handler runs", async () => {
    const child = start('async-own-handler', path.join(dir, 'ckpt.bin'));
    await child.printed('writing');
    child.process.kill('SIGTERM');
    const { code, signal } = await child.ended;
    assert.deepEqual([code, signal], [0, null]);
    assert.ok(child.output().includes('handled'));
    assert.deepEqual(temporaries(dir), []);
  });

  it('a program that does not yield after a synchronous save gets the signal when it does (deferred, not lost)', async () => {
    const child = start('sync-busy', path.join(dir, 'a.bin'));
    await child.printed('writing');
    child.process.kill('SIGTERM');
    const { signal } = await child.ended;
    assert.equal(signal, 'SIGTERM');
    assert.ok(child.output().includes('done'), 'its synchronous work ran to the end first');
  });

  it('a program that never yields between synchronous saves is not made deaf: SIGTERM ends it at once', async () => {
    const child = start('sync-loop', path.join(dir, 'a.bin'));
    await child.printed('writing');
    const sent = Date.now();
    child.process.kill('SIGTERM');
    const { signal } = await child.ended;
    assert.equal(signal, 'SIGTERM');
    assert.ok(Date.now() - sent < 5000, 'ended long before its 20 s of work');
    assert.ok(!child.output().includes('done'));
    assert.deepEqual(temporaries(dir), []);
  });
});
