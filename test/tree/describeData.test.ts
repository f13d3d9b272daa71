/**
 * How error messages show a value: `describeData` (src/tree/describeData.ts), the one renderer
 * that argument, config, key and backend errors share. Expectations are JSON.stringify's text for
 * plain JSON data, and the named forms for what JSON cannot say.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { BackendError } from '../../src/engine/BackendError.js';
import { setBackend } from '../../src/engine/setBackend.js';
import * as nn from '../../src/nn/index.js';
import { RandomError } from '../../src/random/RandomError.js';
import { wrapKeyData } from '../../src/random/PRNGKey.js';
import { ArgumentError } from '../../src/tree/ArgumentError.js';
import { describeData } from '../../src/tree/describeData.js';

describe('describeData: values in error messages', () => {
  it('is JSON.stringify for JSON data that fits', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const json = JSON.stringify(v);
        expect(describeData(v, json.length)).to.equal(json);
      }),
    );
  });

  it('cuts a longer rendering to maxLength characters, ending in "..."', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 3, max: 40 }), (v, max) => {
        const json = JSON.stringify(v);
        const shown = describeData(v, max);
        if (json.length <= max) expect(shown).to.equal(json);
        else expect(shown).to.equal(`${json.slice(0, max - 3)}...`);
      }),
    );
  });

  it('names what JSON cannot write, at any depth: NaN, infinities, bigints, symbols, functions, undefined', () => {
    expect(describeData(NaN)).to.equal('NaN');
    expect(describeData([1, -Infinity, Infinity])).to.equal('[1,-Infinity,Infinity]');
    expect(describeData(5n)).to.equal('5n');
    expect(describeData({ n: 2n ** 70n })).to.equal('{"n":1180591620717411303424n}');
    expect(describeData(Symbol('s'))).to.equal('Symbol(s)');
    expect(describeData(() => 1)).to.equal('a function');
    expect(describeData(undefined)).to.equal('undefined');
    // at any depth; a field holding undefined is absent
    expect(describeData([undefined, () => 1, Symbol('t'), 3n])).to.equal('[undefined,a function,Symbol(t),3n]');
    expect(describeData({ init: () => 1, a: undefined, b: 1 })).to.equal('{"init":a function,"b":1}');
  });

  it('costs at most the length shown: huge, deep and cyclic values, and getters that throw', () => {
    // A 5-million-element array, counting the elements read.
    let reads = 0;
    const huge = new Proxy(new Array<number>(5_000_000).fill(7), {
      get: (target, p, receiver) => {
        if (typeof p === 'string' && /^\d+$/.test(p)) reads++;
        return Reflect.get(target, p, receiver) as unknown;
      },
    });
    expect(describeData(huge)).to.equal(`[${'7,'.repeat(38)}...`);
    expect(reads, 'elements read').to.be.at.most(41);
    expect(describeData('x'.repeat(10_000_000))).to.equal(`"${'x'.repeat(76)}...`);
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(describeData(deep)).to.equal(`${'['.repeat(77)}...`);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(describeData(cyclic))
      .to.have.length(80)
      .and.match(/^\{"name":"loop","self":\{"name":"loop","self":/);
    const hostile = Object.defineProperty({}, 'bad', {
      enumerable: true,
      get: () => {
        throw new Error('no');
      },
    });
    expect(describeData(hostile)).to.equal('[object Object]');
  });

  it("is what the library's typed errors show, never a TypeError or a NaN shown as null", () => {
    expect(() => nn.Linear.create(NaN, 2)).to.throw(ArgumentError, 'Linear.create: inFeatures must be a positive integer, got NaN');
    expect(() => nn.Linear.create(4n as never, 2)).to.throw(ArgumentError, 'got 4n');
    expect(() => nn.Dropout.create(Infinity)).to.throw(ArgumentError, 'rate must be in [0, 1), got Infinity');
    expect(() => nn.generateSquareSubsequentMask(Symbol('n') as never)).to.throw(ArgumentError, 'got Symbol(n)');
    expect(() => wrapKeyData(new Array(1e6).fill(1) as never)).to.throw(RandomError, /got \[1,1,1,.*\.\.\.$/);
    return setBackend((() => 'cpu') as never).then(
      () => expect.fail('setBackend accepted a function'),
      (e: unknown) => {
        expect(e).to.be.instanceOf(BackendError);
        expect((e as BackendError).actual).to.equal('a function');
      },
    );
  });
});
