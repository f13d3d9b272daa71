/**
 * Every case, in the order the table shows them, and the cases whose kernels are profiled. `stock`
 * gives the training cases a `stock-tfjs` contender; case 2's matmul floor runs on wasm.
 */
import type { BenchCase, Contender } from '../harness.js';
import { binaryNetworkCase } from './binaryNetwork/index.js';
import type { StockSource } from './extra.js';
import { floorCases } from './mlp/floor.js';
import { cnnCase, cnnContenders } from './cnn/index.js';
import { initCase } from './init/index.js';
import { mlpCase, mlpContenders } from './mlp/index.js';
import { prngCases } from './prng/index.js';
import { TRANSFORMER_CASES, transformerCases, transformerContenders } from './transformer/index.js';

export const allCases = (backend: string, withJax: boolean, stock?: StockSource): BenchCase[] => [
  binaryNetworkCase(backend, withJax, stock),
  mlpCase(backend, withJax, stock),
  ...(backend === 'wasm' ? floorCases() : []),
  cnnCase(backend, withJax, stock),
  initCase(backend, withJax),
  ...prngCases(backend, withJax),
  ...transformerCases(backend),
];

/** Kernel profiles (tfjs contenders only). */
export const profiledCases = (backend: string): Array<[string, Contender[]]> => [
  ['binary-network-step', binaryNetworkCase(backend, false).contenders.slice()],
  ['mlp-784-256-10-b64', mlpContenders(false)],
  ['cnn-28x28-b32', cnnContenders(backend, false)],
  [TRANSFORMER_CASES.isCausal, transformerContenders('isCausal')],
  [TRANSFORMER_CASES.mask, transformerContenders('mask')],
];
