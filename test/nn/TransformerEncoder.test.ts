/**
 * TransformerEncoderLayer and TransformerEncoder against PyTorch: state-dict names and shapes
 * against PyTorch's documented layout, strict loads of PyTorch-named weights, outputs against the
 * float64 reference of transformerReference.ts (plain JS loops over PyTorch's formulas) with every
 * kind of mask, dropout at PyTorch's positions (masks rebuilt from the keys `newState` hands out),
 * finite-difference gradients, leaks, configs and errors.
 */
import { expect } from 'chai';
import * as O from 'fp-ts/lib/Option.js';
import { tf } from '../../src/engine/backend.js';
import { initialize } from '../../src/init/initialize.js';
import { loadStateDict } from '../../src/io/loadStateDict.js';
import { stateDictEntries, stateDictKeys } from '../../src/io/stateDictEntries.js';
import { ConfigError, fromConfig, toConfig } from '../../src/nn/config.js';
import { LayerNorm } from '../../src/nn/LayerNorm.js';
import { Linear } from '../../src/nn/Linear.js';
import { Sequential } from '../../src/nn/Sequential.js';
import { generateSquareSubsequentMask } from '../../src/nn/transformerAttention.js';
import { TransformerEncoder, type TransformerEncoderMasks } from '../../src/nn/TransformerEncoder.js';
import { TransformerEncoderLayer } from '../../src/nn/TransformerEncoderLayer.js';
import { bernoulli } from '../../src/random/bernoulli.js';
import { newState, setMode } from '../../src/random/newState.js';
import { key, type PRNGKey } from '../../src/random/PRNGKey.js';
import { fromArray, leafEntries, toArray } from '../../src/tree/Module.js';
import { checkGradients, expectClose, expectNoLeak, seededValues, weightedSum } from './helpers.js';
import {
  encoderLayerLayout,
  encoderLayerRef,
  finalNormRef,
  maskFn,
  type RefMasks,
  type Seq,
  seqTensor,
  seqValues,
  stackLayout,
  stateDictFor,
} from './transformerReference.js';

type Tensor = tf.Tensor;
/** What `tf.profile` reports of each kernel run (name, input and output shapes, time). */
type Kernels = Awaited<ReturnType<typeof tf.profile>>['kernels'];

const E = 16;
const H = 4;
const F = 32;
const EPS = 1e-5;

/** A 2-layer encoder (with a final norm), loaded strictly from PyTorch-named weights chosen here. */
const loadedEncoder = (normFirst: boolean, activation: 'relu' | 'gelu' = 'relu', seed = 1) => {
  const layout = stackLayout((prefix) => encoderLayerLayout(prefix, E, F), 2, { E, bias: true });
  const { tensors, params } = stateDictFor(layout, seed);
  const lazy = TransformerEncoder.create(TransformerEncoderLayer.create(E, H, { dimFeedforward: F, normFirst, activation }), 2, {
    norm: LayerNorm.create(E),
  });
  const model = loadStateDict(lazy, tensors);
  tf.dispose([...tensors.values()]);
  return { model, params };
};

/** The reference of the 2-layer encoder with its final norm. */
const encoderRef = (
  params: ReturnType<typeof loadedEncoder>['params'],
  x: Seq,
  normFirst: boolean,
  masks: RefMasks,
  activation: 'relu' | 'gelu' = 'relu',
): Seq => {
  const s = { nhead: H, eps: EPS, normFirst, activation };
  const mask = maskFn(masks, H);
  const y = encoderLayerRef(params, 'layers.1.', encoderLayerRef(params, 'layers.0.', x, s, mask), s, mask);
  return finalNormRef(params, y, EPS);
};

/** `[key, shape]` of every state-dict entry, in order. */
const shapesOf = (m: Parameters<typeof stateDictEntries>[0]) =>
  stateDictEntries(m).map((e) => [e.key, [...(e.leaf as { shape: number[] }).shape]]);

const boolTensor = (rows: ReadonlyArray<ReadonlyArray<boolean>>): Tensor =>
  tf
    .tensor2d(
      rows.map((r) => r.map(Number)),
      [rows.length, rows[0]!.length],
    )
    .cast('bool');

