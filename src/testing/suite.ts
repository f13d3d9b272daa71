/**
 * A module's law suite as test cases of the running test framework (mocha, or any runner with
 * global `describe` / `it`: jest, vitest with `globals: true`). The library does not import a test
 * framework: the globals are looked up when the suite is declared.
 *
 * @since 0.2.0
 */
import { type LawOptions, type LawSubject, moduleLaws, type TypeClass } from './laws.js';

interface TestGlobals {
  readonly describe: (title: string, body: () => void) => unknown;
  readonly it: (title: string, body: () => void) => unknown;
}

const testGlobals = (fn: string): TestGlobals => {
  const g = globalThis as { readonly describe?: unknown; readonly it?: unknown };
  if (typeof g.describe !== 'function' || typeof g.it !== 'function') {
    throw new Error(
      `${fn}: no global describe/it; call it in a test file run by mocha (or another runner with those globals), ` +
        'or run checkModuleLaws(...) inside a test of your own',
    );
  }
  return g as TestGlobals;
};

/** Options of {@link describeModuleLaws}. @category model @since 0.2.0 */
export interface SuiteOptions<A = number> extends LawOptions<A> {
  /** The type classes whose laws to declare; default all three. */
  readonly typeClasses?: ReadonlyArray<TypeClass>;
}

/**
 * Declares `describe(name + ': module laws')` with one `describe` per type class (Functor,
 * Foldable, Traversable) and one `it` per law; a failing law's message prints the counterexample
 * module through `Show`. Call it where `describe` is allowed (top level or inside a `describe`).
 * @example
 * import { nn } from 'parallax-ts'
 * import { describeModuleLaws } from 'parallax-ts/testing'
 * describeModuleLaws('Linear', nn.Linear.create(3, 2))
 * describeModuleLaws('Sequential', nn.Sequential.create([nn.Linear.create(3, 4), nn.Dropout.create(0.1)]), { parameters: { numRuns: 50 } })
 * @category suites
 * @since 0.2.0
 */
export const describeModuleLaws = <A = number>(name: string, subject: LawSubject<A>, options: SuiteOptions<A> = {}): void => {
  const t = testGlobals('describeModuleLaws');
  const laws = moduleLaws(subject, options);
  const typeClasses = options.typeClasses ?? ['Functor', 'Foldable', 'Traversable'];
  t.describe(`${name}: module laws`, () => {
    for (const typeClass of typeClasses) {
      t.describe(typeClass, () => {
        for (const l of laws.filter((x) => x.typeClass === typeClass)) t.it(l.name, () => l.check());
      });
    }
  });
};
