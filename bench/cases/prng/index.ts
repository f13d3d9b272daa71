/** Case 5: three sub-cases (bits, uniform, normal), 10^6 numbers per run. */
import type { BenchCase, Contender } from '../../harness.js';
import * as jax from './jax.js';
import * as parallax from './parallax.js';
import * as raw from './raw.js';
import { PRNG, type PrngKind } from './spec.js';

export const prngCaseName = (kind: PrngKind): string => `prng-${kind}-1e6`;

export const prngCases = (backend: string, withJax: boolean): BenchCase[] =>
  (['bits', 'uniform', 'normal'] as const).map((kind) => ({
    name: prngCaseName(kind),
    stepsPerRun: 1,
    warmupRuns: 2,
    reps: backend === 'cpu' ? 7 : 9,
    contenders: [
      { name: 'parallax', setup: parallax.setup(kind) },
      ...(kind === 'bits' ? [] : [{ name: 'raw', setup: raw.setup(kind) } as Contender]),
      ...(withJax ? [{ name: 'jax-js', setup: jax.setup(kind) } as Contender] : []),
    ],
  }));

export { PRNG };
