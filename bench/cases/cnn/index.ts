/**
 * Case 3's contenders. On wasm the tfjs contenders run too since src/engine registers the conv2d
 * gradient kernels tfjs-backend-wasm 4.22 lacks (`Conv2DBackpropFilter`; it had none, so no tfjs
 * conv layer could train there).
 */
import type { BenchCase, Contender } from '../../harness.js';
import * as jax from './jax.js';
import * as layers from './layers.js';
import * as parallax from './parallax.js';
import * as raw from './raw.js';

export const cnnContenders = (_backend: string, withJax: boolean): Contender[] => [
  { name: 'parallax', setup: parallax.setup },
  { name: 'raw', setup: raw.setup },
  { name: 'tfjs-layers', setup: layers.setup },
  ...(withJax ? [{ name: 'jax-js', setup: jax.setup } as Contender] : []),
];

export const cnnCase = (backend: string, withJax: boolean): BenchCase => ({
  name: 'cnn-28x28-b32',
  stepsPerRun: 1,
  warmupRuns: 1,
  reps: backend === 'cpu' ? 7 : 15,
  contenders: cnnContenders(backend, withJax),
});
