/** Case 5 with parallax-ts's `random.bits` / `uniform` / `normal`, a new key per draw. */
import { random } from '../../../src/index.js';
import type { Runner } from '../../harness.js';
import { PRNG, type PrngKind } from './spec.js';

export const setup = (kind: PrngKind) => (): Runner => {
  const root = random.key(0);
  let i = 0;
  return {
    run: () => {
      const k = random.foldIn(root, i++);
      if (kind === 'bits') return random.bits(k, [PRNG.n])[PRNG.n - 1]!;
      const t = kind === 'uniform' ? random.uniform(k, [PRNG.n]) : random.normal(k, [PRNG.n]);
      const n = t.size;
      t.dispose();
      return n;
    },
    dispose: () => undefined,
  };
};
