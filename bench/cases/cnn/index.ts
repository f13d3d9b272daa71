/**
 * Case 3's contenders. tfjs-backend-wasm 4.22 registers no `Conv2DBackpropFilter` kernel, so no
 * tfjs contender can train a conv layer on wasm ("Kernel 'Conv2DBackpropFilter' not registered for
 * backend 'wasm'"): on wasm only jax-js (its own kernels) runs this case; the tfjs contenders run it
 * on the cpu backend.
 */
import type { BenchCase, Contender } from '../../harness.js';
import * as jax from './jax.js';
import * as layers from './layers.js';
import * as parallax from './parallax.js';
import * as raw from './raw.js';

export const cnnContenders = (backend: string, withJax: boolean): Contender[] => [
  ...(backend === 'wasm'
    ? []
    : [
        { name: 'parallax', setup: parallax.setup } as Contender,
        { name: 'raw', setup: raw.setup } as Contender,
        { name: 'tfjs-layers', setup: layers.setup } as Contender,
      ]),
  ...(withJax ? [{ name: 'jax-js', setup: jax.setup } as Contender] : []),
];

export const cnnCase = (backend: string, withJax: boolean): BenchCase => ({
  name: 'cnn-28x28-b32',
  stepsPerRun: 1,
  warmupRuns: 1,
  reps: backend === 'cpu' ? 7 : 9,
  contenders: cnnContenders(backend, withJax),
});
