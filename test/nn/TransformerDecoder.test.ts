/**
 * TransformerDecoderLayer and TransformerDecoder against PyTorch: state-dict names and shapes
 * against PyTorch's documented layout, strict loads of PyTorch-named weights, outputs against the
 * float64 reference of transformerReference.ts with causal, padding and memory masks, dropout at
 * PyTorch's positions, finite-difference gradients (target, memory and parameters), leaks, configs
 * and errors.
 */
import { expect } from 'chai';
import * as O from 'fp-ts/lib/Option.js';
import { tf } from '../../src/engine/backend.js';
import { initialize } from '../../src/init/initialize.js';
import { loadStateDict } from '../../src/io/loadStateDict.js';
import { stateDictEntries } from '../../src/io/stateDictEntries.js';
import { fromConfig, toConfig } from '../../src/nn/config.js';
import { LayerNorm } from '../../src/nn/LayerNorm.js';
import { TransformerDecoder } from '../../src/nn/TransformerDecoder.js';
import { TransformerDecoderLayer } from '../../src/nn/TransformerDecoderLayer.js';
import { bernoulli } from '../../src/random/bernoulli.js';
import { newState, setMode } from '../../src/random/newState.js';
import { key, type PRNGKey } from '../../src/random/PRNGKey.js';
import { fromArray, leafEntries, toArray } from '../../src/tree/Module.js';
import { checkGradients, expectClose, expectNoLeak, weightedSum } from './helpers.js';
import {
  decoderLayerLayout,
  decoderLayerRef,
  finalNormRef,
  type LayerDrops,
  maskFn,
  type RefMasks,
  type RefParams,
  type Seq,
  seqTensor,
  seqValues,
  stackLayout,
  stateDictFor,
} from './transformerReference.js';

type Tensor = tf.Tensor;

const E = 16;
const H = 4;
const F = 32;
const EPS = 1e-5;

const shapesOf = (m: Parameters<typeof stateDictEntries>[0]) =>
  stateDictEntries(m).map((e) => [e.key, [...(e.leaf as { shape: number[] }).shape]]);

const boolTensor = (rows: ReadonlyArray<ReadonlyArray<boolean>>): Tensor =>
  tf
    .tensor2d(
      rows.map((r) => r.map(Number)),
      [rows.length, rows[0]!.length],
    )
    .cast('bool');

/** A decoder layer loaded strictly from PyTorch-named weights chosen here. */
const loadedLayer = (normFirst: boolean, activation: 'relu' | 'gelu' = 'relu', seed = 2) => {
  const { tensors, params } = stateDictFor(decoderLayerLayout('', E, F), seed);
  const layer = loadStateDict(TransformerDecoderLayer.create(E, H, { dimFeedforward: F, normFirst, activation }), tensors);
  tf.dispose([...tensors.values()]);
  return { layer, params };
};

const settings = (normFirst: boolean, activation: 'relu' | 'gelu' = 'relu') => ({ nhead: H, eps: EPS, normFirst, activation });

const layerRef = (
  p: RefParams,
  prefix: string,
  tgt: Seq,
  memory: Seq,
  normFirst: boolean,
  self: RefMasks,
  cross: RefMasks,
  drops?: LayerDrops,
): Seq => decoderLayerRef(p, prefix, tgt, memory, settings(normFirst), maskFn(self, H), maskFn(cross, H), drops);

