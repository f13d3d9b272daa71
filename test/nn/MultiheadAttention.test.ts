/**
 * MultiheadAttention against an independent reference written here: per batch element and per head,
 * the head's rows of the projection weights are sliced out, scaled dot-product attention is
 * computed on 2-D matrices, the mask is built element by element in plain JS from PyTorch's rules,
 * and the heads are concatenated before the output projection. Also: dropout against a mask drawn
 * from the same key, finite-difference gradients, shape errors, init bounds, no leaks.
 */
import { expect } from 'chai';
import * as O from 'fp-ts/lib/Option.js';
import { tf } from '../../src/engine/backend.js';
import { initialize } from '../../src/init/initialize.js';
import { stateDictKeys } from '../../src/io/stateDictEntries.js';
import { MultiheadAttention, type AttentionOptions } from '../../src/nn/MultiheadAttention.js';
import { bernoulli } from '../../src/random/bernoulli.js';
import { newState } from '../../src/random/newState.js';
import { key } from '../../src/random/PRNGKey.js';
import { fromArray, leafEntries, toArray } from '../../src/tree/Module.js';
import { checkGradients, expectClose, expectNoLeak, Holder, seeded, weightedSum } from './helpers.js';

type Tensor = tf.Tensor;
type MHA = MultiheadAttention<Tensor>;
/** What `tf.profile` reports of each kernel run (name, input and output shapes, time). */
type Kernels = Awaited<ReturnType<typeof tf.profile>>['kernels'];

/** An MHA whose every non-empty leaf is deterministic, non-trivial data (biases too). */
const build = (E: number, H: number, opts: Parameters<typeof MultiheadAttention.create>[2] = {}, seed = 1): MHA => {
  const lazy = MultiheadAttention.create(E, H, opts);
  const shapes = toArray(lazy).map((p) => p.shape);
  return fromArray(
    lazy,
    shapes.map((s, i) => tf.mul(seeded([...s], seed + i), 0.8)),
  );
};

interface RefMasks {
  readonly attn?: ReadonlyArray<ReadonlyArray<boolean>> | ReadonlyArray<ReadonlyArray<ReadonlyArray<boolean>>>; // [L][S] or [N*H][L][S]
  readonly attnFloat?: ReadonlyArray<ReadonlyArray<number>>; // [L][S], added
  readonly causal?: boolean;
  readonly padding?: ReadonlyArray<ReadonlyArray<boolean>>; // [N][S]
  /** Per-(n, h) multiplicative factor on the softmax weights (dropout mask / keep). */
  readonly dropout?: (n: number, h: number) => Tensor;
}

/** Reference attention for batched inputs: returns output [N, L, E] and per-head weights [N, H, L, S]. */
const reference = (m: MHA, q: Tensor, k: Tensor, v: Tensor, masks: RefMasks = {}): { out: Tensor; w: Tensor } =>
  tf.tidy(() => {
    const [N, L, E] = q.shape as [number, number, number];
    const S = k.shape[1]!;
    const H = m.numHeads;
    const d = E / H;
    const packed = m.kdim === E && m.vdim === E;
    const Wq = packed ? tf.slice(m.in_proj_weight, [0, 0], [E, E]) : m.q_proj_weight;
    const Wk = packed ? tf.slice(m.in_proj_weight, [E, 0], [E, E]) : m.k_proj_weight;
    const Wv = packed ? tf.slice(m.in_proj_weight, [2 * E, 0], [E, E]) : m.v_proj_weight;
    const b = (i: number, h: number): Tensor | number => (m.useBias ? tf.slice(m.in_proj_bias, [i * E + h * d], [d]) : 0);
    const outs: Tensor[] = [];
    const weights: Tensor[] = [];
    for (let n = 0; n < N; n++) {
      const qn = tf.squeeze(tf.slice(q, [n, 0, 0], [1, L, E]), [0]);
      const kn = tf.squeeze(tf.slice(k, [n, 0, 0], [1, S, m.kdim]), [0]);
      const vn = tf.squeeze(tf.slice(v, [n, 0, 0], [1, S, m.vdim]), [0]);
      const heads: Tensor[] = [];
      const wn: Tensor[] = [];
      for (let h = 0; h < H; h++) {
        const qh = tf.add(tf.matMul(qn, tf.transpose(tf.slice(Wq, [h * d, 0], [d, E]))), b(0, h));
        const kh = tf.add(tf.matMul(kn, tf.transpose(tf.slice(Wk, [h * d, 0], [d, m.kdim]))), b(1, h));
        const vh = tf.add(tf.matMul(vn, tf.transpose(tf.slice(Wv, [h * d, 0], [d, m.vdim]))), b(2, h));
        const add = new Float32Array(L * S);
        for (let i = 0; i < L; i++) {
          for (let j = 0; j < S; j++) {
            let masked = masks.causal === true && j > i;
            if (masks.attn !== undefined) {
              const a = masks.attn as ReadonlyArray<unknown>;
              const row = Array.isArray((a[0] as unknown[])[0])
                ? (a as ReadonlyArray<ReadonlyArray<ReadonlyArray<boolean>>>)[n * H + h]![i]!
                : (a as ReadonlyArray<ReadonlyArray<boolean>>)[i]!;
              masked ||= row[j]!;
            }
            if (masks.padding !== undefined) masked ||= masks.padding[n]![j]!;
            add[i * S + j] = masked ? -Infinity : (masks.attnFloat?.[i]![j] ?? 0);
          }
        }
        const scores = tf.add(tf.div(tf.matMul(qh, tf.transpose(kh)), Math.sqrt(d)), tf.tensor2d(add, [L, S]));
        let w = tf.softmax(scores);
        if (masks.dropout !== undefined) w = tf.mul(w, masks.dropout(n, h));
        wn.push(w);
        heads.push(tf.matMul(w, vh));
      }
      const concat = tf.concat(heads, 1); // [L, E]
      const o = tf.matMul(concat, tf.transpose(m.out_proj.weight));
      outs.push(m.useBias ? tf.add(o, m.out_proj.bias) : o);
      weights.push(tf.stack(wn));
    }
    return { out: tf.stack(outs), w: tf.stack(weights) };
  });

