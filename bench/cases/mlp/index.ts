/** Case 2's contenders and repetition counts. */
import type { BenchCase, Contender } from '../../harness.js';
import { compiledContender, type StockSource, stockContenders } from '../extra.js';
import * as jax from './jax.js';
import * as layers from './layers.js';
import * as parallax from './parallax.js';
import * as raw from './raw.js';

export const MLP_CASE = 'mlp-784-256-10-b64';

export const mlpContenders = (withJax: boolean, stock?: StockSource): Contender[] => [
  { name: 'parallax', setup: parallax.setup },
  ...compiledContender(parallax.setupCompiled),
  { name: 'raw', setup: raw.setup },
  ...stockContenders(stock, MLP_CASE),
  { name: 'tfjs-layers', setup: layers.setup },
  ...(withJax ? [{ name: 'jax-js', setup: jax.setup } as const] : []),
];

export const mlpCase = (backend: string, withJax: boolean, stock?: StockSource): BenchCase => ({
  name: MLP_CASE,
  stepsPerRun: backend === 'cpu' ? 2 : 5,
  warmupRuns: 2,
  reps: backend === 'cpu' ? 9 : 11,
  contenders: mlpContenders(withJax, stock),
});