describe('nn.TransformerDecoderLayer / nn.TransformerDecoder', () => {
  describe("state dict: PyTorch's names, shapes and order", () => {
    it('a decoder layer has torch.nn.TransformerDecoderLayer’s keys and shapes (defaults: dimFeedforward 2048)', () => {
      expect(shapesOf(TransformerDecoderLayer.create(E, H))).to.deep.equal(decoderLayerLayout('', E, 2048));
      expect(shapesOf(TransformerDecoderLayer.create(E, H, { dimFeedforward: F, bias: false }))).to.deep.equal(
        decoderLayerLayout('', E, F, false),
      );
    });

    it('a decoder stack has layers.<i>.… and norm.*', () => {
      const layer = TransformerDecoderLayer.create(E, H, { dimFeedforward: F });
      expect(shapesOf(TransformerDecoder.create(layer, 2, { norm: LayerNorm.create(E) }))).to.deep.equal(
        stackLayout((p) => decoderLayerLayout(p, E, F), 2, { E, bias: true }),
      );
      expect(shapesOf(TransformerDecoder.create(layer, 3))).to.deep.equal(stackLayout((p) => decoderLayerLayout(p, E, F), 3, undefined));
    });
  });

  describe('numerics against the float64 reference (weights loaded strictly)', () => {
    for (const normFirst of [false, true]) {
      describe(normFirst ? 'pre-norm (normFirst: true)' : 'post-norm (normFirst: false)', () => {
        it('no masks', () => {
          const { layer, params } = loadedLayer(normFirst);
          const [tgt, mem] = [seqValues(2, 4, E, 30), seqValues(2, 6, E, 31)];
          const [t, m] = [seqTensor(tgt), seqTensor(mem)];
          expectClose(TransformerDecoderLayer.forward(layer, t, m), layerRef(params, '', tgt, mem, normFirst, {}, {}).flat(2), 1e-5);
          tf.dispose([t, m, ...toArray(layer)]);
        });

        it('causal target, target and memory padding, a float memory mask', () => {
          const { layer, params } = loadedLayer(normFirst);
          const [tgt, mem] = [seqValues(2, 4, E, 32), seqValues(2, 5, E, 33)];
          const tgtPad = [
            [false, false, false, true],
            [false, false, false, false],
          ];
          const memPad = [
            [false, false, false, false, true],
            [false, false, true, true, true],
          ];
          const memoryMask = Array.from({ length: 4 }, (_, i) => Array.from({ length: 5 }, (_, j) => ((i + 2 * j) % 5) * 0.25 - 0.5));
          const [t, m, tp, mp, mm] = [seqTensor(tgt), seqTensor(mem), boolTensor(tgtPad), boolTensor(memPad), tf.tensor2d(memoryMask)];
          const y = TransformerDecoderLayer.forward(layer, t, m, {
            tgtIsCausal: true,
            tgtKeyPaddingMask: tp,
            memoryKeyPaddingMask: mp,
            memoryMask: mm,
          });
          const ref = layerRef(params, '', tgt, mem, normFirst, { causal: true, padding: tgtPad }, { attn: memoryMask, padding: memPad });
          expectClose(y, ref.flat(2), 1e-5);
          tf.dispose([t, m, tp, mp, mm, y, ...toArray(layer)]);
        });

        it('a bool tgtMask, a per-head bool memoryMask and memoryIsCausal', () => {
          const { layer, params } = loadedLayer(normFirst);
          const [tgt, mem] = [seqValues(2, 3, E, 34), seqValues(2, 4, E, 35)];
          const tgtMask = [
            [false, true, false],
            [false, false, false],
            [true, false, false],
          ];
          const memoryMask = Array.from({ length: 2 * H }, (_, nh) =>
            Array.from({ length: 3 }, (_, i) => Array.from({ length: 4 }, (_, j) => j > 0 && (nh + i * j) % 2 === 1)),
          );
          const [t, m, tm, mm] = [
            seqTensor(tgt),
            seqTensor(mem),
            boolTensor(tgtMask),
            tf.tensor3d(memoryMask.map((a) => a.map((r) => r.map(Number)))).cast('bool'),
          ];
          const y = TransformerDecoderLayer.forward(layer, t, m, { tgtMask: tm, memoryMask: mm, memoryIsCausal: true });
          const ref = layerRef(params, '', tgt, mem, normFirst, { attn: tgtMask }, { attn: memoryMask, causal: true });
          expectClose(y, ref.flat(2), 1e-5);
          tf.dispose([t, m, tm, mm, y, ...toArray(layer)]);
        });

        it('a 2-layer TransformerDecoder with a final norm, loaded strictly', () => {
          const layout = stackLayout((p) => decoderLayerLayout(p, E, F), 2, { E, bias: true });
          const { tensors, params } = stateDictFor(layout, 9);
          const lazy = TransformerDecoder.create(TransformerDecoderLayer.create(E, H, { dimFeedforward: F, normFirst }), 2, {
            norm: LayerNorm.create(E),
          });
          const decoder = loadStateDict(lazy, tensors);
          const [tgt, mem] = [seqValues(2, 4, E, 36), seqValues(2, 5, E, 37)];
          const memPad = [
            [false, false, false, true, true],
            [false, false, false, false, false],
          ];
          const [t, m, mp] = [seqTensor(tgt), seqTensor(mem), boolTensor(memPad)];
          const y = TransformerDecoder.forward(decoder, t, m, { tgtIsCausal: true, memoryKeyPaddingMask: mp });
          const self = { causal: true };
          const cross = { padding: memPad };
          const once = layerRef(params, 'layers.0.', tgt, mem, normFirst, self, cross);
          const ref = finalNormRef(params, layerRef(params, 'layers.1.', once, mem, normFirst, self, cross), EPS);
          expectClose(y, ref.flat(2), 1e-5);
          tf.dispose([t, m, mp, y, ...tensors.values(), ...toArray(decoder)]);
        });
      });
    }

    it('a sample whose memory is all padding gets out_proj.bias from the cross-attention, finite', () => {
      const { layer, params } = loadedLayer(false);
      const [tgt, mem] = [seqValues(2, 3, E, 38), seqValues(2, 4, E, 39)];
      const memPad = [
        [true, true, true, true],
        [false, true, false, false],
      ];
      const [t, m, mp] = [seqTensor(tgt), seqTensor(mem), boolTensor(memPad)];
      const y = TransformerDecoderLayer.forward(layer, t, m, { memoryKeyPaddingMask: mp, tgtIsCausal: true });
      expect(Array.from(y.dataSync()).every(Number.isFinite)).to.equal(true);
      expectClose(y, layerRef(params, '', tgt, mem, false, { causal: true }, { padding: memPad }).flat(2), 1e-5);
      tf.dispose([t, m, mp, y, ...toArray(layer)]);
    });

    it('unbatched tgt [T, E] and memory [S, E]', () => {
      const { layer, params } = loadedLayer(true);
      const [tgt, mem] = [seqValues(1, 3, E, 40), seqValues(1, 5, E, 41)];
      const [t, m, mp] = [tf.tensor2d(tgt[0]!), tf.tensor2d(mem[0]!), tf.tensor1d([0, 0, 0, 0, 1]).cast('bool')];
      const y = TransformerDecoderLayer.forward(layer, t, m, { tgtIsCausal: true, memoryKeyPaddingMask: mp });
      expect(y.shape).to.deep.equal([3, E]);
      expectClose(
        y,
        layerRef(params, '', tgt, mem, true, { causal: true }, { padding: [[false, false, false, false, true]] }).flat(2),
        1e-5,
      );
      tf.dispose([t, m, mp, y, ...toArray(layer)]);
    });
  });

  describe('dropout (train mode) at PyTorch’s positions', () => {
    const multipliers = (k: O.Option<PRNGKey>, rate: number, shape: number[]): Float32Array => {
      if (O.isNone(k)) throw new Error('no key');
      const keep = 1 - rate;
      return tf.tidy(() => tf.div(tf.cast(bernoulli(k.value, keep, shape), 'float32'), keep).dataSync() as Float32Array);
    };

    it('both attentions’ weights, after each attention, after the activation, after the feedforward block', () => {
      const rate = 0.25;
      const { tensors, params } = stateDictFor(decoderLayerLayout('', E, F), 4);
      const layer = loadStateDict(TransformerDecoderLayer.create(E, H, { dimFeedforward: F, dropout: rate }), tensors);
      const [train] = newState(layer, 'train')(key(7));
      const [N, T, S] = [2, 3, 4];
      const [tgt, mem] = [seqValues(N, T, E, 42), seqValues(N, S, E, 43)];
      const [t, m] = [seqTensor(tgt), seqTensor(mem)];
      const sw = multipliers(train.selfAttn.ctx.key, rate, [N, H, T, T]);
      const cw = multipliers(train.multiheadAttn.ctx.key, rate, [N, H, T, S]);
      const d1 = multipliers(train.dropout1.ctx.key, rate, [N, T, E]);
      const d2 = multipliers(train.dropout2.ctx.key, rate, [N, T, E]);
      const d = multipliers(train.dropout.ctx.key, rate, [N, T, F]);
      const d3 = multipliers(train.dropout3.ctx.key, rate, [N, T, E]);
      const ref = layerRef(
        params,
        '',
        tgt,
        mem,
        false,
        { causal: true },
        {},
        {
          selfWeights: (n, h, i, j) => sw[((n * H + h) * T + i) * T + j]!,
          crossWeights: (n, h, i, j) => cw[((n * H + h) * T + i) * S + j]!,
          dropout1: (n, i, c) => d1[(n * T + i) * E + c]!,
          dropout2: (n, i, c) => d2[(n * T + i) * E + c]!,
          dropout: (n, i, f) => d[(n * T + i) * F + f]!,
          ffOut: (n, i, c) => d3[(n * T + i) * E + c]!,
        },
      );
      expectClose(TransformerDecoderLayer.forward(train, t, m, { tgtIsCausal: true }), ref.flat(2), 1e-5);
      // eval mode again: no dropout
      expectClose(
        TransformerDecoderLayer.forward(setMode(train, 'eval'), t, m, { tgtIsCausal: true }),
        layerRef(params, '', tgt, mem, false, { causal: true }, {}).flat(2),
        1e-5,
      );
      tf.dispose([t, m, ...tensors.values(), ...toArray(layer)]);
    });
  });

  it('gradients match central finite differences (target, memory, parameters of both attentions; gelu)', function () {
    this.timeout(120000);
    const { layer } = loadedLayer(true, 'gelu', 6);
    const [t, m] = [seqTensor(seqValues(2, 3, E, 44)), seqTensor(seqValues(2, 4, E, 45))];
    const mp = boolTensor([
      [false, false, false, true],
      [false, false, false, false],
    ]);
    const leaves = toArray(layer);
    const paths = leafEntries(layer).map(([info]) => info.path);
    const picked = [
      'selfAttn.in_proj_weight',
      'multiheadAttn.in_proj_weight',
      'multiheadAttn.out_proj.bias',
      'linear2.weight',
      'norm3.weight',
    ].map((p) => paths.indexOf(p));
    expect(picked.every((i) => i >= 0)).to.equal(true);
    const f = (ti: Tensor, mi: Tensor, ...ps: Tensor[]): tf.Scalar => {
      const replaced = leaves.map((leaf, i) => (picked.includes(i) ? ps[picked.indexOf(i)]! : leaf));
      return weightedSum(
        TransformerDecoderLayer.forward(fromArray(layer, replaced), ti, mi, { tgtIsCausal: true, memoryKeyPaddingMask: mp }),
      );
    };
    // Tolerances as in TransformerEncoder.test.ts: float32 rounding of f (~1e-6) over 2h = 2e-2, and O(h²) truncation.
    checkGradients(f, [t, m, ...picked.map((i) => leaves[i]!)], { samples: 4, h: 1e-2, rtol: 3e-3, atol: 3e-4 });
    tf.dispose([t, m, mp, ...leaves]);
  });

  it('a memory of all padding: the cross-attention’s out_proj.bias gets a finite gradient matching finite differences; a step runs the same kernels for any batch size', async function () {
    this.timeout(120000);
    const { layer } = loadedLayer(true, 'gelu', 5);
    const leaves = toArray(layer);
    const paths = leafEntries(layer).map(([info]) => info.path);
    const picked = ['multiheadAttn.out_proj.bias', 'multiheadAttn.out_proj.weight', 'selfAttn.out_proj.bias'].map((p) => paths.indexOf(p));
    expect(picked.every((i) => i >= 0)).to.equal(true);
    /** Sample 0's memory is all padding (its cross-attention output is out_proj.bias); the others' is not. */
    const inputs = (N: number) => ({
      t: seqTensor(seqValues(N, 3, E, 48)),
      m: seqTensor(seqValues(N, 4, E, 49)),
      mp: boolTensor(Array.from({ length: N }, (_, n) => [true, n === 0, n === 0, n === 0 || n === 2])),
    });
    const f =
      (mp: Tensor) =>
      (ti: Tensor, mi: Tensor, ...ps: Tensor[]): tf.Scalar => {
        const replaced = leaves.map((leaf, i) => (picked.includes(i) ? ps[picked.indexOf(i)]! : leaf));
        return weightedSum(
          TransformerDecoderLayer.forward(fromArray(layer, replaced), ti, mi, { tgtIsCausal: true, memoryKeyPaddingMask: mp }),
        );
      };
    const { t, m, mp } = inputs(2);
    const xs = [t, m, ...picked.map((i) => leaves[i]!)];
    const grads = tf.grads(f(mp))(xs);
    for (const g of grads) expect(Array.from(g.dataSync()).every(Number.isFinite), 'finite gradient').to.equal(true);
    tf.dispose(grads);
    checkGradients(f(mp), xs, { samples: 4, h: 1e-2, rtol: 3e-3, atol: 3e-4 });
    tf.dispose([t, m, mp]);
    const kernelNames = async (N: number): Promise<string[]> => {
      const { t, m, mp } = inputs(N);
      const before = tf.memory().numTensors;
      const info = await tf.profile(() => {
        tf.dispose(tf.grads(f(mp))([t, m, ...picked.map((i) => leaves[i]!)]));
        return [];
      });
      expect(tf.memory().numTensors, 'tensors leaked by a training step').to.equal(before);
      tf.dispose([t, m, mp]);
      return info.kernels.map((k) => k.name);
    };
    expect(await kernelNames(3)).to.deep.equal(await kernelNames(2));
    tf.dispose(leaves);
  });

  it('leaks no tensors', () => {
    const decoder = initialize(
      TransformerDecoder.create(TransformerDecoderLayer.create(E, H, { dimFeedforward: F }), 2, { norm: LayerNorm.create(E) }),
    )(key(1));
    const [t, m] = [seqTensor(seqValues(2, 3, E, 46)), seqTensor(seqValues(2, 4, E, 47))];
    const mp = boolTensor([
      [true, true, true, true],
      [false, false, false, true],
    ]);
    const tm = tf.tensor2d([
      [0, -1, 0],
      [0, 0, 0],
      [0.5, 0, 0],
    ]);
    expectNoLeak(() => TransformerDecoder.forward(decoder, t, m)).dispose();
    expectNoLeak(() => TransformerDecoder.forward(decoder, t, m, { tgtIsCausal: true, tgtMask: tm, memoryKeyPaddingMask: mp })).dispose();
    const [train] = newState(decoder, 'train')(key(2));
    expectNoLeak(() => TransformerDecoder.forward(train, t, m, { tgtIsCausal: true, memoryKeyPaddingMask: mp })).dispose();
    tf.dispose([t, m, mp, tm, ...toArray(decoder)]);
  });

  describe('configs and errors', () => {
    it('configs round-trip through nn.toConfig / nn.fromConfig', () => {
      const layer = TransformerDecoderLayer.create(E, H, {
        dimFeedforward: F,
        dropout: 0,
        activation: 'gelu',
        normFirst: true,
        bias: false,
        layerNormEps: 1e-6,
      });
      for (const m of [
        layer,
        TransformerDecoder.create(layer, 2),
        TransformerDecoder.create(layer, 1, { norm: LayerNorm.create(E, { bias: false }) }),
      ]) {
        const json = toConfig(m);
        const rebuilt = fromConfig(JSON.parse(JSON.stringify(json)));
        expect(toConfig(rebuilt)).to.deep.equal(json);
        expect(shapesOf(rebuilt)).to.deep.equal(shapesOf(m));
      }
      expect(toConfig(TransformerDecoder.create(layer, 2))).to.deep.equal({
        type: 'TransformerDecoder',
        config: {
          layer: {
            dModel: E,
            nhead: H,
            dimFeedforward: F,
            dropout: 0,
            activation: 'gelu',
            layerNormEps: 1e-6,
            normFirst: true,
            bias: false,
          },
          numLayers: 2,
        },
      });
    });

    it('inputs and masks are checked, each error naming the argument', () => {
      const { layer } = loadedLayer(false);
      const decoder = TransformerDecoder.make({ layers: [layer, layer], norm: [] });
      const t = tf.zeros([2, 3, E]);
      const m = tf.zeros([2, 4, E]);
      const otherBatch = tf.zeros([3, 4, E]);
      const narrow = tf.zeros([2, 4, 8]);
      const mp = tf.zeros([2, 3]).cast('bool');
      const mm = tf.zeros([3, 3]);
      expect(() => TransformerDecoderLayer.forward(layer, t, otherBatch)).to.throw(
        'expected memory of shape [2, *, 16] (as tgt [2, 3, 16]), got [3, 4, 16]',
      );
      expect(() => TransformerDecoderLayer.forward(layer, t, narrow)).to.throw(
        'expected memory of shape [N, L, 16] or [L, 16], got [2, 4, 8]',
      );
      expect(() => TransformerDecoder.forward(decoder, t, m, { memoryKeyPaddingMask: mp })).to.throw(
        'TransformerDecoder at the root module: expected memoryKeyPaddingMask of shape [2, 4], got [2, 3]',
      );
      expect(() => TransformerDecoder.forward(decoder, t, m, { memoryMask: mm })).to.throw(
        'expected memoryMask of shape [3, 4] or [8, 3, 4], got [3, 3]',
      );
      expect(() => TransformerDecoder.forward(decoder, t, m, { tgtIsCausal: 'yes' as never })).to.throw(
        'expected tgtIsCausal to be a boolean, got "yes"',
      );
      expect(() => TransformerDecoder.create(TransformerDecoderLayer.create(E, H), 2, { norm: LayerNorm.create([E, 2]) })).to.throw(
        /norm must normalize/,
      );
      tf.dispose([t, m, otherBatch, narrow, mp, mm, ...toArray(layer)]);
    });
  });
});
