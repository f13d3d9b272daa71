/** Case 4 the README way: `initialize(model)(key)` of a module holding two `nn.Linear` (default init). */
import { defineModule, dispose, initialize, type ModuleOf, nn, random, submodule, tf } from '../../../src/index.js';
import type { Runner } from '../../harness.js';
import { INIT } from './spec.js';

const fields = { fc1: submodule(nn.Linear), fc2: submodule(nn.Linear) };
const URI = 'bench/TenMillion';
type URI = typeof URI;
type TenMillion<A> = ModuleOf<URI, typeof fields, A>;
declare module 'fp-ts/HKT.js' {
  interface URItoKind<A> {
    readonly [URI]: TenMillion<A>;
  }
}
const TenMillion = defineModule(URI, { name: 'TenMillion', fields });

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

export type { tf };
