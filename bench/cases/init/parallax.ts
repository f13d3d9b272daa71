/** Case 4 the README way: `initialize(model)(key)` of a module holding two `nn.Linear` (default init). */
import { defineModule, dispose, initialize, nn, random, submodule } from '../../../src/index.js';
import type { Runner } from '../../harness.js';
import { INIT } from './spec.js';

const TenMillion = defineModule('bench/TenMillion', {
  name: 'TenMillion',
  fields: { fc1: submodule(nn.Linear), fc2: submodule(nn.Linear) },
});

export const setup = (): Runner => {
  const [[a, b], [c, d]] = INIT.layers as [[number, number], [number, number]];
  const model = TenMillion.make({ fc1: nn.Linear.create(a, b), fc2: nn.Linear.create(c, d) });
  let i = 0;
  return {
    run: () => {
      const params = initialize(model)(random.foldIn(random.key(0), i++));
      const n = params.fc1.weight.size + params.fc1.bias.size + params.fc2.weight.size + params.fc2.bias.size;
      dispose(params);
      return n;
    },
    dispose: () => undefined,
  };
};
