/**
 * Mocha root hooks. Tests run on the cpu backend unless a test switches on purpose; putting the
 * backend back after every test keeps one file's `ready('wasm')` from changing what the next file
 * measures (wasm lacks some gradient kernels that cpu has).
 */
import { tf } from '../../src/engine/backend.js';

export const mochaHooks = {
  async afterEach(): Promise<void> {
    if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  },
};
