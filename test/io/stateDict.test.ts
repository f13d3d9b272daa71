import assert from 'node:assert/strict';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { loadStateDict } from '../../src/io/loadStateDict.js';
import { stateDict, stateDictEntries, stateDictKeys } from '../../src/io/stateDictEntries.js';
import { StateDictError } from '../../src/io/StateDictError.js';
import { Linear } from '../../src/nn/Linear.js';
import { random } from '../../src/index.js';
import { buffer, defineModule, isParamInit, leafInfos, param, paramInit, submodule, toArray } from '../../src/tree/index.js';
import { makeNet, netKeys, netShapes } from '../support/stateDictNet.js';

type Tensor = tf.Tensor;

const withNoLeak = <A>(f: () => A): A => {
  const before = tf.memory().numTensors;
  const out = f();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  return out;
};

/** Tensors for every key of the net, each filled with its index in `netKeys` (so places are checkable). */
const netTensors = (): Map<string, Tensor> =>
  new Map(
    netKeys.map((k, i) => {
      const shape = [...netShapes[k]!];
      const dtype = k === 'mask' ? 'bool' : k.endsWith('num_batches_tracked') ? 'int32' : 'float32';
      return [k, dtype === 'bool' ? tf.tensor([true, true], shape, 'bool') : tf.fill(shape, i, dtype)] as const;
    }),
  );

// A module whose two leaves would both be called "x": the fields, declared once for each variant below.
const clashFields = { a: param(), b: param() };
const ClashURI = 'test/sd/Clash';
const Clash = defineModule(ClashURI, { name: 'Clash', fields: clashFields });
const wrapFields = { inner: submodule(Clash), x: buffer() };
const WrapURI = 'test/sd/Wrap';

