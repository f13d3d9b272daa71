/** Case 5 in tfjs-core: `tf.randomUniform` / `tf.randomNormal` (no uint32 bits in tfjs). */
import { tf } from '../../../src/engine/backend.js';
import type { Runner } from '../../harness.js';
import { PRNG, type PrngKind } from './spec.js';

export const setup = (kind: Exclude<PrngKind, 'bits'>) => (): Runner => ({
  run: () => {
    const t = kind === 'uniform' ? tf.randomUniform([PRNG.n]) : tf.randomNormal([PRNG.n]);
    const n = t.size;
    t.dispose();
    return n;
  },
  dispose: () => undefined,
});
