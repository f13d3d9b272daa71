/**
 * Case 6's two variants (causal by flag, causal by mask tensor); parallax only (no hand-written
 * contender), eager and compiled.
 */
import type { BenchCase, Contender } from '../../harness.js';
import { compiledContender } from '../extra.js';
import { type CausalVia, setupWith } from './parallax.js';

export const TRANSFORMER_CASES: Readonly<Record<CausalVia, string>> = {
  isCausal: 'charlm-causal-l64-b32',
  mask: 'charlm-mask-l64-b32',
};

export const transformerContenders = (via: CausalVia): Contender[] => [
  { name: 'parallax', setup: setupWith(via) },
  ...compiledContender(setupWith(via, undefined, true)),
];

export const transformerCases = (backend: string): BenchCase[] =>
  (['isCausal', 'mask'] as const).map((via) => ({
    name: TRANSFORMER_CASES[via],
    stepsPerRun: 1,
    warmupRuns: backend === 'cpu' ? 1 : 2,
    reps: backend === 'cpu' ? 7 : 15,
    contenders: transformerContenders(via),
  }));
