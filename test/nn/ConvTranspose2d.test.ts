import { expect } from 'chai';
import { isRight } from 'fp-ts/lib/Either.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { ConvTranspose2d } from '../../src/nn/ConvTranspose2d.js';
import { key } from '../../src/random/PRNGKey.js';
import { assertSameShape, fromArray, toArray } from '../../src/tree/Module.js';
import { show } from '../../src/tree/Show.js';
import { checkGradients, expectClose, expectNoLeak, Holder, seeded, weightedSum } from './helpers.js';

type Tensor = tf.Tensor;
type Opts = Parameters<typeof ConvTranspose2d.create>[3];

const deconv = (inC: number, outC: number, k: number | [number, number], opts: Opts = {}, seed = 1) => {
  const m = ConvTranspose2d.create(inC, outC, k, opts);
  return fromArray(
    m,
    toArray(m).map((p, i) => seeded([...p.shape], seed + i)),
  );
};

/**
 * The transposed convolution by its definition (a scatter): every input pixel adds its value times
 * the kernel into the output at `i * stride - padding + a * dilation`; then the bias.
 */
const naiveConvTranspose2d = (
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  s: [number, number],
  p: [number, number],
  op: [number, number],
  d: [number, number],
  groups: number,
): Float32Array => {
  const [N, C, H, W] = x.shape as number[];
  const [, Og, KH, KW] = w.shape as number[];
  const O = Og! * groups;
  const OH = (H! - 1) * s[0] - 2 * p[0] + d[0] * (KH! - 1) + op[0] + 1;
  const OW = (W! - 1) * s[1] - 2 * p[1] + d[1] * (KW! - 1) + op[1] + 1;
  const xa = x.arraySync() as number[][][][];
  const wa = w.arraySync() as number[][][][];
  const ba = b === null ? null : (b.arraySync() as number[]);
  const out = new Float32Array(N! * O * OH * OW);
  const cg = C! / groups;
  for (let n = 0; n < N!; n++)
    for (let c = 0; c < C!; c++)
      for (let i = 0; i < H!; i++)
        for (let j = 0; j < W!; j++)
          for (let ol = 0; ol < Og!; ol++)
            for (let a = 0; a < KH!; a++)
              for (let bb = 0; bb < KW!; bb++) {
                const oi = i * s[0] - p[0] + a * d[0];
                const oj = j * s[1] - p[1] + bb * d[1];
                if (oi < 0 || oi >= OH || oj < 0 || oj >= OW) continue;
                const o = Math.floor(c / cg) * Og! + ol;
                out[((n * O + o) * OH + oi) * OW + oj]! += xa[n]![c]![i]![j]! * wa[c]![ol]![a]![bb]!;
              }
  if (ba !== null)
    for (let n = 0; n < N!; n++) for (let o = 0; o < O; o++) for (let k = 0; k < OH * OW; k++) out[(n * O + o) * OH * OW + k]! += ba[o]!;
  return out;
};

