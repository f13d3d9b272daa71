/**
 * User-declared modules for the state-dict tests: a BatchNorm-like layer with camelCase buffers named
 * in snake_case, a Sequential-like container whose children are named `0`, `1`, ..., an LSTM-like
 * stack of cells named `weight_ih_l{i}`, and a net holding all of them plus a bool buffer.
 */
import { tf } from '../../src/engine/backend.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import {
  anyModules,
  type AnySpec,
  apply,
  buffer,
  constant,
  defineModule,
  type ModuleOf,
  type ModuleType,
  param,
  paramInit,
  submodule,
  submodules,
} from '../../src/tree/index.js';

type Tensor = tf.Tensor;

const fill =
  (value: number, dtype: 'float32' | 'int32' | 'bool' = 'float32') =>
  (shape: ReadonlyArray<number>) =>
  () =>
    tf.fill([...shape], value, dtype);

// --- Norm: eval-mode batch norm over the last axis ------------------------------------------------
export const Norm = defineModule('test/sd/Norm', {
  name: 'Norm',
  fields: {
    weight: param(),
    bias: param(),
    runningMean: buffer(),
    runningVar: buffer(),
    numBatchesTracked: buffer(),
    size: constant<number>(),
  },
  stateDictKeys: { runningMean: 'running_mean', runningVar: 'running_var', numBatchesTracked: 'num_batches_tracked' },
  forward: (m, x: Tensor): Tensor =>
    tf.tidy(() => tf.add(tf.mul(tf.div(tf.sub(x, m.runningMean), tf.sqrt(tf.add(m.runningVar, 1e-5))), m.weight), m.bias)),
});
export type Norm<A> = ModuleType<typeof Norm, A>;

// --- Stack: a Sequential twin ----------------------------------------------------------------------
export const Stack = defineModule('test/sd/Stack', {
  name: 'Stack',
  fields: { layers: anyModules() },
  stateDictKeys: { layers: '' },
  forward: (m, x: Tensor): Tensor => m.layers.reduce<Tensor>((h, layer) => apply(layer as ModuleOf<AnySpec, Tensor>, h) as Tensor, x),
});
export type Stack<A> = ModuleType<typeof Stack, A>;

// --- Cell / Recurrent: an LSTM twin's weights -------------------------------------------------------
export const Cell = defineModule('test/sd/Cell', {
  name: 'Cell',
  fields: { weightIh: param(), weightHh: param(), biasIh: param(), biasHh: param() },
  stateDictKeys: { weightIh: 'weight_ih', weightHh: 'weight_hh', biasIh: 'bias_ih', biasHh: 'bias_hh' },
});
export type Cell<A> = ModuleType<typeof Cell, A>;

export const Recurrent = defineModule('test/sd/Recurrent', {
  name: 'Recurrent',
  fields: { cells: submodules(Cell) },
  stateDictKeys: { cells: (key, i) => `${key}_l${i}` },
});
export type Recurrent<A> = ModuleType<typeof Recurrent, A>;

// --- Net ---------------------------------------------------------------------------------------------
export const Net = defineModule('test/sd/Net', {
  name: 'Net',
  fields: {
    encoder: submodule(Linear),
    norm: submodule(Norm),
    body: submodule(Stack),
    rnn: submodule(Recurrent),
    head: submodule(Linear),
    mask: buffer(),
  },
  stateDictKeys: { encoder: 'enc' },
  forward: (m, x: Tensor): Tensor =>
    tf.tidy(() => {
      const h = Stack.forward(m.body, Norm.forward(m.norm, Linear.forward(m.encoder, x)));
      const y = Linear.forward(m.head, tf.relu(h));
      return tf.where(tf.broadcastTo(m.mask, y.shape), y, tf.zerosLike(y));
    }),
});
export type Net<A> = ModuleType<typeof Net, A>;

const norm = (n: number) =>
  Norm.make({
    weight: paramInit([n], fill(1)),
    bias: paramInit([n], fill(0)),
    runningMean: paramInit([n], fill(0)),
    runningVar: paramInit([n], fill(1)),
    numBatchesTracked: paramInit([], fill(0, 'int32'), 'int32'),
    size: n,
  });

const cell = (input: number, hidden: number) =>
  Cell.make({
    weightIh: paramInit([4 * hidden, input], fill(0.5)),
    weightHh: paramInit([4 * hidden, hidden], fill(0.25)),
    biasIh: paramInit([4 * hidden], fill(0)),
    biasHh: paramInit([4 * hidden], fill(0)),
  });

/** An uninitialized Net: 3 inputs → 4 → norm → [4 → 5, dropout, 5 → 4] → 2 outputs; a 2-layer recurrent stack. */
export const makeNet = () =>
  Net.make({
    encoder: Linear.create(3, 4),
    norm: norm(4),
    body: Stack.make({ layers: [Linear.create(4, 5), Dropout.create(0.5), Linear.create(5, 4)] }),
    rnn: Recurrent.make({ cells: [cell(4, 2), cell(2, 2)] }),
    head: Linear.create(4, 2),
    mask: paramInit([2], (shape) => () => tf.tensor([true, false].slice(0, shape[0]), [...shape], 'bool'), 'bool'),
  });

/** The state-dict keys of {@link makeNet}, written out by hand in PyTorch's naming. */
export const netKeys: ReadonlyArray<string> = [
  'enc.weight',
  'enc.bias',
  'norm.weight',
  'norm.bias',
  'norm.running_mean',
  'norm.running_var',
  'norm.num_batches_tracked',
  'body.0.weight',
  'body.0.bias',
  'body.2.weight',
  'body.2.bias',
  'rnn.weight_ih_l0',
  'rnn.weight_hh_l0',
  'rnn.bias_ih_l0',
  'rnn.bias_hh_l0',
  'rnn.weight_ih_l1',
  'rnn.weight_hh_l1',
  'rnn.bias_ih_l1',
  'rnn.bias_hh_l1',
  'head.weight',
  'head.bias',
  'mask',
];

/** The expected shapes of {@link netKeys}, by hand. */
export const netShapes: Readonly<Record<string, ReadonlyArray<number>>> = {
  'enc.weight': [4, 3],
  'enc.bias': [4],
  'norm.weight': [4],
  'norm.bias': [4],
  'norm.running_mean': [4],
  'norm.running_var': [4],
  'norm.num_batches_tracked': [],
  'body.0.weight': [5, 4],
  'body.0.bias': [5],
  'body.2.weight': [4, 5],
  'body.2.bias': [4],
  'rnn.weight_ih_l0': [8, 4],
  'rnn.weight_hh_l0': [8, 2],
  'rnn.bias_ih_l0': [8],
  'rnn.bias_hh_l0': [8],
  'rnn.weight_ih_l1': [8, 2],
  'rnn.weight_hh_l1': [8, 2],
  'rnn.bias_ih_l1': [8],
  'rnn.bias_hh_l1': [8],
  'head.weight': [2, 4],
  'head.bias': [2],
  mask: [2],
};
