/**
 * PyTorch's `nn.Sequential` state dicts load strictly into `Sequential` with activation modules and
 * into `nn.MLP`: keys and shapes as PyTorch's documented layout (`<index>.weight [out, in]`,
 * `<index>.bias [out]`), values chosen here, outputs against a float64 reference in plain JS.
 */
import { expect } from 'chai';
import { tf } from '../../src/engine/backend.js';
import { loadStateDict } from '../../src/io/loadStateDict.js';
import { decodeModel, encodeModel } from '../../src/io/model.js';
import { StateDictError } from '../../src/io/StateDictError.js';
import { stateDictKeys } from '../../src/io/stateDictEntries.js';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { MLP } from '../../src/nn/MLP.js';
import { ReLU, Tanh } from '../../src/nn/activationModules.js';
import { Sequential } from '../../src/nn/Sequential.js';
import { newState } from '../../src/random/newState.js';
import { key } from '../../src/random/PRNGKey.js';
import { leafEntries, toArray } from '../../src/tree/Module.js';
import { expectClose } from './helpers.js';

type Tensor = tf.Tensor;

/** A PyTorch `Linear(in, out)`'s entries under `<index>.`: values chosen here, float32-exact. */
const linearEntries = (index: number, inn: number, out: number): Array<[string, number[], number[]]> => [
  [`${index}.weight`, [out, inn], Array.from({ length: out * inn }, (_, k) => Math.fround(Math.sin(1.7 * k + index) / Math.sqrt(inn)))],
  [`${index}.bias`, [out], Array.from({ length: out }, (_, k) => Math.fround(0.1 * Math.cos(3 * k + index)))],
];

const tensorsOf = (entries: ReadonlyArray<[string, number[], number[]]>): Map<string, Tensor> =>
  new Map(entries.map(([k, shape, values]) => [k, tf.tensor(values, shape)]));

/** `W x + b` in float64 for each row of `x`. */
const dense = (x: number[][], entries: ReadonlyArray<[string, number[], number[]]>, index: number): number[][] => {
  const [, [out, inn], W] = entries.find(([k]) => k === `${index}.weight`)!;
  const b = entries.find(([k]) => k === `${index}.bias`)![2];
  return x.map((row) => Array.from({ length: out! }, (_, o) => b[o]! + row.reduce((acc, v, i) => acc + W[o * inn! + i]! * v, 0)));
};

const inputs = (n: number, d: number): number[][] =>
  Array.from({ length: n }, (_, r) => Array.from({ length: d }, (_, c) => Math.fround(Math.cos(r * d + c) * 1.5)));

