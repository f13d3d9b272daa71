/**
 * How a function compiles itself under `compile` (src/compile/compile.ts) without its own layer
 * depending on compile: `compile(f)` hands `f[compileSelf]` a `compilePart` function, and `f`
 * returns itself rebuilt around the parts it had compiled. `optim.trainStep`'s step does this:
 * its tensor part is recorded and replayed, its host part (keys, the step count, reading metrics)
 * stays in JavaScript. The protocol lives here, below both, so that optim does not import compile
 * (nor carry it into a bundle that never compiles).
 *
 * @since 0.2.0
 */

/**
 * The key of a function's self-compilation: `compile` calls `f[compileSelf](compilePart)` instead
 * of recording `f` whole.
 *
 * @example
 * import { compileSelf } from 'parallax-ts'
 * typeof compileSelf // 'symbol'
 * @category model
 * @since 0.2.0
 */
export const compileSelf: unique symbol = Symbol.for('parallax-ts/compileSelf') as never;

/**
 * Compiles one function with the options `compile` was given: the compiled function, and the
 * members (`stats`, `dispose`) to attach to the self-compiled result.
 *
 * @example
 * import type { CompilePart } from 'parallax-ts/engine'
 * const identity: CompilePart<{}> = (g) => [g, {}]
 * @category model
 * @since 0.2.0
 */
export type CompilePart<X> = <G extends (...args: never[]) => unknown>(g: G) => readonly [compiled: G, members: X];

/**
 * A function that compiles itself: given `compilePart`, it returns itself rebuilt around the parts
 * it compiled, with their members attached.
 *
 * @example
 * import { type CompilePart, compileSelf, type SelfCompiling } from 'parallax-ts/engine'
 * const double = (x: number) => 2 * x
 * const f: typeof double & SelfCompiling = Object.assign(double, {
 *   [compileSelf]: <X extends object>(compilePart: CompilePart<X>) => {
 *     const [compiled, members] = compilePart(double)
 *     return Object.assign((x: number) => compiled(x), members)
 *   },
 * })
 * @category model
 * @since 0.2.0
 */
export interface SelfCompiling {
  readonly [compileSelf]: <X extends object>(compilePart: CompilePart<X>) => unknown;
}

/**
 * Whether `f` compiles itself.
 *
 * @example
 * import { isSelfCompiling } from 'parallax-ts/engine'
 * isSelfCompiling((x: number) => x) // false
 * @category model
 * @since 0.2.0
 */
export const isSelfCompiling = (f: unknown): f is SelfCompiling =>
  typeof f === 'function' && typeof (f as unknown as Record<symbol, unknown>)[compileSelf] === 'function';
