/** Every case, in the order the table shows them, and the cases whose kernels are profiled. */
import type { BenchCase, Contender } from '../harness.js';
import { binaryNetworkCase } from './binaryNetwork/index.js';
import { mlpCase, mlpContenders } from './mlp/index.js';

export const allCases = (backend: string, withJax: boolean): BenchCase[] => [
  binaryNetworkCase(backend, withJax),
  mlpCase(backend, withJax),
];

export const profiledCases = (withJax: boolean): Array<[string, Contender[]]> => [
  ['binary-network-step', binaryNetworkCase('wasm', withJax).contenders.slice()],
  ['mlp-784-256-10-b64', mlpContenders(withJax)],
];
