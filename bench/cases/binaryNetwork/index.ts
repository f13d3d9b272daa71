/** Case 1's contenders and repetition counts. */
import type { BenchCase } from '../../harness.js';
import { compiledContender, type StockSource, stockContenders } from '../extra.js';
import * as jax from './jax.js';
import * as layers from './layers.js';
import * as parallax from './parallax.js';
import * as raw from './raw.js';

export const BINARY_CASE = 'binary-network-step';

export const binaryNetworkCase = (backend: string, withJax: boolean, stock?: StockSource): BenchCase => ({
  name: BINARY_CASE,
  stepsPerRun: 50,
  warmupRuns: 2,
  reps: 11,
  contenders: [
    { name: 'parallax', setup: parallax.setup },
    ...compiledContender(parallax.setupCompiled),
    { name: 'raw', setup: raw.setup },
    ...stockContenders(stock, BINARY_CASE),
    { name: 'tfjs-layers', setup: layers.setup },
    ...(withJax ? [{ name: 'jax-js', setup: jax.setup } as const] : []),
  ],
});
