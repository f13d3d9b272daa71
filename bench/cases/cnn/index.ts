/**
 * Case 3's contenders. On wasm the tfjs contenders run too since src/engine registers the conv2d
 * gradient kernels tfjs-backend-wasm 4.22 lacks (`Conv2DBackpropFilter`; it had none, so no tfjs
 * conv layer could train there). `stock-tfjs` runs without them: on wasm it cannot train (its row
 * carries the error).
 */
import type { BenchCase, Contender } from '../../harness.js';
import { compiledContender, type StockSource, stockContenders } from '../extra.js';
import * as jax from './jax.js';
import * as layers from './layers.js';
import * as parallax from './parallax.js';
import * as raw from './raw.js';

export const CNN_CASE = 'cnn-28x28-b32';

export const cnnContenders = (_backend: string, withJax: boolean, stock?: StockSource): Contender[] => [
  { name: 'parallax', setup: parallax.setup },
  ...compiledContender(parallax.setupCompiled),
  { name: 'raw', setup: raw.setup },
  ...stockContenders(stock, CNN_CASE),
  { name: 'tfjs-layers', setup: layers.setup },
  ...(withJax ? [{ name: 'jax-js', setup: jax.setup } as Contender] : []),
];

export const cnnCase = (backend: string, withJax: boolean, stock?: StockSource): BenchCase => ({
  name: CNN_CASE,
  stepsPerRun: 1,
  warmupRuns: 1,
  reps: backend === 'cpu' ? 7 : 15,
  contenders: cnnContenders(backend, withJax, stock),
});