const boolTensor = (a: ReadonlyArray<unknown>, shape: number[]): Tensor =>
  tf.cast(tf.tensor((a as unknown[]).flat(3) as boolean[], shape, 'bool'), 'bool');

describe('nn.MultiheadAttention', () => {
  it('self-attention matches the per-head reference; weights are the head average', () => {
    const m = build(6, 3);
    const x = seeded([2, 4, 6], 10);
    const { output, weights } = MultiheadAttention.attend(m, x);
    const ref = reference(m, x, x, x);
    expectClose(output, ref.out, 1e-4);
    const avg = tf.mean(ref.w, 1);
    expectClose(weights, avg, 1e-5);
    expectClose(MultiheadAttention.forward(m, x), ref.out, 1e-4);
    tf.dispose([x, output, weights, ref.out, ref.w, avg]);
  });

  it('cross-attention with kdim/vdim ≠ embedDim uses q/k/v_proj_weight (in_proj_weight empty)', () => {
    const m = build(4, 2, { kdim: 3, vdim: 5 });
    expect(m.in_proj_weight.shape).to.deep.equal([0]);
    expect(m.q_proj_weight.shape).to.deep.equal([4, 4]);
    expect(m.k_proj_weight.shape).to.deep.equal([4, 3]);
    expect(m.v_proj_weight.shape).to.deep.equal([4, 5]);
    const q = seeded([2, 3, 4], 20);
    const k = seeded([2, 5, 3], 21);
    const v = seeded([2, 5, 5], 22);
    const { output, weights } = MultiheadAttention.attend(m, q, k, v, { averageWeights: false });
    const ref = reference(m, q, k, v);
    expectClose(output, ref.out, 1e-4);
    expectClose(weights, ref.w, 1e-5);
    expect(weights.shape).to.deep.equal([2, 2, 3, 5]);
    tf.dispose([q, k, v, output, weights, ref.out, ref.w]);
  });

  it('boolean attnMask, causal and keyPaddingMask combine (true = masked); masked weights are exactly 0', () => {
    const m = build(4, 2);
    const q = seeded([2, 3, 4], 30);
    const kv = seeded([2, 4, 4], 31);
    const attn = [
      [false, true, false, false],
      [false, false, false, true],
      [true, false, false, false],
    ];
    const padding = [
      [false, false, false, true],
      [false, false, true, true],
    ];
    const opts: AttentionOptions = {
      attnMask: boolTensor(attn, [3, 4]),
      keyPaddingMask: boolTensor(padding, [2, 4]),
      causal: true,
    };
    const { output, weights } = MultiheadAttention.attend(m, q, kv, kv, { ...opts, averageWeights: false });
    const ref = reference(m, q, kv, kv, { attn, padding, causal: true });
    expectClose(output, ref.out, 1e-4);
    expectClose(weights, ref.w, 1e-5);
    const w = weights.arraySync() as number[][][][];
    for (let n = 0; n < 2; n++)
      for (let h = 0; h < 2; h++)
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 4; j++) {
            const masked = attn[i]![j]! || j > i || padding[n]![j]!;
            if (masked) expect(w[n]![h]![i]![j]).to.equal(0);
          }
    tf.dispose([q, kv, output, weights, ref.out, ref.w, opts.attnMask!, opts.keyPaddingMask!]);
  });

  it('a per-head attnMask [N·H, L, S] and a float (additive) mask', () => {
    const m = build(4, 2);
    const x = seeded([2, 3, 4], 40);
    const perHead = [0, 1, 2, 3].map((b) => [0, 1, 2].map((i) => [0, 1, 2].map((j) => (b + i + j) % 3 === 0 && j !== i)));
    const mask = boolTensor(perHead, [4, 3, 3]);
    const out = MultiheadAttention.forward(m, x, x, x, { attnMask: mask });
    const ref = reference(m, x, x, x, { attn: perHead });
    expectClose(out, ref.out, 1e-4);
    const floats = [
      [0, -1.5, 0.5],
      [2, 0, -3],
      [0.25, 0, 0],
    ];
    const fmask = tf.tensor2d(floats);
    const out2 = MultiheadAttention.forward(m, x, x, x, { attnMask: fmask });
    const ref2 = reference(m, x, x, x, { attnFloat: floats });
    expectClose(out2, ref2.out, 1e-4);
    tf.dispose([x, mask, out, ref.out, ref.w, fmask, out2, ref2.out, ref2.w]);
  });

  it('without bias; unbatched input equals the batch of one', () => {
    const m = build(4, 1, { bias: false });
    expect(m.in_proj_bias.shape).to.deep.equal([0]);
    const x = seeded([3, 4], 50);
    const out = MultiheadAttention.forward(m, x, undefined, undefined, { causal: true });
    const x3 = tf.expandDims(x, 0);
    const ref = reference(m, x3, x3, x3, { causal: true });
    expect(out.shape).to.deep.equal([3, 4]);
    expectClose(out, tf.squeeze(ref.out, [0]), 1e-4);
    const pad = tf.tensor1d([false, false, true], 'bool');
    const { weights } = MultiheadAttention.attend(m, x, x, x, { keyPaddingMask: pad });
    expect(weights.shape).to.deep.equal([3, 3]);
    expect((weights.arraySync() as number[][]).map((r) => r[2])).to.deep.equal([0, 0, 0]);
    tf.dispose([x, out, x3, ref.out, ref.w, pad, weights]);
  });

  it('dropout on the attention weights in train mode: the mask is bernoulli(ctx key, 1 - p) on [N, H, L, S]', () => {
    const p = 0.4;
    const m0 = build(4, 2, { dropout: p });
    const x = seeded([2, 3, 4], 60);
    // eval mode: no dropout
    const evalOut = MultiheadAttention.forward(m0, x);
    const plain = reference(m0, x, x, x);
    expectClose(evalOut, plain.out, 1e-4);
    expect(() => MultiheadAttention.forward({ ...m0, ctx: { mode: 'train', key: O.none } } as MHA, x)).to.throw(/needs a key/);
    const [m] = newState(m0, 'train')(key(7));
    const k = O.isSome(m.ctx.key) ? m.ctx.key.value : expect.fail('no key');
    const mask = tf.div(tf.cast(bernoulli(k, 1 - p, [2, 2, 3, 3]), 'float32'), 1 - p);
    const ref = reference(m, x, x, x, { dropout: (n, h) => tf.squeeze(tf.slice(mask, [n, h, 0, 0], [1, 1, 3, 3]), [0, 1]) });
    const { output, weights } = MultiheadAttention.attend(m, x, x, x, { averageWeights: false });
    expectClose(output, ref.out, 1e-4);
    expectClose(weights, ref.w, 1e-5);
    const [m2] = newState(m0, 'train')(key(8));
    const other = MultiheadAttention.forward(m2, x);
    expect(Array.from(other.dataSync())).to.not.deep.equal(Array.from(output.dataSync()));
    tf.dispose([x, evalOut, plain.out, plain.w, mask, ref.out, ref.w, output, weights, other]);
  });

  it('gradients with respect to the input and the weights match central finite differences', () => {
    const m = build(4, 2, { kdim: 3, vdim: 2 });
    const q = seeded([1, 2, 4], 70);
    const kv = seeded([1, 3, 3], 71);
    const v = seeded([1, 3, 2], 72);
    const mask = tf.tensor2d(
      [
        [false, true, false],
        [false, false, false],
      ],
      [2, 3],
      'bool',
    );
    const f = (qx: Tensor, wq: Tensor, wk: Tensor, bIn: Tensor, wOut: Tensor): tf.Scalar =>
      weightedSum(
        MultiheadAttention.forward(
          { ...m, q_proj_weight: wq, k_proj_weight: wk, in_proj_bias: bIn, out_proj: { ...m.out_proj, weight: wOut } } as MHA,
          qx,
          kv,
          v,
          { attnMask: mask },
        ),
      );
    checkGradients(f, [q, m.q_proj_weight, m.k_proj_weight, m.in_proj_bias, m.out_proj.weight], { samples: 6 });
    tf.dispose([q, kv, v, mask]);
  });

  it('shape and dtype errors name the expected and actual shapes (and the path in a tree)', () => {
    const m = build(4, 2);
    const x = tf.zeros([2, 3, 4]);
    const bad = (f: () => unknown, re: RegExp): void => void expect(f).to.throw(re);
    bad(() => MultiheadAttention.forward(m, tf.zeros([2, 3, 5])), /expected query of shape \[N, L, 4\] or \[L, 4\], got \[2, 3, 5\]/);
    bad(() => MultiheadAttention.forward(m, x, tf.zeros([3, 3, 4])), /expected key of shape \[2, \*, 4\], got \[3, 3, 4\]/);
    bad(
      () => MultiheadAttention.forward(m, x, tf.zeros([2, 5, 4]), tf.zeros([2, 4, 4])),
      /expected value of shape \[2, 5, 4\], got \[2, 4, 4\]/,
    );
    bad(
      () => MultiheadAttention.forward(m, x, x, x, { attnMask: tf.zeros([3, 4], 'bool') }),
      /attnMask of shape \[3, 3\] or \[4, 3, 3\], got \[3, 4\]/,
    );
    bad(
      () => MultiheadAttention.forward(m, x, x, x, { keyPaddingMask: tf.zeros([2, 4], 'bool') }),
      /keyPaddingMask of shape \[2, 3\], got \[2, 4\]/,
    );
    bad(() => MultiheadAttention.forward(m, x, x, x, { keyPaddingMask: tf.zeros([2, 3]) }), /keyPaddingMask of dtype bool, got float32/);
    bad(() => MultiheadAttention.forward(m, tf.zeros([2, 3, 4], 'int32')), /dtype float32, got int32/);
    const holder = Holder.make({ body: [m] });
    bad(
      () => Holder.forward(holder, tf.zeros([2, 3])),
      /MultiheadAttention at "body\.0": expected query of shape \[N, L, 4\] or \[L, 4\], got \[2, 3\]/,
    );
    bad(() => MultiheadAttention.create(6, 4), /divisible/);
    tf.dispose(x);
  });

  it('default init: PyTorch shapes and distributions (xavier-uniform in_proj, zero biases, U(±1/√E) out_proj)', () => {
    const E = 8;
    const m = initialize(MultiheadAttention.create(E, 2))(key(3));
    expect(leafEntries(m).map(([i, t]) => [i.path, t.shape])).to.deep.equal([
      ['in_proj_weight', [3 * E, E]],
      ['q_proj_weight', [0]],
      ['k_proj_weight', [0]],
      ['v_proj_weight', [0]],
      ['in_proj_bias', [3 * E]],
      ['out_proj.weight', [E, E]],
      ['out_proj.bias', [E]],
    ]);
    // PyTorch's state dict: the unused q/k/v_proj_weight (None there, zero-size here) have no key
    expect(stateDictKeys(m)).to.deep.equal(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    const maxAbs = (t: Tensor): number => Math.max(...Array.from(t.dataSync()).map(Math.abs));
    const xavier = Math.sqrt(6 / (E + 3 * E));
    expect(maxAbs(m.in_proj_weight))
      .to.be.below(xavier)
      .and.above(xavier * 0.7);
    expect(maxAbs(m.out_proj.weight))
      .to.be.below(1 / Math.sqrt(E))
      .and.above(0.7 / Math.sqrt(E));
    expect(maxAbs(m.in_proj_bias)).to.equal(0);
    expect(maxAbs(m.out_proj.bias)).to.equal(0);
    tf.dispose(toArray(m));
  });

  it('attend runs through the forward wrapper, as forward does: an uninitialized layer is refused, errors name the module', () => {
    const lazy = MultiheadAttention.create(4, 2);
    const x = tf.zeros([2, 3, 4]);
    const uninitialized = /MultiheadAttention at the root module: field "in_proj_weight" is uninitialized/;
    expect(() => MultiheadAttention.attend(lazy as never, x)).to.throw(uninitialized);
    expect(() => MultiheadAttention.forward(lazy as never, x)).to.throw(uninitialized);
    const m = build(4, 2);
    expect(() => MultiheadAttention.attend(m, tf.zeros([2, 3, 5]))).to.throw(
      'MultiheadAttention at the root module: expected query of shape [N, L, 4] or [L, 4], got [2, 3, 5]',
    );
    tf.dispose([x, ...toArray(m)]);
  });

  it('masks are never copied to [N, H, L, S]: a masked forward + backward runs at most one full-size kernel more than an unmasked one (the addition to the scores), the same kernels for any batch size, and leaks nothing', async () => {
    // Cross-attention with L ≠ S, so that N·H·L·S (3·2·5·7 = 210) is no other tensor's size here.
    const [E, H, L, S] = [8, 2, 5, 7];
    const m = build(E, H);
    /** The kernels of one forward + backward (gradient with respect to query, key and value), by tf.profile. */
    const kernelsOf = async (N: number, options: AttentionOptions): Promise<Kernels> => {
      const q = seeded([N, L, E], 90);
      const kv = seeded([N, S, E], 91);
      const before = tf.memory().numTensors;
      const info = await tf.profile(() => {
        const grads = tf.grads((a: Tensor, b: Tensor) => tf.sum(MultiheadAttention.forward(m, a, b, b, options)))([q, kv]);
        tf.dispose(grads);
        return [];
      });
      expect(tf.memory().numTensors, 'tensors leaked by a forward + backward').to.equal(before);
      tf.dispose([q, kv]);
      return info.kernels;
    };
    // Reshape and Identity are views of their input (no copy on the cpu and wasm backends).
    const fullSize = (kernels: Kernels, N: number): string[] =>
      kernels
        .filter((k) => k.name !== 'Reshape' && k.name !== 'Identity')
        .filter((k) => k.outputShapes.some((s) => s.reduce((a, b) => a * b, 1) === N * H * L * S))
        .map((k) => k.name);
    const N = 3;
    const pad = tf.tensor2d(
      [
        [false, false, false, false, false, true, true],
        [false, false, false, false, false, false, true],
        [false, false, false, false, false, false, false],
      ],
      [N, S],
      'bool',
    );
    const attnBool = tf.tensor2d(
      Array.from({ length: L * S }, (_, i) => i % 4 === 1),
      [L, S],
      'bool',
    );
    const attnFloat = tf.mul(seeded([L, S], 92), 0.5);
    const unmasked = fullSize(await kernelsOf(N, {}), N);
    const cases: Array<[string, AttentionOptions]> = [
      ['causal', { causal: true }],
      ['keyPaddingMask', { keyPaddingMask: pad }],
      ['causal + keyPaddingMask', { causal: true, keyPaddingMask: pad }],
      ['bool attnMask [L, S] + causal + keyPaddingMask', { attnMask: attnBool, causal: true, keyPaddingMask: pad }],
      ['float attnMask [L, S]', { attnMask: attnFloat }],
    ];
    for (const [what, options] of cases) {
      const masked = fullSize(await kernelsOf(N, options), N);
      expect(masked.length, `${what}: full-size kernels ${masked.join(', ')} vs unmasked ${unmasked.join(', ')}`).to.be.at.most(
        unmasked.length + 1,
      );
    }
    // The number of kernels does not grow with the batch (nothing is done per sample or per head).
    const one = await kernelsOf(1, { causal: true });
    const many = await kernelsOf(6, { causal: true });
    expect(many.map((k) => k.name)).to.deep.equal(one.map((k) => k.name));
    tf.dispose([pad, attnBool, attnFloat, ...toArray(m)]);
  });

  it('forward and attend leak no tensors', () => {
    const m = build(4, 2, { dropout: 0.3 });
    const [mt] = newState(m, 'train')(key(1));
    const x = seeded([2, 3, 4], 80);
    const pad = tf.tensor2d(
      [
        [false, false, true],
        [false, false, false],
      ],
      [2, 3],
      'bool',
    );
    expectNoLeak(() => MultiheadAttention.forward(mt, x, x, x, { causal: true, keyPaddingMask: pad })).dispose();
    const r = expectNoLeak(() => MultiheadAttention.attend(m, x, undefined, undefined, { causal: true }));
    tf.dispose([r.output, r.weights, x, pad]);
  });
});
