/**
 * Type-level checks (compiled by `tsc -p test`, never run): optimizers, gradients, checkpoints and
 * model loading keep the model's type. Each `@ts-expect-error` line must fail to compile; every
 * other line must compile.
 */
import { tf } from '../../src/engine/backend.js';
import { valueAndGrad } from '../../src/grad/valueAndGrad.js';
import { initialize } from '../../src/init/initialize.js';
import * as io from '../../src/io/index.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { MLP } from '../../src/nn/MLP.js';
import { Sequential } from '../../src/nn/Sequential.js';
import * as optim from '../../src/optim/index.js';
import type { PRNGKey } from '../../src/random/PRNGKey.js';
import { constant, submodule } from '../../src/tree/Field.js';
import { type AnyModule, defineModule, type ModuleType } from '../../src/tree/Module.js';
import type { ParamInit } from '../../src/tree/ParamInit.js';
import { loadCheckpoint, loadModel, loadModelSync } from '../../src/node/index.js';

type Tensor = tf.Tensor;

const Net = defineModule('test/types/Net', {
  name: 'Net',
  fields: { hidden: submodule(Linear), out: submodule(Linear), label: constant<string>() },
  create: (n: number) => ({ hidden: Linear.create(n, 8), out: Linear.create(8, 1), label: 'net' }),
  forward: (m, x: Tensor): Tensor => Linear.forward(m.out, tf.relu(Linear.forward(m.hidden, x))),
});
type Net<A> = ModuleType<typeof Net, A>;

declare const key: PRNGKey;
declare const x: Tensor;
declare const bytes: Uint8Array;
declare const net: Net<Tensor>;
declare const linear: Linear<Tensor>;

// -------------------------------------------------------------------------------------
// init / update / applyUpdates
// -------------------------------------------------------------------------------------

const opt = optim.adam(1e-3);
const state = opt.init(net);
const mu: Net<Tensor | null> = state[0].mu;
const count: number = state[1].count;
// @ts-expect-error the moments are of the model's kind, not another one
const muOfLinear: Linear<Tensor | null> = state[0].mu;

const [updates, nextState] = opt.update(net, state, net);
const u: Net<Tensor | null> = updates;
const sameState: typeof state = nextState;
// @ts-expect-error updates may hold null: they are no parameters
const notParams: Net<Tensor> = updates;
const stepped: Net<Tensor> = optim.applyUpdates(net, updates);
// @ts-expect-error updates of another kind do not apply to a Net
optim.applyUpdates(net, opt.update(linear, opt.init(linear))[0]);
// @ts-expect-error a state made for another model
opt.update(net, opt.init(linear), net);
// @ts-expect-error params of another kind
opt.update(net, state, linear);
// @ts-expect-error applyUpdates gives back the params' type, not another
const steppedLinear: Linear<Tensor> = optim.applyUpdates(net, updates);

// Gradients with nulls (untrained: 'null') are updates too.
declare const sparse: Net<Tensor | null>;
const [u2] = opt.update(sparse, state, net);
const u2c: Net<Tensor | null> = u2;

// Any model still works, typed as any model.
declare const anyModel: AnyModule<Tensor>;
const anyState = opt.init(anyModel);
const anyMu: AnyModule<Tensor | null> = anyState[0].mu;

// A transformation is covariant in its state: a narrower one is a wider one.
const erased: optim.GradientTransformation<unknown> = opt;
const widened: optim.GradientTransformation<optim.TraceState | optim.EmptyState> = optim.trace({ decay: 0.9 });
// @ts-expect-error but not the other way round
const narrowed: optim.GradientTransformation<optim.TraceState> = widened;

// StateFor names a state for a model.
const named: optim.StateFor<optim.StateOf<typeof opt>, Net<Tensor>> = state;

// -------------------------------------------------------------------------------------
// combinators keep the typing
// -------------------------------------------------------------------------------------

const parted = optim.partition({ head: optim.sgd(0.1, { momentum: 0.9 }), body: optim.freeze() }, (info) =>
  info.path.startsWith('out.') ? 'head' : 'body',
);
const partState = parted.init(net);
const [momentum] = partState.head;
if ('trace' in momentum) {
  const t: Net<Tensor | null> = momentum.trace;
}
const maskedState = optim.masked(optim.scaleByAdam(), (info) => info.path.endsWith('weight')).init(net);
const maskedMu: Net<Tensor | null> = maskedState.inner.mu;
const onlyState = optim.trainOnly(optim.adam(1e-3), (info) => info.path.startsWith('out.')).init(net);
const onlyMu: Net<Tensor | null> = onlyState[0].mu;

