/**
 * Type-level checks (compiled by `tsc -p test`, never run): `compile` returns a function of the
 * step's own type — its parameters, result and extra members (a `TrainStep`'s `init`) — plus
 * `stats` and `dispose`. Each `@ts-expect-error` line must fail to compile; every other line must.
 */
import { compile, type Compiled, type CompileStats } from '../../src/compile/index.js';
import { tf } from '../../src/engine/backend.js';
import { initialize } from '../../src/init/initialize.js';
import { Linear } from '../../src/nn/Linear.js';
import * as optim from '../../src/optim/index.js';
import { key, type PRNGKey } from '../../src/random/PRNGKey.js';

type Tensor = tf.Tensor;

const scale = compile((x: Tensor, factor: number) => tf.mul(x, factor));
const scaled: Tensor = scale(tf.ones([2]), 3);
// @ts-expect-error the step takes a number, not a string
scale(tf.ones([2]), 'three');
// @ts-expect-error the step takes two arguments
scale(tf.ones([2]));
// @ts-expect-error the result is a tensor, not a number
const wrong: number = scale(tf.ones([2]), 3);

const stats: CompileStats = scale.stats();
const replays: number = stats.replays;
scale.dispose();

// @ts-expect-error compile takes a function
compile(3);
// @ts-expect-error cacheSize is a number
compile((x: Tensor) => x, { cacheSize: '8' });
// @ts-expect-error check is a boolean
compile((x: Tensor) => x, { check: 1 });

// A compiled TrainStep is still a TrainStep of the same model: init, optimizer and the step's types.
type Net = Linear<Tensor>;
const step = compile(optim.trainStep({ loss: (m: Net, x: Tensor) => tf.sum(Linear.forward(m, x)), optimizer: optim.adam(1e-3) }));
const state = step.init(initialize(Linear.create(2, 3))(key(0)), key(1));
const [next, metrics] = step(state, tf.ones([4, 2]));
const params: Net = next.params;
const loss: number = metrics.loss;
const nextKey: PRNGKey = next.key;
// @ts-expect-error the batch is a tensor
step(state, 'batch');
// @ts-expect-error a compiled TrainStep takes (state, batch), not a tensor
const notLinear: Compiled<(x: Tensor) => Tensor> = step;

export { scaled, wrong, replays, params, loss, nextKey, notLinear };