describe('nn.ConvTranspose2d', () => {
  const cases: Array<{ name: string; inC: number; outC: number; k: number | [number, number]; opts: Opts }> = [
    { name: 'plain', inC: 2, outC: 3, k: 3, opts: {} },
    { name: 'stride 2, padding 1 (the usual 2x upsampler)', inC: 2, outC: 2, k: 4, opts: { stride: 2, padding: 1 } },
    { name: 'stride 2, output padding 1', inC: 1, outC: 2, k: 3, opts: { stride: 2, padding: 1, outputPadding: 1 } },
    { name: 'dilation 2 with stride 2 (tfjs has no dilation here)', inC: 2, outC: 2, k: 3, opts: { dilation: 2, stride: 2, padding: 1 } },
    { name: 'padding larger than dilation·(k−1) (crops)', inC: 1, outC: 1, k: 2, opts: { padding: 2, stride: 3 } },
    { name: 'groups 2, pairs, no bias', inC: 4, outC: 6, k: [2, 3], opts: { groups: 2, stride: [2, 1], padding: [0, 1], bias: false } },
  ];
  for (const c of cases) {
    it(`matches the scatter definition: ${c.name}`, () => {
      const m = deconv(c.inC, c.outC, c.k, c.opts);
      const x = seeded([2, c.inC, 4, 5], 11);
      const y = expectNoLeak(() => ConvTranspose2d.forward(m, x));
      const e = naiveConvTranspose2d(
        x,
        m.weight,
        m.useBias ? m.bias : null,
        [...m.stride],
        [...m.padding],
        [...m.outputPadding],
        [...m.dilation],
        m.groups,
      );
      const [, , kh, kw] = m.weight.shape as number[];
      const oh = 3 * m.stride[0] - 2 * m.padding[0] + m.dilation[0] * (kh! - 1) + m.outputPadding[0] + 1;
      const ow = 4 * m.stride[1] - 2 * m.padding[1] + m.dilation[1] * (kw! - 1) + m.outputPadding[1] + 1;
      expect(y.shape).to.deep.equal([2, c.outC, oh, ow]);
      expectClose(y.dataSync(), e, 1e-5);
      dispose([m, x, y]);
    });
  }

  it('is the input-gradient of the matching Conv2d (adjoint identity ⟨conv(x), y⟩ = ⟨x, convT(y)⟩)', () => {
    // conv: [N, 3, 9, 9] -> [N, 2, 4, 4] with k 3, stride 2; its transpose with the same weight maps back.
    const m = deconv(2, 3, 3, { stride: 2, bias: false });
    const y = seeded([1, 2, 4, 4], 2);
    const xt = ConvTranspose2d.forward(m, y);
    expect(xt.shape).to.deep.equal([1, 3, 9, 9]);
    const x = seeded([1, 3, 9, 9], 3);
    // Conv2d weight [out=2, in=3, k, k] is the same tensor as the transposed weight [in=2, out=3, k, k].
    const cx = tf.transpose(
      tf.conv2d(tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D, tf.transpose(m.weight, [2, 3, 1, 0]) as tf.Tensor4D, 2, 'valid'),
      [0, 3, 1, 2],
    );
    const lhs = tf.sum(tf.mul(cx, y)).dataSync()[0]!;
    const rhs = tf.sum(tf.mul(x, xt)).dataSync()[0]!;
    expect(lhs).to.be.closeTo(rhs, 1e-4 * (1 + Math.abs(lhs)));
    dispose([m, y, xt, x, cx]);
  });

  it('unbatched input; gradients match central finite differences', () => {
    const m = deconv(2, 4, 3, { stride: 2, padding: 1, outputPadding: 1, dilation: 2, groups: 2 });
    const x = seeded([2, 3, 3], 5);
    const y = ConvTranspose2d.forward(m, x);
    const yb = ConvTranspose2d.forward(m, tf.expandDims(x, 0));
    expect(y.shape).to.deep.equal([4, 8, 8]);
    expectClose(y.dataSync(), yb.dataSync());
    checkGradients(
      (xx, w, b) => weightedSum(ConvTranspose2d.forward(ConvTranspose2d.make({ ...m, weight: w!, bias: b! }), xx!)),
      [x, m.weight, m.bias],
    );
    dispose([m, x, y, yb]);
  });

  it('default init U(±1/√fanIn) with PyTorch’s fan (weight.shape[1]·kH·kW); errors; config round trip', () => {
    const p = initialize(ConvTranspose2d.create(6, 4, 3, { groups: 2 }))(key(2));
    expect(p.weight.shape).to.deep.equal([6, 2, 3, 3]);
    const bound = 1 / Math.sqrt(2 * 9);
    expect(Math.max(...Array.from(p.weight.dataSync()).map(Math.abs))).to.be.within(0.9 * bound, bound);
    expect(Math.max(...Array.from(p.bias.dataSync()).map(Math.abs))).to.be.at.most(bound);
    const h = Holder.make({ body: [p] });
    const bad = tf.zeros([1, 4, 5, 5]);
    expect(() => Holder.forward(h, bad)).to.throw(
      'ConvTranspose2d at "body.0": expected input of shape [N, 6, H, W] or [6, H, W], got [1, 4, 5, 5]',
    );
    expect(() => ConvTranspose2d.create(2, 2, 3, { stride: 2, outputPadding: 2 })).to.throw('outputPadding must be smaller');
    const m = ConvTranspose2d.create(4, 8, [3, 4], {
      stride: 2,
      padding: [1, 0],
      outputPadding: [1, 0],
      dilation: [1, 2],
      groups: 4,
      bias: false,
    });
    assertSameShape(ConvTranspose2d.fromConfig(ConvTranspose2d.toConfig(m)), m);
    const decoded = ConvTranspose2d.configCodec.decode(JSON.parse(JSON.stringify(ConvTranspose2d.toConfig(m))));
    expect(isRight(decoded)).to.equal(true);
    dispose([p, bad]);
  });

  it('prints like PyTorch, output_padding after padding; toConfig keeps that order', () => {
    expect(show(ConvTranspose2d.create(2, 3, 3))).to.include('ConvTranspose2d(2, 3, kernel_size=(3, 3), stride=(1, 1)) {');
    expect(show(ConvTranspose2d.create(2, 2, 3, { outputPadding: [0, 1], dilation: [1, 2] }))).to.include(
      'ConvTranspose2d(2, 2, kernel_size=(3, 3), stride=(1, 1), output_padding=(0, 1), dilation=(1, 2)) {',
    );
    const m = ConvTranspose2d.create(4, 8, [3, 4], {
      stride: 2,
      padding: [1, 0],
      outputPadding: [1, 0],
      dilation: [1, 2],
      groups: 4,
      bias: false,
    });
    expect(show(m)).to.include(
      'ConvTranspose2d(4, 8, kernel_size=(3, 4), stride=(2, 2), padding=(1, 0), output_padding=(1, 0), dilation=(1, 2), groups=4, bias=false) {',
    );
    expect(JSON.stringify(ConvTranspose2d.toConfig(m))).to.equal(
      '{"inChannels":4,"outChannels":8,"kernelSize":[3,4],"stride":[2,2],"padding":[1,0],"outputPadding":[1,0],"dilation":[1,2],"groups":4,"bias":false}',
    );
  });

  it('checks padding and outputPadding right after stride, before dilation and groups', () => {
    expect(() => ConvTranspose2d.create(2, 2, 3, { padding: -1, dilation: 0 })).to.throw(
      'ConvTranspose2d.create: padding must be an integer >= 0 or a pair of them, got -1',
    );
    expect(() => ConvTranspose2d.create(2, 2, 3, { outputPadding: -1, groups: 3 })).to.throw(
      'ConvTranspose2d.create: outputPadding must be an integer >= 0',
    );
    expect(() => ConvTranspose2d.create(2, 2, 3, { outputPadding: 5, groups: 3 })).to.throw(
      'ConvTranspose2d.create: inChannels (2) must be divisible by groups (3)',
    );
  });
});
