/**
 * Backend selection (src/engine: ready.ts, setBackend.ts, wasmPaths.ts, BackendName.ts): any
 * registered backend can be chosen, `getBackend()` reports the one that really runs, bad arguments
 * are `BackendError`s naming the argument with expected vs actual, and a backend that fails to
 * start never leaves the engine on it (ready → cpu, setBackend → the previous one), with a warning.
 *
 * A broken backend is simulated with `tf.registerBackend` (a factory that throws, or rejects like
 * wasm does when its `.wasm` file is not served); the browser suite (test/browser) fails a real
 * wasm start in Chromium.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { BackendError } from '../../src/engine/BackendError.js';
import { registeredBackends } from '../../src/engine/BackendName.js';
import { ready } from '../../src/engine/ready.js';
import { getBackend, setBackend } from '../../src/engine/setBackend.js';
import { setWasmPaths, wasmBinaries } from '../../src/engine/wasmPaths.js';

/** Runs `f` with console.warn captured; returns the warnings and f's result. */
const capturingWarnings = async <T>(f: () => Promise<T>): Promise<[T, string[]]> => {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  try {
    return [await f(), warnings];
  } finally {
    console.warn = original;
  }
};

/** Throws the `BackendError` that `f` throws (or rejects with), failing when it throws anything else. */
const backendError = async (f: () => unknown): Promise<BackendError> => {
  try {
    await f();
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(BackendError);
    return e as BackendError;
  }
  throw new Error('expected a BackendError, nothing was thrown');
};

/** 1 + 1 on the active backend: the engine works. */
const works = (): number[] => tf.tidy(() => Array.from(tf.add(tf.ones([2]), 1).dataSync()));

