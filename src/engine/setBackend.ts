/**
 * Switching backends and reading the active one. Any backend registered in the page or process
 * works: `cpu` and `wasm` come with parallax-ts, `webgl`/`webgpu` once the app imports their
 * packages. A backend that fails to start never leaves the engine without a working backend.
 *
 * @since 0.2.0
 */
import { type BackendName, backendPackage, registeredBackends } from './BackendName.js';
import { describeData } from '../tree/describeData.js';
import { BackendError } from './BackendError.js';
import { quietCpuBanner, tf } from './backend.js';

/**
 * Throws a {@link BackendError} unless `name` is a string naming a registered backend; the
 * message lists the registered ones and, for a known backend, the package that registers it.
 *
 * @example
 * import { assertRegistered } from './setBackend.js'
 * assertRegistered('setBackend(name)', 'cpu') // fine
 * // assertRegistered('setBackend(name)', 'webgl') throws unless the app imported the webgl backend
 * @category backends
 * @since 0.2.0
 * @internal
 */
export const assertRegistered = (argument: string, name: unknown): void => {
  const registered = registeredBackends();
  if (typeof name === 'string' && registered.includes(name)) return;
  const pkg = typeof name === 'string' ? backendPackage(name) : undefined;
  throw new BackendError(
    argument,
    `one of the registered backends ${registered.map((b) => JSON.stringify(b)).join(', ')}`,
    describeData(name),
    pkg === undefined ? undefined : `Import '${pkg}' in your app (an optional peer dependency of parallax-ts) to register it`,
  );
};

/** What to do when a backend did not start, by backend: wasm's usual cause is its unserved `.wasm` files. */
const startHint = (name: string): string =>
  name === 'wasm'
    ? 'In a browser its .wasm files must be served and located: call ready({ backend: "wasm", wasmPaths: "/folder/of/wasm/files/" }) ' +
      '(or setWasmPaths) before wasm first starts; see "In the browser" in the parallax-ts README'
    : 'tfjs logged the cause just above';

/**
 * Warns that `name` failed to start and which backend runs instead.
 *
 * @example
 * import { warnNotStarted } from './setBackend.js'
 * warnNotStarted('wasm', 'cpu') // console.warn('parallax-ts: the "wasm" backend failed to start; running on "cpu" instead. …')
 * @category backends
 * @since 0.2.0
 * @internal
 */
export const warnNotStarted = (name: string, instead: string): void => {
  console.warn(
    `parallax-ts: the ${JSON.stringify(name)} backend failed to start; running on ${JSON.stringify(instead)} instead. ${startHint(name)}.`,
  );
};

/**
 * Starts a registered backend and makes it active: `true` when it runs. On failure tfjs leaves
 * its engine pointing at the backend that did not start (every op would then throw), so this
 * returns `false` and the caller must switch to a working one.
 *
 * @example
 * import { startBackend } from './setBackend.js'
 * await startBackend('cpu') // true
 * @category backends
 * @since 0.2.0
 * @internal
 */
export const startBackend = async (name: BackendName): Promise<boolean> => {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch {
    ok = false; // a factory that throws synchronously, e.g. webgl without a GL context
  }
  if (ok && name === 'cpu') quietCpuBanner();
  return ok;
};

/**
 * Switches the tfjs backend to any registered one (`cpu`, `wasm`, or `webgl`/`webgpu`/… once the
 * app has imported their packages) and waits for it: `true` when it runs. When it fails to start
 * (wasm whose `.wasm` files are not served, webgl without a GPU context) it warns, puts back the
 * backend that was active, and returns `false`. Tensors made on the previous backend stay
 * readable (tfjs moves their data on first use), but for speed create them after switching.
 *
 * Throws {@link BackendError} when `name` is not registered.
 *
 * @example
 * import { getBackend, setBackend } from 'parallax-ts'
 * const ok = await setBackend('wasm') // true when wasm started
 * getBackend() // 'wasm' when ok, else the backend that was active before
 * @category backends
 * @since 0.1.0
 */
export const setBackend = async (name: BackendName): Promise<boolean> => {
  assertRegistered('setBackend(name)', name);
  const previous = tf.getBackend();
  if (await startBackend(name)) return true;
  const fallback = previous !== name && (await startBackend(previous)) ? previous : 'cpu';
  if (fallback === 'cpu') await startBackend('cpu');
  warnNotStarted(name, fallback);
  return false;
};

/**
 * The name of the backend that runs tensor operations right now, as tfjs reports it:
 * `'webgl'` while webgl runs, whatever parallax-ts knows about it.
 *
 * @example
 * import { getBackend } from 'parallax-ts'
 * getBackend() // 'cpu' until `ready()` or `setBackend` switches
 * @category backends
 * @since 0.1.0
 */
export const getBackend = (): BackendName => tf.getBackend();
