/** Case 5 in jax-js: `random.bits` / `uniform` / `normal` on its wasm device, read back to the host. */
import { random } from '@jax-js/jax';
import type { Runner } from '../../harness.js';
import { PRNG, type PrngKind } from './spec.js';

export const setup = (kind: PrngKind) => (): Runner => {
  let i = 0;
  return {
    run: () => {
      const k = random.key(i++);
      const a = kind === 'bits' ? random.bits(k, [PRNG.n]) : kind === 'uniform' ? random.uniform(k, [PRNG.n]) : random.normal(k, [PRNG.n]);
      const data = a.dataSync() as ArrayLike<number>;
      return data[PRNG.n - 1]!;
    },
    dispose: () => undefined,
  };
};
