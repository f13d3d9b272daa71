/** Case 4 in jax-js: `random.uniform` per leaf from split keys, waited for with `blockUntilReady`. */
import { blockUntilReady, random, tree } from '@jax-js/jax';
import type { Runner } from '../../harness.js';
import { INIT } from './spec.js';

export const setup = (): Runner => {
  let i = 0;
  return {
    run: async () => {
      const keys = random.split(random.key(i++), 4);
      const ks = [0, 1, 2, 3].map((j) => keys.ref.slice(j));
      keys.dispose();
      const params = INIT.layers.flatMap(([inF, outF], l) => {
        const bound = 1 / Math.sqrt(inF);
        return [
          random.uniform(ks[2 * l]!, [inF, outF], { minval: -bound, maxval: bound }),
          random.uniform(ks[2 * l + 1]!, [outF], { minval: -bound, maxval: bound }),
        ];
      });
      await blockUntilReady(params);
      const n = params.reduce((s, t) => s + t.size, 0);
      tree.dispose(params);
      return n;
    },
    dispose: () => undefined,
  };
};
