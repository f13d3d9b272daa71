/** Case 4's contenders: few repetitions, each run is a whole 10M-parameter initialization. */
import type { BenchCase } from '../../harness.js';
import * as jax from './jax.js';
import * as layers from './layers.js';
import * as parallax from './parallax.js';
import * as raw from './raw.js';

export const initCase = (backend: string, withJax: boolean): BenchCase => ({
  name: 'init-10M-params',
  stepsPerRun: 1,
  warmupRuns: 1,
  reps: backend === 'cpu' ? 3 : 5,
  contenders: [
    { name: 'parallax', setup: parallax.setup },
    { name: 'raw', setup: raw.setup },
    { name: 'tfjs-layers', setup: layers.setup },
    ...(withJax ? [{ name: 'jax-js', setup: jax.setup } as const] : []),
  ],
});
