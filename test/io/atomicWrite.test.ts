import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { atomicWriteFile, atomicWriteFileSync } from '../../src/node/atomicWrite.js';
import { rawTensor } from '../../src/io/RawTensor.js';
import { SafetensorsError, serializeSafetensors } from '../../src/io/safetensors.js';
import { readSafetensorsFile, readSafetensorsFileSync, writeSafetensorsFile, writeSafetensorsFileSync } from '../../src/node/files.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

describe('io/atomicWrite and files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallax-io-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const listing = (): string[] => fs.readdirSync(dir).sort();

  for (const [label, write] of [
    ['sync', (p: string, d: Uint8Array | Iterable<Uint8Array>) => atomicWriteFileSync(p, d)],
    ['async', (p: string, d: Uint8Array | Iterable<Uint8Array>) => atomicWriteFile(p, d)],
  ] as const) {
    describe(`atomicWriteFile (${label})`, () => {
      it('creates a new file with exactly the bytes, and leaves no temporary file', async () => {
        const target = path.join(dir, 'a.bin');
        await write(target, bytes(1, 2, 3));
        assert.deepEqual(new Uint8Array(fs.readFileSync(target)), bytes(1, 2, 3));
        assert.deepEqual(listing(), ['a.bin']);
      });

      it('replaces an existing file whole (longer and shorter contents), keeping its mode', async () => {
        const target = path.join(dir, 'a.bin');
        fs.writeFileSync(target, bytes(9, 9, 9, 9, 9), { mode: 0o600 });
        fs.chmodSync(target, 0o600);
        await write(target, [bytes(1), bytes(2, 3)]);
        assert.deepEqual(new Uint8Array(fs.readFileSync(target)), bytes(1, 2, 3));
        assert.equal(fs.statSync(target).mode & 0o777, 0o600);
        await write(target, bytes(4, 5, 6, 7, 8, 9, 10));
        assert.deepEqual(new Uint8Array(fs.readFileSync(target)), bytes(4, 5, 6, 7, 8, 9, 10));
        assert.deepEqual(listing(), ['a.bin']);
      });

      it('when the data source throws mid-write, the old file is intact and the temporary file is gone', async () => {
        const target = path.join(dir, 'a.bin');
        fs.writeFileSync(target, bytes(7, 7, 7));
        let tempSeen = false;
        function* failing(): Generator<Uint8Array> {
          yield new Uint8Array(1 << 16).fill(1);
          // The partial new file exists at this point, beside the old one.
          tempSeen = listing().some((name) => name.startsWith('.a.bin.') && name.endsWith('.tmp'));
          throw new Error('source failed');
        }
        await assert.rejects(async () => write(target, failing()), /source failed/);
        assert.equal(tempSeen, true);
        assert.deepEqual(new Uint8Array(fs.readFileSync(target)), bytes(7, 7, 7));
        assert.deepEqual(listing(), ['a.bin']);
      });

      it('when the target is a directory, the rename fails and nothing changes', async () => {
        const target = path.join(dir, 'sub');
        fs.mkdirSync(target);
        fs.writeFileSync(path.join(target, 'keep'), 'x');
        await assert.rejects(async () => write(target, bytes(1)));
        assert.deepEqual(listing(), ['sub']);
        assert.deepEqual(fs.readdirSync(target), ['keep']);
      });

      it('when the directory does not exist, fails naming the target and its directory (not the temporary file), creating nothing', async () => {
        const target = path.join(dir, 'missing', 'a.bin');
        await assert.rejects(
          async () => write(target, bytes(1)),
          (e: NodeJS.ErrnoException) => {
            assert.equal(e.code, 'ENOENT');
            assert.equal(e.path, target);
            assert.ok(e.message.includes(`${target}: the directory ${path.join(dir, 'missing')} does not exist`), e.message);
            assert.ok(!e.message.includes('.tmp'), e.message);
            return true;
          },
        );
        assert.deepEqual(listing(), []);
      });

      it('when the directory disappears mid-write, fails (ENOENT) and creates nothing', async () => {
        const sub = path.join(dir, 'sub');
        fs.mkdirSync(sub);
        function* vanishing(): Generator<Uint8Array> {
          yield bytes(1, 2);
          fs.rmSync(sub, { recursive: true });
          yield bytes(3);
        }
        await assert.rejects(async () => write(path.join(sub, 'a.bin'), vanishing()), { code: 'ENOENT' });
        assert.deepEqual(listing(), []);
      });
    });
  }

  it('atomicWriteFile takes async chunks, and a rejecting async source leaves the old file intact', async () => {
    const target = path.join(dir, 'a.bin');
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield bytes(1);
      await new Promise((resolve) => setTimeout(resolve, 1));
      yield bytes(2);
    }
    await atomicWriteFile(target, chunks());
    assert.deepEqual(new Uint8Array(fs.readFileSync(target)), bytes(1, 2));
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield bytes(5);
      await new Promise((resolve) => setTimeout(resolve, 1));
      throw new Error('network gone');
    }
    await assert.rejects(atomicWriteFile(target, failing()), /network gone/);
    assert.deepEqual(new Uint8Array(fs.readFileSync(target)), bytes(1, 2));
    assert.deepEqual(listing(), ['a.bin']);
  });

  describe('safetensors files', () => {
    const tensors = { w: rawTensor('F32', [1], bytes(0, 0, 0x80, 0x3f)), n: rawTensor('U8', [2], bytes(1, 2)) };
    const expected = serializeSafetensors(tensors, { step: '3' });

    it('write then read, sync and async, byte-identical to the in-memory serializer', async () => {
      const a = path.join(dir, 'a.safetensors');
      const b = path.join(dir, 'b.safetensors');
      writeSafetensorsFileSync(a, tensors, { step: '3' });
      await writeSafetensorsFile(b, new Map(Object.entries(tensors)), { step: '3' });
      assert.deepEqual(new Uint8Array(fs.readFileSync(a)), expected);
      assert.deepEqual(new Uint8Array(fs.readFileSync(b)), expected);
      for (const read of [readSafetensorsFileSync(a), await readSafetensorsFile(b)]) {
        assert.deepEqual(read.metadata, { step: '3' });
        assert.deepEqual(read.tensors.get('w'), tensors.w);
        assert.deepEqual(read.tensors.get('n'), tensors.n);
      }
    });

    it('invalid input is rejected before the file system is touched', async () => {
      const target = path.join(dir, 'a.safetensors');
      fs.writeFileSync(target, expected);
      const bad = { w: { dtype: 'F32' as const, shape: [2], data: bytes(1) } };
      assert.throws(() => writeSafetensorsFileSync(target, bad), /tensor "w": F32 shape \[2\] needs 8 bytes, got 1/);
      await assert.rejects(writeSafetensorsFile(target, bad), SafetensorsError);
      assert.deepEqual(new Uint8Array(fs.readFileSync(target)), expected);
      assert.deepEqual(listing(), ['a.safetensors']);
    });

    it('a malformed file is reported with its path', async () => {
      const target = path.join(dir, 'cut.safetensors');
      fs.writeFileSync(target, expected.subarray(0, expected.length - 1));
      assert.throws(
        () => readSafetensorsFileSync(target),
        (e: unknown) => e instanceof SafetensorsError && e.message.startsWith(`${target}: invalid safetensors file`),
      );
      await assert.rejects(
        readSafetensorsFile(target),
        /cut\.safetensors: invalid safetensors file: .*runs past the end of the data region/,
      );
    });
  });
});