// A transformation written once, for any model, is typed per model.
interface EmaState {
  readonly ema: optim.Moments;
}
const ema = optim.gradientTransformation<EmaState>({
  init: (params) => ({ ema: optim.initMoments(params, (p) => tf.zerosLike(p)) }),
  update: (g, s) => [g, s],
});
const emaOfNet: Net<Tensor | null> = ema.init(net).ema;
const emaOfLinear: Linear<Tensor | null> = ema.init(linear).ema;

// -------------------------------------------------------------------------------------
// valueAndGrad and trainStep
// -------------------------------------------------------------------------------------

const loss = (m: Net<Tensor>, input: Tensor) => tf.sum(Net.forward(m, input));
const { grads } = valueAndGrad(loss)(net, x);
const g: Net<Tensor> = grads;
// @ts-expect-error gradients are of the model's kind
const gLinear: Linear<Tensor> = grads;
const nulls: Net<Tensor | null> = valueAndGrad(loss, { untrained: 'null' })(net, x).grads;
// @ts-expect-error with untrained: 'null', a gradient may be null
const noNulls: Net<Tensor> = valueAndGrad(loss, { untrained: 'null' })(net, x).grads;

const step = optim.trainStep({ loss, optimizer: optim.chain(optim.clipByGlobalNorm(1), opt) });
const [afterStep] = step(step.init(net, key), x);
const trained: Net<Tensor> = afterStep.params;
const trainedMu: Net<Tensor | null> = afterStep.optState[1][0].mu;
// @ts-expect-error the step returns the model type it got
const trainedLinear: Linear<Tensor> = afterStep.params;
// @ts-expect-error a step for Nets takes no Linear
step.init(linear, key);

// A Sequential keeps its layers' types through a step.
const seq = initialize(Sequential.create([Linear.create(4, 8), Dropout.create(0.1), Linear.create(8, 2)]))(key);
const seqStep = optim.trainStep({
  loss: (m: typeof seq, input: Tensor) => tf.sum(Sequential.forward(m, input)),
  optimizer: optim.sgd(0.1),
});
const [seqAfter] = seqStep(seqStep.init(seq, key), x);
const seqTrained: typeof seq = seqAfter.params;
const firstWeight: Tensor = seqAfter.params.layers[0].weight;

// -------------------------------------------------------------------------------------
// loading: models, state dicts, checkpoints
// -------------------------------------------------------------------------------------

const loadedLinear: Linear<Tensor> = io.decodeModel(bytes, { expect: Linear });
const loadedMlp = loadModelSync('model.safetensors', { expect: MLP, registry: undefined });
const mlpOut: Tensor = MLP.forward(loadedMlp, x);
const loadedAsync: Promise<Net<Tensor>> = loadModel('model.safetensors', { expect: Net, architecture: undefined });
// @ts-expect-error the expected kind is the type: a Linear is no MLP
const notMlp: MLP<Tensor> = io.decodeModel(bytes, { expect: Linear });
const untyped = io.decodeModel(bytes);
// @ts-expect-error without `expect`, any model: not a Linear until checked
const notChecked: Linear<Tensor> = untyped;
const untypedToo: AnyModule<Tensor> = untyped;

declare const tensors: ReadonlyMap<string, Tensor>;
const fromFresh: Net<Tensor> = io.loadStateDict(Net.create(3), tensors);
const fromReady: Net<Tensor> = io.loadStateDict(net, tensors);
const partial: Net<Tensor | ParamInit<Tensor>> = io.loadStateDict(Net.create(3), tensors, { strict: false });
// @ts-expect-error a non-strict load into a fresh module may leave lazy leaves
const notAllTensors: Net<Tensor> = io.loadStateDict(Net.create(3), tensors, { strict: false });

const fresh = io.decodeCheckpoint(bytes, { params: Net.create(3), optimizer: step.optimizer });
const restoredParams: Net<Tensor> = fresh.state.params;
const restoredMu: Net<Tensor | null> = fresh.state.optState[1][0].mu;
const resumed = step(fresh.state, x);
const ready = io.decodeCheckpoint(bytes, { params: net, optimizer: step.optimizer });
const readyParams: Net<Tensor> = ready.state.params;
const readyStep = step(ready.state, x);
// @ts-expect-error restored params are of the template's kind
const restoredLinear: Linear<Tensor> = fresh.state.params;
// @ts-expect-error a checkpoint restored for a Linear does not resume a Net's step
step(io.decodeCheckpoint(bytes, { params: Linear.create(3, 8), optimizer: step.optimizer }).state, x);
const withState = io.decodeCheckpoint(bytes, { params: net, optState: { count: 0 } });
const stateCount: number = withState.state.optState.count;
const asyncRestore: Promise<io.RestoredCheckpoint<Net<Tensor>, optim.StateFor<optim.StateOf<typeof step.optimizer>, Net<Tensor>>>> =
  loadCheckpoint('ckpt.safetensors', { params: Net.create(3), optimizer: step.optimizer });

export {};
