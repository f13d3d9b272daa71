/**
 * `parallax-ts/testing`: property-based tests for your own modules, on fast-check (an optional peer
 * dependency: install it beside parallax-ts to use this entry point).
 *
 * - **Arbitraries** — {@link leavesOf}`(module, leafArb)`: modules of your module's shape with
 *   generated leaves; {@link initializedOf}`(module, { min, max })`: initialized modules with
 *   generated float32 tensors of each leaf's shape (the property owns and disposes them).
 * - **Laws** — {@link checkFunctorLaws}, {@link checkFoldableLaws}, {@link checkTraversableLaws},
 *   {@link checkModuleLaws}: Functor (identity, composition), Foldable (`reduce`, `reduceRight`,
 *   `foldMap` agree with the leaves in order) and Traversable (identity, composition, naturality
 *   and `sequence`, in Option, Either, Array and State) with arbitrary functions (`fc.func`), which
 *   see every argument they receive — an instance passing callbacks an extra argument fails. The
 *   laws run on a module's shape with generated leaves, or on an arbitrary of modules; each law is
 *   also a value ({@link functorLaws}, …) to run on its own.
 * - **Suites** — {@link describeModuleLaws}`(name, module)`: one `it` per law, under the test
 *   runner's global `describe`/`it` (mocha; the library imports no test framework).
 * - **Counterexamples** — a failing law throws a {@link LawError} whose message prints the module
 *   through `Show` (nesting, paths, leaf values) and both sides of the law; generated functions are
 *   named, never printed as source; the fast-check `{ seed, path }` replays the run. Generated
 *   modules print the same way in your own `fc.assert` failures ({@link printable}).
 *
 * @example
 * import { defineModule, nn, submodule, tf } from 'parallax-ts'
 * import { describeModuleLaws } from 'parallax-ts/testing'
 * const Residual = defineModule('my-app/Residual', {
 *   name: 'Residual',
 *   fields: { norm: submodule(nn.LayerNorm), up: submodule(nn.Linear), down: submodule(nn.Linear), drop: submodule(nn.Dropout) },
 *   create: (d: number) => ({ norm: nn.LayerNorm.create(d), up: nn.Linear.create(d, 4 * d), down: nn.Linear.create(4 * d, d), drop: nn.Dropout.create(0.1) }),
 *   forward: (m, x: tf.Tensor) => tf.add(x, nn.Dropout.forward(m.drop, nn.Linear.forward(m.down, tf.relu(nn.Linear.forward(m.up, nn.LayerNorm.forward(m.norm, x)))))),
 * })
 * describeModuleLaws('Residual', Residual.create(8)) // in a mocha test file: 22 laws, each an `it`
 *
 * @since 0.2.0
 */
export { initializedOf, leavesOf, type TensorBounds } from './arbitraries.js';
export {
  checkFoldableLaws,
  checkFunctorLaws,
  checkModuleLaws,
  checkTraversableLaws,
  type FoldableUnderTest,
  foldableLaws,
  type FunctorUnderTest,
  functorLaws,
  type Law,
  type LawOptions,
  type LawParameters,
  type LawSubject,
  moduleLaws,
  type TraversableUnderTest,
  traversableLaws,
  type TypeClass,
} from './laws.js';
export { counterexampleShow, describeValue, LawError, printable } from './report.js';
export { describeModuleLaws, type SuiteOptions } from './suite.js';