describe('io/stateDict', () => {
  describe('keys', () => {
    it('names a nested user module in PyTorch style, in traversal order', () => {
      const net = makeNet();
      assert.deepEqual(stateDictKeys(net), netKeys);
      const params = initialize(net)(random.key(0));
      try {
        assert.deepEqual(stateDictKeys(params), netKeys);
        const sd = stateDict(params);
        assert.deepEqual([...sd.keys()], netKeys);
        // The values are the module's own leaves, in order (no copies).
        assert.deepEqual([...sd.values()], toArray(params));
        for (const k of netKeys) assert.deepEqual(sd.get(k)!.shape, netShapes[k], k);
      } finally {
        dispose(params);
      }
    });

    it('keeps the field path beside each key', () => {
      const entries = stateDictEntries(makeNet());
      assert.deepEqual(
        entries.map((e) => e.info.path),
        leafInfos(makeNet()).map((i) => i.path),
      );
      const byKey = new Map(entries.map((e) => [e.key, e.info] as const));
      assert.deepEqual(byKey.get('norm.running_mean'), { path: 'norm.runningMean', kind: 'buffer' });
      assert.deepEqual(byKey.get('body.2.weight'), { path: 'body.layers.2.weight', kind: 'param' });
      assert.deepEqual(byKey.get('rnn.weight_hh_l1'), { path: 'rnn.cells.1.weightHh', kind: 'param' });
      assert.deepEqual(byKey.get('enc.bias'), { path: 'encoder.bias', kind: 'param' });
    });

    it('defaults to the field path (Linear: weight, bias)', () => {
      assert.deepEqual(stateDictKeys(Linear.create(2, 3)), ['weight', 'bias']);
      const sd = stateDict(Linear.create(2, 3));
      assert.ok(isParamInit(sd.get('weight')));
      assert.deepEqual(sd.get('weight')!.shape, [3, 2]);
    });

    it('rejects declarations that make two leaves share a key, naming both', () => {
      const Clash = defineModule(ClashURI, { name: 'Clash', fields: clashFields, stateDictKeys: { b: 'x' } });
      const Wrap = defineModule(WrapURI, { name: 'Wrap', fields: wrapFields, stateDictKeys: { inner: '' } });
      const p = paramInit([1], () => () => 0);
      const m = Wrap.make({ inner: Clash.make({ a: p, b: p }), x: p });
      assert.throws(() => stateDictKeys(m), {
        message:
          'state-dict key "x" names two leaves, "inner.b" and "x": check the stateDictKeys declarations of the modules on their paths',
      });
    });

    it('a function on a single submodule names each child key (index 0); a string prefix replaces the field name', () => {
      const Clash = defineModule(ClashURI, { name: 'Clash', fields: clashFields });
      const p = paramInit([1], () => () => 0);
      const byFunction = defineModule(WrapURI, {
        name: 'Wrap',
        fields: wrapFields,
        stateDictKeys: { inner: (k, i) => `${k}_${i}`, x: 'y' },
      });
      assert.deepEqual(stateDictKeys(byFunction.make({ inner: Clash.make({ a: p, b: p }), x: p })), ['a_0', 'b_0', 'y']);
      const byPrefix = defineModule(WrapURI, { name: 'Wrap', fields: wrapFields, stateDictKeys: { inner: 'core.sub' } });
      assert.deepEqual(stateDictKeys(byPrefix.make({ inner: Clash.make({ a: p, b: p }), x: p })), ['core.sub.a', 'core.sub.b', 'x']);
    });

    it('rejects stateDictKeys naming no field, a constant, or a function for a leaf', () => {
      assert.throws(() => defineModule(ClashURI, { name: 'Clash', fields: clashFields, stateDictKeys: { c: 'x' } as never }), {
        message: 'Clash: stateDictKeys.c names no declared field',
      });
      assert.throws(() => defineModule(ClashURI, { name: 'Clash', fields: clashFields, stateDictKeys: { a: (() => 'y') as never } }), {
        message: 'Clash: stateDictKeys.a: a param field takes a string key, not a function',
      });
      assert.throws(() => defineModule(ClashURI, { name: 'Clash', fields: clashFields, stateDictKeys: { a: '' } }), {
        message: 'Clash: stateDictKeys.a: a param key cannot be empty',
      });
    });
  });

  describe('loadStateDict', () => {
    it('places every tensor by key into an uninitialized module; the result owns clones', () => {
      const tensors = netTensors();
      const before = tf.memory().numTensors;
      const loaded = loadStateDict(makeNet(), tensors);
      assert.equal(tf.memory().numTensors, before + netKeys.length);
      const sd = stateDict(loaded);
      netKeys.forEach((k, i) => {
        const t = sd.get(k)!;
        assert.notEqual(t, tensors.get(k), `${k} is a copy`);
        assert.deepEqual(t.shape, netShapes[k], k);
        if (k === 'mask') assert.deepEqual(Array.from(t.dataSync()), [1, 1]);
        else
          assert.ok(
            Array.from(t.dataSync()).every((v) => v === i),
            k,
          );
      });
      assert.equal(sd.get('norm.num_batches_tracked')!.dtype, 'int32');
      // Disposing the inputs leaves the loaded module intact, and vice versa.
      dispose([...tensors.values()]);
      assert.equal(sd.get('head.bias')!.dataSync()[0], netKeys.indexOf('head.bias'));
      dispose(loaded);
      assert.equal(tf.memory().numTensors, before - netKeys.length);
    });

    it('loads into an initialized module (record input too), keeping its dtypes checked', () => {
      withNoLeak(() => {
        const params = initialize(Linear.create(2, 1))(random.key(3));
        const w = tf.tensor([[7, 8]]);
        const b = tf.tensor([9]);
        const loaded = loadStateDict(params, { weight: w, bias: b });
        const x = tf.tensor([[1, 1]]);
        const y = Linear.forward(loaded, x);
        assert.deepEqual(Array.from(y.dataSync()), [7 + 8 + 9]);
        dispose([params, loaded, w, b, x, y]);
      });
    });

    it('strict: lists every missing, unexpected, shape- and dtype-mismatched key in one error, leaking nothing', () => {
      const net = initialize(makeNet())(random.key(1));
      const tensors = netTensors();
      const drop = (k: string) => {
        tensors.get(k)!.dispose();
        tensors.delete(k);
      };
      drop('norm.running_var');
      drop('head.bias');
      drop('enc.weight');
      drop('norm.num_batches_tracked');
      const extra1 = tf.zeros([2, 2]);
      const extra2 = tf.zeros([8, 2], 'int32');
      const wrongShape = tf.zeros([3, 4]);
      const wrongDtype = tf.scalar(0, 'float32');
      const wrongBoth = tf.zeros([3], 'int32');
      tensors.set('head.weight_extra', extra1);
      tensors.set('rnn.weight_ih_l2', extra2);
      tensors.set('enc.weight', wrongShape);
      tensors.set('norm.num_batches_tracked', wrongDtype);
      tensors.get('mask')!.dispose();
      tensors.set('mask', wrongBoth);
      const before = tf.memory().numTensors;
      let error: unknown;
      try {
        loadStateDict(net, tensors);
      } catch (e) {
        error = e;
      }
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
      assert.ok(error instanceof StateDictError);
      assert.equal(
        error.message,
        [
          'cannot load state dict into Net: 8 problems',
          '  - missing key "norm.running_var" (field norm.runningVar): expected shape [4], float32',
          '  - missing key "head.bias": expected shape [2], float32',
          '  - unexpected key "head.weight_extra": shape [2, 2], float32',
          '  - unexpected key "rnn.weight_ih_l2": shape [8, 2], int32',
          '  - shape mismatch for "enc.weight" (field encoder.weight): expected [4, 3], got [3, 4]',
          '  - shape mismatch for "mask": expected [2], got [3]',
          '  - dtype mismatch for "norm.num_batches_tracked" (field norm.numBatchesTracked): expected int32, got float32',
          '  - dtype mismatch for "mask": expected bool, got int32',
        ].join('\n'),
      );
      assert.deepEqual(error.keys('missing'), ['norm.running_var', 'head.bias']);
      assert.deepEqual(error.keys('unexpected'), ['head.weight_extra', 'rnn.weight_ih_l2']);
      assert.deepEqual(error.keys('shape'), ['enc.weight', 'mask']);
      assert.deepEqual(error.keys('dtype'), ['norm.num_batches_tracked', 'mask']);
      dispose([net, [...tensors.values()]]);
    });

    it('strict: false ignores missing and unexpected keys, keeps the rest, still rejects shape mismatches', () => {
      const params = initialize(makeNet())(random.key(2));
      const w = tf.fill([2, 4], 5);
      const extra = tf.zeros([1]);
      const before = tf.memory().numTensors;
      const partial = loadStateDict(params, { 'head.weight': w, 'not.a.key': extra }, { strict: false });
      assert.equal(tf.memory().numTensors, before + netKeys.length, 'every leaf of the result is its own tensor');
      const sd = stateDict(partial);
      assert.deepEqual(Array.from(sd.get('head.weight')!.dataSync()), new Array(8).fill(5));
      assert.deepEqual(Array.from(sd.get('enc.weight')!.dataSync()), Array.from(params.encoder.weight.dataSync()));
      dispose(partial);
      assert.equal(tf.memory().numTensors, before);
      // Kept leaves were copies: the source module still works.
      assert.equal(params.encoder.weight.isDisposed, false);

      const bad = tf.zeros([4, 2]);
      withNoLeak(() =>
        assert.throws(() => loadStateDict(params, { 'head.weight': bad, 'not.a.key': extra }, { strict: false }), {
          name: 'StateDictError',
          message: 'cannot load state dict into Net: 1 problem\n  - shape mismatch for "head.weight": expected [2, 4], got [4, 2]',
        }),
      );
      dispose([params, w, extra, bad]);
    });

    it('strict: false on an uninitialized module leaves the missing leaves as ParamInits', () => {
      const w = tf.ones([1, 2]);
      const loaded = loadStateDict(Linear.create(2, 1), new Map([['weight', w]]), { strict: false });
      assert.ok(isParamInit(loaded.bias));
      assert.ok(loaded.weight instanceof tf.Tensor && loaded.weight !== w);
      dispose([loaded, w]);
    });

    it('ParamInit leaves declare their dtype: strictly, another dtype is an error naming the key and both dtypes', () => {
      const w = tf.ones([1, 2], 'int32');
      const b = tf.ones([1], 'int32');
      withNoLeak(() =>
        assert.throws(() => loadStateDict(Linear.create(2, 1), { weight: w, bias: b }), {
          name: 'StateDictError',
          message: [
            'cannot load state dict into Linear: 2 problems',
            '  - dtype mismatch for "weight": expected float32, got int32',
            '  - dtype mismatch for "bias": expected float32, got int32',
          ].join('\n'),
        }),
      );
      dispose([w, b]);
    });

    it("strict: false converts another dtype as PyTorch's copy_ does (int → float, float → int truncating, → bool non-zero)", () => {
      // Expected values written out by hand from copy_'s rules: int32 → float32 exactly; float32 → int32
      // truncated toward zero; anything → bool is `!= 0` (NaN is true).
      const Mixed = defineModule('test/sd/Mixed', { name: 'Mixed', fields: { f: param(), i: buffer(), b: buffer() } });
      const template = Mixed.make({
        f: paramInit([3], () => () => tf.zeros([3])),
        i: paramInit([4], () => () => tf.zeros([4], 'int32'), 'int32'),
        b: paramInit([3], () => () => tf.zeros([3], 'bool'), 'bool'),
      });
      const f = tf.tensor([-7, 16777217, 3], [3], 'int32');
      const i = tf.tensor([2.7, -2.7, 0.5, -2147483648], [4], 'float32');
      const b = tf.tensor([0, Number.NaN, -0.5], [3], 'float32');
      const before = tf.memory().numTensors;
      const out = loadStateDict(template, { f, i, b }, { strict: false });
      assert.equal(tf.memory().numTensors, before + 3, 'the three converted tensors, nothing else');
      const [lf, li, lb] = [out.f, out.i, out.b] as Tensor[];
      assert.deepEqual([lf!.dtype, li!.dtype, lb!.dtype], ['float32', 'int32', 'bool']);
      assert.deepEqual(Array.from(lf!.dataSync()), [-7, 16777216, 3]); // 2^24 + 1 rounds to 2^24 in float32
      assert.deepEqual(Array.from(li!.dataSync()), [2, -2, 0, -2147483648]);
      assert.deepEqual(Array.from(lb!.dataSync()), [0, 1, 1]);
      // A float with no int32 value (NaN, infinite, out of range) is an error naming the key and element.
      const nan = tf.tensor([1, Number.POSITIVE_INFINITY, 0, 0]);
      withNoLeak(() =>
        assert.throws(() => loadStateDict(template, { i: nan }, { strict: false }), {
          name: 'StateDictError',
          message:
            'cannot load state dict into Mixed: 1 problem\n  - key "i": value Infinity at flat index 1 has no int32 value ' +
            "(PyTorch's copy_ leaves it undefined)",
        }),
      );
      dispose([out, f, i, b, nan]);
    });

    it('arguments of the wrong kind are a StateDictError naming the argument', () => {
      for (const [args, key, got] of [
        [[Linear.create(2, 1), null], 'tensors', 'null'],
        [[Linear.create(2, 1), []], 'tensors', 'an array'],
        [[null, {}], 'm', 'null'],
        [[Linear.create(2, 1), {}, { strict: 'no' }], 'options.strict', 'string'],
      ] as const) {
        assert.throws(
          () => (loadStateDict as (...a: unknown[]) => unknown)(...args),
          (e: unknown) => {
            assert.ok(e instanceof StateDictError);
            assert.deepEqual(e.keys('argument'), [key]);
            assert.match(e.message, new RegExp(`loadStateDict: argument ${key.replace('.', '\\.')}: expected .*, got ${got}`));
            return true;
          },
        );
      }
    });

    it('reports values that are not live tensors', () => {
      const w = tf.ones([1, 2]);
      const b = tf.ones([1]);
      b.dispose();
      withNoLeak(() =>
        assert.throws(() => loadStateDict(Linear.create(2, 1), { weight: w, bias: b }), {
          message: 'cannot load state dict into Linear: 1 problem\n  - key "bias": the tensor is disposed',
        }),
      );
      withNoLeak(() =>
        assert.throws(() => loadStateDict(Linear.create(2, 1), { weight: w, bias: [1] as unknown as Tensor }), {
          message: 'cannot load state dict into Linear: 1 problem\n  - key "bias": expected a tf.Tensor, got an array',
        }),
      );
      w.dispose();
    });
  });
});
