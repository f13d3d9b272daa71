/**
 * describeModuleLaws declares its cases through the test runner's globals, looked up when called;
 * the check functions run the same laws outside any runner.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { Dropout } from '../../src/nn/Dropout.js';
import { Linear } from '../../src/nn/Linear.js';
import { Sequential } from '../../src/nn/Sequential.js';
import {
  checkFoldableLaws,
  checkFunctorLaws,
  checkModuleLaws,
  checkTraversableLaws,
  describeModuleLaws,
  LawError,
  moduleLaws,
} from '../../src/testing/index.js';
import { ArgumentError, Functor, mapModuleWithInfo } from '../../src/tree/index.js';

type Body = () => void;
interface Declared {
  readonly suites: string[];
  readonly cases: Array<{ readonly title: string; readonly body: Body }>;
}

/** Runs `declare` with recording stand-ins for the global describe/it, then puts mocha's back. */
const withRecordingGlobals = (declare: () => void): Declared => {
  const g = globalThis as Record<string, unknown>;
  const saved = { describe: g.describe, it: g.it };
  const declared: Declared = { suites: [], cases: [] };
  const path: string[] = [];
  g.describe = (title: string, body: Body) => {
    path.push(title);
    declared.suites.push(path.join(' / '));
    body();
    path.pop();
  };
  g.it = (title: string, body: Body) => declared.cases.push({ title: [...path, title].join(' / '), body });
  try {
    declare();
  } finally {
    g.describe = saved.describe;
    g.it = saved.it;
  }
  return declared;
};

describe('describeModuleLaws', () => {
  it('declares one describe per type class and one it per law, under the name', () => {
    const declared = withRecordingGlobals(() => describeModuleLaws('Linear', Linear.create(2, 3)));
    expect(declared.suites).to.deep.equal([
      'Linear: module laws',
      'Linear: module laws / Functor',
      'Linear: module laws / Foldable',
      'Linear: module laws / Traversable',
    ]);
    const laws = moduleLaws(Linear.create(2, 3));
    expect(laws).to.have.length(22);
    expect(declared.cases.map((c) => c.title)).to.deep.equal(laws.map((l) => `Linear: module laws / ${l.typeClass} / ${l.name}`));
    expect(declared.cases.filter((c) => c.title.includes('/ Functor /'))).to.have.length(3);
    expect(declared.cases.filter((c) => c.title.includes('/ Foldable /'))).to.have.length(4);
    expect(declared.cases.filter((c) => c.title.includes('/ Traversable /'))).to.have.length(15);
    for (const c of declared.cases) c.body();
  });

  it('declares only the chosen type classes, and its cases fail with a LawError for a lawless instance', () => {
    const lawless = { ...Functor, map: (fa: never, f: (a: unknown, i: unknown) => unknown) => mapModuleWithInfo(fa, (i, a) => f(a, i)) };
    const declared = withRecordingGlobals(() =>
      describeModuleLaws('lawless', Linear.create(2, 3), {
        typeClasses: ['Functor'],
        instances: { Functor: lawless },
        parameters: { seed: 1 },
      }),
    );
    expect(declared.suites).to.deep.equal(['lawless: module laws', 'lawless: module laws / Functor']);
    const composition = declared.cases.find((c) => c.title.includes('composition'))!;
    expect(composition.body).to.throw(LawError, /Functor composition/);
  });

  it('without global describe/it it says what to do instead', () => {
    const g = globalThis as Record<string, unknown>;
    const saved = g.describe;
    delete g.describe;
    try {
      expect(() => describeModuleLaws('Linear', Linear.create(2, 3))).to.throw(
        /describeModuleLaws: no global describe\/it.*checkModuleLaws/,
      );
    } finally {
      g.describe = saved;
    }
  });
});

describe('check…Laws', () => {
  it("an option they do not take (fast-check's numRuns at the top level) is refused, pointing at parameters", () => {
    expect(() => checkModuleLaws(Linear.create(2, 2), { numRuns: 5 } as never)).to.throw(
      ArgumentError,
      'law checks: unknown option "numRuns"; the options are leaves, instances, parameters, maxBranchingLeaves, typeClasses ' +
        "(fast-check's own, such as numRuns or seed, go in parameters: { numRuns: 50 })",
    );
    expect(() => checkFunctorLaws(Linear.create(2, 2), null as never)).to.throw(
      ArgumentError,
      'law checks: options must be an object, got null',
    );
    expect(() => checkModuleLaws(Linear.create(2, 2), { parameters: { numRuns: 5 } })).not.to.throw();
  });

  it('run outside any describe: the library’s instances pass on built-in layers', () => {
    const net = Sequential.create([Linear.create(3, 4), Dropout.create(0.5), Linear.create(4, 1)]);
    checkFunctorLaws(net, { parameters: { numRuns: 30 } });
    checkFoldableLaws(net, { parameters: { numRuns: 30 } });
    checkTraversableLaws(net, { parameters: { numRuns: 30 } });
  });

  it('a definition’s own instances are accepted as they are', () => {
    checkModuleLaws(Linear.create(2, 2), { instances: Linear, parameters: { numRuns: 20 } });
  });

  it('other leaf types: the generated functions take whatever the leaves are', () => {
    checkModuleLaws(Linear.create(2, 2), { leaves: fc.string({ maxLength: 4 }), parameters: { numRuns: 20 } });
    checkModuleLaws(Linear.create(2, 2), { leaves: fc.array(fc.option(fc.boolean()), { maxLength: 2 }), parameters: { numRuns: 20 } });
  });
});
