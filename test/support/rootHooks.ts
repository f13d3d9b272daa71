/**
 * Mocha root hooks. Tests run on the cpu backend unless a test switches on purpose; putting the
 * backend back after every test keeps one file's `ready('wasm')` from changing what the next file
 * measures.
 *
 * `PARALLAX_TEST_BACKEND=wasm npx mocha` runs every test with wasm active instead (set before each
 * test, so a test that switches still gets its own choice); the default stays cpu.
 */
import { tf } from '../../src/engine/backend.js';

const wanted = process.env.PARALLAX_TEST_BACKEND ?? 'cpu';
if (wanted !== 'cpu' && wanted !== 'wasm') {
  throw new Error(`PARALLAX_TEST_BACKEND=${JSON.stringify(wanted)}: expected "cpu" or "wasm"`);
}

export const mochaHooks = {
  async beforeEach(): Promise<void> {
    if (tf.getBackend() !== wanted) await tf.setBackend(wanted);
  },
  async afterEach(): Promise<void> {
    if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  },
};
