/**
 * Host work a compiled step can replay: what the library's own optimizers, samplers, losses and
 * layers use so that `compile` redoes their JavaScript computations with each call's values, for
 * your own optimizers, samplers and checks. Outside a recording each is the plain computation.
 *
 * @since 0.2.0
 */
import { tf } from '../engine/backend.js';
import { fieldScalar, hostMapTensor, readTensors, sampledTensor, withDerivedField } from '../engine/trace.js';
import type { PRNGKey } from '../random/PRNGKey.js';

type Tensor = tf.Tensor;
type Values = tf.backend_util.BackendValues;

/**
 * A float32 scalar computed from the number `state[field]` (a step counter); a compiled step
 * computes it again from each call's `state`, which must be among the step's arguments. Use it with
 * {@link advanceCounter} in an optimizer whose state counts updates.
 * @example
 * import { counterScalar, advanceCounter } from 'parallax-ts/compile'
 * import { tf } from 'parallax-ts'
 * const state = { count: 3 }
 * const correction = counterScalar(state, 'count', (n) => 1 - 0.9 ** (n + 1)) // a scalar tensor
 * const next = advanceCounter({ count: state.count + 1 }, 'count', state) // { count: 4 }
 * @category host work
 * @since 0.2.0
 */
export const counterScalar = <O extends object>(state: O, field: keyof O & string, compute: (n: number) => number): Tensor =>
  fieldScalar(state, field, compute, (v) => tf.scalar(v));

/**
 * Marks `next[field]` as `state[field] + step` (the default step is 1) and returns `next`: a compiled
 * step then returns each call's next count instead of the recorded one.
 * @example
 * import { advanceCounter } from 'parallax-ts/compile'
 * const state = { count: 0 }
 * const next = advanceCounter({ count: state.count + 1 }, 'count', state) // next.count === 1
 * @category host work
 * @since 0.2.0
 */
export const advanceCounter = <O extends object>(next: O, field: keyof O & string, state: object, step = 1): O =>
  withDerivedField(next, field, state, field, (n) => n + step);

/**
 * Runs `check` on the values of `tensors` (validation that throws on bad data); a compiled step
 * reads them and checks again at every call.
 * @example
 * import { checkValues } from 'parallax-ts/compile'
 * import { tf } from 'parallax-ts'
 * checkValues([tf.tensor1d([1, 2])], ([v]) => {
 *   if ((v as Float32Array).some((x) => x < 0)) throw new RangeError('negative')
 * })
 * @category host work
 * @since 0.2.0
 */
export const checkValues = (tensors: ReadonlyArray<Tensor>, check: (values: ReadonlyArray<Values>) => void): void =>
  readTensors('check', tensors, check);

/**
 * A decision taken from the values of `tensors`; a compiled step takes it again at every call and,
 * when it differs from the recorded one, runs the step uncompiled for that call. Keep the result
 * small (a boolean, a string).
 * @example
 * import { decideOnValues } from 'parallax-ts/compile'
 * import { tf } from 'parallax-ts'
 * const empty = decideOnValues([tf.scalar(0)], ([v]) => v![0] === 0) // true
 * @category host work
 * @since 0.2.0
 */
export const decideOnValues = <R>(tensors: ReadonlyArray<Tensor>, decide: (values: ReadonlyArray<Values>) => R): R =>
  readTensors('branch', tensors, decide);

/**
 * A tensor of `shape` and `dtype` computed in JavaScript from the values of `tensors`; a compiled
 * step computes it again from each call's values.
 * @example
 * import { hostTensor } from 'parallax-ts/compile'
 * import { tf } from 'parallax-ts'
 * const reversed = hostTensor([tf.tensor1d([1, 2, 3])], ([v]) => Float32Array.from(v as Float32Array).reverse(), [3], 'float32')
 * @category host work
 * @since 0.2.0
 */
export const hostTensor = (
  tensors: ReadonlyArray<Tensor>,
  compute: (values: ReadonlyArray<Values>) => Values,
  shape: ReadonlyArray<number>,
  dtype: 'float32' | 'int32' | 'bool',
): Tensor => hostMapTensor(tensors, compute, (v) => tf.tensor(v as Float32Array, [...shape], dtype));

/**
 * A tensor generated in JavaScript from a random key (a sampler of your own); a compiled step
 * generates it again from each call's key, derived as the step derives it.
 * @example
 * import { keyedTensor } from 'parallax-ts/compile'
 * import { random } from 'parallax-ts'
 * const coin = keyedTensor(random.key(0), (k) => Int32Array.from(random.bits(k, [4]), (b) => b & 1), [4], 'int32')
 * @category host work
 * @since 0.2.0
 */
export const keyedTensor = (
  key: PRNGKey,
  generate: (key: PRNGKey) => Values,
  shape: ReadonlyArray<number>,
  dtype: 'float32' | 'int32' | 'bool',
): Tensor => sampledTensor(key, generate, (v) => tf.tensor(v as Float32Array, [...shape], dtype));
