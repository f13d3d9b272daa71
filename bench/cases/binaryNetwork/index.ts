/** Case 1's contenders and repetition counts. */
import type { BenchCase } from '../../harness.js';
import * as jax from './jax.js';
import * as layers from './layers.js';
import * as parallax from './parallax.js';
import * as raw from './raw.js';

export const binaryNetworkCase = (backend: string, withJax: boolean): BenchCase => ({
  name: 'binary-network-step',
  stepsPerRun: 50,
  warmupRuns: 2,
  reps: 11,
  contenders: [
    { name: 'parallax', setup: parallax.setup },
    { name: 'raw', setup: raw.setup },
    { name: 'tfjs-layers', setup: layers.setup },
    ...(withJax ? [{ name: 'jax-js', setup: jax.setup } as const] : []),
  ],
});