describe("PyTorch's Sequential(Linear, act, Linear) state dicts", () => {
  // torch.nn.Sequential(Linear(6, 16), ReLU(), Linear(16, 3)).state_dict(): 0.weight [16, 6], 0.bias [16], 2.weight [3, 16], 2.bias [3]
  const entries = [...linearEntries(0, 6, 16), ...linearEntries(2, 16, 3)];
  const x = inputs(5, 6);
  const expected = dense(
    dense(x, entries, 0).map((row) => row.map((v) => Math.max(0, v))),
    entries,
    2,
  ).flat();

  it('load strictly into Sequential.create([Linear(6, 16), ReLU(), Linear(16, 3)]) and give the reference output', () => {
    const tensors = tensorsOf(entries);
    const net = loadStateDict(Sequential.create([Linear.create(6, 16), ReLU.create(), Linear.create(16, 3)]), tensors);
    const xt = tf.tensor2d(x);
    expectClose(Sequential.forward(net, xt), expected, 1e-5);
    tf.dispose([xt, ...tensors.values(), ...toArray(net)]);
  });

  it('load strictly into nn.MLP.create([6, 16, 3]) and give the reference output', () => {
    const tensors = tensorsOf(entries);
    const mlp = loadStateDict(MLP.create([6, 16, 3]), tensors);
    expect(stateDictKeys(mlp)).to.deep.equal(['0.weight', '0.bias', '2.weight', '2.bias']);
    // field paths are unchanged (layers.<i>): only the state-dict names follow PyTorch
    expect(leafEntries(mlp).map(([info]) => info.path)).to.deep.equal([
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'layers.1.bias',
    ]);
    const xt = tf.tensor2d(x);
    expectClose(MLP.forward(mlp, xt), expected, 1e-5);
    tf.dispose([xt, ...tensors.values(), ...toArray(mlp)]);
  });

  it('are strict: the old MLP key layout (layers.<i>.*) and a wrong shape are refused', () => {
    const old = new Map([...tensorsOf(entries)].map(([k, t]) => [k.replace(/^0\./, 'layers.0.').replace(/^2\./, 'layers.1.'), t]));
    expect(() => loadStateDict(MLP.create([6, 16, 3]), old)).to.throw(StateDictError);
    const wrong = tensorsOf(entries);
    wrong.get('2.weight')!.dispose();
    wrong.set('2.weight', tf.zeros([16, 3]));
    expect(() => loadStateDict(MLP.create([6, 16, 3]), wrong)).to.throw(/2\.weight/);
    tf.dispose([...old.values(), ...wrong.values()]);
  });

  it('a deeper MLP with tanh and a final activation: Linear i is <2i>.*; the final activation shifts nothing', () => {
    // torch.nn.Sequential(Linear(4, 8), Tanh(), Linear(8, 8), Tanh(), Linear(8, 2), Tanh())
    const deep = [...linearEntries(0, 4, 8), ...linearEntries(2, 8, 8), ...linearEntries(4, 8, 2)];
    const tensors = tensorsOf(deep);
    const mlp = loadStateDict(MLP.create([4, 8, 8, 2], { activation: 'tanh', finalActivation: 'tanh' }), tensors);
    const seq = loadStateDict(
      Sequential.create([Linear.create(4, 8), Tanh.create(), Linear.create(8, 8), Tanh.create(), Linear.create(8, 2), Tanh.create()]),
      tensors,
    );
    const xs = inputs(3, 4);
    const t = (rows: number[][]): number[][] => rows.map((r) => r.map(Math.tanh));
    const ref = t(dense(t(dense(t(dense(xs, deep, 0)), deep, 2)), deep, 4)).flat();
    const xt = tf.tensor2d(xs);
    expectClose(MLP.forward(mlp, xt), ref, 1e-5);
    expectClose(Sequential.forward(seq, xt), ref, 1e-5);
    tf.dispose([xt, ...tensors.values(), ...toArray(mlp), ...toArray(seq)]);
  });

  it('with dropout, the MLP has the layout of Sequential(Linear, act, Dropout, Linear, …): Linear i is <3i>.*', () => {
    // torch.nn.Sequential(Linear(4, 8), ReLU(), Dropout(0.1), Linear(8, 8), ReLU(), Dropout(0.1), Linear(8, 2))
    const withDropout = [...linearEntries(0, 4, 8), ...linearEntries(3, 8, 8), ...linearEntries(6, 8, 2)];
    const lazy = MLP.create([4, 8, 8, 2], { dropout: 0.1 });
    expect(stateDictKeys(lazy)).to.deep.equal(withDropout.map(([k]) => k));
    const seqLazy = Sequential.create([
      Linear.create(4, 8),
      ReLU.create(),
      Dropout.create(0.1),
      Linear.create(8, 8),
      ReLU.create(),
      Dropout.create(0.1),
      Linear.create(8, 2),
    ]);
    expect(stateDictKeys(seqLazy)).to.deep.equal(stateDictKeys(lazy));
    const tensors = tensorsOf(withDropout);
    const mlp = loadStateDict(lazy, tensors);
    const xs = inputs(3, 4);
    const relu = (rows: number[][]): number[][] => rows.map((r) => r.map((v) => Math.max(0, v)));
    const ref = dense(relu(dense(relu(dense(xs, withDropout, 0)), withDropout, 3)), withDropout, 6).flat();
    const xt = tf.tensor2d(xs);
    expectClose(MLP.forward(mlp, xt), ref, 1e-5); // eval mode: dropout is the identity
    // the layout survives everything that rebuilds the module: fromConfig, make, newState, a saved model
    expect(stateDictKeys(MLP.fromConfig(MLP.toConfig(lazy)))).to.deep.equal(stateDictKeys(lazy));
    expect(
      stateDictKeys(MLP.make({ layers: lazy.layers, dropout: lazy.dropout, activation: 'relu', finalActivation: 'identity' })),
    ).to.deep.equal(stateDictKeys(lazy));
    expect(stateDictKeys(newState(mlp, 'train')(key(0))[0])).to.deep.equal(stateDictKeys(lazy));
    const reloaded = decodeModel(encodeModel(mlp), { expect: MLP });
    expect(stateDictKeys(reloaded)).to.deep.equal(stateDictKeys(lazy));
    expectClose(MLP.forward(reloaded, xt), ref, 1e-5);
    tf.dispose([xt, ...tensors.values(), ...toArray(mlp), ...toArray(reloaded)]);
  });
});
