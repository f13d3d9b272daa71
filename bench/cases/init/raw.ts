/** Case 4 hand-written in tfjs-core: one `tf.randomUniform` per leaf. */
import { tf } from '../../../src/engine/backend.js';
import type { Runner } from '../../harness.js';
import { INIT } from './spec.js';

export const setup = (): Runner => ({
  run: () => {
    const params = INIT.layers.flatMap(([inF, outF]) => {
      const bound = 1 / Math.sqrt(inF);
      return [tf.randomUniform([inF, outF], -bound, bound), tf.randomUniform([outF], -bound, bound)];
    });
    const n = params.reduce((s, t) => s + t.size, 0);
    tf.dispose(params);
    return n;
  },
  dispose: () => undefined,
});