describe('nn.TransformerEncoderLayer / nn.TransformerEncoder', () => {
  describe("state dict: PyTorch's names, shapes and order", () => {
    it('an encoder layer has torch.nn.TransformerEncoderLayer’s keys and shapes (defaults: dimFeedforward 2048)', () => {
      const layer = TransformerEncoderLayer.create(E, H);
      expect(shapesOf(layer)).to.deep.equal(encoderLayerLayout('', E, 2048));
    });

    it('bias: false drops every bias (attention, Linear and LayerNorm), as PyTorch', () => {
      const layer = TransformerEncoderLayer.create(E, H, { dimFeedforward: F, bias: false });
      expect(shapesOf(layer)).to.deep.equal(encoderLayerLayout('', E, F, false));
    });

    it('a 2-layer encoder has layers.<i>.… and the final norm.*; without a norm, no norm keys', () => {
      const layer = TransformerEncoderLayer.create(E, H, { dimFeedforward: F });
      const withNorm = TransformerEncoder.create(layer, 2, { norm: LayerNorm.create(E) });
      expect(shapesOf(withNorm)).to.deep.equal(stackLayout((p) => encoderLayerLayout(p, E, F), 2, { E, bias: true }));
      expect(stateDictKeys(TransformerEncoder.create(layer, 2))).to.deep.equal(
        stackLayout((p) => encoderLayerLayout(p, E, F), 2, undefined).map(([k]) => k),
      );
      // field paths use the TypeScript names
      expect(leafEntries(withNorm).map(([info]) => info.path)).to.include.members(['layers.0.selfAttn.in_proj_weight', 'norm.0.weight']);
    });

    it('defaults are PyTorch’s: dropout 0.1 everywhere, relu, eps 1e-5, post-norm, bias; a new layer is in eval mode', () => {
      const layer = TransformerEncoderLayer.create(E, H);
      expect([layer.dropout.rate, layer.dropout1.rate, layer.dropout2.rate, layer.selfAttn.dropout]).to.deep.equal([0.1, 0.1, 0.1, 0.1]);
      expect([layer.activation, layer.normFirst, layer.norm1.eps, layer.linear1.useBias, layer.linear1.outFeatures]).to.deep.equal([
        'relu',
        false,
        1e-5,
        true,
        2048,
      ]);
      expect([layer.dropout.ctx.mode, layer.selfAttn.ctx.mode]).to.deep.equal(['eval', 'eval']);
    });

    it('initialize gives each repeated layer its own parameters', () => {
      const enc = initialize(TransformerEncoder.create(TransformerEncoderLayer.create(E, H, { dimFeedforward: F }), 2))(key(0));
      const a = Array.from(enc.layers[0]!.linear1.weight.dataSync());
      const b = Array.from(enc.layers[1]!.linear1.weight.dataSync());
      expect(a).to.not.deep.equal(b);
      tf.dispose(toArray(enc));
    });
  });

  describe('numerics against the float64 reference (weights loaded strictly)', () => {
    for (const normFirst of [false, true]) {
      describe(normFirst ? 'pre-norm (normFirst: true)' : 'post-norm (normFirst: false)', () => {
        it('no mask', () => {
          const { model, params } = loadedEncoder(normFirst);
          const xs = seqValues(2, 5, E, 10);
          const x = seqTensor(xs);
          expectClose(TransformerEncoder.forward(model, x), encoderRef(params, xs, normFirst, {}).flat(2), 1e-5);
          tf.dispose([x, ...toArray(model)]);
        });

        it('bool srcMask and srcKeyPaddingMask', () => {
          const { model, params } = loadedEncoder(normFirst);
          const xs = seqValues(2, 5, E, 11);
          const attn = [
            [false, true, false, false, false],
            [false, false, false, true, false],
            [true, false, false, false, false],
            [false, false, false, false, false],
            [false, true, true, false, false],
          ];
          const padding = [
            [false, false, false, false, true],
            [false, false, false, true, true],
          ];
          const [x, mask, pad] = [seqTensor(xs), boolTensor(attn), boolTensor(padding)];
          const y = TransformerEncoder.forward(model, x, { mask, srcKeyPaddingMask: pad });
          expectClose(y, encoderRef(params, xs, normFirst, { attn, padding }).flat(2), 1e-5);
          tf.dispose([x, mask, pad, y, ...toArray(model)]);
        });

        it('srcKeyPaddingMask alone, bool or float (−∞ at the padding)', () => {
          const { model, params } = loadedEncoder(normFirst);
          const xs = seqValues(2, 4, E, 22);
          const padding = [
            [false, false, true, true],
            [false, false, false, false],
          ];
          const [x, pad] = [seqTensor(xs), boolTensor(padding)];
          const floatPad = tf.tensor2d(padding.map((r) => r.map((p) => (p ? -Infinity : 0))));
          const ref = encoderRef(params, xs, normFirst, { padding }).flat(2);
          expectClose(TransformerEncoder.forward(model, x, { srcKeyPaddingMask: pad }), ref, 1e-5);
          expectClose(TransformerEncoder.forward(model, x, { srcKeyPaddingMask: floatPad }), ref, 1e-5);
          tf.dispose([x, pad, floatPad, ...toArray(model)]);
        });

        it('a float mask with isCausal; isCausal alone equals generateSquareSubsequentMask', () => {
          const { model, params } = loadedEncoder(normFirst);
          const xs = seqValues(2, 4, E, 12);
          const attn = [
            [0, 0.5, -1, 0.25],
            [-0.5, 0, 1, 0],
            [0.75, -0.25, 0, -1.5],
            [0, 0, -2, 0.5],
          ];
          const x = seqTensor(xs);
          const mask = tf.tensor2d(attn);
          expectClose(
            TransformerEncoder.forward(model, x, { mask, isCausal: true }),
            encoderRef(params, xs, normFirst, { attn, causal: true }).flat(2),
            1e-5,
          );
          const causalRef = encoderRef(params, xs, normFirst, { causal: true }).flat(2);
          const square = generateSquareSubsequentMask(4);
          expectClose(TransformerEncoder.forward(model, x, { isCausal: true }), causalRef, 1e-5);
          expectClose(TransformerEncoder.forward(model, x, { mask: square }), causalRef, 1e-5);
          tf.dispose([x, mask, square, ...toArray(model)]);
        });

        it('a per-head mask [N·nhead, L, L] with padding', () => {
          const { model, params } = loadedEncoder(normFirst);
          const xs = seqValues(2, 3, E, 13);
          // head-specific patterns, no row fully masked in a head
          const attn = Array.from({ length: 2 * H }, (_, nh) =>
            Array.from({ length: 3 }, (_, i) => Array.from({ length: 3 }, (_, j) => j !== i && (nh + i + j) % 3 === 0)),
          );
          const padding = [
            [false, false, false],
            [false, true, false],
          ];
          const [x, mask, pad] = [
            seqTensor(xs),
            tf.tensor3d(attn.map((a) => a.map((r) => r.map(Number)))).cast('bool'),
            boolTensor(padding),
          ];
          expectClose(
            TransformerEncoder.forward(model, x, { mask, srcKeyPaddingMask: pad }),
            encoderRef(params, xs, normFirst, { attn, padding }).flat(2),
            1e-5,
          );
          tf.dispose([x, mask, pad, ...toArray(model)]);
        });
      });
    }

    it('a query that may attend to no key gets out_proj.bias (PyTorch ≥ 2.5), not NaN, and nothing spreads', () => {
      const { model, params } = loadedEncoder(false);
      const xs = seqValues(2, 4, E, 14);
      // left padding with a causal mask: rows 0 (and 1) of sample 0 have no key to attend to
      const padding = [
        [true, true, false, false],
        [false, false, false, false],
      ];
      const [x, pad] = [seqTensor(xs), boolTensor(padding)];
      const y = TransformerEncoder.forward(model, x, { isCausal: true, srcKeyPaddingMask: pad });
      expect(Array.from(y.dataSync()).every(Number.isFinite)).to.equal(true);
      expectClose(y, encoderRef(params, xs, false, { padding, causal: true }).flat(2), 1e-5);
      // its gradient is finite too
      const g = tf.grad((xi: Tensor) => weightedSum(TransformerEncoder.forward(model, xi, { isCausal: true, srcKeyPaddingMask: pad })))(x);
      expect(Array.from(g.dataSync()).every(Number.isFinite)).to.equal(true);
      tf.dispose([x, pad, y, g, ...toArray(model)]);
    });

    it('unbatched [L, E] input equals the batched result of one sample', () => {
      const { model, params } = loadedEncoder(true);
      const xs = seqValues(1, 4, E, 15);
      const x = tf.tensor2d(xs[0]!);
      const pad = tf.tensor1d([0, 0, 0, 1]).cast('bool');
      const y = TransformerEncoder.forward(model, x, { srcKeyPaddingMask: pad, isCausal: true });
      expect(y.shape).to.deep.equal([4, E]);
      expectClose(y, encoderRef(params, xs, true, { padding: [[false, false, false, true]], causal: true }).flat(2), 1e-5);
      tf.dispose([x, pad, y, ...toArray(model)]);
    });

    it('gelu activation, and a single layer with its own names (no stack prefix)', () => {
      const { tensors, params } = stateDictFor(encoderLayerLayout('', E, F), 5);
      const layer = loadStateDict(
        TransformerEncoderLayer.create(E, H, { dimFeedforward: F, activation: 'gelu', normFirst: true }),
        tensors,
      );
      const xs = seqValues(2, 3, E, 16);
      const x = seqTensor(xs);
      const s = { nhead: H, eps: EPS, normFirst: true, activation: 'gelu' as const };
      expectClose(
        TransformerEncoderLayer.forward(layer, x, { isCausal: true }),
        encoderLayerRef(params, '', xs, s, maskFn({ causal: true }, H)).flat(2),
        1e-5,
      );
      tf.dispose([x, ...tensors.values(), ...toArray(layer)]);
    });
  });

  describe('dropout (train mode) at PyTorch’s positions', () => {
    /** The Bernoulli multipliers (mask / keep) a Dropout-like context draws for a shape. */
    const multipliers = (k: O.Option<PRNGKey>, rate: number, shape: number[]): Float32Array => {
      if (O.isNone(k)) throw new Error('no key');
      const keep = 1 - rate;
      return tf.tidy(() => tf.div(tf.cast(bernoulli(k.value, keep, shape), 'float32'), keep).dataSync() as Float32Array);
    };

    it('attention weights, after attention, after the activation and after the feedforward block; keys from newState', () => {
      const rate = 0.3;
      const { tensors, params } = stateDictFor(encoderLayerLayout('', E, F), 7);
      const lazy = TransformerEncoderLayer.create(E, H, { dimFeedforward: F, dropout: rate });
      const layer = loadStateDict(lazy, tensors);
      const [train] = newState(layer, 'train')(key(42));
      const [N, L] = [2, 5];
      const xs = seqValues(N, L, E, 17);
      const x = seqTensor(xs);
      const w = multipliers(train.selfAttn.ctx.key, rate, [N, H, L, L]);
      const d1 = multipliers(train.dropout1.ctx.key, rate, [N, L, E]);
      const d = multipliers(train.dropout.ctx.key, rate, [N, L, F]);
      const d2 = multipliers(train.dropout2.ctx.key, rate, [N, L, E]);
      for (const normFirst of [false, true]) {
        const m = { ...train, normFirst } as typeof train;
        const ref = encoderLayerRef(params, '', xs, { nhead: H, eps: EPS, normFirst, activation: 'relu' }, maskFn({ causal: true }, H), {
          selfWeights: (n, h, i, j) => w[((n * H + h) * L + i) * L + j]!,
          dropout1: (n, i, c) => d1[(n * L + i) * E + c]!,
          dropout: (n, i, f) => d[(n * L + i) * F + f]!,
          ffOut: (n, i, c) => d2[(n * L + i) * E + c]!,
        });
        expectClose(TransformerEncoderLayer.forward(m, x, { isCausal: true }), ref.flat(2), 1e-5);
      }
      tf.dispose([x, ...tensors.values(), ...toArray(layer)]);
    });

    it('eval mode is deterministic and dropout-free; train mode differs, is reproducible per key; no key is an error', () => {
      const { model, params } = loadedEncoder(false);
      const xs = seqValues(2, 5, E, 18);
      const x = seqTensor(xs);
      const evalOut = TransformerEncoder.forward(model, x);
      expectClose(evalOut, encoderRef(params, xs, false, {}).flat(2), 1e-5);
      const [t1] = newState(model, 'train')(key(1));
      const [t1b] = newState(model, 'train')(key(1));
      const [t2] = newState(model, 'train')(key(2));
      // every stochastic module of every repeated layer has a key of its own
      const keys = t1.layers.flatMap((l) => [l.selfAttn.ctx.key, l.dropout.ctx.key, l.dropout1.ctx.key, l.dropout2.ctx.key]);
      const words = keys.map((k) => (O.isSome(k) ? k.value.data.join(',') : 'none'));
      expect(new Set(words).size).to.equal(8);
      const [a, b, c] = [TransformerEncoder.forward(t1, x), TransformerEncoder.forward(t1b, x), TransformerEncoder.forward(t2, x)];
      expect(Array.from(a.dataSync())).to.deep.equal(Array.from(b.dataSync()));
      expect(Array.from(a.dataSync())).to.not.deep.equal(Array.from(c.dataSync()));
      expect(Array.from(a.dataSync())).to.not.deep.equal(Array.from(evalOut.dataSync()));
      // back to eval: the reference again
      expectClose(TransformerEncoder.forward(setMode(t1, 'eval'), x), encoderRef(params, xs, false, {}).flat(2), 1e-5);
      // train mode without keys
      const keyless = setMode(model, 'train');
      expect(() => TransformerEncoder.forward(keyless, x)).to.throw(/needs a key/);
      tf.dispose([x, evalOut, a, b, c, ...toArray(model)]);
    });
  });

  describe('gradients', () => {
    it('match central finite differences (input and parameters of both layers, masks on; gelu keeps it smooth)', function () {
      this.timeout(120000);
      // gelu rather than relu: finite differences across relu's kink would test the kink, not the code.
      const { model } = loadedEncoder(true, 'gelu', 3);
      const xs = seqValues(2, 4, E, 19);
      const x = seqTensor(xs);
      const pad = boolTensor([
        [false, false, false, true],
        [false, false, false, false],
      ]);
      const mask = tf.tensor2d([
        [0, -0.5, 0, 0.25],
        [0.5, 0, 0, 0],
        [0, 0, 0, -1],
        [0.25, 0, 0.5, 0],
      ]);
      const leaves = toArray(model);
      const paths = leafEntries(model).map(([info]) => info.path);
      const picked = [
        'layers.0.selfAttn.in_proj_weight',
        'layers.0.selfAttn.in_proj_bias',
        'layers.0.selfAttn.out_proj.weight',
        'layers.0.linear1.weight',
        'layers.0.norm1.weight',
        'layers.1.linear2.bias',
        'layers.1.norm2.bias',
        'norm.0.weight',
      ].map((p) => paths.indexOf(p));
      expect(picked.every((i) => i >= 0)).to.equal(true);
      const f = (xi: Tensor, ...ps: Tensor[]): tf.Scalar => {
        const replaced = leaves.map((leaf, i) => (picked.includes(i) ? ps[picked.indexOf(i)]! : leaf));
        return weightedSum(TransformerEncoder.forward(fromArray(model, replaced), xi, { mask, srcKeyPaddingMask: pad, isCausal: true }));
      };
      // Float32 central differences at h = 1e-2: f ≈ 10, so each evaluation rounds by ~1e-6 and the
      // difference quotient carries ~1e-4 of noise (hence atol 3e-4); the truncation error is O(h²)
      // relative (hence rtol 3e-3). Measured: passes at rtol 1e-3 / atol 1e-4 on cpu and wasm.
      checkGradients(f, [x, ...picked.map((i) => leaves[i]!)], { samples: 4, h: 1e-2, rtol: 3e-3, atol: 3e-4 });
      tf.dispose([x, pad, mask, ...leaves]);
    });

    it('rows with no key to attend to: out_proj.bias (and the rest) get finite gradients that match finite differences, with isCausal or an explicit mask', function () {
      this.timeout(120000);
      const { model } = loadedEncoder(true, 'gelu', 4);
      const x = seqTensor(seqValues(2, 4, E, 23));
      // left padding under a causal mask: rows 0 and 1 of sample 0 have no key (their attention output is out_proj.bias)
      const pad = boolTensor([
        [true, true, false, false],
        [false, false, false, false],
      ]);
      const causalMask = generateSquareSubsequentMask(4);
      const leaves = toArray(model);
      const paths = leafEntries(model).map(([info]) => info.path);
      const picked = [
        'layers.0.selfAttn.out_proj.bias',
        'layers.0.selfAttn.out_proj.weight',
        'layers.0.selfAttn.in_proj_bias',
        'layers.1.selfAttn.out_proj.bias',
      ].map((p) => paths.indexOf(p));
      expect(picked.every((i) => i >= 0)).to.equal(true);
      for (const masks of [
        { isCausal: true, srcKeyPaddingMask: pad },
        { mask: causalMask, srcKeyPaddingMask: pad },
      ]) {
        const f = (xi: Tensor, ...ps: Tensor[]): tf.Scalar => {
          const replaced = leaves.map((leaf, i) => (picked.includes(i) ? ps[picked.indexOf(i)]! : leaf));
          return weightedSum(TransformerEncoder.forward(fromArray(model, replaced), xi, masks));
        };
        const inputs = [x, ...picked.map((i) => leaves[i]!)];
        const grads = tf.grads(f)(inputs);
        for (const g of grads) expect(Array.from(g.dataSync()).every(Number.isFinite), 'finite gradient').to.equal(true);
        tf.dispose(grads);
        // Tolerances as in the test above (same step, same size of f).
        checkGradients(f, inputs, { samples: 4, h: 1e-2, rtol: 3e-3, atol: 3e-4 });
      }
      tf.dispose([x, pad, causalMask, ...leaves]);
    });
  });

  it('masks are never copied per sample or head: a training step runs the same kernels for any batch size, at most one full-size [N, H, L, S] kernel more per layer than without masks, and leaks nothing', async () => {
    const { model } = loadedEncoder(true, 'gelu', 6);
    const L = 5;
    const leaves = toArray(model);
    // Every parameter but the zero-size placeholders (q/k/v_proj_weight of a packed projection).
    const trained = leaves.flatMap((leaf, i) => (leaf.size > 0 ? [i] : []));
    /** The kernels of one forward + backward (input and every parameter), by tf.profile. */
    const kernelsOf = async (
      N: number,
      masksOf: (N: number) => { masks: TransformerEncoderMasks; tensors: Tensor[] },
    ): Promise<Kernels> => {
      const x = seqTensor(seqValues(N, L, E, 24));
      const { masks, tensors } = masksOf(N);
      const before = tf.memory().numTensors;
      const info = await tf.profile(() => {
        const f = (xi: Tensor, ...ps: Tensor[]): tf.Scalar =>
          weightedSum(
            TransformerEncoder.forward(
              fromArray(
                model,
                leaves.map((leaf, i) => ps[trained.indexOf(i)] ?? leaf),
              ),
              xi,
              masks,
            ),
          );
        tf.dispose(tf.grads(f)([x, ...trained.map((i) => leaves[i]!)]));
        return [];
      });
      expect(tf.memory().numTensors, 'tensors leaked by a training step').to.equal(before);
      tf.dispose([x, ...tensors]);
      return info.kernels;
    };
    // Sample 0's first two rows have no key under causal masking: the dead-row path runs too.
    const padding = (N: number): Tensor =>
      boolTensor(Array.from({ length: N }, (_, n) => Array.from({ length: L }, (_, j) => n === 0 && j < 2)));
    const variants: Array<[string, (N: number) => { masks: TransformerEncoderMasks; tensors: Tensor[] }]> = [
      ['isCausal', () => ({ masks: { isCausal: true }, tensors: [] })],
      [
        'explicit causal mask',
        () => {
          const mask = generateSquareSubsequentMask(L);
          return { masks: { mask }, tensors: [mask] };
        },
      ],
      [
        'explicit mask + padding',
        (N) => {
          const [mask, pad] = [generateSquareSubsequentMask(L), padding(N)];
          return { masks: { mask, srcKeyPaddingMask: pad }, tensors: [mask, pad] };
        },
      ],
      [
        'isCausal + padding',
        (N) => {
          const pad = padding(N);
          return { masks: { isCausal: true, srcKeyPaddingMask: pad }, tensors: [pad] };
        },
      ],
    ];
    // Reshape and Identity are views of their input (no copy on the cpu and wasm backends).
    // With N = 3, L = S = 5, H = 4, E = 16, F = 32, no other tensor has N·H·L·S = 300 elements.
    const fullSize = (kernels: Kernels, N: number): string[] =>
      kernels
        .filter((k) => k.name !== 'Reshape' && k.name !== 'Identity')
        .filter((k) => k.outputShapes.some((s) => s.reduce((a, b) => a * b, 1) === N * H * L * L))
        .map((k) => k.name);
    const unmasked = fullSize(await kernelsOf(3, () => ({ masks: {}, tensors: [] })), 3);
    for (const [what, masksOf] of variants) {
      const [two, three] = [await kernelsOf(2, masksOf), await kernelsOf(3, masksOf)];
      expect(three.length, `${what}: kernels at N = 3 vs N = 2`).to.equal(two.length);
      expect(three.map((k) => k.name)).to.deep.equal(two.map((k) => k.name));
      const masked = fullSize(three, 3);
      expect(masked.length, `${what}: full-size kernels ${masked.join(', ')} vs unmasked ${unmasked.join(', ')}`).to.be.at.most(
        unmasked.length + 2,
      );
    }
    // A per-head mask is full size already; still nothing per sample or head.
    const perHead = (N: number) => {
      const mask = tf.tensor3d(seededValues(N * H * L * L, 25), [N * H, L, L]);
      return { masks: { mask }, tensors: [mask] };
    };
    expect((await kernelsOf(3, perHead)).map((k) => k.name)).to.deep.equal((await kernelsOf(2, perHead)).map((k) => k.name));
    tf.dispose(leaves);
  });

  it('leaks no tensors (forward with masks, fully masked rows, train mode)', () => {
    const { model } = loadedEncoder(false);
    const x = seqTensor(seqValues(2, 4, E, 20));
    const pad = boolTensor([
      [true, true, false, false],
      [false, false, false, false],
    ]);
    const mask = tf.tensor2d([
      [0, 1, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expectNoLeak(() => TransformerEncoder.forward(model, x)).dispose();
    expectNoLeak(() => TransformerEncoder.forward(model, x, { isCausal: true })).dispose();
    expectNoLeak(() => TransformerEncoder.forward(model, x, { mask, srcKeyPaddingMask: pad, isCausal: true })).dispose();
    const [train] = newState(model, 'train')(key(5));
    expectNoLeak(() => TransformerEncoder.forward(train, x, { srcKeyPaddingMask: pad })).dispose();
    const before = tf.memory().numTensors;
    tf.dispose(generateSquareSubsequentMask(5));
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([x, pad, mask, ...toArray(model)]);
  });

  it('fits in a Sequential (one input), with a Linear after it', () => {
    const net = initialize(Sequential.create([TransformerEncoderLayer.create(E, H, { dimFeedforward: F }), Linear.create(E, 3)]))(key(3));
    expect(stateDictKeys(net).slice(0, 2)).to.deep.equal(['0.self_attn.in_proj_weight', '0.self_attn.in_proj_bias']);
    const x = seqTensor(seqValues(2, 4, E, 21));
    const y = Sequential.forward(net, x);
    expect(y.shape).to.deep.equal([2, 4, 3]);
    tf.dispose([x, y, ...toArray(net)]);
  });

  describe('configs and errors', () => {
    it('configs round-trip through nn.toConfig / nn.fromConfig (layer and stack, with and without norm)', () => {
      const layer = TransformerEncoderLayer.create(E, H, {
        dimFeedforward: F,
        dropout: 0.2,
        activation: 'gelu',
        layerNormEps: 1e-6,
        normFirst: true,
        bias: false,
      });
      for (const m of [
        layer,
        TransformerEncoder.create(layer, 3),
        TransformerEncoder.create(layer, 2, { norm: LayerNorm.create(E, { eps: 1e-6 }) }),
      ]) {
        const json = toConfig(m);
        const rebuilt = fromConfig(JSON.parse(JSON.stringify(json)));
        expect(toConfig(rebuilt)).to.deep.equal(json);
        expect(shapesOf(rebuilt)).to.deep.equal(shapesOf(m));
      }
      expect(toConfig(TransformerEncoderLayer.create(E, H))).to.deep.equal({
        type: 'TransformerEncoderLayer',
        config: {
          dModel: E,
          nhead: H,
          dimFeedforward: 2048,
          dropout: 0.1,
          activation: 'relu',
          layerNormEps: 1e-5,
          normFirst: false,
          bias: true,
        },
      });
    });

    it('bad configs name the JSON path; batchFirst: false is refused with the reason', () => {
      const problems = (json: unknown): ReadonlyArray<string> => {
        try {
          fromConfig(json);
        } catch (e) {
          if (e instanceof ConfigError) return e.problems;
          throw e;
        }
        return [];
      };
      expect(
        problems({ type: 'TransformerEncoder', config: { layer: { dModel: 16, nhead: 4, batchFirst: false }, numLayers: 0 } }),
      ).to.deep.equal([
        'config.layer.batchFirst: expected true (only batch-first inputs [N, L, E] are supported), got false',
        'config.numLayers: expected a positive integer, got 0',
      ]);
      expect(problems({ type: 'TransformerEncoderLayer', config: { dModel: 16, nhead: 3 } })).to.deep.equal([
        '(root): TransformerEncoderLayer.create: nhead (3) must divide dModel (16)',
      ]);
    });

    it('bad constructor arguments are refused, naming the argument', () => {
      expect(() => TransformerEncoderLayer.create(E, H, { batchFirst: false as never })).to.throw(
        /batchFirst must be true .*batch_first=False layout \[L, N, E\] is not supported: transpose/,
      );
      expect(() => TransformerEncoderLayer.create(E, 5)).to.throw('TransformerEncoderLayer.create: nhead (5) must divide dModel (16)');
      expect(() => TransformerEncoderLayer.create(E, H, { dropout: 1 })).to.throw('dropout must be in [0, 1), got 1');
      expect(() => TransformerEncoderLayer.create(E, H, { activation: 'swish' as never })).to.throw(/activation must be one of/);
      expect(() => TransformerEncoderLayer.create(E, H, { dimFeedforward: 0 })).to.throw(
        'dimFeedforward must be a positive integer, got 0',
      );
      const layer = TransformerEncoderLayer.create(E, H, { dimFeedforward: F });
      expect(() => TransformerEncoder.create(layer, 0)).to.throw('numLayers must be a positive integer, got 0');
      expect(() => TransformerEncoder.create(Linear.create(2, 2) as never, 2)).to.throw(
        'expected a TransformerEncoderLayer (from TransformerEncoderLayer.create), got Linear',
      );
      const initialized = initialize(layer)(key(0));
      expect(() => TransformerEncoder.create(initialized as never, 2)).to.throw(/the layer must be uninitialized/);
      tf.dispose(toArray(initialized));
      expect(() => TransformerEncoder.create(layer, 2, { norm: LayerNorm.create(8) })).to.throw(
        "norm must normalize the layer's dModel, [16], got normalizedShape [8]",
      );
    });

    it('wrong inputs and masks name the argument and both shapes', () => {
      const { model } = loadedEncoder(false);
      const x = tf.zeros([2, 4, E]);
      const wrong = tf.zeros([2, 4, 8]);
      const pad = tf.zeros([2, 5]).cast('bool');
      const mask = tf.zeros([3, 3]);
      const intMask = tf.zeros([4, 4], 'int32');
      expect(() => TransformerEncoder.forward(model, wrong)).to.throw(
        'TransformerEncoder at the root module: expected src of shape [N, L, 16] or [L, 16], got [2, 4, 8]',
      );
      expect(() => TransformerEncoder.forward(model, x, { srcKeyPaddingMask: pad })).to.throw(
        'expected srcKeyPaddingMask of shape [2, 4], got [2, 5]',
      );
      expect(() => TransformerEncoder.forward(model, x, { mask })).to.throw('expected mask of shape [4, 4] or [8, 4, 4], got [3, 3]');
      expect(() => TransformerEncoder.forward(model, x, { mask: intMask })).to.throw('expected mask of dtype bool or float32, got int32');
      expect(() => TransformerEncoderLayer.forward(model.layers[0]!, x, { srcMask: mask })).to.throw(
        'TransformerEncoderLayer at the root module: expected srcMask of shape [4, 4] or [8, 4, 4], got [3, 3]',
      );
      tf.dispose([x, wrong, pad, mask, intMask, ...toArray(model)]);
    });
  });
});
