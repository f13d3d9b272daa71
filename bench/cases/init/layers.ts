/** Case 4 in tfjs-layers: a `sequential` of two dense layers with `randomUniform` initializers, built and freed. */
import * as tfl from '@tensorflow/tfjs-layers';
import type { Runner } from '../../harness.js';
import { INIT } from './spec.js';

export const setup = (): Runner => ({
  run: () => {
    const model = tfl.sequential({
      layers: INIT.layers.map(([inF, outF]) => {
        const bound = 1 / Math.sqrt(inF);
        const init = () => tfl.initializers.randomUniform({ minval: -bound, maxval: bound });
        return tfl.layers.dense({ inputShape: [inF], units: outF, kernelInitializer: init(), biasInitializer: init() });
      }),
    });
    const n = model.countParams();
    model.dispose();
    return n;
  },
  dispose: () => undefined,
});