describe('engine: choosing a backend', () => {
  const broken = ['test-broken-sync', 'test-broken-async'];
  const savedEnvironment = process.env.PARALLAX_BACKEND;

  before(() => {
    tf.registerBackend(broken[0]!, () => {
      throw new Error('no device');
    });
    tf.registerBackend(broken[1]!, async () => {
      throw new Error('failed to load wasm binary file');
    });
  });

  after(async () => {
    for (const b of broken) tf.removeBackend(b);
    if (savedEnvironment === undefined) delete process.env.PARALLAX_BACKEND;
    else process.env.PARALLAX_BACKEND = savedEnvironment;
    await tf.setBackend('cpu');
  });

  afterEach(() => {
    delete process.env.PARALLAX_BACKEND;
  });

  it('registeredBackends lists cpu and wasm (and what a test registers)', () => {
    expect(registeredBackends()).to.include.members(['cpu', 'wasm', ...broken]);
  });

  it('getBackend reports the backend that runs, whoever switched it', async () => {
    await tf.setBackend('wasm');
    expect(getBackend()).to.equal('wasm');
    await tf.setBackend('cpu');
    expect(getBackend()).to.equal('cpu');
  });

  it('setBackend switches to a registered backend and says so', async () => {
    expect(await setBackend('wasm')).to.equal(true);
    expect(getBackend()).to.equal('wasm');
    expect(works()).to.deep.equal([2, 2]);
    expect(await setBackend('cpu')).to.equal(true);
    expect(getBackend()).to.equal('cpu');
  });

  it('setBackend of an unregistered backend: BackendError naming the argument, the registered ones and the package to import', async () => {
    const active = getBackend();
    const e = await backendError(() => setBackend('webgl'));
    expect(e.argument).to.equal('setBackend(name)');
    expect(e.actual).to.equal('"webgl"');
    expect(e.expected).to.match(/^one of the registered backends "cpu", "wasm"/);
    expect(e.message).to.include("Import '@tensorflow/tfjs-backend-webgl' in your app");
    const n = await backendError(() => setBackend(42 as unknown as string));
    expect(n.actual).to.equal('42');
    expect(getBackend()).to.equal(active); // nothing changed
  });

  for (const name of broken) {
    it(`setBackend of a backend that fails to start (${name}): false, a warning, the previous backend back`, async () => {
      await tf.setBackend('wasm');
      const [ok, warnings] = await capturingWarnings(() => setBackend(name));
      expect(ok).to.equal(false);
      expect(getBackend()).to.equal('wasm');
      expect(works()).to.deep.equal([2, 2]);
      expect(warnings.filter((w) => w.startsWith('parallax-ts:'))).to.deep.equal([
        `parallax-ts: the "${name}" backend failed to start; running on "wasm" instead. tfjs logged the cause just above.`,
      ]);
    });

    it(`ready({ backend: ${JSON.stringify(name)} }) falls back to cpu with a warning, and the engine works`, async () => {
      await tf.setBackend('wasm');
      const [backend, warnings] = await capturingWarnings(() => ready({ backend: name }));
      expect(backend).to.equal('cpu');
      expect(getBackend()).to.equal('cpu');
      expect(works()).to.deep.equal([2, 2]);
      expect(warnings.some((w) => w.startsWith(`parallax-ts: the "${name}" backend failed to start; running on "cpu" instead.`))).to.equal(
        true,
      );
    });
  }

  it('ready() keeps its old forms: no argument → wasm (PARALLAX_BACKEND unset), a name, PARALLAX_BACKEND', async () => {
    expect(await ready()).to.equal('wasm');
    expect(getBackend()).to.equal('wasm');
    expect(await ready('cpu')).to.equal('cpu');
    expect(getBackend()).to.equal('cpu');
    process.env.PARALLAX_BACKEND = 'wasm';
    expect(await ready()).to.equal('wasm');
    process.env.PARALLAX_BACKEND = '';
    expect(await ready({})).to.equal('wasm'); // empty means unset
    process.env.PARALLAX_BACKEND = 'cpu';
    expect(await ready({ backend: 'wasm' })).to.equal('wasm'); // the argument wins
  });

  it('ready with PARALLAX_BACKEND naming no registered backend: BackendError naming the variable', async () => {
    process.env.PARALLAX_BACKEND = 'tensorflow';
    const e = await backendError(() => ready());
    expect(e.argument).to.equal('PARALLAX_BACKEND');
    expect(e.actual).to.equal('"tensorflow"');
  });

  it('ready rejects malformed options with BackendError, before touching the engine', async () => {
    await tf.setBackend('cpu');
    const unknownKey = await backendError(() => ready({ backend: 'wasm', wasmPath: '/x/' } as unknown as { backend: string }));
    expect(unknownKey.argument).to.equal('ready(options)');
    expect(unknownKey.actual).to.equal('the keys "wasmPath"');
    expect((await backendError(() => ready(7 as unknown as string))).actual).to.equal('7');
    expect((await backendError(() => ready({ backend: 'webgpu' }))).message).to.include("Import '@tensorflow/tfjs-backend-webgpu'");
    const paths = await backendError(() =>
      ready({ backend: 'wasm', wasmPaths: { 'tfjs-backend-wasm.wasm': '/a.wasm' } as unknown as string }),
    );
    expect(paths.argument).to.equal('ready({ wasmPaths })');
    expect(paths.actual).to.equal('a record with no URL for "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"');
    expect(getBackend()).to.equal('cpu');
  });

  it('setWasmPaths checks its argument: a non-empty folder, or exactly the three binaries', async () => {
    expect((await backendError(() => setWasmPaths(''))).actual).to.equal('""');
    const extra = await backendError(() =>
      setWasmPaths({
        ...Object.fromEntries(wasmBinaries.map((b) => [b, `/w/${b}`])),
        'tfjs-backend-wasm-gpu.wasm': '/x',
      } as unknown as string),
    );
    expect(extra.actual).to.equal('a record with unknown keys "tfjs-backend-wasm-gpu.wasm"');
    expect(extra.argument).to.equal('setWasmPaths(paths)');
    expect((await backendError(() => setWasmPaths(null as unknown as string))).actual).to.equal('null');
  });

  it('ready({ wasmPaths }) once wasm runs changes nothing (tfjs keeps the binary it loaded)', async () => {
    expect(await ready('wasm')).to.equal('wasm');
    expect(await ready({ backend: 'wasm', wasmPaths: '/elsewhere/' })).to.equal('wasm');
    expect(works()).to.deep.equal([2, 2]);
  });

  it('switching leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await capturingWarnings(async () => {
      await ready('wasm');
      await setBackend(broken[1]!);
      await ready({ backend: broken[0]! });
      await setBackend('cpu');
    });
    expect(tf.memory().numTensors).to.equal(before);
  });
});
