import { expect } from 'chai';
import { isRight } from 'fp-ts/lib/Either.js';
import { tf } from '../../src/engine/backend.js';
import { dispose } from '../../src/engine/memory.js';
import { initialize } from '../../src/init/initialize.js';
import { Conv1d } from '../../src/nn/Conv1d.js';
import { key } from '../../src/random/PRNGKey.js';
import { assertSameShape, fromArray, toArray } from '../../src/tree/Module.js';
import { show } from '../../src/tree/Show.js';
import { checkGradients, expectClose, expectNoLeak, Holder, seeded, weightedSum } from './helpers.js';

type Tensor = tf.Tensor;

const conv = (inC: number, outC: number, k: number, opts: Parameters<typeof Conv1d.create>[3] = {}, seed = 1) => {
  const m = Conv1d.create(inC, outC, k, opts);
  return fromArray(
    m,
    toArray(m).map((p, i) => seeded([...p.shape], seed + i)),
  );
};

/** PyTorch's conv1d by definition, with loops. */
const naiveConv1d = (
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  s: number,
  pl: number,
  pr: number,
  d: number,
  groups: number,
): number[][][] => {
  const [N, , L] = x.shape as number[];
  const [O, Cg, K] = w.shape as number[];
  const xa = x.arraySync() as number[][][];
  const wa = w.arraySync() as number[][][];
  const ba = b === null ? null : (b.arraySync() as number[]);
  const OL = Math.floor((L! + pl + pr - d * (K! - 1) - 1) / s) + 1;
  const og = O! / groups;
  return Array.from({ length: N! }, (_, n) =>
    Array.from({ length: O! }, (_, o) =>
      Array.from({ length: OL }, (_, i) => {
        let acc = ba === null ? 0 : ba[o]!;
        const g = Math.floor(o / og);
        for (let c = 0; c < Cg!; c++)
          for (let k = 0; k < K!; k++) {
            const li = i * s - pl + k * d;
            if (li >= 0 && li < L!) acc += wa[o]![c]![k]! * xa[n]![g * Cg! + c]![li]!;
          }
        return acc;
      }),
    ),
  );
};

describe('nn.Conv1d', () => {
  const cases = [
    { name: 'plain', inC: 2, outC: 3, k: 3, opts: {}, pads: [0, 0] },
    { name: 'stride 2, padding 2, dilation 2', inC: 2, outC: 2, k: 3, opts: { stride: 2, padding: 2, dilation: 2 }, pads: [2, 2] },
    { name: "'same', even kernel", inC: 1, outC: 2, k: 4, opts: { padding: 'same' as const }, pads: [1, 2] },
    { name: 'groups 2, no bias', inC: 4, outC: 2, k: 2, opts: { groups: 2, bias: false }, pads: [0, 0] },
    { name: 'depthwise', inC: 3, outC: 3, k: 3, opts: { groups: 3, padding: 1 }, pads: [1, 1] },
  ];
  for (const c of cases) {
    it(`matches a loop implementation: ${c.name}`, () => {
      const m = conv(c.inC, c.outC, c.k, c.opts);
      const x = seeded([2, c.inC, 9], 7);
      const y = expectNoLeak(() => Conv1d.forward(m, x));
      expectClose(
        Array.from(y.dataSync()),
        naiveConv1d(x, m.weight, m.useBias ? m.bias : null, m.stride, c.pads[0]!, c.pads[1]!, m.dilation, m.groups).flat(2),
      );
      expect(y.shape[2]).to.equal(Math.floor((9 + c.pads[0]! + c.pads[1]! - m.dilation * (c.k - 1) - 1) / m.stride) + 1);
      dispose([m, x, y]);
    });
  }

  it('takes unbatched [C, L] input', () => {
    const m = conv(2, 3, 3, { padding: 1 });
    const x = seeded([2, 6], 3);
    const y = Conv1d.forward(m, x);
    expect(y.shape).to.deep.equal([3, 6]);
    const yb = Conv1d.forward(m, tf.expandDims(x, 0));
    expectClose(Array.from(y.dataSync()), Array.from(yb.dataSync()));
    dispose([m, x, y, yb]);
  });

  it('gradients match central finite differences', () => {
    const m = conv(2, 4, 3, { stride: 2, dilation: 2, groups: 2, padding: 1 });
    const x = seeded([2, 2, 9], 5);
    checkGradients((xx, w, b) => weightedSum(Conv1d.forward(Conv1d.make({ ...m, weight: w!, bias: b! }), xx!)), [x, m.weight, m.bias]);
    dispose([m, x]);
  });

  it('default init U(±1/√(in/groups·k)); shape errors name the path; config round trip', () => {
    const p = initialize(Conv1d.create(6, 4, 5))(key(1));
    const bound = 1 / Math.sqrt(30);
    expect(Math.max(...Array.from(p.weight.dataSync()).map(Math.abs))).to.be.within(0.9 * bound, bound);
    expect(Math.max(...Array.from(p.bias.dataSync()).map(Math.abs))).to.be.at.most(bound);
    const h = Holder.make({ body: [p] });
    const bad = tf.zeros([2, 5, 8]);
    expect(() => Holder.forward(h, bad)).to.throw('Conv1d at "body.0": expected input of shape [N, 6, L] or [6, L], got [2, 5, 8]');
    const m = Conv1d.create(4, 8, 3, { stride: 2, padding: 1, dilation: 2, groups: 4, bias: false });
    assertSameShape(Conv1d.fromConfig(Conv1d.toConfig(m)), m);
    const decoded = Conv1d.configCodec.decode(JSON.parse(JSON.stringify(Conv1d.toConfig(m))));
    expect(isRight(decoded)).to.equal(true);
    dispose([p, bad]);
  });

  it('prints like PyTorch: arguments at their defaults are left out', () => {
    expect(show(Conv1d.create(4, 8, 3))).to.include('Conv1d(4, 8, kernel_size=3, stride=1) {');
    expect(show(Conv1d.create(4, 8, 3, { padding: 'valid', groups: 4 }))).to.include('Conv1d(4, 8, kernel_size=3, stride=1, groups=4) {');
    expect(show(Conv1d.create(2, 4, 4, { padding: 'same' }))).to.include('Conv1d(2, 4, kernel_size=4, stride=1, padding=same) {');
    expect(show(Conv1d.create(4, 8, 3, { stride: 2, padding: 2, dilation: 2, groups: 2, bias: false }))).to.include(
      'Conv1d(4, 8, kernel_size=3, stride=2, padding=2, dilation=2, groups=2, bias=false) {',
    );
  });

  it("toConfig spells out every option, in the codec's order", () => {
    expect(JSON.stringify(Conv1d.toConfig(Conv1d.create(2, 4, 4, { padding: 'same' })))).to.equal(
      '{"inChannels":2,"outChannels":4,"kernelSize":4,"stride":1,"padding":"same","dilation":1,"groups":1,"bias":true}',
    );
  });
});
